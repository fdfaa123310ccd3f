import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  countInversions,
  countMisplaced,
  formatDurationNs,
  histogram,
  isSorted,
  latenessArray,
  lockHeldArray,
  lockWaitArray,
  orderStats,
  percentile,
  percentiles,
  sortedCopy,
  spawnOffsetArray,
} from '../../src/shared/stats'
import { simulateSleepSort } from './helpers/sim'

const naiveInversions = (a: number[]) => {
  let n = 0
  for (let i = 0; i < a.length; i++) for (let j = i + 1; j < a.length; j++) if (a[i] > a[j]) n++
  return n
}

describe('order statistics', () => {
  it('sorts numerically, not as strings', () => {
    expect(sortedCopy([10, 9, 1, -2, 100])).toEqual([-2, 1, 9, 10, 100])
  })

  it('counts the seed example', () => {
    const input = [5, 1, 2, 6, 8, 2, 4, 2, 3, 8, 0, 2]
    const output = [0, 1, 2, 2, 2, 2, 3, 4, 5, 6, 8, 8]
    expect(orderStats(output, input)).toEqual({ misplaced: 0, inversions: 0, complete: true, sorted: true })
    const swapped = [0, 1, 2, 2, 2, 3, 2, 4, 5, 6, 8, 8]
    expect(orderStats(swapped, input)).toEqual({ misplaced: 2, inversions: 1, complete: true, sorted: false })
  })

  it('judges a cancelled prefix against the smallest values', () => {
    expect(orderStats([1, 2], [3, 2, 1])).toEqual({ misplaced: 0, inversions: 0, complete: false, sorted: false })
    expect(countMisplaced([2, 3], [3, 2, 1])).toBe(2)
    expect(countMisplaced([], [])).toBe(0)
  })

  it('inversions match the quadratic count', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 200 }), (a) => {
        expect(countInversions(a)).toBe(naiveInversions(a))
        expect(isSorted(a)).toBe(naiveInversions(a) === 0)
      }),
    )
    expect(countInversions(Float64Array.from([3, 2, 1]))).toBe(3)
  })

  it('a permutation has misplaced 0 exactly when it has no inversions', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 0, max: 20 }), { maxLength: 60 })
          .chain((a) => fc.tuple(fc.constant(a), fc.shuffledSubarray(a, { minLength: a.length, maxLength: a.length }))),
        ([input, output]) => {
          const s = orderStats(output, input)
          expect(s.misplaced === 0).toBe(s.inversions === 0)
          expect(s.misplaced).toBeLessThanOrEqual(output.length)
          expect(s.misplaced === 0 || s.misplaced >= 2).toBe(true)
        },
      ),
    )
  })

  it('handles 100k values quickly (O(n log n))', () => {
    const a = Array.from({ length: 100_000 }, (_, i) => 100_000 - i)
    expect(countInversions(a)).toBe((100_000 * 99_999) / 2)
  })
})

describe('percentiles', () => {
  it('uses nearest rank and ignores NaN', () => {
    const v = new Float64Array([NaN, 5, 1, 4, 2, 3, NaN])
    expect(percentiles(v)).toEqual({ p50: 3, p99: 5, max: 5 })
    expect(percentile([1, 2, 3, 4], 25)).toBe(1)
    expect(percentile([1, 2, 3, 4], 100)).toBe(4)
    const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentiles(hundred)).toEqual({ p50: 50, p99: 99, max: 100 })
  })

  it('is all NaN with no numbers', () => {
    const p = percentiles(new Float64Array([NaN, NaN]))
    expect([p.p50, p.p99, p.max].every(Number.isNaN)).toBe(true)
    expect(Number.isNaN(percentiles([]).max)).toBe(true)
  })

  it('is ordered and observed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(NaN)), { maxLength: 100 }),
        (a) => {
          const p = percentiles(a)
          const nums = a.filter((x) => !Number.isNaN(x))
          if (nums.length === 0) return
          expect(p.p50).toBeLessThanOrEqual(p.p99)
          expect(p.p99).toBeLessThanOrEqual(p.max)
          expect(nums).toContain(p.p50)
          expect(p.max).toBe(Math.max(...nums))
        },
      ),
    )
  })
})

