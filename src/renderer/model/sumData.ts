/**
 * One parallel-sum run's chunk table, folded from chunk events as they arrive (chunk-start arg =
 * chunk length, chunk-progress arg = elements done, chunk-done arg = partial, combined worker =
 * chunk folded in, arg = running total), and the pure queries at an instant that the lanes, the
 * progress view, scrubbing, tooltips and exports share. A run has at most a few dozen chunks with
 * about sixteen progress steps each, so plain arrays are fine here.
 */
import { EventKind } from '../../shared/events'

/** chunks beyond this index are ignored (the engine uses ≤ 64; a hostile file may claim 4 billion) */
export const MAX_CHUNKS = 1024

export const ChunkState = {
  Empty: 0,
  /** between chunk-start and chunk-done: the bar fills with progress */
  Summing: 1,
  /** partial ready, waiting for the coordinator to fold it in */
  Done: 2,
  /** folded into the running total */
  Folded: 3,
  /** the run was cancelled before the chunk finished */
  Cancelled: 4,
} as const
export type ChunkState = (typeof ChunkState)[keyof typeof ChunkState]

export const CombineState = {
  Empty: 0,
  /** workers are still summing: the coordinator waits to join them */
  Waiting: 1,
  /** folding the partials into the total, chunk after chunk */
  Folding: 2,
  /** every partial folded: the sum is ready */
  Ready: 3,
} as const
export type CombineState = (typeof CombineState)[keyof typeof CombineState]

export const CHUNK_STATE_NAMES: Record<ChunkState, string> = {
  0: 'not started',
  1: 'summing',
  2: 'partial ready',
  3: 'folded in',
  4: 'cancelled',
}

export const COMBINE_STATE_NAMES: Record<CombineState, string> = {
  0: 'not started',
  1: 'waiting for workers',
  2: 'folding partials',
  3: 'sum ready',
}

export interface Fold {
  chunk: number
  t: number
  /** running total after folding this chunk (f64; the exact sum is in the result) */
  total: number
}

export class SumChunks {
  /** chunks known: expected from the request, grown by events */
  count = 0
  start: number[] = []
  length: number[] = []
  done: number[] = []
  partial: number[] = []
  /** when the coordinator folded this chunk in (NaN until then) */
  combined: number[] = []
  /** progress steps per chunk, ascending in time: times and elements done */
  progT: number[][] = []
  progN: number[][] = []
  /** folds in time order */
  folds: Fold[] = []
  /** events ignored because their chunk index was out of range */
  ignored = 0

  constructor(expected = 0) {
    this.ensure(Math.min(MAX_CHUNKS, Math.max(0, Math.floor(expected))) - 1)
  }

  private ensure(c: number): void {
    while (this.count <= c) {
      this.start.push(NaN)
      this.length.push(NaN)
      this.done.push(NaN)
      this.partial.push(NaN)
      this.combined.push(NaN)
      this.progT.push([])
      this.progN.push([])
      this.count++
    }
  }

  /** Folds one event; kinds other than the four chunk kinds are ignored. */
  add(kind: number, c: number, t: number, arg: number): void {
    if (kind < EventKind.ChunkStart || kind > EventKind.Combined) return
    if (!(c >= 0 && c < MAX_CHUNKS)) {
      this.ignored++
      return
    }
    this.ensure(c)
    switch (kind) {
      case EventKind.ChunkStart:
        this.start[c] = t
        this.length[c] = arg
        break
      case EventKind.ChunkProgress:
        insertStep(this.progT[c], this.progN[c], t, arg)
        break
      case EventKind.ChunkDone:
        this.done[c] = t
        this.partial[c] = arg
        break
      case EventKind.Combined: {
        this.combined[c] = t
        const f = { chunk: c, t, total: arg }
        let i = this.folds.length
        while (i > 0 && this.folds[i - 1].t > t) i--
        this.folds.splice(i, 0, f)
        break
      }
    }
  }

  /** Elements of chunk c done at time t (its length once done, 0 before it starts). */
  progressAt(c: number, t: number): number {
    if (c < 0 || c >= this.count) return 0
    const s = this.start[c]
    if (!(s <= t)) return 0
    if (this.done[c] <= t) return finiteOr(this.length[c], lastOf(this.progN[c]))
    const times = this.progT[c]
    const i = lastAtOrBefore(times, t)
    return i >= 0 ? this.progN[c][i] : 0
  }

