/**
 * A run's events in time order (ties by arrival), kept up to date as batches arrive: what
 * `stableOrder(times)` gives for all the events so far, without sorting them all when the run
 * ends. Batches arrive nearly in time order, so each new batch is sorted on its own and merged
 * into the tail it overlaps — on a live 10,000-thread run a few hundred events a frame instead of
 * 80,000 in the task that shows the result.
 */
import { stableOrder } from '../../shared/stableOrder'

export class TimeIndex {
  /** event indices in time order, [0, length) valid */
  private idx: Uint32Array
  /** their times */
  private t: Float64Array
  length = 0

  constructor(capacity = 1024) {
    this.idx = new Uint32Array(Math.max(1, capacity))
    this.t = new Float64Array(Math.max(1, capacity))
  }

  /**
   * Adds events `from`..`to - 1` (their indices are their positions in `times`); every event added
   * before has a smaller index, so on equal times it stays in front.
   */
  add(times: Float64Array, from: number, to: number): void {
    const k = to - from
    if (k <= 0) return
    this.reserve(this.length + k)
    const batch = stableOrder(times.subarray(from, to))
    const idx = this.idx,
      t = this.t
    // merge from the back: the indexed events later than a new one move up, the rest stay put
    let a = this.length - 1,
      out = this.length + k - 1
    for (let b = k - 1; b >= 0; b--, out--) {
      const tb = times[from + batch[b]]
      while (a >= 0 && t[a] > tb) {
        idx[out] = idx[a]
        t[out] = t[a]
        a--
        out--
      }
      idx[out] = from + batch[b]
      t[out] = tb
    }
    this.length += k
  }

  /** The order so far (a view: valid until the next add). */
  order(): Uint32Array {
    return this.idx.subarray(0, this.length)
  }

  /** The times in that order (a view: valid until the next add). */
  times(): Float64Array {
    return this.t.subarray(0, this.length)
  }

  private reserve(needed: number): void {
    if (needed <= this.idx.length) return
    let next = this.idx.length * 2
    while (next < needed) next *= 2
    const idx = new Uint32Array(next)
    idx.set(this.idx.subarray(0, this.length))
    const t = new Float64Array(next)
    t.set(this.t.subarray(0, this.length))
    this.idx = idx
    this.t = t
  }
}
