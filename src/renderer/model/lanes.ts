/**
 * Thread-lane geometry without the DOM: each thread's life as state segments, the state at an
 * instant, lane ordering, and the per-pixel aggregation used when lanes are thinner than a pixel
 * (10,000 threads on a few hundred pixel rows).
 */
import type { ThreadTable } from '../../shared/threads'

export const LaneState = {
  Empty: 0,
  Spawning: 1,
  Sleeping: 2,
  Overslept: 3,
  Waiting: 4,
  Holding: 5,
  Parked: 6,
  Exited: 7,
  Cancelled: 8,
} as const
export type LaneState = (typeof LaneState)[keyof typeof LaneState]
export const LANE_STATE_COUNT = 9

export const LANE_STATE_NAMES: Record<LaneState, string> = {
  0: 'not started',
  1: 'spawning',
  2: 'sleeping',
  3: 'late',
  4: 'waiting for lock',
  5: 'holding lock',
  6: 'done (parked)',
  7: 'exited',
  8: 'cancelled',
}

/** What each state means, for the legend's tooltips. */
export const LANE_STATE_HINTS: Record<LaneState, string> = {
  0: 'the thread does not exist yet',
  1: 'spawned, not yet asleep',
  2: 'asleep until its deadline',
  3: 'past its deadline and not yet awake: the gap from deadline to wake is its lateness',
  4: 'woken, waiting for the mutex',
  5: 'holding the mutex (pushing its value)',
  6: 'pushed and parked until the run ends',
  7: 'the thread has exited',
  8: 'the run was cancelled while the thread was alive',
}

/**
 * Writes thread w's segments as [start, end, state] triples into out (9 slots × 3 is enough) and
 * returns how many. Open steps end at `end` (the live edge or the end of the run).
 */
export function laneSegments(t: ThreadTable, w: number, end: number, out: Float64Array): number {
  const s = t.spawned[w],
    a = t.sleepStart[w],
    d = t.deadline[w],
    k = t.woke[w]
  const q = t.lockAcquired[w],
    r = t.lockReleased[w],
    x = t.exited[w],
    c = t.cancelled[w]
  const stop = c < end ? c : end
  let n = 0
  // NaN checks as v === v: this runs for every lane of every aggregate, so no closures or calls
  if (s === s) n = put(out, n, s, a === a ? a : k === k ? k : NaN, stop, LaneState.Spawning)
  if (a === a) {
    const wake = k === k ? k : stop
    const dl = d === d ? d : wake
    n = put(out, n, a, dl < wake ? dl : wake, stop, LaneState.Sleeping)
    if (d === d && d < wake) n = put(out, n, d, wake, stop, LaneState.Overslept)
  }
  if (k === k) n = put(out, n, k, q, stop, LaneState.Waiting)
  if (q === q) n = put(out, n, q, r, stop, LaneState.Holding)
  if (r === r) n = put(out, n, r, x, stop, LaneState.Parked)
  if (x === x) n = put(out, n, x, end, stop, LaneState.Exited)
  if (c === c && c <= end) {
    out[n * 3] = c
    out[n * 3 + 1] = end
    out[n * 3 + 2] = LaneState.Cancelled
    n++
  }
  return n
}

/** Appends [from, min(to or stop, stop)] when non-empty; an unknown end (NaN) means still open. */
function put(out: Float64Array, n: number, from: number, to: number, stop: number, state: number): number {
  let e = to === to ? to : stop
  if (e > stop) e = stop
  if (e < from) return n
  out[n * 3] = from
  out[n * 3 + 1] = e
  out[n * 3 + 2] = state
  return n + 1
}

/** The state of thread w at time tNs (Empty before it exists). */
export function laneStateAt(
  t: ThreadTable,
  w: number,
  tNs: number,
  end: number,
  scratch = new Float64Array(30),
): LaneState {
  const n = laneSegments(t, w, end, scratch)
  let state: LaneState = LaneState.Empty
  for (let i = 0; i < n; i++) {
    if (scratch[i * 3] <= tNs && tNs <= scratch[i * 3 + 1]) state = scratch[i * 3 + 2] as LaneState
  }
  return state
}

// the lane order is shared with the trace export, which keeps one track per lane in the same order
export { laneOrder } from '../../shared/threads'

export interface AggregateParams {
  table: ThreadTable
  /** lane order: order[lane] = worker */
  order: Uint32Array
  /** pixel rows and columns of the output */
  rows: number
  cols: number
  /** visible time window, ns */
  t0: number
  t1: number
  /** where open steps end (live edge or end of run) */
  end: number
}

