// Pure parts of the sweep: plan, presets, aggregation, resolution, machine-figure arithmetic.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TIMING_MODES, type TimingMode } from '../../src/shared/api'
import { CAUSES } from '../../src/shared/attribution'
import { LIMITS } from '../../src/shared/limits'
import { latenessFigures, median, medianGapNs, recordingCostNsPerEvent } from '../../src/shared/machineFigures'
import { onesApart, randomValues } from '../../src/shared/seededRandom'
import { checkSweepInput, estimateSweepMs, planSweep, SEED_VALUES, sweepPreset } from '../../src/shared/sweepPlan'
import {
  addTrial,
  emptyPoints,
  newPoint,
  resolution,
  resolutionDetail,
  resolutionRatio,
  type SweepPoint,
} from '../../src/shared/sweepPoints'
import { describeResolution } from '../../src/shared/sweepText'
import { formatUnitShort } from '../../src/shared/units'

const unitArb = fc.double({ min: LIMITS.minUnitMs, max: LIMITS.maxUnitMs, noNaN: true })
const modesArb = fc.subarray([...TIMING_MODES], { minLength: 1 })

describe('planSweep', () => {
  it('10 ms down to 1 µs in 9 steps: half-decades, largest first, ends exact', () => {
    const plan = planSweep({
      fromMs: 10,
      toMs: 0.001,
      steps: 9,
      trials: 5,
      modes: ['classic', 'scheduled', 'realtime'],
    })
    expect(plan.units[0]).toBe(10)
    expect(plan.units[8]).toBe(0.001)
    expect(plan.units.map(formatUnitShort)).toEqual([
      '10 ms',
      '3.16 ms',
      '1 ms',
      '316 µs',
      '100 µs',
      '31.6 µs',
      '10 µs',
      '3.16 µs',
      '1 µs',
    ])
    expect(plan.trials).toBe(5)
  })

  it('units are strictly decreasing, log-spaced, within the range, for any valid request', () => {
    fc.assert(
      fc.property(unitArb, unitArb, fc.integer({ min: 2, max: 60 }), modesArb, (a, b, steps, modes) => {
        fc.pre(a / b > 1.0001 || b / a > 1.0001)
        const plan = planSweep({ fromMs: a, toMs: b, steps, trials: 1, modes })
        const hi = Math.max(a, b),
          lo = Math.min(a, b)
        expect(plan.units).toHaveLength(steps)
        expect(plan.units[0]).toBe(hi)
        expect(plan.units[steps - 1]).toBe(lo)
        const ratio = Math.log(lo / hi) / (steps - 1)
        for (let i = 1; i < steps; i++) {
          expect(plan.units[i]).toBeLessThan(plan.units[i - 1])
          expect(Math.log(plan.units[i] / plan.units[i - 1])).toBeCloseTo(ratio, 9)
        }
        expect(plan.modes).toEqual(modes)
      }),
    )
  })

  it('one unit when both ends are equal; duplicate modes once', () => {
    expect(planSweep({ fromMs: 1, toMs: 1, steps: 5, trials: 2, modes: ['classic', 'classic'] })).toEqual({
      units: [1],
      trials: 2,
      modes: ['classic'],
    })
  })

  it('refuses bad requests with a reason', () => {
    const ok = { fromMs: 10, toMs: 0.001, steps: 9, trials: 5, modes: ['classic'] as TimingMode[] }
    expect(checkSweepInput(ok)).toBeNull()
    expect(checkSweepInput({ ...ok, toMs: 0.0000001 })).toMatch(/^toMs 1e-7 is outside .*\(1 ns to 1 s\)$/)
    expect(checkSweepInput({ ...ok, toMs: 0.000001 })).toBeNull() // the sweep reaches the clock's 1 ns
    expect(checkSweepInput({ ...ok, fromMs: NaN })).toMatch(/fromMs/)
    expect(checkSweepInput({ ...ok, steps: 1 })).toMatch(/at least 2/)
    expect(checkSweepInput({ ...ok, steps: 2.5 })).toMatch(/steps/)
    expect(checkSweepInput({ ...ok, trials: 0 })).toMatch(/trials/)
    expect(checkSweepInput({ ...ok, modes: [] })).toMatch(/mode/)
    expect(checkSweepInput({ ...ok, modes: ['fast' as TimingMode] })).toMatch(/unknown mode/)
    expect(() => planSweep({ ...ok, trials: -1 })).toThrow(RangeError)
  })

  it('estimates duration from the largest value', () => {
    const plan = planSweep({ fromMs: 1, toMs: 0.1, steps: 2, trials: 2, modes: ['classic', 'scheduled'] })
    // (999 × 1 + 6) + (999 × 0.1 + 6) ms per trial per mode, no spawn cost
    expect(estimateSweepMs(plan, [0, 999], 0, 6)).toBeCloseTo((1005 + 105.9) * 4, 6)
  })
})

