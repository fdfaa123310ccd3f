/**
 * Order and timing statistics of a run, shared by the stats panel, the CLI, run files and tests.
 * Pure functions over plain arrays and the ThreadTable; nothing here allocates per event.
 */
import type { Percentiles } from './api'
import type { ThreadTable } from './threads'

/** Numeric ascending copy (never the default string sort). */
export function sortedCopy(values: readonly number[]): number[] {
  return Array.from(Float64Array.from(values).sort())
}

export interface OrderStats {
  /** positions i < output.length where output[i] !== sorted(input)[i] */
  misplaced: number
  /** pairs i < j of the output with output[i] > output[j] */
  inversions: number
  /** every input value was pushed (output.length === input.length) */
  complete: boolean
  /** complete and nothing misplaced */
  sorted: boolean
}

/**
 * Counts positions where the push order differs from the sorted input. Only pushed positions count,
 * so a cancelled run's prefix is judged against the prefix it should have been: the smallest
 * `output.length` values in order.
 */
export function countMisplaced(output: readonly number[], input: readonly number[]): number {
  const sorted = Float64Array.from(input).sort()
  let misplaced = 0
  for (let i = 0; i < output.length; i++) if (i >= sorted.length || output[i] !== sorted[i]) misplaced++
  return misplaced
}

/** Pairs i < j with values[i] > values[j] (equal values are not inverted), by merge sort: O(n log n). */
export function countInversions(values: ArrayLike<number>): number {
  const n = values.length
  if (n < 2) return 0
  let a = Float64Array.from(values as ArrayLike<number>)
  let b = new Float64Array(n)
  let inversions = 0
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n)
      const hi = Math.min(lo + 2 * width, n)
      let i = lo,
        j = mid,
        k = lo
      while (i < mid && j < hi) {
        if (a[j] < a[i]) {
          inversions += mid - i
          b[k++] = a[j++]
        } else {
          b[k++] = a[i++]
        }
      }
      while (i < mid) b[k++] = a[i++]
      while (j < hi) b[k++] = a[j++]
    }
    const t = a
    a = b
    b = t
  }
  return inversions
}

/** Non-decreasing? */
export function isSorted(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) if (values[i - 1] > values[i]) return false
  return true
}

export function orderStats(output: readonly number[], input: readonly number[]): OrderStats {
  const misplaced = countMisplaced(output, input)
  const complete = output.length === input.length
  return { misplaced, inversions: countInversions(output), complete, sorted: complete && misplaced === 0 }
}

/**
 * Nearest-rank percentiles (each is a value that was observed), ignoring NaN. All NaN when no
 * value is a number.
 */
export function percentiles(values: ArrayLike<number>): Percentiles {
  const finite = finiteSorted(values)
  const n = finite.length
  if (n === 0) return { p50: NaN, p99: NaN, max: NaN }
  return { p50: nearestRank(finite, 50), p99: nearestRank(finite, 99), max: finite[n - 1] }
}

/** The p-th percentile (0 < p ≤ 100) by nearest rank, ignoring NaN; NaN when empty. */
export function percentile(values: ArrayLike<number>, p: number): number {
  const finite = finiteSorted(values)
  return finite.length === 0 ? NaN : nearestRank(finite, p)
}

function finiteSorted(values: ArrayLike<number>): Float64Array {
  let count = 0
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) count++
  const out = new Float64Array(count)
  for (let i = 0, k = 0; i < values.length; i++) if (!Number.isNaN(values[i])) out[k++] = values[i]
  return out.sort()
}

