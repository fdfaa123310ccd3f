import { describe, expect, it } from 'vitest'
import {
  buildLockModel,
  depthAt,
  depthColumns,
  episodeOf,
  grantsIn,
  holderAt,
  holderColumns,
} from '../../src/renderer/model/lock'
import { emptyThreadTable as emptyTable } from '../../src/shared/threads'
import type { ThreadTable } from '../../src/shared/threads'

/** A thread table from [arrival, acquired, released] per worker (NaN for a step that did not happen). */
function table(rows: Array<[number, number, number]>): ThreadTable {
  const t = emptyTable(rows.length)
  rows.forEach(([arr, acq, rel], w) => {
    t.woke[w] = arr
    t.lockWait[w] = arr
    t.lockAcquired[w] = acq
    t.lockReleased[w] = rel
  })
  return t
}

describe('buildLockModel', () => {
  it('orders grants by acquire, ranks arrivals and finds overtakes, out-of-turn grants and handoffs', () => {
    // w0 alone (uncontended, cost 10); then w1 arrives at 100 and holds to 200 while w2 (150) and
    // w3 (160) queue; w3 gets it first (an overtake), then w2.
    const m = buildLockModel(
      table([
        [0, 10, 20],
        [100, 110, 200],
        [150, 260, 300],
        [160, 210, 250],
      ]),
    )
    expect(m.count).toBe(4)
    expect(Array.from(m.worker)).toEqual([0, 1, 3, 2])
    expect(Array.from(m.arrivalRank)).toEqual([0, 1, 3, 2])
    expect(m.overtakes).toBe(1)
    expect(Array.from(m.outOfTurn)).toEqual([0, 0, 1, 0])
    expect(m.outOfTurnCount).toBe(1)
    // w0 and w1 came to a free lock with nobody waiting
    expect(Array.from(m.uncontended)).toEqual([1, 1, 0, 0])
    expect(m.uncontendedCount).toBe(2)
    expect(m.uncontendedCostNs).toBe(10) // median of 10 and 10
    // w3 was waiting at w1's release (200 → 210); w2 was waiting at w3's release (250 → 260)
    expect(Array.from(m.handoff)).toEqual([0, 0, 1, 1])
    expect(m.handoffCount).toBe(2)
    expect(m.handoffNs).toBe(10)
    expect(m.holdNs).toBe(40) // holds 10, 90, 40, 40
  })

  it('queue depth is a step function of waiting threads', () => {
    const m = buildLockModel(
      table([
        [0, 10, 20],
        [100, 110, 200],
        [150, 260, 300],
        [160, 210, 250],
      ]),
    )
    expect(m.maxDepth).toBe(2)
    expect(depthAt(m, -1)).toBe(0)
    expect(depthAt(m, 5)).toBe(1)
    expect(depthAt(m, 10)).toBe(0) // ends before starts at the same instant
    expect(depthAt(m, 155)).toBe(1)
    expect(depthAt(m, 165)).toBe(2)
    expect(depthAt(m, 215)).toBe(1)
    expect(depthAt(m, 270)).toBe(0)
    expect(holderAt(m, 15)).toBe(0)
    expect(holderAt(m, 50)).toBe(-1)
    expect(holderAt(m, 220)).toBe(2) // grant 2 is w3
    expect(grantsIn(m, 150, 255)).toEqual([1, 3])
    // the busy spell around a grant: w1's hold and the queue it built up
    expect(episodeOf(m, 0)).toEqual([0, 20])
    expect(episodeOf(m, 2)).toEqual([100, 300])
  })

  it('a tie in arrival is not an overtake; a zero-length wait beside a waiter is not uncontended', () => {
    const m = buildLockModel(
      table([
        [0, 0, 10],
        [0, 10, 20],
      ]),
    )
    expect(m.overtakes).toBe(0)
    expect(m.outOfTurnCount).toBe(0)
    expect(Array.from(m.uncontended)).toEqual([0, 0])
    expect(Number.isNaN(m.uncontendedCostNs)).toBe(true)
  })

  it('cancelled runs: holds without a release end at `end`, waiters never granted are counted', () => {
    const t = table([
      [0, 5, NaN], // holding when cancelled
      [2, NaN, NaN], // waiting when cancelled
      [NaN, NaN, NaN], // never woke
    ])
    t.cancelled[1] = 50
    const m = buildLockModel(t, 60)
    expect(m.count).toBe(1)
    expect(m.released[0]).toBe(60)
    expect(m.neverGranted).toBe(1)
    expect(depthAt(m, 10)).toBe(1)
    expect(depthAt(m, 55)).toBe(0)
    expect(m.end).toBe(60)
  })

  it('falls back to the woke instant when lock-wait was not recorded', () => {
    const t = emptyTable(1)
    t.woke[0] = 3
    t.lockAcquired[0] = 7
    t.lockReleased[0] = 9
    const m = buildLockModel(t)
    expect(m.arrival[0]).toBe(3)
    expect(m.uncontendedCostNs).toBe(4)
  })

  it('an empty table gives an empty model', () => {
    const m = buildLockModel(emptyTable(0))
    expect(m.count).toBe(0)
    expect(m.maxDepth).toBe(0)
    expect(depthColumns(m, 0, 10, 4).max).toEqual(new Int32Array(4))
    expect(holderColumns(m, 0, 10, 4).dominant).toEqual(new Int32Array([-1, -1, -1, -1]))
  })

  it('the reverse of FIFO has n(n−1)/2 overtakes and every grant but the last out of turn', () => {
    // all arrive at 0..n−1 while w0 holds; then granted in reverse arrival order
    const n = 50
    const rows: Array<[number, number, number]> = []
    for (let w = 0; w < n; w++) rows.push([w, 1000 + (n - w) * 10, 1000 + (n - w) * 10 + 5])
    const m = buildLockModel(table(rows))
    expect(m.overtakes).toBe((n * (n - 1)) / 2)
    expect(m.outOfTurnCount).toBe(n - 1)
    expect(m.maxDepth).toBe(n)
  })
})

