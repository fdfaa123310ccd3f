/**
 * The renderer's one store: low-rate state only (input, capabilities, run phase and result,
 * playback settings, comparison), built from typed slices on zustand's vanilla `createStore` so it
 * is testable without React. Events never enter it: they live in RunData's typed arrays and the
 * controller copies a count into the store at most once a frame.
 */
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla'
import type {
  Capabilities,
  Experiment,
  RunRequest,
  RunResult,
  SleepSortResult,
  ThreadlabErrorInfo,
  TimingMode,
} from '../../shared/api'
import { LIMITS } from '../../shared/limits'
import { parseNumberList, type ParsedList } from '../../shared/parse'
import { formatUnitMs } from '../../shared/units'
import type { MachineFacts } from '../../shared/runfile'
import type { EventColumns } from '../../shared/columns'
import { diffSlice, type DiffSlice } from './diffSlice'
import { momentsSlice, type MomentsSlice } from './momentsSlice'
import { generatePreset, PRESETS, SEED_EXAMPLE, type PresetId, type Random } from './presets'

export const UNIT_MIN = LIMITS.minUnitMs
export const UNIT_MAX = LIMITS.maxUnitMs
export const DEFAULT_UNIT = 10
/** parallel sum: the unit is a delay per element, 0 = full speed */
export const SUM_UNIT_MIN = 0
export const DEFAULT_SUM_UNIT = 1
export const THREADS_MIN = 1
export const THREADS_MAX = LIMITS.maxThreads
export const SPEEDS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10] as const

// ── input ──────────────────────────────────────────────────────────────────────────────────────
export interface InputSlice {
  experiment: Experiment
  text: string
  parsed: ParsedList
  mode: TimingMode
  unitText: string
  unitMs: number
  /** null while the unit box holds something out of range */
  unitError: string | null
  preset: PresetId | 'custom'
  n: number
  maxValue: number
  /** parallel sum: the Threads box ('' until the machine's core count is known) */
  threadsText: string
  /** NaN while unknown (the host then uses its cores) */
  threads: number
  threadsError: string | null
  /** the user typed a thread count: capabilities no longer overwrite it */
  threadsTouched: boolean
  /** each experiment keeps its own unit text while the other is shown */
  unitTexts: Record<Experiment, string>
  setExperiment(experiment: Experiment): void
  setThreadsText(text: string): void
  setText(text: string): void
  setMode(mode: TimingMode): void
  setUnitText(text: string): void
  setN(n: number): void
  setMaxValue(max: number): void
  applyPreset(id: PresetId, random?: Random): void
}

export function checkUnit(
  text: string,
  experiment: Experiment = 'sleep-sort',
): { unitMs: number; error: string | null } {
  const v = Number(text)
  const min = experiment === 'parallel-sum' ? SUM_UNIT_MIN : UNIT_MIN
  if (text.trim() === '' || !Number.isFinite(v)) return { unitMs: NaN, error: 'Unit (ms) must be a number' }
  if (v < min || v > UNIT_MAX) {
    const ms = (x: number) => (x === 0 ? '0' : `${x} (${formatUnitMs(x)})`)
    return { unitMs: v, error: `Unit (ms) must be from ${ms(min)} to ${ms(UNIT_MAX)}, not ${text}` }
  }
  return { unitMs: v, error: null }
}

export function checkThreads(text: string): { threads: number; error: string | null } {
  if (text.trim() === '') return { threads: NaN, error: null }
  const v = Number(text)
  if (!Number.isInteger(v) || v < THREADS_MIN || v > THREADS_MAX) {
    return { threads: NaN, error: `Threads must be a whole number from ${THREADS_MIN} to ${THREADS_MAX}, not ${text}` }
  }
  return { threads: v, error: null }
}

/** The number list as the experiment reads it: a sum takes up to a million values of any size. */
export function parseFor(text: string, experiment: Experiment): ParsedList {
  return experiment === 'parallel-sum'
    ? parseNumberList(text, { maxValues: LIMITS.maxSumValues, maxMagnitude: Number.MAX_VALUE })
    : parseNumberList(text)
}

