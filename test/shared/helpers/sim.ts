/**
 * Synthetic sleep-sort and parallel-sum runs: a tiny deterministic model of the engine that emits
 * legal per-worker event sequences into EventColumns, so analysis code is tested without threads.
 */
import type { TimingMode } from '../../../src/shared/api'
import { EventColumns } from '../../../src/shared/columns'
import { EventKind } from '../../../src/shared/events'
import { buildThreadTable, type ThreadTable } from '../../../src/shared/threads'

export interface SimOptions {
  values: number[]
  unitMs?: number
  mode?: TimingMode
  shift?: number
  /** classic: gap between consecutive spawns (ns); scheduled: spawn spacing before the epoch */
  spawnGapNs?: number
  /** per-worker wake lateness (ns), default 0 */
  lateNs?: (w: number) => number
  /** per-worker delay between waking and asking for the mutex (ns), default 0 */
  preLockNs?: (w: number) => number
  /** mutex hold time (ns) */
  holdNs?: number
  /** cancel at this instant (ns): sleeping and waiting workers stop, a holder finishes its push */
  cancelAtNs?: number
  /** shuffle event order across workers (as batches interleave) — columns are still time-sortable */
  interleave?: 'time' | 'by-worker'
}

export interface SimRun {
  values: number[]
  unitMs: number
  mode: TimingMode
  shift: number
  cols: EventColumns
  table: ThreadTable
  output: number[]
}

export function simulateSleepSort(o: SimOptions): SimRun {
  const values = o.values
  const n = values.length
  const unitMs = o.unitMs ?? 1
  const mode = o.mode ?? 'scheduled'
  const shift = o.shift ?? 0
  const unitNs = unitMs * 1e6
  const gap = o.spawnGapNs ?? 30_000
  const hold = o.holdNs ?? 2_000
  const late = o.lateNs ?? (() => 0)
  const pre = o.preLockNs ?? (() => 0)
  const cancelAt = o.cancelAtNs ?? Infinity

  type Ev = [EventKind, number, number, number]
  const perWorker: Ev[][] = []
  const spawned: number[] = [],
    sleepStart: number[] = [],
    deadline: number[] = [],
    woke: number[] = [],
    lockWait: number[] = []
  for (let w = 0; w < n; w++) {
    const nominal = Math.round((values[w] + shift) * unitNs)
    if (mode === 'classic') {
      spawned[w] = w * gap
      sleepStart[w] = spawned[w] + 1_000
      deadline[w] = sleepStart[w] + nominal
    } else {
      spawned[w] = -(n - w) * gap - 1_000
      sleepStart[w] = spawned[w] + 500
      deadline[w] = nominal
    }
    woke[w] = deadline[w] + late(w)
    lockWait[w] = woke[w] + pre(w)
  }
  // FIFO mutex: grant to the earliest waiter (worker index breaks draws)
  const order = Array.from({ length: n }, (_, w) => w).sort((a, b) => lockWait[a] - lockWait[b] || a - b)
  const acquired: number[] = [],
    released: number[] = []
  let free = -Infinity
  for (const w of order) {
    acquired[w] = Math.max(lockWait[w], free)
    released[w] = acquired[w] + hold
    free = released[w]
  }
  const output: number[] = []
  let index = 0
  const grantOrder = order.filter((w) => acquired[w] <= cancelAt)
  const slot: number[] = []
  for (const w of grantOrder) {
    slot[w] = index++
    output.push(values[w])
  }
  for (let w = 0; w < n; w++) {
    const evs: Ev[] = []
    const add = (k: EventKind, t: number, arg = 0) => evs.push([k, w, t, arg])
    const steps: [EventKind, number, number][] = [
      [EventKind.Spawned, spawned[w], 0],
      [EventKind.SleepStart, sleepStart[w], deadline[w]],
      [EventKind.Woke, woke[w], deadline[w]],
      [EventKind.LockWait, lockWait[w], 0],
    ]
    if (slot[w] !== undefined) {
      for (const [k, t, a] of steps) add(k, t, a)
      add(EventKind.LockAcquired, acquired[w])
      add(EventKind.Pushed, acquired[w] + hold / 2, slot[w])
      add(EventKind.LockReleased, released[w])
      add(EventKind.Exited, released[w] + 100)
    } else {
      for (const [k, t, a] of steps) if (t <= cancelAt) add(k, t, a)
      const c = Math.max(cancelAt, evs.length ? evs[evs.length - 1][2] : cancelAt)
      add(EventKind.Cancelled, c)
      add(EventKind.Exited, c + 100)
    }
    perWorker.push(evs)
  }
  let all = perWorker.flat()
  if ((o.interleave ?? 'time') === 'time') all = all.sort((a, b) => a[2] - b[2])
  const cols = new EventColumns(4)
  for (const [k, w, t, a] of all) cols.push(k, w, t, a)
  return { values, unitMs, mode, shift, cols, table: buildThreadTable(cols, n), output }
}

export interface SumSim {
  values: number[]
  threads: number
  cols: EventColumns
  chunkSizes: number[]
  partials: number[]
}

export function simulateParallelSum(
  values: number[],
  threads: number,
  perElementNs = 1_000,
  progressEvery = 2,
): SumSim {
  const cols = new EventColumns(4)
  const chunkSizes: number[] = []
  const partials: number[] = []
  const base = Math.floor(values.length / threads),
    extra = values.length % threads
  let start = 0
  const done: number[] = []
  for (let c = 0; c < threads; c++) {
    const len = base + (c < extra ? 1 : 0)
    chunkSizes.push(len)
    const t0 = c * 500
    cols.push(EventKind.ChunkStart, c, t0, len)
    let sum = 0
    for (let i = 0; i < len; i++) {
      sum += values[start + i]
      if ((i + 1) % progressEvery === 0 && i + 1 < len)
        cols.push(EventKind.ChunkProgress, c, t0 + (i + 1) * perElementNs, i + 1)
    }
    partials.push(sum)
    done[c] = t0 + len * perElementNs + 1
    cols.push(EventKind.ChunkDone, c, done[c], sum)
    start += len
  }
  let total = 0,
    t = Math.max(...done)
  for (let c = 0; c < threads; c++) {
    total += partials[c]
    t += 100
    cols.push(EventKind.Combined, c, t, total)
  }
  return { values, threads, cols: cols.sortedByTime(), chunkSizes, partials }
}