describe('histogram', () => {
  it('bins values with members', () => {
    const h = histogram([0, 1, 2, 3, 4, NaN, 10], 5, { members: true })
    expect(Array.from(h.edges)).toEqual([0, 2, 4, 6, 8, 10])
    expect(Array.from(h.counts)).toEqual([2, 2, 1, 0, 1])
    expect(h.members).toEqual([[0, 1], [2, 3], [4], [], [6]])
  })

  it('widens an empty or flat range and clamps bins', () => {
    expect(Array.from(histogram([7, 7], 2).counts)).toEqual([2, 0])
    expect(Array.from(histogram([], 3).edges)).toEqual([0, 1 / 3, 2 / 3, 1])
    expect(histogram([1], 0).counts.length).toBe(1)
    expect(histogram([1], 1e9).counts.length).toBe(10_000)
    expect(histogram([1], 2).members).toBeUndefined()
  })

  it('respects explicit bounds', () => {
    const h = histogram([-5, 0, 5, 15], 2, { min: 0, max: 10, members: true })
    expect(Array.from(h.counts)).toEqual([1, 1])
    expect(h.members).toEqual([[1], [2]])
  })

  it('counts every finite value exactly once, within its edges', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 50 }),
        (a, bins) => {
          const h = histogram(a, bins, { members: true })
          expect(h.counts.reduce((x, y) => x + y, 0)).toBe(a.length)
          h.members!.forEach((m, k) => {
            expect(m.length).toBe(h.counts[k])
            for (const i of m) {
              expect(a[i]).toBeGreaterThanOrEqual(h.edges[k])
              if (k < bins - 1) expect(a[i]).toBeLessThan(h.edges[k + 1])
              else expect(a[i]).toBeLessThanOrEqual(h.edges[k + 1])
            }
          })
        },
      ),
    )
  })
})

describe('per-thread arrays', () => {
  it('reads lateness, lock wait, hold and spawn offset from the table', () => {
    const run = simulateSleepSort({
      values: [3, 1, 2],
      unitMs: 1,
      mode: 'classic',
      spawnGapNs: 10_000,
      lateNs: (w) => w * 100,
      holdNs: 2_000,
    })
    expect(Array.from(latenessArray(run.table))).toEqual([0, 100, 200])
    expect(Array.from(lockHeldArray(run.table))).toEqual([2000, 2000, 2000])
    expect(Array.from(lockWaitArray(run.table))).toEqual([0, 0, 0])
    expect(Array.from(spawnOffsetArray(run.table))).toEqual([0, 10_000, 20_000])
  })

  it('gives NaN where a step never happened', () => {
    const run = simulateSleepSort({ values: [1, 5], unitMs: 1, cancelAtNs: 2e6 })
    expect(run.output).toEqual([1])
    expect(Number.isNaN(latenessArray(run.table)[1])).toBe(true)
    expect(Number.isNaN(lockWaitArray(run.table)[1])).toBe(true)
  })

  it('contended mutex shows up as lock wait', () => {
    const run = simulateSleepSort({ values: [1, 1, 1], unitMs: 1, holdNs: 1000 })
    expect(Array.from(lockWaitArray(run.table))).toEqual([0, 1000, 2000])
  })
})

describe('formatDurationNs', () => {
  it('picks a unit', () => {
    expect(formatDurationNs(850)).toBe('850 ns')
    expect(formatDurationNs(40_000)).toBe('40 µs')
    expect(formatDurationNs(1_250_000)).toBe('1.25 ms')
    expect(formatDurationNs(24e6)).toBe('24 ms')
    expect(formatDurationNs(2.5e9)).toBe('2.5 s')
    expect(formatDurationNs(-1500)).toBe('-1.5 µs')
    expect(formatDurationNs(NaN)).toBe('NaN')
  })
})

