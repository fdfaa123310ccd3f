import { describe, expect, it } from 'vitest'
import type {
  Capabilities,
  Outcome,
  RunRequest,
  RunStatus,
  SleepSortRequest,
  ThreadlabApi,
  ThreadlabErrorInfo,
} from '../../src/shared/api'
import { summarizeRequest } from '../../src/shared/api'
import type { MachineFigures } from '../../src/shared/machineFigures'
import { checkSweep, DEFAULT_SWEEP, SweepController } from '../../src/renderer/model/sweepController'
import { synthesizeRun } from '../../src/renderer/model/synth'
import { testCapabilities } from './helpers/caps'

const FIGURES: MachineFigures = {
  cpus: 2,
  os: 'test',
  timerSlackNs: 50_000,
  realtime: { allowed: true },
  recordingCostNsPerEvent: 40,
  recordingWallOnMs: 2,
  recordingWallOffMs: 1.9,
  recordingEvents: 4000,
  spawnNsPerThread: 30_000,
  spawnThreads: 500,
  emptySleepLatenessNs: {
    p50: 50_000,
    p99: 80_000,
    max: 90_000,
    histogram: { edges: [0, 50_000, 100_000], counts: [30, 30] },
    samples: 60,
  },
  method: 'test',
  tookMs: 800,
}

/**
 * A host double that plays each run asynchronously: started, its events in two batches, finished.
 * Runs at a unit below `sortsDownTo` come out with the two smallest values swapped.
 */
class FakeHost implements ThreadlabApi {
  batchL = new Set<(b: Float64Array) => void>()
  statusL = new Set<(s: RunStatus) => void>()
  requests: SleepSortRequest[] = []
  nextRunId = 1
  cancels = 0
  realtime = true
  sortsDownTo = 0.05
  /** answer to the next startRun calls instead of running (consumed one by one) */
  refusals: ThreadlabErrorInfo[] = []
  /** drop the second batch of every run (as a slow client would miss it) */
  dropBatches = false
  /** ms before a run finishes */
  runMs = 1
  /** emit the started status and first batch before startRun answers */
  early = false
  fetches = 0
  measureAnswer: Outcome<MachineFigures> = { ok: true, value: FIGURES }
  measures = 0
  private full = new Map<number, Float64Array>()
  private active: { runId: number; timer: ReturnType<typeof setTimeout>; finish: (cancelled: boolean) => void } | null =
    null

  async capabilities(): Promise<Outcome<Capabilities>> {
    return {
      ok: true,
      value: testCapabilities({
        realtime: this.realtime ? { allowed: true } : { allowed: false, reason: 'no CAP_SYS_NICE' },
      }),
    }
  }
  async startRun(r: RunRequest): Promise<Outcome<{ runId: number }>> {
    if (r.experiment !== 'sleep-sort') throw new Error('sleep sort only')
    this.requests.push(r)
    const refusal = this.refusals.shift()
    if (refusal) return { ok: false, error: refusal }
    if (this.active) return { ok: false, error: { code: 'E_BUSY', message: 'busy' } }
    const runId = this.nextRunId++
    const { cols, result } = synthesizeRun(r.values, r.mode, r.unitMs, runId)
    const sorted = [...r.values].sort((a, b) => a - b)
    const swap = r.unitMs < this.sortsDownTo
    const output = swap ? [sorted[1], sorted[0], ...sorted.slice(2)] : sorted
    const full = cols.toBatch(runId)
    this.full.set(runId, full)
    const half = Math.floor(cols.length / 2)
    const part = (seq: number, from: number, to: number) => {
      const b = new Float64Array(4 + (to - from) * 4)
      b.set([1, runId, seq, to - from])
      b.set(full.subarray(4 + from * 4, 4 + to * 4), 4)
      return b
    }
    const emit = () => {
      this.status({ type: 'started', runId, summary: summarizeRequest(r) })
      this.batch(part(0, 0, half))
    }
    const finish = (cancelled: boolean) => {
      clearTimeout(this.active?.timer)
      this.active = null
      if (!cancelled) {
        if (this.dropBatches) this.status({ type: 'missed', runId, droppedBatches: 1 })
        else this.batch(part(1, half, cols.length))
      }
      const misplaced = cancelled ? 0 : swap ? 2 : 0
      this.status({
        type: 'finished',
        runId,
        result: {
          ...result,
          output: cancelled ? [] : output,
          sorted: !cancelled && !swap,
          misplaced,
          cancelled,
          eventCount: cols.length,
        },
      })
    }
    if (this.early) emit()
    else setTimeout(emit, 0)
    this.active = { runId, finish, timer: setTimeout(() => finish(false), this.runMs) }
    return { ok: true, value: { runId } }
  }
  async cancelRun(): Promise<Outcome<null>> {
    this.cancels++
    this.active?.finish(true)
    return { ok: true, value: null }
  }
  async fetchRunEvents(runId: number): Promise<Outcome<Float64Array>> {
    this.fetches++
    const b = this.full.get(runId)
    return b ? { ok: true, value: b } : { ok: false, error: { code: 'E_NO_SUCH_RUN', message: 'none' } }
  }
  async measureMachine(): Promise<Outcome<MachineFigures>> {
    this.measures++
    await new Promise((r) => setTimeout(r, 5))
    return this.measureAnswer
  }
  onBatch(l: (b: Float64Array) => void) {
    this.batchL.add(l)
    return () => this.batchL.delete(l)
  }
  onStatus(l: (s: RunStatus) => void) {
    this.statusL.add(l)
    return () => this.statusL.delete(l)
  }
  onOpenFile() {
    return () => {}
  }
  batch(b: Float64Array) {
    for (const l of this.batchL) l(b)
  }
  status(s: RunStatus) {
    for (const l of this.statusL) l(s)
  }
}

