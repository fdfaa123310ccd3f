import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  aggregateLanes,
  laneOrder,
  laneSegments,
  laneStateAt,
  LANE_STATE_COUNT,
  LaneState,
} from '../../src/renderer/model/lanes'
import { LaneRaster } from '../../src/renderer/paint/laneRaster'
import { emptyThreadTable as emptyTable } from '../../src/shared/threads'
import type { ThreadTable } from '../../src/shared/threads'

/** A thread that went through every step, at the given instants (ns). */
function fullThread(
  t: ThreadTable,
  w: number,
  at: { s: number; a: number; d: number; k: number; q: number; r: number; x: number },
) {
  t.spawned[w] = at.s
  t.sleepStart[w] = at.a
  t.deadline[w] = at.d
  t.woke[w] = at.k
  t.lockWait[w] = at.k + 1
  t.lockAcquired[w] = at.q
  t.pushed[w] = at.q + 1
  t.lockReleased[w] = at.r
  t.exited[w] = at.x
}

describe('lane segments', () => {
  it('splits a thread into its states, lateness as the gap from deadline to wake', () => {
    const t = emptyTable(1)
    fullThread(t, 0, { s: 0, a: 10, d: 100, k: 130, q: 150, r: 160, x: 200 })
    const out = new Float64Array(30)
    const n = laneSegments(t, 0, 300, out)
    const segs = Array.from({ length: n }, (_, i) => [out[i * 3], out[i * 3 + 1], out[i * 3 + 2]])
    expect(segs).toEqual([
      [0, 10, LaneState.Spawning],
      [10, 100, LaneState.Sleeping],
      [100, 130, LaneState.Overslept],
      [130, 150, LaneState.Waiting],
      [150, 160, LaneState.Holding],
      [160, 200, LaneState.Parked],
      [200, 300, LaneState.Exited],
    ])
    expect(laneStateAt(t, 0, 120, 300)).toBe(LaneState.Overslept)
    expect(laneStateAt(t, 0, 155, 300)).toBe(LaneState.Holding)
    expect(laneStateAt(t, 0, -5, 300)).toBe(LaneState.Empty)
  })

  it('ends open steps at the live edge', () => {
    const t = emptyTable(1)
    t.spawned[0] = 0
    t.sleepStart[0] = 5
    t.deadline[0] = 50
    expect(laneStateAt(t, 0, 40, 60)).toBe(LaneState.Sleeping)
    // past its deadline and not yet awake: late
    expect(laneStateAt(t, 0, 55, 60)).toBe(LaneState.Overslept)
    expect(laneStateAt(t, 0, 70, 60)).toBe(LaneState.Empty)
  })

  it('a cancelled thread is cancelled from then on', () => {
    const t = emptyTable(1)
    t.spawned[0] = 0
    t.sleepStart[0] = 5
    t.deadline[0] = 500
    t.cancelled[0] = 100
    t.exited[0] = 101
    expect(laneStateAt(t, 0, 50, 200)).toBe(LaneState.Sleeping)
    expect(laneStateAt(t, 0, 150, 200)).toBe(LaneState.Cancelled)
  })

  it('orders lanes by value with ties in spawn order, or by spawn order', () => {
    const v = Float64Array.from([3, 1, 2, 1])
    expect(Array.from(laneOrder(v, true))).toEqual([1, 3, 2, 0])
    expect(Array.from(laneOrder(v, false))).toEqual([0, 1, 2, 3])
  })
})