describe('formatDurationNs: what the stats panel prints', () => {
  it('shows three significant digits at most, two decimals under 10, one under 100, none above', () => {
    expect(formatDurationNs(1_234)).toBe('1.23 µs')
    expect(formatDurationNs(12_345)).toBe('12.3 µs')
    expect(formatDurationNs(123_456)).toBe('123 µs')
    expect(formatDurationNs(999.4)).toBe('999 ns')
    expect(formatDurationNs(99.96)).toBe('100 ns')
    expect(formatDurationNs(9.996)).toBe('10 ns')
    expect(formatDurationNs(5.5)).toBe('5.5 ns')
  })

  it('moves to the next unit exactly at 1 µs, 1 ms and 1 s', () => {
    expect(formatDurationNs(1e3)).toBe('1 µs')
    expect(formatDurationNs(1e6)).toBe('1 ms')
    expect(formatDurationNs(1e9)).toBe('1 s')
    expect(formatDurationNs(-1e9)).toBe('-1 s')
    expect(formatDurationNs(3_600e9)).toBe('3600 s')
  })

  it('prints zero without a sign, and infinities as words', () => {
    expect(formatDurationNs(0)).toBe('0 ns')
    expect(formatDurationNs(-0)).toBe('0 ns')
    expect(formatDurationNs(Infinity)).toBe('Infinity')
    expect(formatDurationNs(-Infinity)).toBe('-Infinity')
  })
})

describe('histogram: ranges and edges', () => {
  /** Each value's bin, by the documented rule edges[k] ≤ v < edges[k+1]. */
  const binsOf = (values: number[], bins: number) => {
    const h = histogram(values, bins, { members: true })
    const of: number[] = []
    h.members!.forEach((m, k) => m.forEach((i) => (of[i] = k)))
    return { h, of }
  }

  it('puts a value a hair under a rounded-up edge in the bin below it', () => {
    // 10 bins over [1.3, 2.7]: edge 9 is 2.5600000000000005, so 2.56 belongs to bin 8.
    const { h, of } = binsOf([1.3, 2.56, 2.7], 10)
    expect(h.edges[9]).toBeGreaterThan(2.56)
    expect(of).toEqual([0, 8, 9])
  })

  it('puts a value exactly on an edge in the bin that starts there', () => {
    // 6 bins over [1, 3.1]: (2.05 − 1) / 0.35 rounds under 3, but edge 3 is exactly 2.05.
    const { h, of } = binsOf([1, 2.05, 3.1], 6)
    expect(h.edges[3]).toBe(2.05)
    expect(of).toEqual([0, 3, 5])
  })

  it('takes only the missing bound from the values when one bound is given', () => {
    const low = histogram([5, 10, 20, -3], 2, { min: 0 })
    expect(Array.from(low.edges)).toEqual([0, 10, 20])
    expect(Array.from(low.counts)).toEqual([1, 2])
    const high = histogram([2, 4, 30], 2, { max: 10 })
    expect(Array.from(high.edges)).toEqual([2, 6, 10])
    expect(Array.from(high.counts)).toEqual([2, 0])
  })

  it('swaps bounds given the wrong way round', () => {
    const h = histogram([1, 9], 2, { min: 10, max: 0 })
    expect(Array.from(h.edges)).toEqual([0, 5, 10])
    expect(Array.from(h.counts)).toEqual([1, 1])
  })

  it('leaves infinities out of the range and out of the bins', () => {
    const h = histogram([1, Infinity, 3, -Infinity], 2)
    expect(Array.from(h.edges)).toEqual([1, 2, 3])
    expect(Array.from(h.counts)).toEqual([1, 1])
    expect(Array.from(histogram([Infinity, -Infinity], 1).edges)).toEqual([0, 1])
  })

  it('widens one unit above a lone lower bound and below a lone upper bound', () => {
    expect(Array.from(histogram([NaN], 2, { min: 5 }).edges)).toEqual([5, 5.5, 6])
    expect(Array.from(histogram([], 2, { max: 5 }).edges)).toEqual([4, 4.5, 5])
    expect(Array.from(histogram([-2, -2], 1).edges)).toEqual([-2, -1])
  })

  it('keeps every value of a range narrower than the bins (subnormal width)', () => {
    const h = histogram([0, 5e-324, 5e-324], 2)
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(3)
    expect(h.edges[2]).toBe(5e-324)
  })

  it('reads fractional and non-finite bin counts as whole bins', () => {
    expect(histogram([1, 2], 2.9).counts.length).toBe(2)
    expect(histogram([1, 2], NaN).counts.length).toBe(1)
    expect(histogram([1, 2], Infinity).counts.length).toBe(1)
    expect(histogram([1, 2], -3).counts.length).toBe(1)
  })
})

describe('percentile of nothing', () => {
  it('is NaN, not a missing value', () => {
    expect(percentile([], 50)).toBeNaN()
    expect(percentile([NaN], 99)).toBeNaN()
  })
})
