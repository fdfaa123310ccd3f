/**
 * The mutex at the live edge, kept up to date as events fold in: what mutexAt (mutex.ts) finds by
 * scanning every thread, for any instant at or after the latest event folded so far. A live run
 * asks every frame, and on 10,000 threads the scan was among the costliest work of a frame. The
 * waiting threads sit in a binary heap by (waiting since, worker) — the scan's order — with each
 * thread's place in it known, so a thread that gets the lock, is cancelled, or whose waiting time
 * moves from its Woke to its LockWait is moved or removed at once: an event costs O(log waiters)
 * and a question for the first k waiters O(k log k), however many threads the run has.
 */
import type { ThreadTable } from '../../shared/threads'
import type { MutexState } from './mutex'

export class LiveMutex {
  /** while worker w waits: since when (its LockWait, else its Woke); NaN otherwise */
  private readonly since: Float64Array
  /** the waiting workers, a binary min-heap by (since, worker) */
  private readonly heap: Int32Array
  /** each worker's index in the heap, -1 when not waiting */
  private readonly pos: Int32Array
  private size = 0
  private readonly holders = new Set<number>()

  constructor(threads: number) {
    this.since = new Float64Array(threads).fill(NaN)
    this.heap = new Int32Array(threads)
    this.pos = new Int32Array(threads).fill(-1)
  }

  /** Worker w's row changed (one of its events was folded into `table`). */
  update(table: ThreadTable, w: number): void {
    const acquired = table.lockAcquired[w]
    const cancelled = table.cancelled[w]
    // NaN checks as v === v: this runs for every event of the run
    if (acquired === acquired && table.lockReleased[w] !== table.lockReleased[w] && cancelled !== cancelled)
      this.holders.add(w)
    else this.holders.delete(w)
    const wait = table.lockWait[w]
    const since = wait === wait ? wait : table.woke[w]
    const was = this.since[w]
    if (acquired !== acquired && since === since && cancelled !== cancelled) {
      if (was === since) return
      this.since[w] = since
      if (was !== was) {
        this.heap[this.size] = w
        this.pos[w] = this.size++
        this.up(this.size - 1)
      } else if (!this.up(this.pos[w])) this.down(this.pos[w])
    } else if (was === was) {
      const i = this.pos[w]
      const last = this.heap[--this.size]
      this.pos[w] = -1
      this.since[w] = NaN
      if (i < this.size) {
        this.heap[i] = last
        this.pos[last] = i
        if (!this.up(i)) this.down(i)
      }
    }
  }

  /** The holder (the highest worker if several), the `keep` earliest waiters and how many wait. */
  state(keep: number): MutexState {
    let holder = -1
    for (const w of this.holders) if (w > holder) holder = w
    // the heap's smallest entries, best first: a second small heap of candidate places in it
    const waiters: number[] = []
    const cand: number[] = this.size && keep > 0 ? [0] : []
    const at = (k: number) => this.heap[cand[k]]
    while (cand.length && waiters.length < keep) {
      const i = cand[0]
      waiters.push(this.heap[i])
      cand[0] = cand[cand.length - 1]
      cand.pop()
      siftDown(cand, 0, (a, b) => this.before(at(a), at(b)))
      for (const c of [2 * i + 1, 2 * i + 2]) {
        if (c >= this.size) continue
        cand.push(c)
        siftUp(cand, cand.length - 1, (a, b) => this.before(at(a), at(b)))
      }
    }
    return { holder, waiters, waiting: this.size }
  }

  /** worker a waits before worker b: earlier since, ties by worker */
  private before(a: number, b: number): boolean {
    const x = this.since[a],
      y = this.since[b]
    return x < y || (x === y && a < b)
  }

  /** Moves heap entry i up while it comes first; true if it moved. */
  private up(i: number): boolean {
    const start = i
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.before(this.heap[i], this.heap[p])) break
      this.swap(i, p)
      i = p
    }
    return i !== start
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1,
        r = l + 1
      let m = i
      if (l < this.size && this.before(this.heap[l], this.heap[m])) m = l
      if (r < this.size && this.before(this.heap[r], this.heap[m])) m = r
      if (m === i) return
      this.swap(i, m)
      i = m
    }
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i],
      b = this.heap[j]
    this.heap[i] = b
    this.heap[j] = a
    this.pos[b] = i
    this.pos[a] = j
  }
}

/** Sift for a plain array heap under `first(k, j)`: entry k comes before entry j. */
function siftUp(h: number[], i: number, first: (k: number, j: number) => boolean): void {
  while (i > 0) {
    const p = (i - 1) >> 1
    if (!first(i, p)) return
    ;[h[i], h[p]] = [h[p], h[i]]
    i = p
  }
}

function siftDown(h: number[], i: number, first: (k: number, j: number) => boolean): void {
  for (;;) {
    const l = 2 * i + 1,
      r = l + 1
    let m = i
    if (l < h.length && first(l, m)) m = l
    if (r < h.length && first(r, m)) m = r
    if (m === i) return
    ;[h[i], h[m]] = [h[m], h[i]]
    i = m
  }
}
