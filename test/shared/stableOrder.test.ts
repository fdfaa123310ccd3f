// stableOrder is the comparator sort (ascending keys, ties by index) computed without comparators:
// compared with it on keys of every sign, magnitude and tie pattern, both below and above the size
// where the radix passes take over, and on keys made of a few ascending runs (event times), which
// are merged instead.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stableOrder } from '../../src/shared/stableOrder'
import { laneOrder } from '../../src/shared/threads'

const byComparator = (keys: ArrayLike<number>, n = keys.length) =>
  Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b)

const key = fc.oneof(
  fc.integer({ min: -50, max: 50 }), // many ties
  fc.double({ noNaN: true }), // any finite or infinite double, ±0 included
  fc.integer({ min: -1e6, max: 1e12 }), // event times in ns, negative before the epoch
  fc.constantFrom(0, -0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE),
)

/**
 * Where stableOrder first departs from the comparator order, or null. The first difference only: a
 * diff of thousands of indices (and shrinking them) takes minutes.
 */
function firstDifference(keys: number[]): { at: number; got: number; want: number; n: number } | null {
  const got = stableOrder(keys)
  const want = byComparator(keys)
  const at = want.findIndex((w, i) => got[i] !== w)
  return at === -1 ? null : { at, got: got[at], want: want[at], n: keys.length }
}

describe('stableOrder', () => {
  it('is the comparator order, ties by index, for small and large inputs', () => {
    fc.assert(
      fc.property(fc.array(key, { minLength: 0, maxLength: 6000, size: 'max' }), (keys) => {
        expect(firstDifference(keys)).toBeNull()
      }),
      { numRuns: 60, endOnFailure: true },
    )
  })

  it('is the comparator order for keys made of a few ascending runs (merged, not radix-sorted)', () => {
    const runsOfKeys = fc
      .array(fc.array(key, { minLength: 1, maxLength: 3000 }), { minLength: 1, maxLength: 70 })
      .map((runs) => runs.flatMap((run) => run.sort((a, b) => a - b)))
    fc.assert(
      fc.property(runsOfKeys, (keys) => {
        expect(firstDifference(keys)).toBeNull()
      }),
      { numRuns: 60, endOnFailure: true },
    )
  })

  it('merges event times as a run records them, ties by index', () => {
    // three threads' logs drained in turn: each ascending, overlapping in time, with equal instants
    const keys = [5, 10, 10, 20, 30, 1, 10, 25, 40, 0, 10, 30]
    expect(Array.from(stableOrder(keys))).toEqual(byComparator(keys))
    expect(Array.from(stableOrder([]))).toEqual([])
    expect(Array.from(stableOrder([3]))).toEqual([0])
  })

  it('orders the first `length` keys of a longer buffer (event columns have spare capacity)', () => {
    const keys = new Float64Array(10_000)
    for (let i = 0; i < 8_000; i++) keys[i] = ((i * 7919) % 3001) * 1000 - 5e5
    keys.fill(-1e9, 8_000) // spare slots: must not be read as keys
    const order = stableOrder(keys, 8_000)
    expect(order.length).toBe(8_000)
    expect(Array.from(order)).toEqual(byComparator(keys, 8_000))
  })

  it('is the comparator order with 16-bit digits too (65,536 keys or more)', () => {
    // shuffled event times in ns, many ties, both signs: every one of the four passes moves keys
    const keys = Array.from({ length: 70_000 }, (_, i) => (((i * 7919) % 70_001) - 20_000) * 2 ** 20 + (i % 3))
    expect(Array.from(stableOrder(keys))).toEqual(byComparator(keys))
  })

  it('keeps equal keys (and 0 against -0) in index order across every pass', () => {
    const keys = Array.from({ length: 5_000 }, (_, i) => (i % 2 ? -0 : 0) + (i % 3) * 2 ** 40)
    expect(Array.from(stableOrder(keys))).toEqual(byComparator(keys))
  })

  it('gives the lanes by value, ties by spawn order', () => {
    const values = Array.from({ length: 3_000 }, (_, i) => (i * 37) % 100)
    expect(Array.from(laneOrder(values, true))).toEqual(byComparator(values))
    expect(Array.from(laneOrder(values, false))).toEqual(values.map((_, i) => i))
  })
})
