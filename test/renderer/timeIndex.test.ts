// The time order kept as batches arrive is the order of all the events sorted at once (ties by
// index), whatever the batch sizes and however late an event arrives.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stableOrder } from '../../src/shared/stableOrder'
import { TimeIndex } from '../../src/renderer/model/timeIndex'

function indexInBatches(times: Float64Array, cuts: number[]): TimeIndex {
  const index = new TimeIndex(4)
  let from = 0
  for (const cut of [...cuts.filter((c) => c < times.length).sort((a, b) => a - b), times.length]) {
    index.add(times, from, Math.max(from, cut))
    from = Math.max(from, cut)
  }
  return index
}

describe('TimeIndex', () => {
  it('is stableOrder of all the times so far, in any batches', () => {
    // mostly ascending times (as a run's batches arrive) with late stragglers and equal instants
    const times = fc
      .array(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant(-1)), { maxLength: 400 })
      .map((steps) => {
        const out = new Float64Array(steps.length)
        let t = 0
        steps.forEach((s, i) => {
          t += s < 0 ? 0 : s
          out[i] = s < 0 ? t - 100 : t
        })
        return out
      })
    fc.assert(
      fc.property(times, fc.array(fc.nat(400), { maxLength: 30 }), (t, cuts) => {
        const index = indexInBatches(t, cuts)
        const want = stableOrder(t)
        expect(Array.from(index.order())).toEqual(Array.from(want))
        expect(Array.from(index.times())).toEqual(Array.from(want, (i) => t[i]))
      }),
      { numRuns: 200 },
    )
  })

  it('puts an event earlier than everything indexed in front, and equal times in arrival order', () => {
    const t = Float64Array.from([10, 20, 20, 30, 5, 20, 40])
    const index = new TimeIndex(2)
    index.add(t, 0, 4)
    index.add(t, 4, 7)
    expect(Array.from(index.order())).toEqual([4, 0, 1, 2, 5, 3, 6])
    index.add(t, 7, 7)
    expect(index.length).toBe(7)
  })
})
