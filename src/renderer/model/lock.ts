/**
 * The shared mutex of a sleep-sort run, seen from the lock's side: who held it and for how long, who
 * waited, in which order they arrived and in which order they got it, and what an acquire costs
 * when nobody is in the way. Pure (typed arrays in, typed arrays out): the Lock view draws it, the
 * tests feed it synthetic thread tables.
 *
 * Definitions (per worker w of the ThreadTable):
 * - w *arrives* at the lock at lockWait[w] (its woke instant when lock-wait was not recorded);
 * - a *grant* is a lock-acquired instant; grants are numbered in acquire order (the grant order);
 *   the hold lasts to lock-released (to the run's end when the release is missing: cancelled);
 * - *arrival rank*: the grant's place when the granted threads are ordered by arrival (equal
 *   arrival instants keep grant order, so a tie is never an overtake);
 * - an *overtake* is a pair of grants where the later arrival got the lock first; a grant is *out
 *   of turn* when some thread that arrived earlier got the lock later (so was waiting and passed);
 * - a grant is *uncontended* when nobody else held the lock or waited for it at any instant between
 *   its arrival and its acquire; the *uncontended acquire cost* is the median of acquired − arrival
 *   over those grants (it includes recording the two events);
 * - a *handoff* is a release followed by the next grant to a thread that was already waiting at the
 *   release: its latency is next acquire − release (the arrows of the lock lane);
 * - the *queue depth* at t counts threads that arrived and have not yet acquired (nor been
 *   cancelled): a step function, aggregated per pixel column for drawing.
 */
import type { ThreadTable } from '../../shared/threads'

export interface LockModel {
  /** grants (acquisitions) */
  count: number
  /** grantee per grant, in grant order */
  worker: Int32Array
  arrival: Float64Array
  acquired: Float64Array
  released: Float64Array
  /** 0-based arrival rank per grant */
  arrivalRank: Int32Array
  /** 1 when the grant was uncontended (see above) */
  uncontended: Uint8Array
  /** 1 when grant i went to a thread waiting at release i − 1 (an arrow from that release) */
  handoff: Uint8Array
  /** 1 when the grant went out of turn */
  outOfTurn: Uint8Array
  /** pairs of grants where the later arrival got the lock first */
  overtakes: number
  /** grants that went out of turn */
  outOfTurnCount: number
  /** median acquired − arrival over uncontended grants, ns (NaN when there were none) */
  uncontendedCostNs: number
  uncontendedCount: number
  /** median next acquire − release over handoffs, ns (NaN when none) */
  handoffNs: number
  handoffCount: number
  /** median hold, ns (NaN when no grant) */
  holdNs: number
  /** threads that arrived but never got the lock (the run was cancelled first) */
  neverGranted: number
  /** queue depth step function: depth is depthAfter[k] from depthTimes[k] to depthTimes[k + 1] */
  depthTimes: Float64Array
  depthAfter: Int32Array
  maxDepth: number
  /** time span the model covers, ns */
  start: number
  end: number
}

const isNum = (x: number) => x === x

/**
 * Builds the model from a thread table. `end` closes holds and waits that never ended (a cancelled
 * run); default: the latest instant in the table.
 */