describe('presets', () => {
  it('seed, 1,000 reproducible random values, 0..999 one apart', () => {
    expect(sweepPreset('seed')).toEqual([...SEED_VALUES])
    const r = sweepPreset('random1000')
    expect(r).toHaveLength(1000)
    expect(r.every((v) => Number.isInteger(v) && v >= 0 && v <= 999)).toBe(true)
    expect(sweepPreset('random1000')).toEqual(r)
    expect(randomValues(1000, 999, 1)).not.toEqual(r)
    const o = sweepPreset('onesApart')
    expect([...o].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i))
    expect(o).not.toEqual([...o].sort((a, b) => a - b))
    expect(onesApart(1000)).toEqual(o)
  })
})

const trialArb = fc.record({
  sorted: fc.boolean(),
  misplaced: fc.nat(1000),
  causes: fc.option(
    fc.record({ 'spawn-offset': fc.nat(300), 'timer-lateness': fc.nat(300), 'lock-handoff': fc.nat(300) }),
    { nil: undefined },
  ),
})

describe('addTrial', () => {
  it('P(sorted) in [0, 1], mean misplaced, and a cause stack summing to it', () => {
    fc.assert(
      fc.property(fc.array(trialArb, { minLength: 1, maxLength: 30 }), (raw) => {
        const trials = raw.map((t) => {
          const attributed = t.causes ? Object.values(t.causes).reduce((a, b) => a + b, 0) : 0
          return { ...t, misplaced: Math.max(t.misplaced, attributed) }
        })
        let p = newPoint('scheduled', 0.1, trials.length)
        const before = p
        for (const t of trials) p = addTrial(p, t)
        expect(before.trials).toBe(0)
        expect(p.trials).toBe(trials.length)
        expect(p.status).toBe('done')
        expect(p.pSorted).toBeGreaterThanOrEqual(0)
        expect(p.pSorted).toBeLessThanOrEqual(1)
        expect(p.pSorted).toBeCloseTo(trials.filter((t) => t.sorted).length / trials.length, 12)
        const mean = trials.reduce((a, t) => a + t.misplaced, 0) / trials.length
        expect(p.meanMisplaced).toBeCloseTo(mean, 9)
        const stack = CAUSES.reduce((a, c) => a + p.meanCauses[c], 0)
        expect(stack).toBeCloseTo(mean, 9)
        expect(CAUSES.reduce((a, c) => a + p.causeSums[c], 0)).toBe(p.misplacedSum)
      }),
    )
  })

  it('counts unattributed misplaced values as unknown; ignores cancelled trials; refuses nonsense', () => {
    let p = newPoint('classic', 1, 3)
    expect(p.pSorted).toBeNull()
    p = addTrial(p, { sorted: false, misplaced: 5, causes: { 'spawn-offset': 3 } })
    expect(p.causeSums).toMatchObject({ 'spawn-offset': 3, unknown: 2 })
    expect(p.status).toBe('running')
    expect(addTrial(p, { sorted: true, misplaced: 0, cancelled: true })).toBe(p)
    expect(() => addTrial(p, { sorted: false, misplaced: 1, causes: { 'timer-lateness': 2 } })).toThrow(/account for 2/)
    expect(() => addTrial(p, { sorted: false, misplaced: -1 })).toThrow(RangeError)
    expect(() => addTrial(p, { sorted: false, misplaced: 1, causes: { nope: 1 } as never })).toThrow(/unknown cause/)
  })
})

/** Points of one mode with given P(sorted) per unit (10 trials each; p rounded to tenths). */
function pointsOf(mode: TimingMode, cells: [unitMs: number, p: number][]): SweepPoint[] {
  return cells.map(([u, pr]) => {
    let pt = newPoint(mode, u, 10)
    for (let i = 0; i < 10; i++)
      pt = addTrial(pt, { sorted: i < Math.round(pr * 10), misplaced: i < Math.round(pr * 10) ? 0 : 1 })
    return pt
  })
}

