/**
 * The lateness histogram of the stats panel (pure). Lateness is long-tailed (tens of µs typical,
 * rare multi-ms stalls), so bins are logarithmic between the smallest positive value and the max.
 */
export interface LogHistogram {
  /** bins + 1 ascending edges in ns; bin k is [edges[k], edges[k+1]) and the last includes its top */
  edges: Float64Array
  counts: Uint32Array
  /** values that went into some bin */
  total: number
  /** the largest count, for scaling bars */
  peak: number
}

export function logHistogram(values: ArrayLike<number>, bins = 16, floor = 100): LogHistogram {
  let lo = Infinity,
    hi = -Infinity,
    total = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (!Number.isFinite(v)) continue
    total++
    if (v > hi) hi = v
    if (v > 0 && v < lo) lo = v
  }
  if (total === 0) return { edges: new Float64Array([0, 1]), counts: new Uint32Array(1), total: 0, peak: 0 }
  lo = Math.max(floor, Number.isFinite(lo) ? lo : floor)
  if (hi < lo * 1.0001) hi = lo * 2
  const k = Math.max(1, Math.floor(bins))
  const edges = new Float64Array(k + 1)
  const ratio = Math.log(hi / lo) / k
  for (let i = 0; i <= k; i++) edges[i] = lo * Math.exp(ratio * i)
  edges[0] = Math.min(0, edgeMin(values))
  edges[k] = hi
  const counts = new Uint32Array(k)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (!Number.isFinite(v)) continue
    counts[binOf(edges, v)]++
  }
  let peak = 0
  for (const c of counts) if (c > peak) peak = c
  return { edges, counts, total, peak }
}

function edgeMin(values: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < values.length; i++) if (values[i] < m) m = values[i]
  return m
}

/** The bin holding v (values at or above the top edge go to the last bin). */
export function binOf(edges: Float64Array, v: number): number {
  const k = edges.length - 1
  let lo = 0,
    hi = k - 1
  if (v >= edges[k - 1]) return k - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (edges[mid] <= v) lo = mid
    else hi = mid - 1
  }
  return lo
}

/** Workers whose value lies in bin b. */
export function membersOf(values: ArrayLike<number>, edges: Float64Array, b: number): number[] {
  const out: number[] = []
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]) && binOf(edges, values[i]) === b) out.push(i)
  return out
}