export function buildLockModel(table: ThreadTable, end?: number): LockModel {
  const n = table.count
  let lo = Infinity,
    hi = -Infinity
  const seen = (t: number) => {
    if (t < lo) lo = t
    if (t > hi) hi = t
  }
  // arrival per worker (NaN: never came to the lock)
  const arrivalOf = new Float64Array(n)
  let grants = 0
  for (let w = 0; w < n; w++) {
    const acq = table.lockAcquired[w]
    let arr = table.lockWait[w]
    if (!isNum(arr)) arr = isNum(acq) ? (isNum(table.woke[w]) && table.woke[w] <= acq ? table.woke[w] : acq) : NaN
    arrivalOf[w] = arr
    if (isNum(arr)) seen(arr)
    if (isNum(acq)) {
      grants++
      seen(acq)
      if (isNum(table.lockReleased[w])) seen(table.lockReleased[w])
    }
    if (isNum(table.cancelled[w])) seen(table.cancelled[w])
    if (isNum(table.exited[w])) seen(table.exited[w])
  }
  const stop = end ?? (hi === -Infinity ? 0 : hi)
  const start = lo === Infinity ? 0 : lo

  // grants in acquire order (ties by worker)
  const order = new Int32Array(grants)
  for (let w = 0, k = 0; w < n; w++) if (isNum(table.lockAcquired[w])) order[k++] = w
  order.sort((a, b) => table.lockAcquired[a] - table.lockAcquired[b] || a - b)
  const worker = order
  const arrival = new Float64Array(grants)
  const acquired = new Float64Array(grants)
  const released = new Float64Array(grants)
  for (let i = 0; i < grants; i++) {
    const w = order[i]
    arrival[i] = arrivalOf[w]
    acquired[i] = table.lockAcquired[w]
    const r = table.lockReleased[w]
    released[i] = isNum(r) ? r : Math.max(acquired[i], stop)
  }

  // arrival ranks: grants by arrival, equal arrivals in grant order
  const byArrival = new Int32Array(grants)
  for (let i = 0; i < grants; i++) byArrival[i] = i
  byArrival.sort((a, b) => arrival[a] - arrival[b] || a - b)
  const arrivalRank = new Int32Array(grants)
  for (let r = 0; r < grants; r++) arrivalRank[byArrival[r]] = r

  // overtakes: inversions of arrivalRank in grant order (Fenwick over ranks)
  let overtakes = 0
  {
    const fen = new Int32Array(grants + 1)
    for (let i = 0; i < grants; i++) {
      const r = arrivalRank[i]
      // earlier grants with a larger arrival rank = i − earlier grants with rank ≤ r
      let le = 0
      for (let k = r + 1; k > 0; k -= k & -k) le += fen[k]
      overtakes += i - le
      for (let k = r + 1; k <= grants; k += k & -k) fen[k]++
    }
  }
  // out of turn: a later grant arrived earlier (suffix minimum of arrival ranks)
  const outOfTurn = new Uint8Array(grants)
  let outOfTurnCount = 0
  for (let i = grants - 1, min = Infinity; i >= 0; i--) {
    if (arrivalRank[i] > min) {
      outOfTurn[i] = 1
      outOfTurnCount++
    }
    if (arrivalRank[i] < min) min = arrivalRank[i]
  }

  // waits of every thread that came to the lock, granted or not: [arrival, acquired or cancelled or end)
  const waitStarts: number[] = []
  const waitEnds: number[] = []
  let neverGranted = 0
  for (let w = 0; w < n; w++) {
    const a = arrivalOf[w]
    if (!isNum(a)) continue
    const acq = table.lockAcquired[w]
    let e = acq
    if (!isNum(e)) {
      neverGranted++
      e = isNum(table.cancelled[w]) && table.cancelled[w] >= a ? table.cancelled[w] : Math.max(a, stop)
    }
    waitStarts.push(a)
    waitEnds.push(e)
  }
  const sortedStarts = Float64Array.from(waitStarts).sort()
  const sortedEnds = Float64Array.from(waitEnds).sort()

  // uncontended grants: no other wait overlaps [arrival, acquired] and the lock was free at arrival
  const uncontended = new Uint8Array(grants)
  const cheap: number[] = []
  for (let i = 0; i < grants; i++) {
    const a = arrival[i],
      q = acquired[i]
    // waits that began at or before q, minus those that ended at or before a: the ones overlapping
    // [a, q], its own included unless it lasted no time
    const overlapping = upperBound(sortedStarts, q) - upperBound(sortedEnds, a)
    if (overlapping - (q > a ? 1 : 0) > 0) continue
    // the holder at the arrival: the last grant acquired at or before a (other than i)
    let j = upperBound(acquired, a) - 1
    if (j === i) j--
    if (j >= 0 && released[j] > a) continue
    uncontended[i] = 1
    cheap.push(q - a)
  }

  // handoffs: grant i went to a thread already waiting at release i − 1
  const handoff = new Uint8Array(grants)
  const handoffs: number[] = []
  const holds = new Float64Array(grants)
  for (let i = 0; i < grants; i++) {
    holds[i] = released[i] - acquired[i]
    if (i > 0 && arrival[i] <= released[i - 1] && acquired[i] >= released[i - 1]) {
      handoff[i] = 1
      handoffs.push(acquired[i] - released[i - 1])
    }
  }

  // queue depth: +1 at each arrival, −1 at each end; a merge of the two sorted lists, ends first
  // at equal instants
  const dT: number[] = []
  const dV: number[] = []
  let depth = 0,
    maxDepth = 0
  for (let a = 0, e = 0; a < sortedStarts.length || e < sortedEnds.length;) {
    let t: number
    if (e < sortedEnds.length && (a >= sortedStarts.length || sortedEnds[e] <= sortedStarts[a])) {
      t = sortedEnds[e++]
      depth--
    } else {
      t = sortedStarts[a++]
      depth++
    }
    if (dT.length && dT[dT.length - 1] === t) dV[dV.length - 1] = depth
    else {
      dT.push(t)
      dV.push(depth)
    }
    if (depth > maxDepth) maxDepth = depth
  }

  return {
    count: grants,
    worker,
    arrival,
    acquired,
    released,
    arrivalRank,
    uncontended,
    handoff,
    outOfTurn,
    overtakes,
    outOfTurnCount,
    uncontendedCostNs: medianOf(cheap),
    uncontendedCount: cheap.length,
    handoffNs: medianOf(handoffs),
    handoffCount: handoffs.length,
    holdNs: medianOf(holds),
    neverGranted,
    depthTimes: Float64Array.from(dT),
    depthAfter: Int32Array.from(dV),
    maxDepth,
    start: Math.min(start, stop),
    end: Math.max(stop, start),
  }
}

/** Index of the first element > x in an ascending array (its length when none). */
export function upperBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0,
    hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid] <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}