describe('resolution', () => {
  it('the smallest unit reliable together with every larger one', () => {
    const pts = pointsOf('scheduled', [
      [1, 1],
      [0.316, 1],
      [0.1, 0.9],
      [0.0316, 1],
      [0.01, 0],
    ])
    expect(resolution(pts, 'scheduled')).toBe(0.316)
    expect(resolutionDetail(pts, 'scheduled')).toMatchObject({ unitMs: 0.316, failedAtMs: 0.1, kind: 'bracketed' })
    expect(resolution(pts, 'scheduled', 0.9)).toBe(0.0316)
    expect(resolution(pts, 'classic')).toBeNull()
    expect(resolutionDetail(pts, 'classic').kind).toBe('not-measured')
  })

  it('null when the largest unit fails; finer-than-tested when none fails; unmeasured points ignored', () => {
    expect(
      resolutionDetail(
        pointsOf('classic', [
          [1, 0.5],
          [0.1, 1],
        ]),
        'classic',
      ),
    ).toMatchObject({ unitMs: null, kind: 'coarser-than-tested', largestMs: 1 })
    const all = [
      ...pointsOf('realtime', [
        [1, 1],
        [0.001, 1],
      ]),
      newPoint('realtime', 0.0001, 10),
    ]
    expect(resolutionDetail(all, 'realtime')).toMatchObject({
      unitMs: 0.001,
      failedAtMs: null,
      kind: 'finer-than-tested',
    })
  })

  it('monotone: every unit ≥ the resolution is reliable, and the next smaller measured unit is not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 12 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (ps, threshold) => {
          const units = ps.map((_, i) => 10 * Math.pow(10, -i / 2))
          const pts = pointsOf(
            'scheduled',
            units.map((u, i) => [u, ps[i] / 10]),
          )
          const r = resolution(pts, 'scheduled', threshold)
          const ok = (i: number) => ps[i] / 10 >= threshold
          if (r === null) expect(ok(0)).toBe(false)
          else {
            const k = units.indexOf(r)
            for (let i = 0; i <= k; i++) expect(ok(i)).toBe(true)
            if (k + 1 < units.length) expect(ok(k + 1)).toBe(false)
          }
          // a stricter threshold never gives a finer resolution
          const strict = resolution(pts, 'scheduled', Math.min(1, threshold + 0.1))
          if (strict !== null) expect(r).not.toBeNull()
          if (strict !== null && r !== null) expect(strict).toBeGreaterThanOrEqual(r)
        },
      ),
    )
  })

  it('ratios say when a resolution lies outside the units tested', () => {
    const classic = resolutionDetail(
      pointsOf('classic', [
        [1, 0],
        [0.1, 0],
      ]),
      'classic',
    )
    const sched = resolutionDetail(
      pointsOf('scheduled', [
        [1, 1],
        [0.1, 0],
      ]),
      'scheduled',
    )
    const rt = resolutionDetail(
      pointsOf('realtime', [
        [1, 1],
        [0.1, 1],
      ]),
      'realtime',
    )
    expect(resolutionRatio(sched, sched)).toEqual({ ratio: 1, kind: 'about' })
    expect(resolutionRatio(classic, sched)).toEqual({ ratio: 1, kind: 'at-least' })
    expect(resolutionRatio(sched, rt)).toEqual({ ratio: 10, kind: 'at-least' })
    expect(resolutionRatio(rt, classic)).toEqual({ ratio: 0.1, kind: 'at-most' })
    expect(resolutionRatio(classic, rt).kind).toBe('at-least')
    expect(resolutionRatio(rt, resolutionDetail([], 'classic'))).toEqual({ ratio: null, kind: 'unknown' })
    expect(describeResolution(classic)).toBe('> 1 ms (not reliable even at the largest unit tested)')
    expect(describeResolution(sched)).toBe('1 ms (not reliable at 100 µs)')
    expect(describeResolution(rt)).toBe('≤ 100 µs (reliable at every unit tested)')
  })

  it('emptyPoints lays points out unit by unit', () => {
    const plan = planSweep({ fromMs: 1, toMs: 0.01, steps: 3, trials: 4, modes: ['classic', 'realtime'] })
    expect(emptyPoints(plan).map((p) => `${p.mode}@${p.unitMs}`)).toEqual([
      'classic@1',
      'realtime@1',
      'classic@0.1',
      'realtime@0.1',
      'classic@0.01',
      'realtime@0.01',
    ])
  })
})

describe('machine-figure arithmetic', () => {
  it('median gap of spawn instants, in any order, NaN ignored', () => {
    expect(medianGapNs([0, 30, 10, 20, NaN, 100])).toBe(10)
    expect(medianGapNs([5])).toBeNaN()
    expect(median([3, 1, 2, 4])).toBe(2.5)
    expect(median([])).toBeNaN()
  })

  it('recording cost: (on − off) / events, clamped at 0', () => {
    expect(recordingCostNsPerEvent(12, 10, 4000)).toBe(500)
    expect(recordingCostNsPerEvent(9, 10, 4000)).toBe(0)
    expect(recordingCostNsPerEvent(9, 10, 0)).toBeNaN()
  })

  it('lateness percentiles and a histogram from 0 holding every sample', () => {
    const f = latenessFigures([1000, 2000, 3000, 4000, NaN, 100_000], 10)
    expect(f).toMatchObject({ p50: 3000, p99: 100_000, max: 100_000, samples: 5 })
    expect(f.histogram.edges[0]).toBe(0)
    expect(f.histogram.edges.at(-1)).toBe(100_000)
    expect(f.histogram.counts.reduce((a, b) => a + b, 0)).toBe(5)
    expect(latenessFigures([]).samples).toBe(0)
  })
})
