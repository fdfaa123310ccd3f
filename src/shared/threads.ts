/**
 * Per-thread table derived from a sleep-sort run's event columns: one row per worker with the
 * instant of each step (NaN where the step did not happen). Lanes, tooltips, stats, CSV, trace
 * export and cause attribution all read this instead of re-scanning events.
 */
import type { EventColumns } from './columns'
import { EventKind } from './events'
import { stableOrder } from './stableOrder'

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

/** A table of `threads` rows with no step yet (NaN everywhere, index −1). */
export function emptyThreadTable(threads: number): ThreadTable {
  const nan = () => new Float64Array(threads).fill(NaN)
  return {
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
}

/**
 * Folds one sleep-sort event into worker w's row (w < table.count; other kinds are ignored). The
 * one place that knows which event sets which column: the renderer's live table and every
 * after-the-fact reader (CSV, trace, CLI, machine figures) go through it. `Woke` carries the
 * deadline too, which fills the deadline of a thread whose `SleepStart` was not recorded.
 */
export function foldThreadEvent(table: ThreadTable, kind: number, w: number, t: number, arg: number): void {
  // a switch rather than a kind → column table: 80,000 events fold in a fraction of the time
  switch (kind) {
    case SPAWNED:
      table.spawned[w] = t
      break
    case SLEEP_START:
      table.sleepStart[w] = t
      table.deadline[w] = arg
      break
    case WOKE:
      table.woke[w] = t
      if (Number.isNaN(table.deadline[w])) table.deadline[w] = arg
      break
    case LOCK_WAIT:
      table.lockWait[w] = t
      break
    case LOCK_ACQUIRED:
      table.lockAcquired[w] = t
      break
    case PUSHED:
      table.pushed[w] = t
      table.index[w] = arg
      break
    case LOCK_RELEASED:
      table.lockReleased[w] = t
      break
    case EXITED:
      table.exited[w] = t
      break
    case CANCELLED:
      table.cancelled[w] = t
      break
  }
}

// The kinds as module constants: the switch compares numbers, not a property read per case (through
// a module's export binding that read was measured 10-100× slower in some processes)
const {
  Spawned: SPAWNED,
  SleepStart: SLEEP_START,
  Woke: WOKE,
  LockWait: LOCK_WAIT,
  LockAcquired: LOCK_ACQUIRED,
  Pushed: PUSHED,
  LockReleased: LOCK_RELEASED,
  Exited: EXITED,
  Cancelled: CANCELLED,
} = EventKind

/** The table of a whole run (events of workers ≥ threads are ignored). */
export function buildThreadTable(cols: EventColumns, threads: number): ThreadTable {
  const table = emptyThreadTable(threads)
  for (let i = 0; i < cols.length; i++) {
    const w = cols.worker[i]
    if (w < threads) foldThreadEvent(table, cols.kind[i], w, cols.tNs[i], cols.arg[i])
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
  if (byValue) return stableOrder(values)
  const order = new Uint32Array(values.length)
  for (let i = 0; i < order.length; i++) order[i] = i
  return order
}