const inputSlice: StateCreator<AppState, [], [], InputSlice> = (set, get) => ({
  experiment: 'sleep-sort',
  text: SEED_EXAMPLE,
  parsed: parseNumberList(SEED_EXAMPLE),
  mode: 'scheduled',
  unitText: String(DEFAULT_UNIT),
  unitMs: DEFAULT_UNIT,
  unitError: null,
  preset: 'seed',
  n: 100,
  maxValue: 100,
  threadsText: '',
  threads: NaN,
  threadsError: null,
  threadsTouched: false,
  unitTexts: { 'sleep-sort': String(DEFAULT_UNIT), 'parallel-sum': String(DEFAULT_SUM_UNIT) },
  setExperiment: (experiment) => {
    const s = get()
    if (experiment === s.experiment) return
    const unitTexts = { ...s.unitTexts, [s.experiment]: s.unitText }
    const presetInfo = PRESETS.find((p) => p.id === s.preset)
    const preset = presetInfo && presetInfo.experiments.includes(experiment) ? s.preset : 'custom'
    set({ experiment, unitTexts, parsed: parseFor(s.text, experiment), preset })
    get().setUnitText(unitTexts[experiment])
  },
  setThreadsText: (threadsText) => {
    const { threads, error } = checkThreads(threadsText)
    set({ threadsText, threads, threadsError: error, threadsTouched: true })
  },
  setText: (text) => set((s) => ({ text, parsed: parseFor(text, s.experiment), preset: 'custom' })),
  setMode: (mode) => set({ mode }),
  setUnitText: (unitText) => {
    const { unitMs, error } = checkUnit(unitText, get().experiment)
    set({ unitText, unitError: error, ...(error ? {} : { unitMs }) })
  },
  setN: (n) => {
    set({ n })
    const { preset } = get()
    if (preset !== 'custom' && PRESETS.find((p) => p.id === preset)?.generated) get().applyPreset(preset)
  },
  setMaxValue: (maxValue) => {
    set({ maxValue })
    const p = get().preset
    if (p === 'random' || p === 'duplicates' || p === 'sum-decimals') get().applyPreset(p)
  },
  applyPreset: (id, random) => {
    const { n, maxValue, experiment } = get()
    const out = generatePreset(id, n, maxValue, random)
    set({ text: out.text, parsed: parseFor(out.text, experiment), preset: id })
    if (out.unitMs !== undefined) get().setUnitText(String(out.unitMs))
  },
})

// ── capabilities ───────────────────────────────────────────────────────────────────────────────
export interface CapsSlice {
  caps: Capabilities | null
  capsError: string | null
  setCaps(caps: Capabilities): void
  setCapsError(message: string): void
}

const capsSlice: StateCreator<AppState, [], [], CapsSlice> = (set, get) => ({
  caps: null,
  capsError: null,
  setCaps: (caps) => {
    set({ caps, capsError: null })
    if (!caps.realtime.allowed && get().mode === 'realtime') set({ mode: 'scheduled' })
    if (!get().threadsTouched) {
      const threads = Math.min(THREADS_MAX, Math.max(THREADS_MIN, Math.floor(caps.cpus) || 1))
      set({ threadsText: String(threads), threads, threadsError: null })
    }
  },
  setCapsError: (capsError) => set({ capsError }),
})

// ── run ────────────────────────────────────────────────────────────────────────────────────────
export type Phase = 'idle' | 'starting' | 'running' | 'finished' | 'cancelled' | 'failed'

/** Where the run on screen came from: made here, or opened from a .threadlab file. */
export type RunSource =
  | { kind: 'live'; created: string }
  | { kind: 'file'; name: string; created: string; machine: MachineFacts; appVersion: string }

