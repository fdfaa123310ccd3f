/**
 * The indices of numeric keys in ascending order, ties by index — what
 * `indices.sort((a, b) => keys[a] - keys[b] || a - b)` gives, without a comparator call per
 * comparison. Keys that are already nearly in order — a run's event times are: the collector
 * drains the threads' logs in time order, and 80,000 events of a 10,000-thread run measured 4
 * descents — are merged as the ascending runs they hold (a few passes, each element moved once a
 * pass). Other keys go through an LSD radix sort over the bits of each double (16 bits a pass,
 * passes whose digit never changes skipped), which for 80,000 shuffled event times measured about
 * half the comparator sort's time once warm (17 vs 30 ms in Node at load average ~200) and about
 * the same on a first, cold call (60 vs 65 ms). Fewer keys than a 16-bit digit has values go
 * through 8-bit digits instead: the 65,536-bucket prefix sums dominated there, and a first call —
 * the lanes of a 10,000-thread run ordered by value as the run starts — took 20–60 ms before its
 * code was optimised. -0 equals 0; with NaN keys the order is unspecified, as with the comparator.
 */

/** below this many keys the comparator sort is cheaper than four passes over 65,536 buckets */
const SMALL = 2048
/** at most this many ascending runs are merged (a pass each per doubling); more go to the radix passes */
const MAX_RUNS = 64
/** from this many keys on, 16-bit digits (4 passes); below it, 8-bit digits (8 passes over 256 buckets) */
const WIDE_FROM = 1 << 16

// the two 32-bit halves of a double as this machine stores them
const f64 = new Float64Array(1)
const u32 = new Uint32Array(f64.buffer)
f64[0] = 2 // exponent bits only: the high word is non-zero
const HI = u32[1] !== 0 ? 1 : 0
const LO = 1 - HI

export function stableOrder(keys: ArrayLike<number>, length = keys.length): Uint32Array {
  const n = length
  let order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  const runs = ascendingRuns(keys, n)
  if (runs) return mergeRuns(keys, order, runs)
  if (n < SMALL) return order.sort((a, b) => keys[a] - keys[b] || a - b)
  // unsigned words that order like the doubles: negatives have every bit flipped, others the sign bit
  const hi = new Uint32Array(n)
  const lo = new Uint32Array(n)
  for (let i = 0; i < n; i++) {
    const v = keys[i]
    f64[0] = v === v ? v + 0 : NaN
    const h = u32[HI],
      l = u32[LO]
    if (h & 0x80000000) {
      hi[i] = ~h >>> 0
      lo[i] = ~l >>> 0
    } else {
      hi[i] = (h | 0x80000000) >>> 0
      lo[i] = l
    }
  }
  let spare = new Uint32Array(n)
  const bits = n >= WIDE_FROM ? 16 : 8
  const digits = 1 << bits
  const mask = digits - 1
  const count = new Uint32Array(digits + 1)
  for (let pass = 0; pass < 64 / bits; pass++) {
    const word = pass < 32 / bits ? lo : hi
    const shift = (pass * bits) % 32
    count.fill(0)
    for (let i = 0; i < n; i++) count[((word[i] >>> shift) & mask) + 1]++
    if (count[((word[0] >>> shift) & mask) + 1] === n) continue // one digit for all: nothing moves
    for (let d = 1; d <= digits; d++) count[d] += count[d - 1]
    for (let i = 0; i < n; i++) {
      const o = order[i]
      spare[count[(word[o] >>> shift) & mask]++] = o
    }
    const done = spare
    spare = order
    order = done
  }
  return order
}

/** Where each ascending run of keys starts, and n at the end; null past MAX_RUNS runs. */
function ascendingRuns(keys: ArrayLike<number>, n: number): number[] | null {
  const bounds = [0]
  for (let i = 1; i < n; i++) {
    if (keys[i] < keys[i - 1]) {
      if (bounds.length === MAX_RUNS) return null
      bounds.push(i)
    }
  }
  bounds.push(n)
  return bounds
}

/**
 * Merges neighbouring runs pairwise until one is left. Every merged block covers a contiguous range
 * of indices, the left one the smaller, so taking from the left on equal keys keeps ties by index.
 */
function mergeRuns(keys: ArrayLike<number>, order: Uint32Array, runs: number[]): Uint32Array {
  let bounds = runs
  let spare: Uint32Array = new Uint32Array(order.length)
  while (bounds.length > 2) {
    const next = [0]
    for (let r = 0; r + 1 < bounds.length; r += 2) {
      const lo = bounds[r],
        mid = bounds[r + 1],
        hi = r + 2 < bounds.length ? bounds[r + 2] : mid
      let a = lo,
        b = mid,
        k = lo
      while (a < mid && b < hi) spare[k++] = keys[order[b]] < keys[order[a]] ? order[b++] : order[a++]
      while (a < mid) spare[k++] = order[a++]
      while (b < hi) spare[k++] = order[b++]
      next.push(hi)
    }
    const done = spare
    spare = order
    order = done
    bounds = next
  }
  return order
}
