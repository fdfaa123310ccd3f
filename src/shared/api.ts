/**
 * The contract between the renderer and whichever host runs it (Electron preload or the web
 * host's WebSocket client). One request map, one status union; every side takes its types here.
 */
export type TimingMode = 'classic' | 'scheduled' | 'realtime'
export const TIMING_MODES: readonly TimingMode[] = ['classic', 'scheduled', 'realtime']

export type Experiment = 'sleep-sort' | 'parallel-sum'
export const EXPERIMENTS: readonly Experiment[] = ['sleep-sort', 'parallel-sum']

export interface SleepSortRequest {
  experiment: 'sleep-sort'
  values: number[]
  mode: TimingMode
  /** time per unit of value, ms */
  unitMs: number
  /** false to measure the engine without instrumentation; default true */
  recordEvents?: boolean
  /** cancel an active run instead of failing with E_BUSY */
  replace?: boolean
}

export interface ParallelSumRequest {
  experiment: 'parallel-sum'
  values: number[]
  /** worker threads; default: the machine's cores */
  threads?: number
  /** artificial delay per element, ms (0 = full speed) so people can watch the work being shared */
  unitMs?: number
  replace?: boolean
}

export type RunRequest = SleepSortRequest | ParallelSumRequest

export interface RunSummary {
  experiment: Experiment
  values: number
  mode?: TimingMode
  unitMs?: number
  threads?: number
}

export function summarizeRequest(request: RunRequest): RunSummary {
  return request.experiment === 'sleep-sort'
    ? { experiment: request.experiment, values: request.values.length, mode: request.mode, unitMs: request.unitMs }
    : {
        experiment: request.experiment,
        values: request.values.length,
        threads: request.threads,
        unitMs: request.unitMs,
      }
}

export interface Percentiles {
  p50: number
  p99: number
  max: number
}

/** Mirrors the addon's sleep-sort result (all durations in ns unless named otherwise). */
export interface SleepSortResult {
  experiment: 'sleep-sort'
  runId: number
  output: number[]
  sorted: boolean
  misplaced: number
  inversions: number
  latenessNs: Percentiles
  lockWaitNs: Percentiles
  wallMs: number
  threads: number
  mode: TimingMode
  unitMs: number
  /** added to every value so the smallest sleeps 0 (0 when no value was negative) */
  shift: number
  cancelled: boolean
  eventCount: number
}

export interface ParallelSumResult {
  experiment: 'parallel-sum'
  runId: number
  /** exact decimal text of the sum (integers may exceed 2^53) */
  sum: string
  /** 'integer': exact i128 sum; 'decimal': Neumaier-compensated f64 sum */
  kind: 'integer' | 'decimal'
  partials: string[]
  threads: number
  chunkSizes: number[]
  wallMs: number
  exact: boolean
  cancelled: boolean
  eventCount: number
}

export type RunResult = SleepSortResult | ParallelSumResult

export interface ThreadlabErrorInfo {
  /** stable code, e.g. E_NOT_A_NUMBER, E_BUSY, E_REALTIME_DENIED */
  code: string
  message: string
  /** index of the offending value, when one value is at fault */
  position?: number
}

/**
 * The host process's thread budget: the sorting and summing threads of every run of every client
 * together (each run also holds its coordinator and collector) never exceed `budget`; a run that
 * would is refused with E_THREAD_BUDGET before any thread starts.
 */
export interface ThreadBudget {
  budget: number
  /** threads reserved by the runs active when capabilities() answered */
  inUse: number
  runs: number
  /** where the budget comes from (the machine's limits and the threads alive when the host started) */
  basis: string
}

export interface Capabilities {
  cpus: number
  os: string
  /** `reason` says why not, and how to allow it, when not allowed */
  realtime: { allowed: boolean; reason?: string }
  /** most values of one realtime run (one realtime run at a time per host) */
  realtimeMaxThreads: number
  timerSlackNs: number
  limits: import('./limits').Limits
  threadBudget: ThreadBudget
}

export type RunStatus =
  /** the request in brief: echoing its values would put a 10,000-value array on every slow client's queue */
  | { type: 'started'; runId: number; summary: RunSummary }
  | { type: 'progress'; runId: number; events: number; batches: number }
  | { type: 'finished'; runId: number; result: RunResult }
  | { type: 'failed'; runId: number; error: ThreadlabErrorInfo }
  /** the host dropped live batches for this client (slow reader); fetch the run's events to replay */
  | { type: 'missed'; runId: number; droppedBatches: number }

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ThreadlabErrorInfo }

/**
 * A file named on Electron's command line (`threadlab run.threadlab`, or a second `threadlab
 * numbers.txt` while the app is open): its bytes as main read them (size-capped), or why it could
 * not be read. `name` is the file's base name, never its path.
 */
export type OpenFileMessage = { name: string; bytes: Uint8Array } | { name: string; error: ThreadlabErrorInfo }

/** What the renderer's `window.threadlab` users get, under every host: derived from the method map. */
export type { ThreadlabApi } from './methods'