export interface RunSlice {
  phase: Phase
  runId: number
  request: RunRequest | null
  result: RunResult | null
  error: ThreadlabErrorInfo | null
  source: RunSource | null
  /** the last run file that could not be opened (the run on screen stays as it was) */
  fileError: ThreadlabErrorInfo | null
  /** a message about the input shown after Run was pressed with a bad list */
  runAttemptError: string | null
  events: number
  missed: number
  /** bumped when RunData changed in a way React panels care about (start, finish, replace) */
  dataVersion: number
  runStarting(request: RunRequest, source?: RunSource): void
  runStarted(runId: number): void
  runProgress(events: number): void
  runMissed(dropped: number): void
  runFinished(result: RunResult, events: number): void
  runFailed(error: ThreadlabErrorInfo): void
  setRunAttemptError(message: string | null): void
  setFileError(error: ThreadlabErrorInfo | null): void
}

export function isActive(phase: Phase): boolean {
  return phase === 'starting' || phase === 'running'
}

const runSlice: StateCreator<AppState, [], [], RunSlice> = (set) => ({
  phase: 'idle',
  runId: -1,
  request: null,
  result: null,
  error: null,
  runAttemptError: null,
  events: 0,
  missed: 0,
  dataVersion: 0,
  source: null,
  fileError: null,
  runStarting: (request, source) =>
    set((s) => ({
      phase: 'starting',
      request,
      result: null,
      error: null,
      runAttemptError: null,
      fileError: null,
      events: 0,
      missed: 0,
      runId: -1,
      dataVersion: s.dataVersion + 1,
      highlight: null,
      playing: false,
      moments: null,
      momentGroups: [],
      sortFigures: null,
      momentCursor: -1,
      focusWorkers: null,
      diff: null,
      diffError: null,
      source: source ?? { kind: 'live', created: new Date().toISOString() },
    })),
  runStarted: (runId) => set((s) => (isActive(s.phase) ? { phase: 'running', runId } : {})),
  runProgress: (events) => set((s) => (s.events === events ? {} : { events })),
  runMissed: (dropped) => set((s) => ({ missed: s.missed + dropped })),
  runFinished: (result, events) =>
    set((s) => ({
      phase: result.cancelled ? 'cancelled' : 'finished',
      result,
      events,
      error: null,
      dataVersion: s.dataVersion + 1,
    })),
  runFailed: (error) => set((s) => ({ phase: 'failed', error, dataVersion: s.dataVersion + 1 })),
  setRunAttemptError: (runAttemptError) => set({ runAttemptError }),
  setFileError: (fileError) => set({ fileError }),
})

// ── playback and view ──────────────────────────────────────────────────────────────────────────
export interface HighlightRange {
  /** lateness range in ns, [lo, hi) */
  lo: number
  hi: number
  label: string
}

export interface PlaybackSlice {
  playing: boolean
  speed: number
  sortByValue: boolean
  highlight: HighlightRange | null
  setPlaying(playing: boolean): void
  setSpeed(speed: number): void
  setSortByValue(byValue: boolean): void
  setHighlight(h: HighlightRange | null): void
}

const playbackSlice: StateCreator<AppState, [], [], PlaybackSlice> = (set) => ({
  playing: false,
  speed: 0.1,
  sortByValue: true,
  highlight: null,
  setPlaying: (playing) => set({ playing }),
  setSpeed: (speed) => set({ speed: Math.min(10, Math.max(0.01, speed)) }),
  setSortByValue: (sortByValue) => set({ sortByValue }),
  setHighlight: (highlight) => set({ highlight }),
})

// ── comparison ─────────────────────────────────────────────────────────────────────────────────
export interface CompareEntry {
  mode: TimingMode
  status: 'waiting' | 'running' | 'done' | 'failed' | 'cancelled' | 'skipped'
  result?: SleepSortResult
  /** the mode's events, kept for the Diff view */
  events?: EventColumns
  error?: string
}

export interface CompareSlice {
  compare: { active: boolean; entries: CompareEntry[] } | null
  compareBegin(modes: TimingMode[], skipped: { mode: TimingMode; reason: string }[]): void
  compareUpdate(mode: TimingMode, patch: Partial<CompareEntry>): void
  compareEnd(): void
  compareClose(): void
}