  /** The last instant anything happened on chunk c (done, or its last progress step, or its start). */
  lastSeen(c: number): number {
    const d = this.done[c]
    if (d === d) return d
    const p = lastOf(this.progT[c])
    return p === p ? p : this.start[c]
  }

  /**
   * Chunk c's state at t. `end` is where the run's record ends (live edge or end of run) and
   * `cancelled` whether it ended by cancellation: a chunk that never finished is then cancelled
   * from its last step on.
   */
  stateAt(c: number, t: number, end: number, cancelled: boolean): ChunkState {
    if (c < 0 || c >= this.count) return ChunkState.Empty
    const s = this.start[c],
      d = this.done[c],
      k = this.combined[c]
    if (!(s <= t)) return ChunkState.Empty
    if (k <= t) return ChunkState.Folded
    if (d <= t) return ChunkState.Done
    if (d !== d && cancelled && t >= this.lastSeen(c) && t <= end) return ChunkState.Cancelled
    return ChunkState.Summing
  }

  /**
   * Chunk c's life as [from, to, state] triples into out (4 × 3 slots); returns how many.
   * Open steps end at `end`.
   */
  segments(c: number, end: number, cancelled: boolean, out: Float64Array): number {
    if (c < 0 || c >= this.count) return 0
    const s = this.start[c],
      d = this.done[c],
      k = this.combined[c]
    if (!(s === s)) return 0
    let n = 0
    const put = (a: number, b: number, state: ChunkState) => {
      const e = b === b ? Math.min(b, end) : end
      if (!(e >= a)) return
      out[n * 3] = a
      out[n * 3 + 1] = e
      out[n * 3 + 2] = state
      n++
    }
    if (d === d) {
      put(s, d, ChunkState.Summing)
      if (k === k) {
        put(d, k, ChunkState.Done)
        put(k, end, ChunkState.Folded)
      } else put(d, end, ChunkState.Done)
    } else if (cancelled) {
      const last = this.lastSeen(c)
      put(s, last, ChunkState.Summing)
      put(last, end, ChunkState.Cancelled)
    } else put(s, end, ChunkState.Summing)
    return n
  }

  /** Folds done at or before t. */
  foldedAt(t: number): number {
    let lo = 0,
      hi = this.folds.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.folds[mid].t <= t) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** The running total at t (NaN before the first fold). */
  totalAt(t: number): number {
    const k = this.foldedAt(t)
    return k > 0 ? this.folds[k - 1].total : NaN
  }

  /** When the coordinator began folding: after the last worker finished (it joins them all first). */
  foldingStart(): number {
    if (!this.folds.length) return NaN
    let joined = -Infinity
    for (let c = 0; c < this.count; c++) if (this.done[c] > joined) joined = this.done[c]
    const first = this.folds[0].t
    return joined > -Infinity && joined < first ? joined : first
  }

  /** The combine lane's state at t. */
  combineStateAt(t: number, runStart: number): CombineState {
    if (!(t >= runStart)) return CombineState.Empty
    if (!this.folds.length) return CombineState.Waiting
    const last = this.folds[this.folds.length - 1].t
    if (this.folds.length >= this.count && t >= last) return CombineState.Ready
    return t >= this.foldingStart() ? CombineState.Folding : CombineState.Waiting
  }

  /** The combine lane as [from, to, state] triples (3 × 3 slots). */
  combineSegments(runStart: number, end: number, out: Float64Array): number {
    let n = 0
    const put = (a: number, b: number, state: CombineState) => {
      const e = Math.min(b, end)
      if (!(e >= a)) return
      out[n * 3] = a
      out[n * 3 + 1] = e
      out[n * 3 + 2] = state
      n++
    }
    if (!(runStart === runStart)) return 0
    if (!this.folds.length) {
      put(runStart, end, CombineState.Waiting)
      return n
    }
    const from = this.foldingStart()
    const last = this.folds[this.folds.length - 1].t
    put(runStart, from, CombineState.Waiting)
    if (this.folds.length >= this.count) {
      put(from, last, CombineState.Folding)
      put(last, end, CombineState.Ready)
    } else put(from, end, CombineState.Folding)
    return n
  }

