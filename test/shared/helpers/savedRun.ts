/** A saved sleep-sort run made by the simulator, as the app would save it. */
import type { SleepSortResult } from '../../../src/shared/api'
import type { SavedRun } from '../../../src/shared/runfile'
import { latenessArray, lockWaitArray, orderStats, percentiles } from '../../../src/shared/stats'
import { simulateSleepSort } from './sim'

export const machine = { cpus: 2, os: 'linux 6.8 x64', timerSlackNs: 50_000, realtimeAllowed: false }

export function sleepRun(
  values: number[],
  extra: Partial<Parameters<typeof simulateSleepSort>[0]> = {},
  created = '2025-01-02T03:04:05.678Z',
): SavedRun & { result: SleepSortResult } {
  const sim = simulateSleepSort({ values, unitMs: 1, mode: 'scheduled', ...extra })
  const s = orderStats(sim.output, values)
  const result: SleepSortResult = {
    experiment: 'sleep-sort',
    runId: 7,
    output: sim.output,
    sorted: s.sorted,
    misplaced: s.misplaced,
    inversions: s.inversions,
    latenessNs: percentiles(latenessArray(sim.table)),
    lockWaitNs: percentiles(lockWaitArray(sim.table)),
    wallMs: 12.5,
    threads: values.length,
    mode: sim.mode,
    unitMs: sim.unitMs,
    shift: 0,
    cancelled: sim.output.length < values.length,
    eventCount: sim.cols.length,
  }
  return {
    request: { experiment: 'sleep-sort', values, mode: sim.mode, unitMs: sim.unitMs },
    result,
    machine,
    created,
    appVersion: '0.1.0',
    events: sim.cols,
  }
}