export interface Aggregate {
  rows: number
  cols: number
  /** dominant state per pixel (Empty where no lane is alive) */
  state: Uint8Array
  /** share of the row's lanes in the dominant state, 0..255 */
  share: Uint8Array
  /** lanes in each row: [first, last) */
  rowStart: Uint32Array
}

interface Scratch {
  cols: number
  /** per column and state: lanes entering minus lanes leaving (zero between calls) */
  diff: Int32Array
  /** columns where something changes (zero between calls) */
  marked: Uint8Array
  changes: Int32Array
  acc: Int32Array
  seg: Float64Array
}

/**
 * The working arrays of the last width asked: a screen computes its lanes a band of rows at a
 * time, and new arrays for every band made a live run's recomputes allocate megabytes a second,
 * which the page paid for in garbage collections inside its frames.
 */
let scratch: Scratch | null = null
function scratchFor(cols: number): Scratch {
  if (scratch?.cols !== cols)
    scratch = {
      cols,
      diff: new Int32Array(LANE_STATE_COUNT * (cols + 1)),
      marked: new Uint8Array(cols + 1),
      changes: new Int32Array(256),
      acc: new Int32Array(LANE_STATE_COUNT),
      seg: new Float64Array(30),
    }
  return scratch
}

/**
 * Per pixel row (a group of lanes) and pixel column (a slice of time), the dominant lane state and
 * its share. Work is O(lanes × segments + rows × states × cols) through difference arrays, so
 * 10,000 lanes on 600 × 1,200 pixels take a few milliseconds. Rows are independent: computing
 * rows [from, to) only writes those rows of `reuse`, so a caller can spread the rows over frames.
 */
export function aggregateLanes(p: AggregateParams, reuse?: Aggregate, from = 0, to = p.rows): Aggregate {
  const { table, order, rows, cols, t0, t1, end } = p
  const lanes = order.length
  const size = rows * cols
  const out: Aggregate =
    reuse && reuse.rows === rows && reuse.cols === cols
      ? reuse
      : { rows, cols, state: new Uint8Array(size), share: new Uint8Array(size), rowStart: new Uint32Array(rows + 1) }
  from = Math.max(0, from)
  to = Math.min(rows, to)
  out.state.fill(0, from * cols, to * cols)
  out.share.fill(0, from * cols, to * cols)
  for (let r = 0; r <= rows; r++) out.rowStart[r] = Math.min(lanes, Math.floor((r * lanes) / rows))
  const stride = LANE_STATE_COUNT
  const work = scratchFor(cols)
  const { diff, marked, acc, seg } = work
  let changes = work.changes
  const scale = cols / Math.max(1e-9, t1 - t0)
  for (let r = from; r < to; r++) {
    const first = out.rowStart[r],
      last = Math.max(first, out.rowStart[r + 1])
    if (last === first) continue
    // difference arrays per state, touched only at segment ends: the row costs O(segments + cols/run)
    let nChanges = 0
    const mark = (x: number) => {
      if (marked[x]) return
      marked[x] = 1
      if (nChanges === changes.length) {
        const bigger = new Int32Array(changes.length * 2)
        bigger.set(changes)
        changes = work.changes = bigger
      }
      changes[nChanges++] = x
    }
    for (let lane = first; lane < last; lane++) {
      const n = laneSegments(table, order[lane], end, seg)
      for (let i = 0; i < n; i++) {
        const a = seg[i * 3],
          b = seg[i * 3 + 1],
          s = seg[i * 3 + 2]
        if (b < t0 || a > t1) continue
        let x0 = Math.floor((a - t0) * scale)
        let x1 = Math.ceil((b - t0) * scale)
        if (x1 <= x0) x1 = x0 + 1 // an instant still gets one pixel
        if (x0 < 0) x0 = 0
        if (x1 > cols) x1 = cols
        if (x0 >= cols) continue
        diff[x0 * stride + s]++
        diff[x1 * stride + s]--
        mark(x0)
        mark(x1)
      }
    }
    const count = last - first
    const base = r * cols
    const list = changes.subarray(0, nChanges).sort()
    acc.fill(0)
    for (let c = 0; c < nChanges; c++) {
      const x = list[c]
      marked[x] = 0
      let best = 0,
        bestN = 0
      for (let s = 1; s < LANE_STATE_COUNT; s++) {
        acc[s] += diff[x * stride + s]
        diff[x * stride + s] = 0
        // ties go to the later (more advanced) state, which is the rarer, more interesting one
        if (acc[s] >= bestN && acc[s] > 0) {
          best = s
          bestN = acc[s]
        }
      }
      const next = c + 1 < nChanges ? list[c + 1] : cols
      if (x >= cols) continue
      out.state.fill(best, base + x, base + next)
      out.share.fill(Math.min(255, Math.round((255 * bestN) / count)), base + x, base + next)
    }
  }
  return out
}
