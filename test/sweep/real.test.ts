// On the real addon: the causes account for every misplaced value of real runs; a small real
// sweep; measureMachine gives sane figures. Runs are kept short (well under a second each).
import { describe, expect, it } from 'vitest'
import { loadEngine } from '../../src/service/addon'
import { measureMachine } from '../../src/service/measure'
import type { TimingMode } from '../../src/shared/api'
import { attributeCauses, causeCounts, errorCount } from '../../src/shared/attribution'
import { EventColumns } from '../../src/shared/columns'
import { orderStats } from '../../src/shared/stats'
import { onesApart, randomValues } from '../../src/shared/seededRandom'
import { runSweep } from '../../src/shared/sweepDriver'
import { planSweep, SEED_VALUES } from '../../src/shared/sweepPlan'
import { outcomeOf } from '../../src/shared/sweepPoints'
import { buildThreadTable } from '../../src/shared/threads'

const engine = loadEngine()
const caps = engine.capabilities()

async function recordedRun(values: number[], mode: TimingMode, unitMs: number) {
  const batches: Float64Array[] = []
  const result = await engine
    .startSleepSort(values, { unitMs, mode, recordEvents: true }, (b) => batches.push(b))
    .result()
  return { result, cols: EventColumns.fromBatches(batches) }
}

const random200 = randomValues(200, 999, 9)
const CASES: [name: string, values: number[], mode: TimingMode, unitMs: number][] = [
  ['200 random, classic, 50 µs', random200, 'classic', 0.05],
  ['200 random, scheduled, 10 µs', random200, 'scheduled', 0.01],
  ['300 one apart, scheduled, 2 µs', onesApart(300, 3), 'scheduled', 0.002],
  ['300 one apart, classic, 20 µs', onesApart(300, 4), 'classic', 0.02],
  ...(caps.realtime.allowed
    ? [['200 random, realtime, 5 µs', random200, 'realtime', 0.005] as [string, number[], TimingMode, number]]
    : []),
]

describe('causes on real runs', () => {
  let totalMisplaced = 0
  for (const [name, values, mode, unitMs] of CASES) {
    it(`${name}: every misplaced value has exactly one measured cause`, async () => {
      const { result, cols } = await recordedRun(values, mode, unitMs)
      expect(result.cancelled).toBe(false)
      expect(cols.missedBatches).toBe(0)
      expect(cols.length).toBe(result.eventCount)
      expect(cols.length).toBe(8 * values.length)

      const stats = orderStats(result.output, values)
      expect(stats.complete).toBe(true)
      expect(stats.misplaced).toBe(result.misplaced)
      const table = buildThreadTable(cols, result.threads)
      const causes = attributeCauses({ values, shift: result.shift, unitMs, mode, output: result.output, table })

      const sorted = [...values].sort((a, b) => a - b)
      const misplacedAt = result.output.flatMap((v, i) => (v !== sorted[i] ? [i] : []))
      expect(causes.map((c) => c.outputIndex)).toEqual(misplacedAt) // one each, none missing, none extra
      // integer values: distinct values never share a deadline, so no misplaced value is a tie
      expect(errorCount(causes)).toBe(stats.misplaced)
      const counts = causeCounts(causes)
      expect(counts.unknown).toBe(0)
      expect(counts.cancelled).toBe(0)
      expect(counts.tie).toBe(0)
      for (const c of causes) {
        expect(c.worker).toBeGreaterThanOrEqual(0)
        expect(c.partner).toBeGreaterThanOrEqual(0)
        expect(Number.isFinite(c.deltaNs)).toBe(true)
        if (c.cause === 'spawn-offset') expect(mode).toBe('classic') // scheduled modes share one epoch
      }
      // the sweep's outcome carries the same numbers
      const outcome = outcomeOf(values, result, cols)
      expect(outcome.misplaced).toBe(stats.misplaced)
      expect(outcome.sorted).toBe(result.sorted)
      if (stats.misplaced > 0) expect(outcome.causes).toEqual(counts)
      totalMisplaced += stats.misplaced
    })
  }

  it('the runs above were not trivially sorted (classic at 50 µs misplaces most of 200)', () => {
    expect(totalMisplaced).toBeGreaterThan(50)
  })
})

describe('a real sweep', () => {
  it("sweeps the seed's list in every mode with causes from recorded events", async () => {
    const plan = planSweep({ fromMs: 1, toMs: 0.01, steps: 3, trials: 2, modes: ['classic', 'scheduled', 'realtime'] })
    const values = [...SEED_VALUES]
    let live = 0
    const result = await runSweep(
      plan,
      values,
      async (mode, unitMs, { signal }) => {
        const batches: Float64Array[] = []
        const run = engine.startSleepSort(values, { unitMs, mode, recordEvents: true }, (b) => batches.push(b))
        signal.addEventListener('abort', () => run.cancel(), { once: true })
        return outcomeOf(values, await run.result(), EventColumns.fromBatches(batches))
      },
      { capabilities: caps, onPoint: () => live++ },
    )
    expect(live).toBeGreaterThanOrEqual(plan.units.length * 2 * 2)
    for (const p of result.points) {
      if (p.mode === 'realtime' && !caps.realtime.allowed) {
        expect(p.status).toBe('not-allowed')
        continue
      }
      expect(p).toMatchObject({ status: 'done', trials: 2 })
      expect(p.pSorted).toBeGreaterThanOrEqual(0)
      expect(p.pSorted).toBeLessThanOrEqual(1)
      expect(p.causeSums.unknown).toBe(0)
    }
  })
})

describe('measureMachine on the real addon', () => {
  it('gives sane figures in a second or two', async () => {
    const f = await measureMachine(engine)
    expect(f.cpus).toBe(caps.cpus)
    expect(f.os).toBe(caps.os)
    expect(f.timerSlackNs).toBe(caps.timerSlackNs)
    expect(f.realtime).toEqual(caps.realtime)
    if (!f.realtime.allowed) expect(f.realtime.reason).toBeTruthy()

    expect(f.spawnThreads).toBe(500)
    expect(f.spawnNsPerThread).toBeGreaterThan(0)
    expect(f.spawnNsPerThread).toBeLessThan(5e6)

    expect(f.recordingEvents).toBe(8 * 500)
    expect(f.recordingWallOnMs).toBeGreaterThan(0)
    expect(f.recordingWallOffMs).toBeGreaterThan(0)
    expect(f.recordingCostNsPerEvent).toBeGreaterThanOrEqual(0)
    expect(Number.isFinite(f.recordingCostNsPerEvent)).toBe(true)

    // lateness = woke − deadline on one monotonic clock after an absolute-deadline wait: never
    // negative (the kernel does not return before the deadline), so no tolerance is needed
    const l = f.emptySleepLatenessNs
    expect(l.samples).toBe(60)
    expect(l.p50).toBeGreaterThanOrEqual(0)
    expect(l.p50).toBeLessThanOrEqual(l.p99)
    expect(l.p99).toBeLessThanOrEqual(l.max)
    expect(l.histogram.counts.reduce((a, b) => a + b, 0)).toBe(60)
    expect(l.histogram.edges[0]).toBe(0)

    expect(f.method).toMatch(/single-thread/)
    expect(f.tookMs).toBeLessThan(5000) // ~1 s when idle; other builds share these 2 cores
    expect(engine.activeRuns()).toBe(0)
  })

  it('stops when its signal is aborted', async () => {
    const c = new AbortController()
    c.abort()
    await expect(measureMachine(engine, { signal: c.signal })).rejects.toMatchObject({ code: 'E_CANCELLED' })
  })
})