/** The slow, obvious aggregation: per pixel, count each lane's state at the pixel's instants. */
function naiveAggregate(
  t: ThreadTable,
  order: Uint32Array,
  rows: number,
  cols: number,
  t0: number,
  t1: number,
  end: number,
) {
  const lanes = order.length
  const state = new Uint8Array(rows * cols)
  const seg = new Float64Array(30)
  const scale = cols / (t1 - t0)
  for (let r = 0; r < rows; r++) {
    const first = Math.floor((r * lanes) / rows),
      last = Math.floor(((r + 1) * lanes) / rows)
    for (let x = 0; x < cols; x++) {
      const counts = new Array(LANE_STATE_COUNT).fill(0)
      for (let l = first; l < last; l++) {
        const n = laneSegments(t, order[l], end, seg)
        for (let i = 0; i < n; i++) {
          const x0 = Math.floor((seg[i * 3] - t0) * scale)
          let x1 = Math.ceil((seg[i * 3 + 1] - t0) * scale)
          if (seg[i * 3 + 1] < t0 || seg[i * 3] > t1) continue
          if (x1 <= x0) x1 = x0 + 1
          if (x >= x0 && x < x1) counts[seg[i * 3 + 2]]++
        }
      }
      let best = 0,
        bestN = 0
      for (let s = 1; s < LANE_STATE_COUNT; s++)
        if (counts[s] >= bestN && counts[s] > 0) {
          best = s
          bestN = counts[s]
        }
      state[r * cols + x] = best
    }
  }
  return state
}

function randomTable(n: number, rnd: () => number, horizon = 1_000_000): ThreadTable {
  const t = emptyTable(n)
  let lock = 0
  const wake: number[] = []
  for (let w = 0; w < n; w++) {
    const s = rnd() * horizon * 0.1
    const a = s + rnd() * 1000
    const d = a + rnd() * horizon * 0.7
    const k = d + rnd() * horizon * 0.05
    t.spawned[w] = s
    t.sleepStart[w] = a
    t.deadline[w] = d
    t.woke[w] = k
    t.lockWait[w] = k
    wake.push(w)
  }
  wake.sort((x, y) => t.woke[x] - t.woke[y])
  for (const w of wake) {
    const q = Math.max(t.woke[w] + 10, lock)
    t.lockAcquired[w] = q
    t.pushed[w] = q + 1
    t.lockReleased[w] = q + 500
    lock = q + 500
    t.exited[w] = q + 600
  }
  return t
}

describe('lane aggregation', () => {
  it('matches the naive per-pixel count on random runs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer(),
        (n, rows, cols, seed) => {
          let a = seed >>> 0
          const rnd = () => (a = (a * 1664525 + 1013904223) >>> 0) / 4294967296
          const t = randomTable(n, rnd)
          const order = laneOrder(
            Float64Array.from({ length: n }, () => rnd()),
            true,
          )
          const p = { table: t, order, rows: Math.min(rows, n), cols, t0: -1000, t1: 1_200_000, end: 1_300_000 }
          const naive = Array.from(naiveAggregate(t, order, p.rows, cols, p.t0, p.t1, p.end))
          expect(Array.from(aggregateLanes(p).state)).toEqual(naive)
          // the working arrays are kept between calls: again, after another width, the same pixels
          aggregateLanes({ ...p, cols: cols + 3 })
          expect(Array.from(aggregateLanes(p).state)).toEqual(naive)
          expect(Array.from(aggregateLanes(p).state)).toEqual(naive)
        },
      ),
      { numRuns: 150 },
    )
  })

  // its speed is measured by bench/models.mjs, not asserted here
  it('draws 10,000 lanes on 500 pixel rows, every row covered', () => {
    const n = 10_000
    let a = 42
    const rnd = () => (a = (a * 1664525 + 1013904223) >>> 0) / 4294967296
    const t = randomTable(n, rnd, 100_000_000)
    const order = laneOrder(
      Float64Array.from({ length: n }, (_, i) => t.deadline[i]),
      true,
    )
    const rows = 500,
      cols = 1200
    const p = { table: t, order, rows, cols, t0: 0, t1: 120_000_000, end: 130_000_000 }
    const agg = aggregateLanes(p)
    expect(agg.rowStart[0]).toBe(0)
    expect(agg.rowStart[rows]).toBe(n)
    for (let r = 0; r < rows; r++) expect(agg.rowStart[r + 1] - agg.rowStart[r]).toBe(20)
    // sorted by deadline: early rows are done (parked or exited) at the end, late rows still sleep early on
    expect(agg.state[0 * cols + cols - 1]).toBe(LaneState.Exited)
    expect(agg.state[(rows - 1) * cols + Math.floor(cols * 0.3)]).toBe(LaneState.Sleeping)
    for (let i = 0; i < agg.share.length; i++)
      if (agg.state[i] !== LaneState.Empty && agg.share[i] === 0) throw new Error(`pixel ${i} has a state but no share`)
  })

  it('computes the same rows in bands as at once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1 }),
        (rows, bands) => {
          const t = randomTable(60, Math.random)
          const p = { table: t, order: laneOrder(t.deadline, true), rows, cols: 30, t0: 0, t1: 1e6, end: 1.1e6 }
          const whole = aggregateLanes(p)
          // a stale buffer of the same size, overwritten band by band
          const banded = aggregateLanes({ ...p, t0: 5e5 })
          for (let from = 0, k = 0; from < rows; from += bands[k++ % bands.length])
            aggregateLanes(p, banded, from, from + bands[k % bands.length])
          expect(Array.from(banded.state)).toEqual(Array.from(whole.state))
          expect(Array.from(banded.share)).toEqual(Array.from(whole.share))
        },
      ),
      { numRuns: 60 },
    )
  })

  it('reuses its buffers for the same size', () => {
    const t = randomTable(10, Math.random)
    const p = { table: t, order: laneOrder(new Float64Array(10), false), rows: 5, cols: 20, t0: 0, t1: 1e6, end: 1e6 }
    const a = aggregateLanes(p)
    expect(aggregateLanes(p, a)).toBe(a)
  })
})