function medianOf(xs: ArrayLike<number>): number {
  const v: number[] = []
  for (let i = 0; i < xs.length; i++) if (isNum(xs[i])) v.push(xs[i])
  if (!v.length) return NaN
  v.sort((a, b) => a - b)
  const mid = v.length >> 1
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2
}

/** Queue depth at instant t. */
export function depthAt(m: LockModel, t: number): number {
  const k = upperBound(m.depthTimes, t) - 1
  return k >= 0 ? m.depthAfter[k] : 0
}

/** The grant holding the lock at t, or −1. */
export function holderAt(m: LockModel, t: number): number {
  const i = upperBound(m.acquired, t) - 1
  return i >= 0 && t < m.released[i] ? i : -1
}

export interface DepthColumns {
  /** most threads waiting at any instant of the column */
  max: Int32Array
  /** time-weighted mean of threads waiting over the column */
  mean: Float32Array
}

/**
 * The queue depth over [t0, t1) in `cols` equal columns (one per pixel): the maximum and the
 * time-weighted mean of each. O(steps in the window + cols), so 10,000 waiters stay cheap.
 */
export function depthColumns(m: LockModel, t0: number, t1: number, cols: number, reuse?: DepthColumns): DepthColumns {
  const out = reuse && reuse.max.length === cols ? reuse : { max: new Int32Array(cols), mean: new Float32Array(cols) }
  out.max.fill(0)
  out.mean.fill(0)
  if (cols <= 0 || !(t1 > t0)) return out
  const dt = (t1 - t0) / cols
  const T = m.depthTimes,
    V = m.depthAfter
  let k = upperBound(T, t0) // next step
  let depth = k > 0 ? V[k - 1] : 0
  for (let c = 0; c < cols; c++) {
    const cs = t0 + c * dt,
      ce = cs + dt
    let max = depth
    let area = 0
    let at = cs
    while (k < T.length && T[k] < ce) {
      area += depth * (T[k] - at)
      at = T[k]
      depth = V[k]
      if (depth > max) max = depth
      k++
    }
    area += depth * (ce - at)
    out.max[c] = max
    out.mean[c] = area / dt
  }
  return out
}

export interface HolderColumns {
  /** share of the column's time the lock was held (0..1) */
  busy: Float32Array
  /** grants that began in the column */
  grants: Int32Array
  /** the grant holding the lock longest within the column (−1: free throughout) */
  dominant: Int32Array
}

/** Who held the lock over [t0, t1) in `cols` columns: busy share, grants begun, dominant holder. */
export function holderColumns(
  m: LockModel,
  t0: number,
  t1: number,
  cols: number,
  reuse?: HolderColumns,
): HolderColumns {
  const out =
    reuse && reuse.busy.length === cols
      ? reuse
      : { busy: new Float32Array(cols), grants: new Int32Array(cols), dominant: new Int32Array(cols) }
  out.busy.fill(0)
  out.grants.fill(0)
  out.dominant.fill(-1)
  if (cols <= 0 || !(t1 > t0) || m.count === 0) return out
  const dt = (t1 - t0) / cols
  const best = new Float64Array(cols)
  // holds are disjoint and in acquire order; start from the last grant acquired before t0
  let i = Math.max(0, upperBound(m.acquired, t0) - 1)
  for (; i < m.count && m.acquired[i] < t1; i++) {
    const a = m.acquired[i],
      r = m.released[i]
    if (a >= t0) out.grants[Math.min(cols - 1, Math.floor((a - t0) / dt))]++
    if (r <= t0) continue
    const s = Math.max(a, t0),
      e = Math.min(r, t1)
    let c = Math.max(0, Math.floor((s - t0) / dt))
    for (; c < cols; c++) {
      const cs = t0 + c * dt,
        ce = cs + dt
      if (cs >= e) break
      const overlap = Math.min(e, ce) - Math.max(s, cs)
      if (overlap <= 0) continue
      out.busy[c] = Math.min(1, out.busy[c] + overlap / dt)
      if (overlap > best[c]) {
        best[c] = overlap
        out.dominant[c] = i
      }
    }
  }
  return out
}

/** Grants whose hold overlaps [t0, t1]: [first, last) indices. */
export function grantsIn(m: LockModel, t0: number, t1: number): [number, number] {
  let first = upperBound(m.acquired, t0) - 1
  if (first < 0 || m.released[first] < t0) first++
  return [Math.max(0, first), upperBound(m.acquired, t1)]
}

/**
 * The busy spell around grant g: from the earliest arrival to the last release of the grants
 * chained to it by overlapping waits and holds (at most `limit` grants each way). For "show me
 * this grant": the queue it was part of, not just its own microseconds.
 */
export function episodeOf(m: LockModel, g: number, limit = 50): [number, number] {
  let lo = m.arrival[g],
    hi = m.released[g]
  for (let j = g - 1; j >= 0 && j >= g - limit; j--) {
    if (m.released[j] < lo) break
    if (m.arrival[j] < lo) lo = m.arrival[j]
  }
  for (let j = g + 1; j < m.count && j <= g + limit; j++) {
    if (m.arrival[j] > hi) break
    if (m.released[j] > hi) hi = m.released[j]
  }
  return [lo, hi]
}
