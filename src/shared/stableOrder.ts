/**
 * The indices of numeric keys in ascending order, ties by index — what
 * `indices.sort((a, b) => keys[a] - keys[b] || a - b)` gives, without a comparator call per
 * comparison: an LSD radix sort over the bits of each double (16 bits a pass, passes whose digit
 * never changes skipped). For 80,000 event times (the end of a 10,000-thread run) it measured
 * about half the comparator sort's time once warm (17 vs 30 ms in Node at load average ~200), and
 * about the same on a first, cold call (60 vs 65 ms). -0 equals 0; with NaN keys the order is
 * unspecified, as with the comparator.
 */

/** below this many keys the comparator sort is cheaper than four passes over 65,536 buckets */
const SMALL = 2048
const DIGITS = 1 << 16

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
  const count = new Uint32Array(DIGITS + 1)
  for (const [word, shift] of [
    [lo, 0],
    [lo, 16],
    [hi, 0],
    [hi, 16],
  ] as const) {
    count.fill(0)
    for (let i = 0; i < n; i++) count[((word[i] >>> shift) & 0xffff) + 1]++
    if (count[((word[0] >>> shift) & 0xffff) + 1] === n) continue // one digit for all: nothing moves
    for (let d = 1; d <= DIGITS; d++) count[d] += count[d - 1]
    for (let i = 0; i < n; i++) {
      const o = order[i]
      spare[count[(word[o] >>> shift) & 0xffff]++] = o
    }
    const done = spare
    spare = order
    order = done
  }
  return order
}
