/**
 * Run files and exports without the DOM: what a saved run holds, the names its downloads get,
 * which opened runs the renderer can show, and the per-chunk CSV of a parallel sum. The controller
 * encodes and decodes; views only turn the bytes into downloads.
 */
import type { Capabilities, RunRequest, RunResult } from '../../shared/api'
import type { EventColumns } from '../../shared/columns'
import { MAX_LIST_FILE_BYTES } from '../../shared/limits'
import {
  RUN_FILE_EXTENSION,
  RUN_FILE_LIMITS,
  RUN_FILE_MAGIC,
  type MachineFacts,
  type SavedRun,
} from '../../shared/runfile'
import { csvField } from '../../shared/trace'
import type { SumChunks } from './sumData'

/** The app's version as written into run files (kept equal to package.json by a test). */
export const APP_VERSION = '0.1.0'

/** The largest file the renderer reads as a run (the same cap as every other reader). */
export const RUN_FILE_MAX_BYTES = RUN_FILE_LIMITS.maxFileBytes

/** The largest file read as a number list. */
export const LIST_FILE_MAX_BYTES = MAX_LIST_FILE_BYTES

export function machineFacts(caps: Capabilities | null): MachineFacts {
  return caps
    ? { cpus: caps.cpus, os: caps.os, timerSlackNs: caps.timerSlackNs, realtimeAllowed: caps.realtime.allowed }
    : { cpus: 0, os: 'unknown', timerSlackNs: 0, realtimeAllowed: false }
}

export interface SaveInput {
  request: RunRequest
  result: RunResult | null
  events: EventColumns
  machine: MachineFacts
  created: string
  options?: Record<string, unknown>
}

export function savedRun(input: SaveInput): SavedRun {
  const run: SavedRun = {
    request: input.request,
    result: input.result,
    machine: input.machine,
    created: input.created,
    appVersion: APP_VERSION,
    events: input.events,
  }
  if (input.options) run.options = input.options
  return run
}

/**
 * `<experiment>-<mode>-<date>` for a run's downloads: the timing mode of a sleep sort, the thread
 * count of a sum, the run's creation time (UTC) as the date. Only [A-Za-z0-9._-] in it.
 */
export function runFileBase(request: RunRequest, result: RunResult | null, created: string): string {
  const mode =
    request.experiment === 'sleep-sort' ? request.mode : `${result?.threads ?? request.threads ?? 'auto'}-threads`
  const d = new Date(created)
  const date = Number.isNaN(d.getTime()) ? 'undated' : d.toISOString().slice(0, 19).replace('T', '_').replace(/:/g, '-')
  return `${request.experiment}-${mode}-${date}`.replace(/[^A-Za-z0-9._-]/g, '_')
}

export function runFileName(request: RunRequest, result: RunResult | null, created: string): string {
  return runFileBase(request, result, created) + RUN_FILE_EXTENSION
}

/** True when a dropped or chosen file should be opened as a run rather than read as a list. */
export function isRunFile(name: string, head?: Uint8Array): boolean {
  if (name.toLowerCase().endsWith(RUN_FILE_EXTENSION)) return true
  if (!head || head.length < RUN_FILE_MAGIC.length) return false
  for (let i = 0; i < RUN_FILE_MAGIC.length; i++) if (head[i] !== RUN_FILE_MAGIC.charCodeAt(i)) return false
  return true
}

/** Display settings saved with a run, read back only when they have the expected types. */
export interface ViewOptions {
  speed?: number
  sortByValue?: boolean
}

export function readViewOptions(options: Record<string, unknown> | undefined): ViewOptions {
  const out: ViewOptions = {}
  if (!options) return out
  if (typeof options.speed === 'number' && Number.isFinite(options.speed)) out.speed = options.speed
  if (typeof options.sortByValue === 'boolean') out.sortByValue = options.sortByValue
  return out
}

export const SUM_CSV_COLUMNS = [
  'chunk',
  'length',
  'start_ns',
  'done_ns',
  'duration_ns',
  'partial',
  'folded_ns',
  'running_total',
  'cancelled',
] as const

/**
 * Per-chunk CSV of a parallel sum: one row per chunk, times in ns since the epoch, the exact
 * partial text from the result when there is one (else the event's f64), CRLF line ends.
 */
export function sumCsv(sum: SumChunks, result: RunResult | null): string {
  const partials = result?.experiment === 'parallel-sum' ? result.partials : []
  const lines: string[] = [SUM_CSV_COLUMNS.join(',')]
  const totals = new Map<number, number>()
  for (const f of sum.folds) totals.set(f.chunk, f.total)
  for (let c = 0; c < sum.count; c++) {
    const partial = c < partials.length ? partials[c] : sum.partial[c]
    const row: (string | number | boolean)[] = [
      c,
      sum.length[c],
      sum.start[c],
      sum.done[c],
      sum.done[c] - sum.start[c],
      partial,
      sum.combined[c],
      totals.get(c) ?? NaN,
      !(sum.done[c] === sum.done[c]) && !!result?.cancelled,
    ]
    lines.push(row.map(csvField).join(','))
  }
  return lines.join('\r\n') + '\r\n'
}