function setup(caps: Capabilities | null = null) {
  const host = new FakeHost()
  const sweep = new SweepController(host, () => caps)
  sweep.retryMs = 5
  return { host, sweep, store: sweep.store }
}

const small = { fromText: '1', toText: '0.01', stepsText: '3', trialsText: '2' }

describe('SweepController', () => {
  it('runs every (mode, unit) point, live, and reports a resolution for each mode', async () => {
    const { host, sweep, store } = setup()
    store.getState().set(small)
    const seen: number[] = []
    store.subscribe((s) => seen.push(s.points.filter((p) => p.trials > 0).length))
    await sweep.run()
    const s = store.getState()
    expect(s.phase).toBe('done')
    expect(s.error).toBeNull()
    expect(s.plan!.units).toEqual([1, 0.1, 0.01])
    expect(s.runsPlanned).toBe(3 * 2 * 3)
    expect(s.runsDone).toBe(18)
    expect(host.requests).toHaveLength(18)
    expect(host.requests.every((r) => r.recordEvents === true && r.values.length === 12)).toBe(true)
    expect(s.points.every((p) => p.status === 'done' && p.trials === 2)).toBe(true)
    // live: points were reported as they completed, not only at the end
    expect(new Set(seen).size).toBeGreaterThan(3)
    // 1 ms and 0.1 ms sort; 0.01 ms swaps the two smallest values
    for (const p of s.points) expect(p.pSorted).toBe(p.unitMs >= 0.05 ? 1 : 0)
    const bad = s.points.find((p) => p.unitMs === 0.01)!
    expect(bad.meanMisplaced).toBe(2)
    // the causes were attributed from the recorded events (the stack sums to the mean)
    const stack = Object.values(bad.meanCauses).reduce((a, b) => a + b, 0)
    expect(stack).toBeCloseTo(2)
    expect(s.result!.resolutions.map((r) => [r.mode, r.kind, r.unitMs])).toEqual([
      ['classic', 'bracketed', 0.1],
      ['scheduled', 'bracketed', 0.1],
      ['realtime', 'bracketed', 0.1],
    ])
  })

  it('saves the sweep with the machine figures', async () => {
    const { sweep, store } = setup()
    expect(sweep.record()).toBeNull()
    await sweep.measure()
    store.getState().set({ ...small, stepsText: '2', trialsText: '1', modes: ['scheduled'] })
    await sweep.run()
    const rec = sweep.record(new Date('2025-01-02T03:04:05Z'))!
    expect(rec).toMatchObject({
      kind: 'threadlab-sweep',
      version: 1,
      preset: 'seed',
      savedAt: '2025-01-02T03:04:05.000Z',
      cancelled: false,
      machine: FIGURES,
    })
    expect(rec.values).toEqual([5, 1, 2, 6, 8, 2, 4, 2, 3, 8, 0, 2])
    expect(rec.points).toHaveLength(2)
    expect(JSON.parse(JSON.stringify(rec)).resolutions[0].mode).toBe('scheduled')
  })

  it('does not run realtime where it is not allowed, and says why', async () => {
    const caps = testCapabilities({ realtime: { allowed: false, reason: 'no CAP_SYS_NICE' } })
    const { host, sweep, store } = setup(caps)
    store.getState().set(small)
    await sweep.run()
    const s = store.getState()
    expect(host.requests.some((r) => r.mode === 'realtime')).toBe(false)
    expect(s.runsPlanned).toBe(12)
    const rt = s.points.filter((p) => p.mode === 'realtime')
    expect(rt.every((p) => p.status === 'not-allowed' && p.reason === 'no CAP_SYS_NICE')).toBe(true)
    expect(s.result!.notAllowed).toEqual([{ mode: 'realtime', reason: 'no CAP_SYS_NICE' }])
  })

  it('cancel aborts the run under way (not counted) and ends the sweep as cancelled', async () => {
    const { host, sweep, store } = setup()
    host.runMs = 40
    store.getState().set({ ...small, trialsText: '5' })
    const running = sweep.run()
    await new Promise((r) => setTimeout(r, 150))
    expect(store.getState().phase).toBe('running')
    sweep.cancel()
    expect(store.getState().phase).toBe('cancelling')
    await running
    const s = store.getState()
    expect(s.phase).toBe('cancelled')
    expect(host.cancels).toBe(1)
    expect(s.result!.cancelled).toBe(true)
    const counted = s.points.reduce((a, p) => a + p.trials, 0)
    expect(counted).toBe(host.requests.length - 1) // the cancelled trial is not counted
    expect(counted).toBeLessThan(45)
    expect(s.points.some((p) => p.status === 'cancelled')).toBe(true)
    expect(s.points.some((p) => p.status === 'pending')).toBe(true)
    // a new sweep can start afterwards
    store.getState().set({ ...small, stepsText: '2', trialsText: '1' })
    host.runMs = 1
    await sweep.run()
    expect(store.getState().phase).toBe('done')
  })

  it('a cancel that lands while a start is on its way still cancels that run', async () => {
    const { host, sweep, store } = setup()
    host.runMs = 10_000
    store.getState().set(small)
    const running = sweep.run()
    sweep.cancel() // before startRun answered
    await running
    expect(store.getState().phase).toBe('cancelled')
    expect(host.requests).toHaveLength(1)
    expect(host.cancels).toBe(1)
  })

  it('waits for the host rate limit instead of failing points', async () => {
    const { host, sweep, store } = setup()
    host.refusals = [
      { code: 'E_RATE_LIMIT', message: 'more than 120 runs in a minute' },
      { code: 'E_RATE_LIMIT', message: 'again' },
    ]
    store.getState().set({ ...small, stepsText: '2', trialsText: '1', modes: ['classic'] })
    const notes: (string | null)[] = []
    store.subscribe((s) => notes.push(s.note))
    await sweep.run()
    expect(store.getState().phase).toBe('done')
    expect(store.getState().points.every((p) => p.status === 'done')).toBe(true)
    expect(notes.some((n) => n?.includes('runs a minute'))).toBe(true)
    expect(store.getState().note).toBeNull()
  })

  it('stops with an error when the host is busy with another run', async () => {
    const { host, sweep, store } = setup()
    host.refusals = [{ code: 'E_BUSY', message: 'run 7 is still going' }]
    store.getState().set(small)
    await sweep.run()
    const s = store.getState()
    expect(s.phase).toBe('failed')
    expect(s.error).toContain('run 7 is still going')
    expect(host.requests).toHaveLength(1)
  })

  it('a failing mode fails its points and the sweep goes on', async () => {
    const { host, sweep, store } = setup()
    host.refusals = [{ code: 'E_REALTIME_DENIED', message: 'SCHED_FIFO: operation not permitted' }]
    store.getState().set({ ...small, modes: ['realtime', 'scheduled'] })
    await sweep.run()
    const s = store.getState()
    expect(s.phase).toBe('done')
    expect(s.points.filter((p) => p.mode === 'realtime').every((p) => p.status === 'not-allowed')).toBe(true)
    expect(s.points.filter((p) => p.mode === 'scheduled').every((p) => p.status === 'done')).toBe(true)
  })

  it('keeps statuses and batches that arrive before the start is answered; fetches events after missed batches', async () => {
    const { host, sweep, store } = setup()
    host.early = true
    host.dropBatches = true
    store.getState().set({ ...small, toText: '0.001', stepsText: '2', trialsText: '1', modes: ['scheduled'] })
    await sweep.run()
    const s = store.getState()
    expect(s.phase).toBe('done')
    // the 1 µs point misplaced 2 values and its causes came from the fetched events
    expect(host.fetches).toBe(1)
    const bad = s.points.find((p) => p.unitMs === 0.001)!
    expect(bad.meanMisplaced).toBe(2)
  })

  it('measures the machine once on first open and again on request; reports a failure', async () => {
    const { host, sweep, store } = setup()
    sweep.ensureMeasured()
    expect(store.getState().machine.status).toBe('measuring')
    sweep.ensureMeasured()
    await new Promise((r) => setTimeout(r, 20))
    expect(host.measures).toBe(1)
    expect(store.getState().machine).toMatchObject({ status: 'done', figures: FIGURES, error: null })
    sweep.ensureMeasured()
    expect(host.measures).toBe(1)
    host.measureAnswer = { ok: false, error: { code: 'E_BUSY', message: 'run 3 is still going' } }
    await sweep.measure()
    expect(store.getState().machine).toMatchObject({
      status: 'failed',
      figures: FIGURES,
      error: 'run 3 is still going (E_BUSY)',
    })
  })
})