const compareSlice: StateCreator<AppState, [], [], CompareSlice> = (set) => ({
  compare: null,
  compareBegin: (modes, skipped) =>
    set({
      compare: {
        active: true,
        entries: [
          ...modes.map((mode): CompareEntry => ({ mode, status: 'waiting' })),
          ...skipped.map(({ mode, reason }): CompareEntry => ({ mode, status: 'skipped', error: reason })),
        ],
      },
    }),
  compareUpdate: (mode, patch) =>
    set((s) =>
      s.compare
        ? {
            compare: {
              ...s.compare,
              entries: s.compare.entries.map((e) => (e.mode === mode ? { ...e, ...patch } : e)),
            },
          }
        : {},
    ),
  compareEnd: () =>
    set((s) =>
      s.compare
        ? {
            compare: {
              active: false,
              entries: s.compare.entries.map((e) =>
                e.status === 'waiting' || e.status === 'running' ? { ...e, status: 'cancelled' } : e,
              ),
            },
          }
        : {},
    ),
  compareClose: () => set({ compare: null }),
})

export type AppState = InputSlice & CapsSlice & RunSlice & PlaybackSlice & CompareSlice & MomentsSlice & DiffSlice
export type AppStore = StoreApi<AppState>

export function createAppStore(): AppStore {
  return createStore<AppState>()((...a) => ({
    ...inputSlice(...a),
    ...capsSlice(...a),
    ...runSlice(...a),
    ...playbackSlice(...a),
    ...compareSlice(...a),
    ...(momentsSlice as StateCreator<AppState, [], [], MomentsSlice>)(...a),
    ...(diffSlice as StateCreator<AppState, [], [], DiffSlice>)(...a),
  }))
}

/** The one line for the `alert` element: input problems first, then the run's own error. */
export function alertText(
  s: Pick<AppState, 'parsed' | 'unitError' | 'error' | 'runAttemptError' | 'capsError'> &
    Partial<Pick<AppState, 'threadsError' | 'fileError' | 'experiment'>>,
  describe: (p: ParsedList) => string,
): string {
  const parts: string[] = []
  const withCode = (e: ThreadlabErrorInfo) => (e.message.includes(e.code) ? e.message : `${e.message} (${e.code})`)
  if (s.fileError) parts.push(withCode(s.fileError))
  if (s.parsed.errors.length) parts.push(describe(s.parsed))
  if (s.unitError) parts.push(s.unitError)
  if (s.threadsError && s.experiment === 'parallel-sum') parts.push(s.threadsError)
  if (s.runAttemptError) parts.push(s.runAttemptError)
  if (s.error) parts.push(withCode(s.error))
  if (s.capsError) parts.push(s.capsError)
  // a broken connection answers every call with the same message: say it once
  return parts.filter((p, i) => parts.findIndex((q) => q === p || q.startsWith(p) || p.startsWith(q)) === i).join(' · ')
}

/**
 * A parallel sum's duration problem (values per thread × delay per element over the cap), or null.
 * `threads` NaN means the host's default (its cores).
 */
export function sumDurationError(
  count: number,
  threads: number,
  unitMs: number,
  cpus: number,
  maxDurationMs: number,
): string | null {
  if (!count || !Number.isFinite(unitMs) || unitMs <= 0) return null
  const workers = Math.max(1, Math.min(Number.isFinite(threads) ? threads : cpus || 1, count))
  const ms = Math.ceil(count / workers) * unitMs
  if (ms <= maxDurationMs) return null
  return `the sum would take ${formatMs(ms)} (values per thread × unit), more than the ${formatMs(maxDurationMs)} cap`
}

/** The run's total duration problem (largest shifted value × unit over the cap), or null. */
export function durationError(values: number[], unitMs: number, maxDurationMs: number): string | null {
  if (!values.length || !Number.isFinite(unitMs)) return null
  let lo = Infinity,
    hi = -Infinity
  for (const v of values) {
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  const ms = (hi - Math.min(0, lo)) * unitMs
  if (ms <= maxDurationMs) return null
  return `the longest sleep would be ${formatMs(ms)} (largest value × unit), more than the ${formatMs(maxDurationMs)} cap`
}

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toPrecision(3))} s`
  if (ms >= 1) return `${Number(ms.toPrecision(3))} ms`
  return `${Number((ms * 1000).toPrecision(3))} µs`
}