describe('aggregation per pixel column', () => {
  /** 10,000 threads: all arrive in the first 1 ms, then hold 1 µs each, one after another. */
  function big() {
    const n = 10_000
    const rows: Array<[number, number, number]> = []
    for (let w = 0; w < n; w++) rows.push([(w * 1e6) / n, 1e6 + w * 1000, 1e6 + w * 1000 + 900])
    return { n, m: buildLockModel(table(rows)) }
  }

  // the build and the columns' speed are measured by bench/models.mjs on a real run, not asserted here
  it('depth columns: max and mean per column for 10,000 threads', () => {
    const { n, m } = big()
    expect(m.maxDepth).toBe(n)
    const cols = depthColumns(m, 0, 12e6, 800)
    expect(cols.max).toHaveLength(800)
    // the queue builds up over the first 1 ms, then drains linearly over 10 ms
    const at = (t: number) => Math.floor((t / 12e6) * 800)
    expect(cols.max[at(0.99e6)]).toBeGreaterThan(n * 0.95)
    expect(cols.max[at(6e6)]).toBeGreaterThan(n * 0.45)
    expect(cols.max[at(6e6)]).toBeLessThan(n * 0.55)
    expect(cols.mean[at(6e6)]).toBeLessThanOrEqual(cols.max[at(6e6)])
    expect(cols.max[799]).toBe(0)
    // reuse keeps the arrays
    const again = depthColumns(m, 0, 12e6, 800, cols)
    expect(again.max).toBe(cols.max)
  })

  it('holder columns: busy share, grants begun, dominant holder', () => {
    const { m } = big()
    const c = holderColumns(m, 0, 11e6, 1100) // 10 µs per column: 10 grants of 0.9 µs each
    expect(c.busy[0]).toBe(0)
    const mid = 600 // 6 ms: grants 5000..5009
    expect(c.grants[mid]).toBe(10)
    expect(c.busy[mid]).toBeCloseTo(0.9, 5)
    expect(c.dominant[mid]).toBeGreaterThanOrEqual(5000)
    expect(c.dominant[mid]).toBeLessThan(5010)
    let total = 0
    for (let i = 0; i < c.grants.length; i++) total += c.grants[i]
    expect(total).toBe(10_000)
    // zoomed in: one hold spans several columns
    const z = holderColumns(m, 1e6, 1e6 + 1000, 10)
    expect(Array.from(z.dominant)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, -1])
  })
})
