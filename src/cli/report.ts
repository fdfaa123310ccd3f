/**
 * What the CLI says about a run, built the same way from a live run and from a run file, so
 * `sort --save` and `open` print identical stats.
 */
import type {
  ParallelSumRequest,
  ParallelSumResult,
  SleepSortRequest,
  SleepSortResult,
  TimingMode,
} from '../shared/api'
import { attributeColumns, causeCounts, explainRun, type Cause } from '../shared/attribution'
import type { EventColumns } from '../shared/columns'
import { buildThreadTable } from '../shared/threads'

export interface SortReport {
  experiment: 'sleep-sort'
  input: number[]
  output: number[]
  sorted: boolean
  misplaced: number
  inversions: number
  latenessNs: SleepSortResult['latenessNs']
  lockWaitNs: SleepSortResult['lockWaitNs']
  wallMs: number
  threads: number
  mode: TimingMode
  unitMs: number
  shift: number
  cancelled: boolean
  eventCount: number
  runId: number
  /** the plain-words explanation when the order is wrong (null when sorted) */
  explanation: string | null
  /** misplaced values per cause (null when sorted) */
  causes: Record<Cause, number> | null
}

export { sleepSortResult as toSortResult, parallelSumResult as toSumResult } from '../service/results'

export function sortReport(request: SleepSortRequest, result: SleepSortResult, events: EventColumns): SortReport {
  let explanation: string | null = null
  let causes: Record<Cause, number> | null = null
  if (!result.sorted && events.length === 0) {
    explanation = `${result.misplaced} of ${result.output.length} values out of place (no events were recorded, so the causes are unknown).`
  } else if (!result.sorted) {
    const table = buildThreadTable(events, Math.max(result.threads, request.values.length))
    const input = {
      values: request.values,
      shift: result.shift,
      unitMs: result.unitMs,
      mode: result.mode,
      output: result.output,
      table,
    }
    const attributions = attributeColumns(input)
    explanation = explainRun(input, attributions)
    causes = causeCounts(attributions)
  }
  return {
    experiment: 'sleep-sort',
    input: request.values,
    output: result.output,
    sorted: result.sorted,
    misplaced: result.misplaced,
    inversions: result.inversions,
    latenessNs: result.latenessNs,
    lockWaitNs: result.lockWaitNs,
    wallMs: result.wallMs,
    threads: result.threads,
    mode: result.mode,
    unitMs: result.unitMs,
    shift: result.shift,
    cancelled: result.cancelled,
    eventCount: result.eventCount,
    runId: result.runId,
    explanation,
    causes,
  }
}

export interface SumReport {
  experiment: 'parallel-sum'
  /** exact decimal text */
  sum: string
  kind: 'integer' | 'decimal'
  exact: boolean
  partials: string[]
  chunkSizes: number[]
  threads: number
  wallMs: number
  unitMs: number
  values: number
  cancelled: boolean
  eventCount: number
  runId: number
}

export function sumReport(request: ParallelSumRequest, result: ParallelSumResult): SumReport {
  return {
    experiment: 'parallel-sum',
    sum: result.sum,
    kind: result.kind,
    exact: result.exact,
    partials: result.partials,
    chunkSizes: result.chunkSizes,
    threads: result.threads,
    wallMs: result.wallMs,
    unitMs: request.unitMs ?? 0,
    values: request.values.length,
    cancelled: result.cancelled,
    eventCount: result.eventCount,
    runId: result.runId,
  }
}