describe('the lane image with a time budget', () => {
  const t = randomTable(2000, Math.random)
  const p = { table: t, order: laneOrder(t.deadline, true), rows: 100, cols: 300, t0: 0, t1: 1e6, end: 1.1e6 }
  const imageAtOnce = (params: typeof p) => {
    const r = new LaneRaster()
    expect(r.update(params, 'once', 0, false)).toBe(false)
    return Array.from(r.image.pixels)
  }
  /** a clock that moves 1 ms each time it is read: a 5 ms budget allows about five bands a call */
  const steppingClock = () => {
    let now = 0
    return () => ++now
  }

  it('spreads a recompute over calls, shows the old image meanwhile, then the same pixels as at once', () => {
    const r = new LaneRaster(5, steppingClock())
    let calls = 0
    while (r.update(p, 'a', 0, false)) {
      calls++
      expect(r.image.version).toBe(0)
    }
    expect(calls).toBeGreaterThan(1)
    expect(Array.from(r.image.pixels)).toEqual(imageAtOnce(p))
    expect(r.update(p, 'a', 0, false)).toBe(false)

    // zoomed: the first image stays (with its window) until the new one is whole
    const zoomed = { ...p, t0: 2e5, t1: 6e5 }
    const first = Array.from(r.image.pixels)
    expect(r.update(zoomed, 'b', 0, false)).toBe(true)
    expect(Array.from(r.image.pixels)).toEqual(first)
    expect(r.window).toEqual({ t0: 0, t1: 1e6 })
    while (r.update(zoomed, 'b', 0, false));
    expect(Array.from(r.image.pixels)).toEqual(imageAtOnce(zoomed))
    expect(r.window).toEqual({ t0: 2e5, t1: 6e5 })
  })

  it('while live, finishes the recompute in progress before starting one for newer data', () => {
    const r = new LaneRaster(5, steppingClock())
    expect(r.update(p, 'v1', 0, true)).toBe(true)
    // newer data (a new key) arrives mid-way: the image in progress completes for v1 first
    const later = { ...p, end: 1.2e6 }
    while (r.update(later, 'v2', 10, true) && r.image.version === 0);
    expect(Array.from(r.image.pixels)).toEqual(imageAtOnce(p))
    // v2 is still due: after the live throttle (150 ms from v1's start) it is computed
    expect(r.update(later, 'v2', 100, true)).toBe(true)
    while (r.update(later, 'v2', 200, true));
    expect(Array.from(r.image.pixels)).toEqual(imageAtOnce(later))
  })
})
