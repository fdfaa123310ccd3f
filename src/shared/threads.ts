/**
 * Per-thread table derived from a sleep-sort run's event columns: one row per worker with the
 * instant of each step (NaN where the step did not happen). Lanes, tooltips, stats, CSV, trace
 * export and cause attribution all read this instead of re-scanning events.
 */
import type { EventColumns } from './columns'
import { EventKind } from './events'

export interface ThreadTable {
  count: number
  spawned: Float64Array
  sleepStart: Float64Array
  deadline: Float64Array
  woke: Float64Array
  lockWait: Float64Array
  lockAcquired: Float64Array
  pushed: Float64Array
  /** index in the shared vector, -1 if never pushed */
  index: Int32Array
  lockReleased: Float64Array
  exited: Float64Array
  cancelled: Float64Array
}

export function buildThreadTable(cols: EventColumns, threads: number): ThreadTable {
  const nan = () => new Float64Array(threads).fill(NaN)
  const table: ThreadTable = {
    count: threads,
    spawned: nan(),
    sleepStart: nan(),
    deadline: nan(),
    woke: nan(),
    lockWait: nan(),
    lockAcquired: nan(),
    pushed: nan(),
    index: new Int32Array(threads).fill(-1),
    lockReleased: nan(),
    exited: nan(),
    cancelled: nan(),
  }
  for (let i = 0; i < cols.length; i++) {
    const w = cols.worker[i]
    if (w >= threads) continue
    const t = cols.tNs[i]
    switch (cols.kind[i]) {
      case EventKind.Spawned:
        table.spawned[w] = t
        break
      case EventKind.SleepStart:
        table.sleepStart[w] = t
        table.deadline[w] = cols.arg[i]
        break
      case EventKind.Woke:
        table.woke[w] = t
        break
      case EventKind.LockWait:
        table.lockWait[w] = t
        break
      case EventKind.LockAcquired:
        table.lockAcquired[w] = t
        break
      case EventKind.Pushed:
        table.pushed[w] = t
        table.index[w] = cols.arg[i]
        break
      case EventKind.LockReleased:
        table.lockReleased[w] = t
        break
      case EventKind.Exited:
        table.exited[w] = t
        break
      case EventKind.Cancelled:
        table.cancelled[w] = t
        break
    }
  }
  return table
}

/** Wake lateness in ns (woke − deadline), NaN when the thread never woke. */
export function lateness(table: ThreadTable, w: number): number {
  return table.woke[w] - table.deadline[w]
}

/** Time spent waiting for the mutex in ns, NaN when it never got it. */
export function lockWait(table: ThreadTable, w: number): number {
  return table.lockAcquired[w] - table.lockWait[w]
}

/** Lane order: by value (ties by spawn order) or by spawn order (the worker index). */
export function laneOrder(values: ArrayLike<number>, byValue: boolean): Uint32Array {
  const order = new Uint32Array(values.length)
  for (let i = 0; i < order.length; i++) order[i] = i
  if (byValue) order.sort((a, b) => values[a] - values[b] || a - b)
  return order
}
