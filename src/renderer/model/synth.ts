/**
 * A synthetic sleep-sort run for the offline replay benchmark (`?bench=replay`) and tests: events
 * shaped like the engine's (spawned, sleep-start, woke, lock-wait, lock-acquired, pushed,
 * lock-released, exited) with spawn skew in classic mode, timer lateness with rare stalls, and a
 * serialised mutex. Deterministic for a seed. Never used by a normal run.
 */
import type { SleepSortResult, TimingMode } from '../../shared/api'
import { EventColumns } from '../../shared/columns'
import { EventKind } from '../../shared/events'
import { seededRandom } from '../../shared/seededRandom'
import { countInversions, countMisplaced, isSorted, percentiles } from '../../shared/stats'

export interface SynthRun {
  cols: EventColumns
  result: SleepSortResult
}

export function synthesizeRun(
  values: readonly number[],
  mode: TimingMode,
  unitMs: number,
  runId = 1,
  seed = 7,
): SynthRun {
  const rnd = seededRandom(seed)
  const n = values.length
  let lo = 0
  for (const v of values) if (v < lo) lo = v
  const shift = lo < 0 ? -lo : 0 // as the engine: never -0
  const unitNs = unitMs * 1e6
  const spawnCost = 30_000
  const classic = mode === 'classic'
  const spawn = new Float64Array(n)
  const sleepStart = new Float64Array(n)
  const deadline = new Float64Array(n)
  const woke = new Float64Array(n)
  for (let w = 0; w < n; w++) {
    spawn[w] = classic ? w * spawnCost : -(n - w) * spawnCost - 50_000
    sleepStart[w] = spawn[w] + 8_000 + rnd() * 4_000
    const base = classic ? sleepStart[w] : 0
    deadline[w] = base + (values[w] + shift) * unitNs
    const stall = rnd() < 0.01 ? 1e6 + rnd() * 3e6 : 0
    const late = mode === 'realtime' ? 20_000 + rnd() * 10_000 : -Math.log(1 - rnd()) * 60_000 + 5_000 + stall
    woke[w] = Math.max(deadline[w], sleepStart[w]) + late
  }
  // the mutex: threads get it in wake order, one at a time (~2 µs held, ~1 µs hand-off)
  const byWake = Array.from({ length: n }, (_, w) => w).sort((a, b) => woke[a] - woke[b] || a - b)
  if (mode === 'realtime') byWake.sort((a, b) => deadline[a] - deadline[b] || a - b)
  const lockWait = new Float64Array(n),
    acquired = new Float64Array(n),
    released = new Float64Array(n)
  let free = -Infinity
  byWake.forEach((w) => {
    lockWait[w] = woke[w] + 500
    acquired[w] = Math.max(lockWait[w] + 300, free + 1_000)
    released[w] = acquired[w] + 2_000
    free = released[w]
  })
  const end = free + 50_000
  const cols = new EventColumns(n * 8)
  const output = byWake.map((w) => values[w])
  const slotOf = new Int32Array(n)
  byWake.forEach((w, slot) => (slotOf[w] = slot))
  for (let w = 0; w < n; w++) {
    cols.push(EventKind.Spawned, w, spawn[w], 0)
    cols.push(EventKind.SleepStart, w, sleepStart[w], deadline[w])
    cols.push(EventKind.Woke, w, woke[w], deadline[w])
    cols.push(EventKind.LockWait, w, lockWait[w], 0)
    cols.push(EventKind.LockAcquired, w, acquired[w], 0)
    cols.push(EventKind.Pushed, w, acquired[w] + 1_000, slotOf[w])
    cols.push(EventKind.LockReleased, w, released[w], 0)
    cols.push(EventKind.Exited, w, classic ? released[w] + 3_000 : end, 0)
  }
  const sorted = cols.sortedByTime()
  const lateness = Array.from(woke, (t, w) => t - deadline[w])
  const waits = Array.from(acquired, (t, w) => t - lockWait[w])
  const result: SleepSortResult = {
    experiment: 'sleep-sort',
    runId,
    output,
    sorted: isSorted(output),
    misplaced: countMisplaced(output, values),
    inversions: countInversions(output),
    latenessNs: percentiles(lateness),
    lockWaitNs: percentiles(waits),
    wallMs: (end - Math.min(0, spawn[0])) / 1e6,
    threads: n,
    mode,
    unitMs,
    shift,
    cancelled: false,
    eventCount: sorted.length,
  }
  return { cols: sorted, result }
}