  /** Elements of all chunks done at t, and their total length. */
  totalProgressAt(t: number): { done: number; total: number } {
    let done = 0,
      total = 0
    for (let c = 0; c < this.count; c++) {
      const len = this.length[c]
      if (len === len) total += len
      done += this.progressAt(c, t)
    }
    return { done, total }
  }

  /** Earliest chunk start (the run's first event for a sum), NaN when none started. */
  firstStart(): number {
    let m = Infinity
    for (let c = 0; c < this.count; c++) if (this.start[c] < m) m = this.start[c]
    return m === Infinity ? NaN : m
  }
}

/** Timing summary of a finished sum, for the statistics panel. */
export interface SumTiming {
  chunks: number
  /** per chunk: done − start (NaN when unfinished) */
  durations: number[]
  fastest: number
  slowest: number
  slowestChunk: number
  /** slowest / fastest */
  imbalance: number
  /** from the first fold's start (after the join) to the last fold */
  combineNs: number
  /** from the first chunk start to the last chunk done */
  parallelNs: number
}

export function sumTiming(s: SumChunks): SumTiming {
  const durations: number[] = []
  let fastest = Infinity,
    slowest = -Infinity,
    slowestChunk = -1,
    first = Infinity,
    last = -Infinity
  for (let c = 0; c < s.count; c++) {
    const d = s.done[c] - s.start[c]
    durations.push(d)
    if (d === d) {
      if (d < fastest) fastest = d
      if (d > slowest) {
        slowest = d
        slowestChunk = c
      }
    }
    if (s.start[c] < first) first = s.start[c]
    if (s.done[c] > last) last = s.done[c]
  }
  const foldFrom = s.foldingStart()
  const foldTo = s.folds.length ? s.folds[s.folds.length - 1].t : NaN
  return {
    chunks: s.count,
    durations,
    fastest: fastest === Infinity ? NaN : fastest,
    slowest: slowest === -Infinity ? NaN : slowest,
    slowestChunk,
    imbalance: fastest > 0 && slowest > -Infinity ? slowest / fastest : NaN,
    combineNs: foldTo - foldFrom,
    parallelNs: last > -Infinity && first < Infinity ? last - first : NaN,
  }
}

function insertStep(times: number[], done: number[], t: number, n: number): void {
  let i = times.length
  while (i > 0 && times[i - 1] > t) i--
  times.splice(i, 0, t)
  done.splice(i, 0, n)
}

function lastAtOrBefore(times: number[], t: number): number {
  let lo = 0,
    hi = times.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (times[mid] <= t) lo = mid + 1
    else hi = mid
  }
  return lo - 1
}

function lastOf(xs: number[]): number {
  return xs.length ? xs[xs.length - 1] : NaN
}

function finiteOr(x: number, fallback: number): number {
  return x === x ? x : fallback
}

/** Compact text of chunk sizes: "6, 6" or "3 × 334, 333" for long lists. */
export function describeChunkSizes(sizes: readonly number[]): string {
  if (!sizes.length) return '—'
  const groups: [number, number][] = []
  for (const s of sizes) {
    const g = groups[groups.length - 1]
    if (g && g[0] === s) g[1]++
    else groups.push([s, 1])
  }
  const parts = groups.map(([s, k]) =>
    k > 2 ? `${k} × ${s.toLocaleString('en-US')}` : Array(k).fill(s.toLocaleString('en-US')).join(', '),
  )
  return parts.join(', ')
}

/** A running total or partial (f64) as short text: integers in full up to 2^53, else 6 significant digits. */
export function formatTotal(x: number): string {
  if (!Number.isFinite(x)) return '—'
  if (Number.isInteger(x) && Math.abs(x) <= Number.MAX_SAFE_INTEGER) return x.toLocaleString('en-US')
  const a = Math.abs(x)
  if (a !== 0 && (a >= 1e15 || a < 1e-4)) return x.toExponential(6)
  return Number(x.toPrecision(10)).toLocaleString('en-US', { maximumFractionDigits: 6 })
}
