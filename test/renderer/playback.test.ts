import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  advance,
  createPlayhead,
  formatNs,
  indexAt,
  setPlayheadIndex,
  setPlayheadTime,
  stepBack,
  stepForward,
} from '../../src/renderer/model/playback'
import { clampWindow, fitWindow, niceStep, pan, ticks, zoom } from '../../src/renderer/model/timeAxis'

const sortedTimes = fc
  .array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 60 })
  .map((a) => Float64Array.from(a.sort((x, y) => x - y)))

describe('playhead index math', () => {
  it('indexAt is the last index with time ≤ t', () => {
    fc.assert(
      fc.property(sortedTimes, fc.integer({ min: -1100, max: 1100 }), (times, t) => {
        let expected = -1
        for (let i = 0; i < times.length; i++) if (times[i] <= t) expected = i
        expect(indexAt(times, t)).toBe(expected)
      }),
    )
  })

  it('steps stay inside the events and move by one', () => {
    fc.assert(
      fc.property(sortedTimes, fc.integer({ min: -1, max: 70 }), (times, i) => {
        const f = stepForward(times, i)
        const b = stepBack(times, i)
        if (times.length === 0) {
          expect(f).toBe(-1)
          expect(b).toBe(-1)
          return
        }
        expect(f).toBeGreaterThanOrEqual(0)
        expect(f).toBeLessThan(times.length)
        expect(b).toBeGreaterThanOrEqual(0)
        expect(b).toBeLessThan(times.length)
        if (i >= 0 && i < times.length - 1) expect(f).toBe(i + 1)
        if (i >= 1 && i < times.length) expect(b).toBe(i - 1)
      }),
    )
  })

  it('stepping forward then back returns to the same event', () => {
    const times = Float64Array.from([0, 5, 5, 9, 20])
    const p = createPlayhead()
    setPlayheadIndex(p, times, 2)
    setPlayheadIndex(p, times, stepForward(times, p.index))
    expect(p.tNs).toBe(9)
    setPlayheadIndex(p, times, stepBack(times, p.index))
    expect(p.index).toBe(2)
    expect(p.tNs).toBe(5)
    const v = p.version
    setPlayheadTime(p, times, 19)
    expect(p.index).toBe(3)
    expect(p.version).toBe(v + 1)
  })

  it('advances at the chosen speed and clamps to the run', () => {
    // 16 ms of wall clock at 1× is 16 ms of run time
    expect(advance(0, 16, 1, 0, 1e9)).toBe(16e6)
    expect(advance(0, 16, 0.01, 0, 1e9)).toBeCloseTo(0.16e6)
    expect(advance(0, 1000, 10, 0, 1e9)).toBe(1e9)
    expect(advance(-5, 0, 1, 0, 10)).toBe(0)
  })

  it('formats durations in ns, µs, ms and s', () => {
    expect(formatNs(999)).toBe('999 ns')
    expect(formatNs(12_345)).toBe('12.3 µs')
    expect(formatNs(80_630_000, 4)).toBe('80.63 ms')
    expect(formatNs(2.5e9)).toBe('2.5 s')
    expect(formatNs(NaN)).toBe('—')
  })
})

describe('time axis', () => {
  it('picks 1-2-5 steps', () => {
    expect(niceStep(1000, 10)).toBe(100)
    expect(niceStep(1000, 4)).toBe(200)
    expect(niceStep(80e6, 8)).toBe(10e6)
    expect(ticks({ t0: -5, t1: 25 }, 3)).toEqual([0, 10, 20])
  })

  it('zooms around the anchor and pans by a fraction', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e9, max: 1e9, noNaN: true }),
        fc.double({ min: 1e4, max: 1e9, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (t0, span, anchor, factor) => {
          const w = { t0, t1: t0 + span }
          const z = zoom(w, factor, anchor)
          const at = t0 + span * anchor
          expect(z.t0 + (z.t1 - z.t0) * anchor).toBeCloseTo(at, -2)
          expect(z.t1 - z.t0).toBeCloseTo(Math.max(1000, span * factor), -2)
        },
      ),
    )
    expect(pan({ t0: 0, t1: 100 }, 0.1)).toEqual({ t0: 10, t1: 110 })
  })

  it('keeps the window near the run', () => {
    const w = clampWindow({ t0: 500, t1: 600 }, 0, 200)
    expect(w.t1 - w.t0).toBe(100)
    expect(w.t1).toBeLessThanOrEqual(210)
    expect(clampWindow({ t0: -1e6, t1: 1e6 }, 0, 100)).toEqual({ t0: -5, t1: 105 })
    expect(fitWindow(0, 100)).toEqual({ t0: -2, t1: 102 })
  })
})
