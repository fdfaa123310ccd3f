/**
 * One run's high-rate data, kept outside the store in typed arrays: the event columns as they
 * arrive and, once the run ends, the time-sorted event index used by playback. For a sleep sort,
 * an incrementally updated per-thread table (same shape as shared/threads.ts) and the shared
 * vector's slots in push order; for a parallel sum, the chunk table (sumData.ts). The time order
 * grows with every batch (timeIndex.ts), so ending a run sorts nothing. Nothing here allocates per
 * event; the canvases read it every frame.
 */
import type { Experiment } from '../../shared/api'
import { EventColumns } from '../../shared/columns'
import { EventKind } from '../../shared/events'
import { emptyThreadTable, foldThreadEvent, type ThreadTable } from '../../shared/threads'
import { stableOrder } from '../../shared/stableOrder'
import { LiveMutex } from './liveMutex'
import { mutexAt, type MutexState } from './mutex'
import { SumChunks } from './sumData'
import { TimeIndex } from './timeIndex'

export class RunData {
  runId = -1
  experiment: Experiment = 'sleep-sort'
  /** parallel sum: chunks folded from chunk events (empty for a sleep sort) */
  sum = new SumChunks()
  /** parallel sum: the chunk count expected from the request (threads, at most one per value) */
  expectedChunks = 0
  /** values as requested (before the engine's shift) */
  values: Float64Array = new Float64Array(0)
  /** workers by value, ties by spawn order: the lanes sorted by value */
  valueOrder: Uint32Array = new Uint32Array(0)
  threads = 0
  unitMs = 1
  cols = new EventColumns(4096)
  table: ThreadTable = emptyThreadTable(0)
  /** events folded into the table so far */
  processed = 0
  /** the folded events in time order */
  private timeIndex = new TimeIndex()
  /** the mutex after every event folded so far */
  private liveMutex = new LiveMutex(0)
  /** worker in each slot of the shared vector (-1 while unknown) */
  slotWorker: Int32Array = new Int32Array(0)
  /** push time of each slot (+Infinity while unknown) */
  slotTime: Float64Array = new Float64Array(0)
  /** slots 0..contiguous-1 are all known */
  contiguous = 0
  /** rank of each worker's value among all values (ties share a rank), for inversion counts */
  rank: Int32Array = new Int32Array(0)
  /** inversions among the first k slots, valid for k ≤ contiguous */
  prefixInversions: Float64Array = new Float64Array(1)
  /** bigger value seen before slot k (slot arrived "late"), valid for k < contiguous */
  outOfOrder: Uint8Array = new Uint8Array(0)
  private fenwick: Int32Array = new Int32Array(1)
  private runningMax = -Infinity
  minT = Infinity
  maxT = 0
  finished = false
  /** time-sorted event order, built when the run ends (for stepping and scrubbing) */
  order: Uint32Array | null = null
  sortedTimes: Float64Array | null = null
  /** bumped on every change the canvases must notice */
  version = 0
  /** valMin/valMax of the requested values, for bar heights and colours */
  valMin = 0
  valMax = 1

  /**
   * Starts over for a run. A sleep sort has one thread per value; a parallel sum has
   * `expectedChunks` workers and keeps no per-value arrays (a sum may have a million values).
   */
  reset(
    runId: number,
    values: ArrayLike<number>,
    unitMs: number,
    experiment: Experiment = 'sleep-sort',
    expectedChunks = 0,
  ): void {
    const sum = experiment === 'parallel-sum'
    const n = sum ? 0 : values.length
    this.runId = runId
    this.experiment = experiment
    this.expectedChunks = sum ? expectedChunks : 0
    this.sum = new SumChunks(this.expectedChunks)
    // a run file's events replacing the live ones keep the values and what was computed from them
    if (values !== this.values || sum) {
      this.values = sum ? new Float64Array(0) : Float64Array.from(values)
      this.valueOrder = sum ? new Uint32Array(0) : valueOrderOf(values)
      this.rank = ranks(this.values, this.valueOrder)
    }
    this.threads = n
    this.unitMs = unitMs
    this.cols = new EventColumns(Math.max(1024, sum ? expectedChunks * 24 : n * 10))
    this.timeIndex = new TimeIndex(this.cols.capacity)
    this.table = emptyThreadTable(n)
    this.liveMutex = new LiveMutex(n)
    this.processed = 0
    this.slotWorker = new Int32Array(n).fill(-1)
    this.slotTime = new Float64Array(n).fill(Infinity)
    this.contiguous = 0
    this.prefixInversions = new Float64Array(n + 1)
    this.outOfOrder = new Uint8Array(n)
    this.fenwick = new Int32Array(n + 2)
    this.runningMax = -Infinity
    this.minT = Infinity
    this.maxT = 0
    this.finished = false
    this.order = null
    this.sortedTimes = null
    let lo = Infinity,
      hi = -Infinity
    for (let i = 0; i < n; i++) {
      if (this.values[i] < lo) lo = this.values[i]
      if (this.values[i] > hi) hi = this.values[i]
    }
    this.valMin = n ? lo : 0
    this.valMax = n ? hi : 1
    this.version++
  }

