import { describe, expect, it } from 'vitest'
import type { Outcome, RunRequest, RunStatus, SleepSortResult, ThreadlabApi } from '../../src/shared/api'
import { summarizeRequest } from '../../src/shared/api'
import { RunController } from '../../src/renderer/model/controller'
import { createAppStore } from '../../src/renderer/model/store'
import { synthesizeRun } from '../../src/renderer/model/synth'
import { testCapabilities } from './helpers/caps'

/** A host double: records requests, lets the test push batches and statuses when it likes. */
class FakeHost implements ThreadlabApi {
  batchL = new Set<(b: Float64Array) => void>()
  statusL = new Set<(s: RunStatus) => void>()
  requests: RunRequest[] = []
  nextRunId = 1
  realtime = true
  answer: ((r: RunRequest) => Outcome<{ runId: number }>) | null = null
  /** runs the moment a request arrives, before startRun answers (races the host can produce) */
  onRequest: ((runId: number, r: RunRequest) => void) | null = null
  full = new Map<number, Float64Array>()
  cancels = 0
  async capabilities() {
    return {
      ok: true as const,
      value: testCapabilities({
        realtime: { allowed: this.realtime, reason: this.realtime ? undefined : 'no CAP_SYS_NICE' },
      }),
    }
  }
  async startRun(r: RunRequest) {
    this.requests.push(r)
    if (this.answer) return this.answer(r)
    const runId = this.nextRunId++
    this.onRequest?.(runId, r)
    return { ok: true as const, value: { runId } }
  }
  async cancelRun() {
    this.cancels++
    return { ok: true as const, value: null }
  }
  async fetchRunEvents(runId: number) {
    const b = this.full.get(runId)
    return b ? { ok: true as const, value: b } : { ok: false as const, error: { code: 'E_NO_RUN', message: 'none' } }
  }
  async measureMachine() {
    return { ok: false as const, error: { code: 'E_UNSUPPORTED', message: 'not measured in this test' } }
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
  /** streams a synthetic run in `parts` batches, then its finished status */
  play(runId: number, r: RunRequest, parts = 3, skip: number[] = []): SleepSortResult {
    if (r.experiment !== 'sleep-sort') throw new Error('sleep sort only')
    const { cols, result } = synthesizeRun(r.values, r.mode, r.unitMs, runId)
    const full = cols.toBatch(runId)
    this.full.set(runId, full)
    const per = Math.ceil(cols.length / parts)
    for (let p = 0; p < parts; p++) {
      const from = p * per,
        n = Math.max(0, Math.min(per, cols.length - from))
      const b = new Float64Array(4 + n * 4)
      b.set([1, runId, p, n])
      b.set(full.subarray(4 + from * 4, 4 + (from + n) * 4), 4)
      if (!skip.includes(p)) this.batch(b)
    }
    this.status({ type: 'finished', runId, result })
    return result
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0))

function setup() {
  const host = new FakeHost()
  const store = createAppStore()
  const controller = new RunController(host, store, (cb) => cb())
  return { host, store, controller }
}

describe('RunController', () => {
  it('runs the list: request, batches into columns, finished result into the store', async () => {
    const { host, store, controller } = setup()
    expect(await controller.run()).toBe(true)
    expect(host.requests[0]).toEqual({
      experiment: 'sleep-sort',
      values: [5, 1, 2, 6, 8, 2, 4, 2, 3, 8, 0, 2],
      mode: 'scheduled',
      unitMs: 10,
    })
    expect(store.getState().phase).toBe('running')
    const result = host.play(1, host.requests[0])
    await tick()
    const s = store.getState()
    expect(s.phase).toBe('finished')
    expect(s.result).toBe(result)
    expect(s.events).toBe(result.eventCount)
    expect(controller.data.eventCount).toBe(result.eventCount)
    expect(controller.data.finished).toBe(true)
    expect(controller.data.contiguous).toBe(12)
  })

  it('keeps batches and statuses that arrive before startRun answers', async () => {
    const { host, store, controller } = setup()
    host.onRequest = (runId, r) => {
      host.status({ type: 'started', runId, summary: summarizeRequest(r) })
      host.play(runId, r, 2)
    }
    await controller.run()
    await tick()
    expect(store.getState().phase).toBe('finished')
    expect(controller.data.eventCount).toBe(store.getState().result!.eventCount)
  })

  it('ignores another run’s batches and statuses', async () => {
    const { host, store, controller } = setup()
    await controller.run()
    host.play(77, { experiment: 'sleep-sort', values: [1, 2], mode: 'classic', unitMs: 1 })
    await tick()
    expect(store.getState().phase).toBe('running')
    expect(controller.data.eventCount).toBe(0)
  })

  it('fetches the whole run when live batches were missed', async () => {
    const { host, store, controller } = setup()
    await controller.run()
    host.status({ type: 'missed', runId: 1, droppedBatches: 1 })
    const result = host.play(1, host.requests[0], 3, [1])
    await tick()
    await tick()
    expect(store.getState().phase).toBe('finished')
    expect(store.getState().missed).toBe(1)
    expect(controller.data.eventCount).toBe(result.eventCount)
    expect(controller.data.contiguous).toBe(12)
  })

  it('does not start with bad input, a bad unit, or realtime denied', async () => {
    const { host, store, controller } = setup()
    store.getState().setText('1 x 2')
    expect(await controller.run()).toBe(false)
    store.getState().setText('1 2')
    store.getState().setUnitText('0')
    expect(await controller.run()).toBe(false)
    store.getState().setUnitText('1')
    host.realtime = false
    await controller.loadCapabilities()
    expect(await controller.run('realtime')).toBe(false)
    expect(store.getState().error?.code).toBe('E_REALTIME_DENIED')
    expect(store.getState().error?.message).toContain('no CAP_SYS_NICE')
    expect(host.requests).toHaveLength(0)
  })

  it('reports the host’s refusal (busy) in the store', async () => {
    const { host, store, controller } = setup()
    host.answer = () => ({ ok: false, error: { code: 'E_BUSY', message: 'busy: another client is running' } })
    expect(await controller.run()).toBe(false)
    expect(store.getState().phase).toBe('failed')
    expect(store.getState().error?.message).toContain('busy')
  })

  it('says busy instead of starting a second run of its own', async () => {
    const { host, store, controller } = setup()
    await controller.run()
    expect(await controller.run()).toBe(false)
    expect(store.getState().runAttemptError).toMatch(/busy/)
    expect(host.requests).toHaveLength(1)
  })

  it('cancels through the host; the cancelled result ends the run', async () => {
    const { host, store, controller } = setup()
    await controller.run()
    await controller.cancel()
    expect(host.cancels).toBe(1)
    const { result } = synthesizeRun([5, 1], 'scheduled', 10, 1)
    host.status({ type: 'finished', runId: 1, result: { ...result, cancelled: true, output: [1] } })
    await tick()
    expect(store.getState().phase).toBe('cancelled')
  })

  it('compares every allowed mode in turn and skips realtime when denied', async () => {
    const { host, store, controller } = setup()
    host.realtime = false
    await controller.loadCapabilities()
    host.onRequest = (runId, r) => setTimeout(() => host.play(runId, r), 1)
    await controller.compareModes()
    expect(host.requests.map((r) => (r.experiment === 'sleep-sort' ? r.mode : ''))).toEqual(['classic', 'scheduled'])
    const c = store.getState().compare!
    expect(c.active).toBe(false)
    expect(c.entries.map((e) => [e.mode, e.status])).toEqual([
      ['classic', 'done'],
      ['scheduled', 'done'],
      ['realtime', 'skipped'],
    ])
    expect(c.entries[0].result?.mode).toBe('classic')
  })

  it('a cancel stops the comparison after the current run', async () => {
    const { host, store, controller } = setup()
    host.onRequest = (runId, r) =>
      setTimeout(() => {
        void controller.cancel()
        const { result } = synthesizeRun(r.experiment === 'sleep-sort' ? r.values : [], 'classic', 1, runId)
        host.status({ type: 'finished', runId, result: { ...result, runId, cancelled: true } })
      }, 1)
    await controller.compareModes()
    expect(host.requests).toHaveLength(1)
    expect(store.getState().compare!.entries.map((e) => e.status)).toEqual(['cancelled', 'cancelled', 'cancelled'])
  })
})
