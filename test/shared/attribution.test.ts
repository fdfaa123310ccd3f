import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  attributeCauses,
  causeCounts,
  CAUSES,
  errorCount,
  explainRun,
  summarizeCauses,
  type AttributionInput,
} from '../../src/shared/attribution'
import { EventColumns } from '../../src/shared/columns'
import { countMisplaced } from '../../src/shared/stats'
import { buildThreadTable } from '../../src/shared/threads'
import { simulateSleepSort, type SimOptions, type SimRun } from './helpers/sim'

const inputOf = (r: SimRun): AttributionInput => ({
  values: r.values,
  shift: r.shift,
  unitMs: r.unitMs,
  mode: r.mode,
  output: r.output,
  table: r.table,
})
const sim = (o: SimOptions) => {
  const run = simulateSleepSort(o)
  return { run, input: inputOf(run), causes: attributeCauses(inputOf(run)) }
}
const MS = 1e6
const misplacedPositions = (output: number[], values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return output.flatMap((v, i) => (v !== sorted[i] ? [i] : []))
}

describe('attributeCauses', () => {
  it('finds nothing in a clean run', () => {
    const { input, causes } = sim({ values: [5, 1, 2, 6, 8, 2, 4, 2, 3, 8, 0, 2], unitMs: 10 })
    expect(causes).toEqual([])
    expect(explainRun(input)).toBe('Sorted exactly: all 12 values came out in order.')
  })

  it('timer-lateness: a value woken late is overtaken', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    const { run, input, causes } = sim({ values, unitMs: 1, lateNs: (w) => (w === 2 ? 20 * MS : 0) })
    expect(run.output).toEqual([1, 2, 4, 5, 6, 7, 8, 9, 10, 3])
    expect(causes.map((c) => c.outputIndex)).toEqual([2, 3, 4, 5, 6, 7, 8, 9])
    for (const c of causes) {
      expect(c.cause).toBe('timer-lateness')
      expect(c.culprit).toBe(2)
      expect(c.deltaNs).toBe(20 * MS)
    }
    const last = causes[causes.length - 1]
    expect(last).toMatchObject({ value: 3, expected: 10, worker: 2, direction: 'late', partner: 9, workers: [2, 9] })
    expect(causes[0]).toMatchObject({
      value: 4,
      expected: 3,
      worker: 3,
      direction: 'early',
      partner: 2,
      workers: [3, 2],
    })
    expect(explainRun(input)).toBe(
      '8 of 10 values out of place: 1 thread woke up to 20 ms (20 units) late and was overtaken.',
    )
  })

  it('spawn-offset: classic mode starts later threads late', () => {
    const { run, input, causes } = sim({ values: [5, 4, 3, 2, 1], unitMs: 1, mode: 'classic', spawnGapNs: 2 * MS })
    expect(run.output).toEqual([5, 4, 3, 2, 1])
    expect(causes.map((c) => c.outputIndex)).toEqual([0, 1, 3, 4])
    expect(causes.map((c) => c.cause)).toEqual(Array(4).fill('spawn-offset'))
    // each is explained by its most inverted partner: 1 (started 8 ms late) or, for 2, the 5 before it
    expect(causes.map((c) => c.culprit)).toEqual([4, 4, 3, 4])
    expect(causes.map((c) => c.deltaNs)).toEqual([8 * MS, 8 * MS, 6 * MS, 8 * MS])
    expect(explainRun(input)).toBe(
      '4 of 5 values out of place: classic mode started 2 threads up to 8 ms after the first.',
    )
  })

  it('spawn-offset wins over lateness when the deadlines themselves were inverted', () => {
    const { causes } = sim({
      values: [2, 1],
      unitMs: 1,
      mode: 'classic',
      spawnGapNs: 3 * MS,
      lateNs: (w) => (w === 1 ? MS : 0),
    })
    expect(causes.map((c) => c.cause)).toEqual(['spawn-offset', 'spawn-offset'])
    expect(causes[0].deltaNs).toBe(3 * MS)
  })

  it('lock-handoff: woke first, reached the mutex after a larger value', () => {
    const { run, input, causes } = sim({ values: [1, 2, 3], unitMs: 1, preLockNs: (w) => (w === 0 ? 1.5 * MS : 0) })
    expect(run.output).toEqual([2, 1, 3])
    expect(causes).toHaveLength(2)
    for (const c of causes) {
      expect(c.cause).toBe('lock-handoff')
      expect(c.culprit).toBe(0)
      expect(c.deltaNs).toBe(1.5 * MS)
    }
    expect(explainRun(input)).toBe(
      '2 of 3 values out of place: 1 thread woke in order but got the mutex after a larger value (up to 1.5 ms after waking).',
    )
  })

  it('tie: equal nominal sleeps are never an error', () => {
    // at 1 µs per unit, 1 and 1.0000001 both sleep 1000 ns; the FIFO mutex lets worker 0 first
    const { run, input, causes } = sim({ values: [1.0000001, 1, 3], unitMs: 0.001 })
    expect(run.output).toEqual([1.0000001, 1, 3])
    expect(causes.map((c) => c.cause)).toEqual(['tie', 'tie'])
    expect(errorCount(causes)).toBe(0)
    expect(explainRun(input)).toBe(
      'In order: the only 2 values out of place had equal deadlines, where any order is correct.',
    )
    // exact duplicates are never misplaced at all
    expect(sim({ values: [2, 2, 2], unitMs: 1 }).causes).toEqual([])
  })

  it('cancelled: a smaller value never pushed', () => {
    const { run, input, causes } = sim({
      values: [1, 2, 9],
      unitMs: 1,
      lateNs: (w) => (w === 0 ? 5 * MS : 0),
      cancelAtNs: 3 * MS,
    })
    expect(run.output).toEqual([2])
    expect(causes).toEqual([
      expect.objectContaining({
        cause: 'cancelled',
        partner: 0,
        culprit: 0,
        direction: 'early',
        value: 2,
        expected: 1,
      }),
    ])
    expect(explainRun(input)).toBe(
      '1 of 1 values out of place: the run was cancelled before 1 smaller value was pushed.',
    )
  })

  it('mixed: each group gets its own cause', () => {
    const values = [1.2, 1, 5, 6, 10, 11, 20.0000001, 20]
    const { run, input, causes } = sim({
      values,
      unitMs: 1,
      mode: 'classic',
      spawnGapNs: 0.5 * MS,
      lateNs: (w) => (w === 2 ? 3 * MS : 0),
      preLockNs: (w) => (w === 4 ? 2 * MS : 0),
    })
    expect(run.output).toEqual([1.2, 1, 6, 5, 11, 10, 20.0000001, 20])
    expect(causes.map((c) => [c.outputIndex, c.cause])).toEqual([
      [0, 'spawn-offset'],
      [1, 'spawn-offset'],
      [2, 'timer-lateness'],
      [3, 'timer-lateness'],
      [4, 'lock-handoff'],
      [5, 'lock-handoff'],
      [6, 'tie'],
      [7, 'tie'],
    ])
    expect(causeCounts(causes)).toEqual({
      'spawn-offset': 2,
      'timer-lateness': 2,
      'lock-handoff': 2,
      tie: 2,
      cancelled: 0,
      unknown: 0,
    })
    expect(causes[0].deltaNs).toBe(0.5 * MS)
    expect(causes[2].deltaNs).toBe(3 * MS)
    expect(causes[4].deltaNs).toBe(2 * MS)
    expect(summarizeCauses(causes).map((s) => s.cause)).toEqual([
      'spawn-offset',
      'timer-lateness',
      'lock-handoff',
      'tie',
    ])
    expect(explainRun(input)).toBe(
      '6 of 8 values out of place: classic mode started 1 thread up to 500 µs after the first; 1 thread woke up to 3 ms (3 units) late and was overtaken; ' +
        '1 thread woke in order but got the mutex after a larger value (up to 2 ms after waking); 2 values had equal deadlines (any order is correct).',
    )
  })

  it('does not depend on event order in the columns', () => {
    const o: SimOptions = {
      values: [4, 3, 2, 1, 0],
      unitMs: 1,
      mode: 'classic',
      spawnGapNs: 1.5 * MS,
      lateNs: (w) => w * 1e5,
    }
    const a = attributeCauses(inputOf(simulateSleepSort(o)))
    const b = attributeCauses(inputOf(simulateSleepSort({ ...o, interleave: 'by-worker' })))
    expect(b).toEqual(a)
    expect(a.length).toBeGreaterThan(0)
  })

  it('judges shifted negative values by their nominal sleeps', () => {
    // shifted by 1: they sleep 0.1 ns and 0 ns, both round to 0 ns: a tie
    const run = simulateSleepSort({ values: [-0.9999999, -1, 2], unitMs: 0.001, shift: 1 })
    expect(run.output).toEqual([-0.9999999, -1, 2])
    expect(attributeCauses(inputOf(run)).map((c) => c.cause)).toEqual(['tie', 'tie'])
    const late = simulateSleepSort({
      values: [-3, -2, -1],
      unitMs: 1,
      shift: 3,
      lateNs: (w) => (w === 0 ? 1.5 * MS : 0),
    })
    expect(late.output).toEqual([-2, -3, -1])
    expect(attributeCauses(inputOf(late)).map((c) => [c.cause, c.deltaNs])).toEqual([
      ['timer-lateness', 1.5 * MS],
      ['timer-lateness', 1.5 * MS],
    ])
  })

  it('is unknown only without recorded events', () => {
    const table = buildThreadTable(new EventColumns(), 3)
    const input: AttributionInput = { values: [1, 2, 3], unitMs: 1, mode: 'scheduled', output: [3, 2, 1], table }
    const causes = attributeCauses(input)
    expect(causes.map((c) => c.cause)).toEqual(['unknown', 'unknown'])
    expect(explainRun(input)).toBe(
      '2 of 3 values out of place: 2 values could not be explained from the recorded events.',
    )
  })

  it('explains empty and stopped runs', () => {
    const t = buildThreadTable(new EventColumns(), 0)
    expect(explainRun({ values: [], unitMs: 1, mode: 'classic', output: [], table: t })).toBe('No values to sort.')
    const { input } = sim({ values: [5, 6], unitMs: 1, cancelAtNs: 1 * MS })
    expect(explainRun(input)).toBe('The run stopped before any of the 2 values was pushed.')
    const { input: half } = sim({ values: [1, 6], unitMs: 1, cancelAtNs: 3 * MS })
    expect(explainRun(half)).toBe('Cancelled after 1 of 2 values; those came out in order.')
  })

  it('property: every misplaced value gets exactly one known cause', () => {
    const runArb = fc.record({
      values: fc.array(fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constantFrom(7.0000001, 7)), {
        minLength: 1,
        maxLength: 40,
      }),
      unitMs: fc.constantFrom(0.001, 0.1, 1),
      mode: fc.constantFrom('classic' as const, 'scheduled' as const, 'realtime' as const),
      spawnGapNs: fc.integer({ min: 0, max: 2_000_000 }),
      late: fc.array(fc.integer({ min: 0, max: 5_000_000 }), { minLength: 40, maxLength: 40 }),
      pre: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3_000_000 })), { minLength: 40, maxLength: 40 }),
      holdNs: fc.integer({ min: 0, max: 50_000 }),
      cancelAtNs: fc.option(fc.integer({ min: 0, max: 40_000_000 }), { nil: undefined }),
    })
    const seen = new Set<string>()
    fc.assert(
      fc.property(runArb, (r) => {
        const run = simulateSleepSort({ ...r, lateNs: (w) => r.late[w], preLockNs: (w) => r.pre[w] })
        const causes = attributeCauses(inputOf(run))
        expect(causes.map((c) => c.outputIndex)).toEqual(misplacedPositions(run.output, run.values))
        expect(causes.length).toBe(countMisplaced(run.output, run.values))
        const counts = causeCounts(causes)
        for (const c of causes) seen.add(c.cause)
        expect(counts.unknown).toBe(0)
        expect(CAUSES.reduce((s, c) => s + counts[c], 0)).toBe(causes.length)
        if (run.mode !== 'classic') expect(counts['spawn-offset']).toBe(0)
        if (run.output.length === run.values.length) expect(counts.cancelled).toBe(0)
        for (const c of causes) {
          expect(c.worker).toBeGreaterThanOrEqual(0)
          expect(c.partner).toBeGreaterThanOrEqual(0)
          expect(run.values[c.worker]).toBe(c.value)
          if (c.cause !== 'cancelled') expect(c.deltaNs).toBeGreaterThanOrEqual(0)
          if (c.cause === 'tie')
            expect(Math.round(run.values[c.partner] * run.unitMs * 1e6)).toBe(Math.round(c.value * run.unitMs * 1e6))
        }
        const sentence = explainRun(inputOf(run), causes)
        expect(sentence).toMatch(/\.$/)
        expect(sentence).not.toMatch(/could not be explained|NaN|undefined/)
      }),
      { numRuns: 300, seed: 20240601 },
    )
    // the generator really exercises every cause
    expect([...seen].sort()).toEqual(['cancelled', 'lock-handoff', 'spawn-offset', 'tie', 'timer-lateness'])
  })

  it('property: a perfect scheduled machine makes no errors', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 60 }), (values) => {
        const { causes } = sim({ values, unitMs: 0.01 })
        expect(errorCount(causes)).toBe(0)
      }),
    )
  })

  it('attributes every error of 50k threads to a cause', () => {
    const values = Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 1000)
    const run = simulateSleepSort({ values, unitMs: 0.001, mode: 'classic', spawnGapNs: 30_000 })
    const causes = attributeCauses(inputOf(run))
    expect(causes.length).toBeGreaterThan(0)
    expect(causeCounts(causes).unknown).toBe(0)
  })
})