function nearestRank(sorted: Float64Array, p: number): number {
  const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

export interface Histogram {
  /** bins + 1 ascending edges; bin k holds edges[k] ≤ v < edges[k+1] (the last bin includes its top edge) */
  edges: Float64Array
  counts: Uint32Array
  /** per bin, the indices (workers) of the values it holds, when asked for */
  members?: number[][]
}

export interface HistogramOptions {
  /** lower edge; default the smallest value */
  min?: number
  /** upper edge; default the largest value */
  max?: number
  /** collect the index of every value per bin (for tooltips and selection) */
  members?: boolean
}

export const MAX_HISTOGRAM_BINS = 10_000

/**
 * Equal-width histogram of the non-NaN values (index = worker). Values outside [min, max] are
 * left out. With no values, or all values equal, the range is widened to one unit around them.
 */
export function histogram(values: ArrayLike<number>, bins: number, options: HistogramOptions = {}): Histogram {
  const binCount = Math.max(1, Math.min(MAX_HISTOGRAM_BINS, Math.floor(Number.isFinite(bins) ? bins : 1)))
  let lo = options.min ?? Infinity
  let hi = options.max ?? -Infinity
  if (options.min === undefined || options.max === undefined) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]
      if (!Number.isFinite(v)) continue
      if (options.min === undefined && v < lo) lo = v
      if (options.max === undefined && v > hi) hi = v
    }
  }
  if (!Number.isFinite(lo) && !Number.isFinite(hi)) {
    lo = 0
    hi = 1
  } else if (!Number.isFinite(lo)) lo = hi - 1
  else if (!Number.isFinite(hi)) hi = lo + 1
  if (hi < lo) [lo, hi] = [hi, lo]
  if (hi === lo) hi = lo + 1
  const edges = new Float64Array(binCount + 1)
  const width = (hi - lo) / binCount
  for (let k = 0; k <= binCount; k++) edges[k] = lo + k * width
  edges[binCount] = hi
  const counts = new Uint32Array(binCount)
  const members: number[][] | undefined = options.members ? Array.from({ length: binCount }, () => []) : undefined
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (Number.isNaN(v) || v < lo || v > hi) continue
    let k = Math.floor((v - lo) / width)
    // a range narrower than binCount subnormals makes width 0 and k NaN or infinite
    if (!Number.isFinite(k)) k = v >= hi ? binCount - 1 : 0
    if (k >= binCount) k = binCount - 1
    // floating-point edges: keep the documented rule edges[k] ≤ v < edges[k+1]
    while (k > 0 && v < edges[k]) k--
    while (k < binCount - 1 && v >= edges[k + 1]) k++
    counts[k]++
    members?.[k].push(i)
  }
  return members ? { edges, counts, members } : { edges, counts }
}

/** Wake lateness (woke − deadline) per worker in ns; NaN where the thread never woke. */
export function latenessArray(table: ThreadTable): Float64Array {
  const out = new Float64Array(table.count)
  for (let w = 0; w < table.count; w++) out[w] = table.woke[w] - table.deadline[w]
  return out
}

/** Time waiting for the mutex (acquired − lock-wait) per worker in ns; NaN where it never got it. */
export function lockWaitArray(table: ThreadTable): Float64Array {
  const out = new Float64Array(table.count)
  for (let w = 0; w < table.count; w++) out[w] = table.lockAcquired[w] - table.lockWait[w]
  return out
}

/** Time holding the mutex (released − acquired) per worker in ns; NaN where it never held it. */
export function lockHeldArray(table: ThreadTable): Float64Array {
  const out = new Float64Array(table.count)
  for (let w = 0; w < table.count; w++) out[w] = table.lockReleased[w] - table.lockAcquired[w]
  return out
}

/** Sleep start relative to the earliest sleep start, per worker in ns (classic mode's spawn skew). */
export function spawnOffsetArray(table: ThreadTable): Float64Array {
  let first = Infinity
  for (let w = 0; w < table.count; w++) if (table.sleepStart[w] < first) first = table.sleepStart[w]
  const out = new Float64Array(table.count)
  for (let w = 0; w < table.count; w++) out[w] = table.sleepStart[w] - first
  return out
}

/** Human duration from ns with about three significant digits: "850 ns", "40 µs", "1.25 ms", "2.5 s". */
export function formatDurationNs(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns)
  const sign = ns < 0 ? '-' : ''
  const a = Math.abs(ns)
  const [scaled, unit] = a >= 1e9 ? [a / 1e9, 's'] : a >= 1e6 ? [a / 1e6, 'ms'] : a >= 1e3 ? [a / 1e3, 'µs'] : [a, 'ns']
  return `${sign}${trimNumber(scaled)} ${unit}`
}

function trimNumber(x: number): string {
  const digits = x >= 100 ? 0 : x >= 10 ? 1 : 2
  return String(Number(x.toFixed(digits)))
}
