/**
 * The addon's results in the contract's shapes (src/shared/api.ts): plain JSON, sums as exact
 * text. The run service and the CLI both report runs this way.
 */
import type { ParallelSumResult, SleepSortResult, TimingMode } from '../shared/api'
import type { EngineSleepSortResult, EngineSumResult } from './addon'

export function sleepSortResult(r: EngineSleepSortResult): SleepSortResult {
  return {
    experiment: 'sleep-sort',
    runId: r.runId,
    output: Array.from(r.output, Number),
    sorted: r.sorted,
    misplaced: r.misplaced,
    inversions: r.inversions,
    latenessNs: { p50: r.latenessNs.p50, p99: r.latenessNs.p99, max: r.latenessNs.max },
    lockWaitNs: { p50: r.lockWaitNs.p50, p99: r.lockWaitNs.p99, max: r.lockWaitNs.max },
    wallMs: r.wallMs,
    threads: r.threads,
    mode: r.mode as TimingMode,
    unitMs: r.unitMs,
    shift: r.shift,
    cancelled: r.cancelled,
    eventCount: r.eventCount,
  }
}

export function parallelSumResult(r: EngineSumResult): ParallelSumResult {
  return {
    experiment: 'parallel-sum',
    runId: r.runId,
    sum: r.sumText,
    kind: r.kind === 'integer' ? 'integer' : 'decimal',
    partials: [...r.partialTexts],
    threads: r.threads,
    chunkSizes: Array.from(r.chunkSizes, Number),
    wallMs: r.wallMs,
    exact: r.exact,
    cancelled: r.cancelled,
    eventCount: r.eventCount,
  }
}