  /** Appends a packed batch of this run. Returns false for another run's batch or a bad one. */
  append(batch: Float64Array): boolean {
    if (batch.length < 4 || batch[1] !== this.runId) return false
    const err = this.cols.appendBatch(batch)
    if (err) return false
    this.fold()
    return true
  }

  /** Folds events not yet seen into the thread table and the vector slots. */
  fold(): void {
    const { cols, table } = this
    const n = this.threads
    for (let i = this.processed; i < cols.length; i++) {
      const w = cols.worker[i]
      const t = cols.tNs[i]
      if (t < this.minT) this.minT = t
      if (t > this.maxT) this.maxT = t
      const kind = cols.kind[i]
      if (kind >= EventKind.ChunkStart) {
        this.sum.add(kind, w, t, cols.arg[i])
        continue
      }
      if (w >= n) continue
      foldThreadEvent(table, kind, w, t, cols.arg[i])
      this.liveMutex.update(table, w)
      if (kind === EventKind.Pushed) {
        const slot = cols.arg[i]
        if (slot >= 0 && slot < n) {
          this.slotWorker[slot] = w
          this.slotTime[slot] = t
        }
      }
    }
    this.timeIndex.add(cols.tNs, this.processed, cols.length)
    this.processed = cols.length
    this.advanceSlots()
    this.version++
  }

  private advanceSlots(): void {
    const n = this.threads
    while (this.contiguous < n && this.slotWorker[this.contiguous] >= 0) {
      const k = this.contiguous
      const w = this.slotWorker[k]
      const r = this.rank[w]
      // earlier slots with a strictly greater rank = k − (earlier slots with rank ≤ r)
      let le = 0
      for (let i = r + 1; i > 0; i -= i & -i) le += this.fenwick[i]
      this.prefixInversions[k + 1] = this.prefixInversions[k] + (k - le)
      for (let i = r + 1; i < this.fenwick.length; i += i & -i) this.fenwick[i]++
      const v = this.values[w]
      this.outOfOrder[k] = v < this.runningMax ? 1 : 0
      if (v > this.runningMax) this.runningMax = v
      this.contiguous++
    }
  }

  /** Marks the run over and keeps the time-sorted index for playback. */
  finish(): void {
    this.fold()
    this.finished = true
    this.order = this.timeIndex.order().slice()
    this.sortedTimes = this.timeIndex.times().slice()
    this.version++
  }

  /** Replaces every event (after missed live batches) with one full batch. */
  replaceAll(batch: Float64Array): boolean {
    const cols = new EventColumns(Math.max(1024, (batch.length - 4) / 4))
    // the full batch carries seq 0; accept whatever runId the host stamped on it
    if (cols.appendBatch(batch)) return false
    this.adopt(cols)
    return true
  }

  /** Replaces every event with these columns (a run file's), keeping the run's identity. */
  adopt(cols: EventColumns): void {
    const { runId, values, unitMs, experiment, expectedChunks } = this
    this.reset(runId, values, unitMs, experiment, expectedChunks)
    this.cols = cols
    this.fold()
  }

  /** Slots of the shared vector filled at time t (slots fill in push order). */
  filledAt(tNs: number): number {
    let lo = 0,
      hi = this.contiguous
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.slotTime[mid] <= tNs) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /**
   * Who holds the mutex and who waits for it at time t (the `keep` earliest waiters): at or after
   * the latest event, as events folded in (a live run's every frame); earlier, by a scan.
   */
  mutexAt(tNs: number, keep: number): MutexState {
    return tNs >= this.maxT && this.processed === this.cols.length
      ? this.liveMutex.state(keep)
      : mutexAt(this.table, tNs, keep)
  }

  /** The run's time span in ns: [start, end]. */
  span(): [number, number] {
    if (this.cols.length === 0) return [0, 1]
    const start = Math.min(0, this.minT)
    return [start, Math.max(start + 1, this.maxT)]
  }

  get eventCount(): number {
    return this.cols.length
  }
}

let lastOrdered: { list: ArrayLike<number>; order: Uint32Array } | null = null

/**
 * The indices of a value list by value, ties by index, kept for the last list asked: a parsed
 * input keeps its array from run to run (lists are never changed once made), and the page asks
 * at idle time after each edit, so pressing Run sorts nothing.
 */
export function valueOrderOf(list: ArrayLike<number>): Uint32Array {
  if (lastOrdered?.list !== list) lastOrdered = { list, order: stableOrder(list) }
  return lastOrdered.order
}

/** Dense ranks (0-based; equal values share a rank), from the values' order by value. */
export function ranks(values: Float64Array, order: ArrayLike<number> = stableOrder(values)): Int32Array {
  const n = values.length
  const out = new Int32Array(n)
  let r = -1
  for (let i = 0; i < n; i++) {
    if (i === 0 || values[order[i]] !== values[order[i - 1]]) r++
    out[order[i]] = r
  }
  return out
}
