/**
 * "Honest measurement": what shapes the numbers on this machine, measured through the same Engine
 * the run service uses (src/service/addon.ts), in about a second. The figures' pure arithmetic lives
 * in src/shared/machineFigures.ts (medianGapNs, recordingCostNsPerEvent, latenessFigures), where it is
 * unit-tested and where the renderer reads the MachineFigures type.
 *
 * - recording cost: the same classic run of `threads` zeros with recording on and off, alternated
 *   `repeats` times after one warm-up run; the fastest wall of each side (the least disturbed), then
 *   (wallOn − wallOff) / events, clamped at 0.
 * - spawn time per thread: the median gap between consecutive `spawned` instants of the recorded
 *   classic runs (the seed's spawner starts threads one after another), median over the runs.
 * - empty-sleep lateness: `sleeps` scheduled runs of the single value 0: the one thread sleeps to
 *   the run's epoch (an absolute deadline, 1 ns slack) with nothing else due at that instant, so
 *   its lateness is the timer's alone. (A run of many equal values measures something else: all of
 *   them wake at one instant on one CPU, so lateness grows with each thread's place in that queue.)
 */
import type { Engine, EngineSleepSortOptions, EngineSleepSortResult } from './addon'
import { EventColumns } from '../shared/columns'
import {
  latenessFigures,
  median,
  medianGapNs,
  recordingCostNsPerEvent,
  type MachineFigures,
} from '../shared/machineFigures'
import { buildThreadTable } from '../shared/threads'

export interface MeasureOptions {
  /** threads of the classic runs (spawn time, recording cost); default 500 */
  threads?: number
  /** recorded / unrecorded pairs; default 5 */
  repeats?: number
  /** single-thread runs for the empty-sleep lateness; default 60 */
  sleeps?: number
  /** histogram bins of the lateness; default 20 */
  bins?: number
  /** stops between runs (rejects with code E_CANCELLED) */
  signal?: AbortSignal
}

interface Ran {
  result: EngineSleepSortResult
  batches: Float64Array[]
}

async function runOnce(engine: Engine, values: number[], options: EngineSleepSortOptions): Promise<Ran> {
  const batches: Float64Array[] = []
  const run = engine.startSleepSort(values, options, (b) => {
    if (options.recordEvents) batches.push(b)
  })
  return { result: await run.result(), batches }
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw Object.assign(new Error('measurement cancelled'), { code: 'E_CANCELLED' })
}

export async function measureMachine(engine: Engine, options: MeasureOptions = {}): Promise<MachineFigures> {
  const threads = options.threads ?? 500
  const repeats = options.repeats ?? 5
  const sleeps = options.sleeps ?? 60
  const { signal } = options
  const t0 = performance.now()
  const caps = engine.capabilities()
  const busy = engine.activeRuns()

  // recording on vs off, and spawn gaps from the recorded runs
  const zeros = new Array<number>(threads).fill(0)
  const classic = (recordEvents: boolean): EngineSleepSortOptions => ({ unitMs: 1, mode: 'classic', recordEvents })
  checkAbort(signal)
  await runOnce(engine, zeros, classic(false)) // warm-up: thread stacks, page faults, caches
  const wallsOn: number[] = []
  const wallsOff: number[] = []
  const spawnGaps: number[] = []
  let events = 0
  for (let i = 0; i < repeats; i++) {
    for (const record of i % 2 ? [false, true] : [true, false]) {
      checkAbort(signal)
      const { result, batches } = await runOnce(engine, zeros, classic(record))
      if (!record) {
        wallsOff.push(result.wallMs)
        continue
      }
      wallsOn.push(result.wallMs)
      events = Math.max(events, result.eventCount)
      const table = buildThreadTable(EventColumns.fromBatches(batches), result.threads)
      spawnGaps.push(medianGapNs(table.spawned))
    }
  }
  const wallOn = Math.min(...wallsOn)
  const wallOff = Math.min(...wallsOff)

  // empty sleeps
  const lateness = new Float64Array(sleeps).fill(NaN)
  for (let i = 0; i < sleeps; i++) {
    checkAbort(signal)
    const { result } = await runOnce(engine, [0], { unitMs: 1, mode: 'scheduled', recordEvents: false })
    lateness[i] = result.latenessNs.max
  }

  const method =
    `recording cost: the fastest of ${repeats} classic runs of ${threads} zeros with recording on vs off; ` +
    `spawn: median gap between spawned instants of those runs; ` +
    `empty sleep: ${sleeps} scheduled single-thread runs of the value 0 (a lone sleep to an absolute deadline, 1 ns slack)` +
    (busy ? `; ${busy} other run(s) were active during the measurement` : '')

  return {
    cpus: caps.cpus,
    os: caps.os,
    timerSlackNs: caps.timerSlackNs,
    realtime: caps.realtime.allowed ? { allowed: true } : { allowed: false, reason: caps.realtime.reason },
    recordingCostNsPerEvent: recordingCostNsPerEvent(wallOn, wallOff, events),
    recordingWallOnMs: wallOn,
    recordingWallOffMs: wallOff,
    recordingEvents: events,
    spawnNsPerThread: median(spawnGaps),
    spawnThreads: threads,
    emptySleepLatenessNs: latenessFigures(lateness, options.bins ?? 20),
    method,
    tookMs: performance.now() - t0,
  }
}