describe('checkSweep', () => {
  it('plans the defaults: seed, 1 → 0.01 ms, 5 steps, 3 trials, 3 modes', () => {
    const r = checkSweep(DEFAULT_SWEEP, null, null)
    if (!r.ok) throw new Error(r.error)
    expect(r.value.plan.units).toHaveLength(5)
    expect(r.value.runs).toBe(45)
    expect(r.value.rateLimited).toBe(false)
    expect(r.value.estimateMs).toBeGreaterThan(0)
    expect(r.value.estimateMs).toBeLessThan(5000)
  })

  it('explains bad settings in the words of the form', () => {
    const bad = (patch: object) => {
      const r = checkSweep({ ...DEFAULT_SWEEP, ...patch }, null, null)
      return r.ok ? 'ok' : r.error
    }
    expect(bad({ fromText: 'x' })).toMatch(/^From unit \(ms\) must be a finite number/)
    expect(bad({ toText: '0.0000001' })).toMatch(/^To unit \(ms\) 1e-7 is outside 0.000001..1000 ms \(1 ns to 1 s\)/)
    expect(bad({ stepsText: '1' })).toMatch(/at least 2 steps/)
    expect(bad({ trialsText: '0' })).toMatch(/^Trials must be an integer/)
    expect(bad({ modes: [] })).toBe('choose at least one mode')
    expect(bad({ preset: 'random1000', fromText: '100' })).toMatch(/over the 60 s cap/)
    const caps = { realtime: { allowed: false, reason: 'nope' } }
    const r = checkSweep({ ...DEFAULT_SWEEP, modes: ['realtime'] }, caps, null)
    expect(r).toEqual({ ok: false, error: 'none of the chosen modes is allowed on this machine' })
  })

  it('counts the wait for the rate limit in the estimate of a long sweep', () => {
    const r = checkSweep({ ...DEFAULT_SWEEP, stepsText: '20', trialsText: '10' }, null, null)
    if (!r.ok) throw new Error(r.error)
    expect(r.value.runs).toBe(600)
    expect(r.value.rateLimited).toBe(true)
    expect(r.value.estimateMs).toBeGreaterThanOrEqual(4 * 60_000)
  })
})
