// The sweep driver with a fake runOne: order, live points, not-allowed modes, failures, cancel.
import { describe, expect, it } from 'vitest'
import type { TimingMode } from '../../src/shared/api'
import { runSweep, type RunOne } from '../../src/shared/sweepDriver'
import { planSweep } from '../../src/shared/sweepPlan'
import { type SweepPoint } from '../../src/shared/sweepPoints'
import { sweepRecord } from '../../src/shared/sweepRecord'

const ALL: TimingMode[] = ['classic', 'scheduled', 'realtime']

/** A machine where classic never sorts, scheduled sorts down to 0.1 ms, realtime always. */
const fakeRun: RunOne = async (mode, unitMs) => {
  await Promise.resolve()
  const ok = mode === 'realtime' || (mode === 'scheduled' && unitMs >= 0.1)
  return ok
    ? { sorted: true, misplaced: 0 }
    : { sorted: false, misplaced: 4, causes: { [mode === 'classic' ? 'spawn-offset' : 'timer-lateness']: 4 } }
}

describe('runSweep', () => {
  it('runs every trial, largest unit first, reporting points live, and finds each resolution', async () => {
    const plan = planSweep({ fromMs: 10, toMs: 0.001, steps: 9, trials: 3, modes: ALL })
    const calls: string[] = []
    const seen: SweepPoint[] = []
    const result = await runSweep(
      plan,
      [3, 1, 2],
      (m, u, ctx) => {
        calls.push(`${m}@${u}#${ctx.trial}`)
        expect(ctx.values).toEqual([3, 1, 2])
        return fakeRun(m, u, ctx)
      },
      { onPoint: (p) => seen.push(p), capabilities: { realtime: { allowed: true } } },
    )

    expect(calls).toHaveLength(9 * 3 * 3)
    expect(calls.slice(0, 4)).toEqual(['classic@10#0', 'scheduled@10#0', 'realtime@10#0', 'classic@10#1'])
    expect(seen).toHaveLength(calls.length)
    expect(seen[0]).toMatchObject({ mode: 'classic', unitMs: 10, trials: 1, status: 'running' })
    expect(result.cancelled).toBe(false)
    expect(result.points.every((p) => p.status === 'done' && p.trials === 3)).toBe(true)
    const classic1 = result.points.find((p) => p.mode === 'classic' && p.unitMs === 1)!
    expect(classic1).toMatchObject({ pSorted: 0, meanMisplaced: 4 })
    expect(classic1.meanCauses['spawn-offset']).toBe(4)
    expect(result.resolutions.map((r) => [r.mode, r.unitMs, r.kind])).toEqual([
      ['classic', null, 'coarser-than-tested'],
      ['scheduled', 0.1, 'bracketed'],
      ['realtime', 0.001, 'finer-than-tested'],
    ])
  })

  it('reports a mode the capabilities refuse as not allowed, with the reason, and never runs it', async () => {
    const plan = planSweep({ fromMs: 1, toMs: 0.1, steps: 2, trials: 2, modes: ALL })
    const modes = new Set<string>()
    const result = await runSweep(plan, [1], async (m, u, c) => (modes.add(m), fakeRun(m, u, c)), {
      capabilities: { realtime: { allowed: false, reason: 'needs CAP_SYS_NICE' } },
    })
    expect([...modes]).toEqual(['classic', 'scheduled'])
    expect(result.notAllowed).toEqual([{ mode: 'realtime', reason: 'needs CAP_SYS_NICE' }])
    const rt = result.points.filter((p) => p.mode === 'realtime')
    expect(rt.every((p) => p.status === 'not-allowed' && p.reason === 'needs CAP_SYS_NICE' && p.trials === 0)).toBe(
      true,
    )
    expect(result.resolutions.find((r) => r.mode === 'realtime')!.kind).toBe('not-measured')
  })

  it('E_REALTIME_DENIED from a trial marks the mode not allowed; another error fails only its point', async () => {
    const plan = planSweep({ fromMs: 1, toMs: 0.01, steps: 3, trials: 2, modes: ALL })
    let rtCalls = 0
    const result = await runSweep(plan, [1], async (m, u, c) => {
      if (m === 'realtime') {
        rtCalls++
        throw Object.assign(new Error('SCHED_FIFO refused'), { code: 'E_REALTIME_DENIED' })
      }
      if (m === 'classic' && u === 1) throw Object.assign(new Error('over the cap'), { code: 'E_DURATION_CAP' })
      return fakeRun(m, u, c)
    })
    expect(rtCalls).toBe(1)
    expect(result.notAllowed).toEqual([{ mode: 'realtime', reason: 'SCHED_FIFO refused' }])
    const c1 = result.points.find((p) => p.mode === 'classic' && p.unitMs === 1)!
    expect(c1).toMatchObject({ status: 'failed', code: 'E_DURATION_CAP', trials: 0 })
    expect(result.points.filter((p) => p.mode === 'classic' && p.unitMs < 1).every((p) => p.status === 'done')).toBe(
      true,
    )
  })

  it('cancels mid-way: the running trial is cancelled through its signal, partial points are kept', async () => {
    const plan = planSweep({ fromMs: 1, toMs: 0.001, steps: 4, trials: 5, modes: ['classic', 'scheduled'] })
    const controller = new AbortController()
    const seen: SweepPoint[] = []
    let calls = 0
    let cancelledRuns = 0
    const result = await runSweep(
      plan,
      [2, 1],
      (mode, unitMs, { signal }) => {
        calls++
        if (calls === 13) setTimeout(() => controller.abort(), 5)
        // a run that takes a while unless cancelled, like a real one
        return new Promise((resolve) => {
          const timer = setTimeout(
            () => resolve({ sorted: mode === 'scheduled', misplaced: mode === 'scheduled' ? 0 : 2 }),
            calls === 13 ? 10_000 : 1,
          )
          // (left on the signal on purpose: each trial gets a signal of its own)
          signal.addEventListener(
            'abort',
            () => {
              clearTimeout(timer)
              cancelledRuns++
              resolve({ sorted: false, misplaced: 0, cancelled: true })
            },
            { once: true },
          )
        })
      },
      { signal: controller.signal, onPoint: (p) => seen.push(p) },
    )

    expect(calls).toBe(13)
    expect(cancelledRuns).toBe(1)
    expect(result.cancelled).toBe(true)
    // 12 counted trials: 5 of each mode at 1 ms, then 1 of each at 0.1 ms
    expect(result.points.reduce((a, p) => a + p.trials, 0)).toBe(12)
    const at = (m: TimingMode, u: number) => result.points.find((p) => p.mode === m && p.unitMs === u)!
    expect(at('classic', 1)).toMatchObject({ status: 'done', trials: 5, pSorted: 0, meanMisplaced: 2 })
    expect(at('scheduled', 1)).toMatchObject({ status: 'done', trials: 5, pSorted: 1 })
    expect(at('classic', 0.1)).toMatchObject({ status: 'cancelled', trials: 1 })
    expect(at('scheduled', 0.1)).toMatchObject({ status: 'cancelled', trials: 1 })
    expect(result.points.filter((p) => p.unitMs < 0.1).every((p) => p.status === 'pending' && p.trials === 0)).toBe(
      true,
    )
    // the live reports ended with the cancelled statuses
    expect(seen.filter((p) => p.status === 'cancelled')).toHaveLength(2)
    expect(result.resolutions.find((r) => r.mode === 'scheduled')).toMatchObject({
      unitMs: 0.1,
      kind: 'finer-than-tested',
    })
  })

  it('an already-aborted signal runs nothing; a trial that rejects after the abort is not a failure', async () => {
    const plan = planSweep({ fromMs: 1, toMs: 0.1, steps: 2, trials: 2, modes: ['classic'] })
    const c = new AbortController()
    c.abort()
    let calls = 0
    const r1 = await runSweep(plan, [1], async () => (calls++, { sorted: true, misplaced: 0 }), { signal: c.signal })
    expect(calls).toBe(0)
    expect(r1.cancelled).toBe(true)
    expect(r1.points.every((p) => p.status === 'pending')).toBe(true)

    const c2 = new AbortController()
    const r2 = await runSweep(
      plan,
      [1],
      async (_m, _u, { signal }) => {
        c2.abort()
        throw Object.assign(new Error('cancelled'), { code: 'E_CANCELLED', aborted: signal.aborted })
      },
      { signal: c2.signal },
    )
    expect(r2.cancelled).toBe(true)
    expect(r2.points.some((p) => p.status === 'failed')).toBe(false)
  })
})

describe('sweepRecord', () => {
  it('saves the list, plan, points, resolutions and machine figures as JSON-safe data', async () => {
    const plan = planSweep({ fromMs: 1, toMs: 0.1, steps: 2, trials: 1, modes: ['scheduled'] })
    const result = await runSweep(plan, [2, 1], fakeRun)
    const rec = sweepRecord(result, [2, 1], null, { preset: 'seed', savedAt: new Date(0) })
    expect(JSON.parse(JSON.stringify(rec))).toEqual(rec)
    expect(rec).toMatchObject({
      kind: 'threadlab-sweep',
      version: 1,
      savedAt: '1970-01-01T00:00:00.000Z',
      preset: 'seed',
      values: [2, 1],
      machine: null,
      threshold: 0.99,
    })
    expect(rec.resolutions[0]).toMatchObject({ mode: 'scheduled', unitMs: 0.1, kind: 'finer-than-tested' })
  })
})
