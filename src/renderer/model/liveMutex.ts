/**
 * The mutex at the live edge, kept up to date as events fold in: what mutexAt (mutex.ts) finds by
 * scanning every thread, for any instant at or after the latest event folded so far. A live run
 * asks every frame, and on 10,000 threads the scan was among the costliest work of a frame; here
 * an event costs O(log waiters) and a question O(keep · log waiters). Waiters are kept in a binary
 * heap by (waiting since, worker) — the scan's order — with entries that went stale (the thread
 * got the lock, was cancelled, or its waiting time moved from Woke to LockWait) dropped lazily.
 */
import type { ThreadTable } from '../../shared/threads'
import type { MutexState } from './mutex'

export class LiveMutex {
  /** while worker w waits: since when (its LockWait, else its Woke); NaN otherwise */
  private since: Float64Array
  private waiting = 0
  private holders = new Set<number>()
  private heapSince = new Float64Array(64)
  private heapWorker = new Int32Array(64)
  private size = 0

  constructor(threads: number) {
    this.since = new Float64Array(threads).fill(NaN)
  }

  /** Worker w's row changed (one of its events was folded into `table`). */
  update(table: ThreadTable, w: number): void {
    const acquired = table.lockAcquired[w]
    const cancelled = table.cancelled[w]
    const released = table.lockReleased[w]
    // NaN checks as v === v: this runs for every event of the run
    if (acquired === acquired && released !== released && cancelled !== cancelled) this.holders.add(w)
    else this.holders.delete(w)
    const wait = table.lockWait[w]
    const since = wait === wait ? wait : table.woke[w]
    const was = this.since[w]
    if (acquired !== acquired && since === since && cancelled !== cancelled) {
      if (was !== was) this.waiting++
      if (was !== since) {
        this.since[w] = since
        this.push(since, w)
      }
    } else if (was === was) {
      this.waiting--
      this.since[w] = NaN
    }
  }

  /** The holder (the highest worker if several), the `keep` earliest waiters and how many wait. */
  state(keep: number): MutexState {
    let holder = -1
    for (const w of this.holders) if (w > holder) holder = w
    const waiters: number[] = []
    const taken: number[] = []
    while (waiters.length < keep && this.size > 0) {
      const s = this.heapSince[0],
        w = this.heapWorker[0]
      this.pop()
      // stale, or the same entry twice: dropped for good
      if (this.since[w] !== s || waiters[waiters.length - 1] === w) continue
      waiters.push(w)
      taken.push(s)
    }
    for (let i = 0; i < waiters.length; i++) this.push(taken[i], waiters[i])
    return { holder, waiters, waiting: this.waiting }
  }

  private before(i: number, j: number): boolean {
    const a = this.heapSince[i],
      b = this.heapSince[j]
    return a < b || (a === b && this.heapWorker[i] < this.heapWorker[j])
  }

  private swap(i: number, j: number): void {
    const s = this.heapSince[i],
      w = this.heapWorker[i]
    this.heapSince[i] = this.heapSince[j]
    this.heapWorker[i] = this.heapWorker[j]
    this.heapSince[j] = s
    this.heapWorker[j] = w
  }

  private push(since: number, w: number): void {
    if (this.size === this.heapSince.length) {
      const s = new Float64Array(this.size * 2)
      s.set(this.heapSince)
      const k = new Int32Array(this.size * 2)
      k.set(this.heapWorker)
      this.heapSince = s
      this.heapWorker = k
    }
    let i = this.size++
    this.heapSince[i] = since
    this.heapWorker[i] = w
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.before(i, p)) break
      this.swap(i, p)
      i = p
    }
  }

  private pop(): void {
    const last = --this.size
    if (last > 0) {
      this.heapSince[0] = this.heapSince[last]
      this.heapWorker[0] = this.heapWorker[last]
    }
    let i = 0
    for (;;) {
      const l = 2 * i + 1,
        r = l + 1
      let m = i
      if (l < this.size && this.before(l, m)) m = l
      if (r < this.size && this.before(r, m)) m = r
      if (m === i) break
      this.swap(i, m)
      i = m
    }
  }
}
