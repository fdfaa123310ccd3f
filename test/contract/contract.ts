// One contract, run against every transport (tests in this folder): whatever carries the method
// map — a direct call, Node's MessageChannel (Electron's structured clone), the web host's
// WebSocket, Electron's preload handoff — the renderer sees the same members, the same Outcomes
// with the same error codes, and the same stream of statuses and batches, on the real addon.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunRequest, RunStatus, SleepSortResult, ThreadlabApi } from '../../src/shared/api'
import { BATCH_HEADER } from '../../src/shared/events'
import { EVENT_NAMES, METHOD_NAMES, listenerKey } from '../../src/shared/methods'

export interface Harness {
  api: ThreadlabApi
  /** refusals the host logged (one line each) */
  refusals: string[]
  close(): Promise<void>
}

/** A request the typed API would not let through: what a hostile or buggy page might send. */
const untyped = (request: unknown) => request as RunRequest

/** Collects one run's statuses and batches until it finishes. */
function watch(api: ThreadlabApi) {
  const statuses: RunStatus[] = []
  const batches: Float64Array[] = []
  let done: (s: RunStatus) => void = () => {}
  const finished = new Promise<RunStatus>((r) => (done = r))
  const offStatus = api.onStatus((s) => {
    statuses.push(s)
    if (s.type === 'finished' || s.type === 'failed') done(s)
  })
  const offBatch = api.onBatch((b) => batches.push(b))
  return {
    statuses,
    batches,
    finished,
    off() {
      offStatus()
      offBatch()
    },
  }
}

export function contractSuite(name: string, open: () => Promise<Harness>): void {
  describe(`contract over ${name}`, () => {
    let h: Harness
    beforeAll(async () => {
      h = await open()
    })
    afterAll(async () => {
      await h?.close()
    })

    it('has exactly one member per method and per event of the map', () => {
      const expected = [...METHOD_NAMES, ...EVENT_NAMES.map((e) => listenerKey(e))].sort()
      expect(Object.keys(h.api).sort()).toEqual(expected)
    })

    it('answers capabilities with the machine and the limits', async () => {
      const caps = await h.api.capabilities()
      expect(caps.ok).toBe(true)
      if (caps.ok) {
        expect(caps.value.cpus).toBeGreaterThan(0)
        expect(caps.value.limits.maxValues).toBeGreaterThan(0)
        expect(typeof caps.value.realtime.allowed).toBe('boolean')
      }
    })

    it('refuses bad input as data: code, message and position arrive, and the refusal is logged once', async () => {
      const before = h.refusals.length
      const r = await h.api.startRun(
        untyped({ experiment: 'sleep-sort', values: [3, 'x', 1], mode: 'scheduled', unitMs: 1 }),
      )
      expect(r).toMatchObject({ ok: false, error: { code: 'E_NOT_A_NUMBER', position: 1 } })
      expect(h.refusals.slice(before)).toEqual([expect.stringMatching(/startRun refused: E_NOT_A_NUMBER/)])
      expect(await h.api.fetchRunEvents(-1)).toMatchObject({ ok: false, error: { code: 'E_BAD_REQUEST' } })
      expect(await h.api.fetchRunEvents(987_654)).toMatchObject({ ok: false, error: { code: 'E_NO_SUCH_RUN' } })
      expect(await h.api.cancelRun()).toEqual({ ok: true, value: null })
    })

    it('streams a sleep sort: started, batches as Float64Array, finished; the replay holds every event', async () => {
      const w = watch(h.api)
      const started = await h.api.startRun({
        experiment: 'sleep-sort',
        values: [3, 1, 2],
        mode: 'scheduled',
        unitMs: 2,
      })
      if (!started.ok) throw new Error(started.error.message)
      const end = await w.finished
      w.off()
      expect(end.type).toBe('finished')
      const result = (end as Extract<RunStatus, { type: 'finished' }>).result as SleepSortResult
      expect(result.runId).toBe(started.value.runId)
      expect(result.output).toHaveLength(3)
      expect(w.statuses[0]).toMatchObject({ type: 'started', runId: started.value.runId })
      expect(w.batches.length).toBeGreaterThan(0)
      for (const b of w.batches) expect(b).toBeInstanceOf(Float64Array)
      const live = w.batches.filter((b) => b[1] === started.value.runId).reduce((n, b) => n + b[3], 0)
      expect(live).toBe(result.eventCount)
      const replay = await h.api.fetchRunEvents(started.value.runId)
      if (!replay.ok) throw new Error(replay.error.message)
      expect(replay.value).toBeInstanceOf(Float64Array)
      expect(replay.value[3]).toBe(result.eventCount)
      expect(replay.value.length).toBe(BATCH_HEADER + 4 * result.eventCount)
    })

    it('adds in parallel exactly', async () => {
      const w = watch(h.api)
      const started = await h.api.startRun({ experiment: 'parallel-sum', values: [1, 2, 3, 4, 2 ** 53], threads: 2 })
      expect(started.ok).toBe(true)
      const end = await w.finished
      w.off()
      expect(end).toMatchObject({ type: 'finished', result: { experiment: 'parallel-sum', sum: '9007199254741002' } })
    })

    it('refuses a second run and a measurement while one runs (E_BUSY); cancel joins it', async () => {
      const w = watch(h.api)
      const first = await h.api.startRun({ experiment: 'sleep-sort', values: [4000, 1], mode: 'scheduled', unitMs: 1 })
      expect(first.ok).toBe(true)
      expect(await h.api.startRun({ experiment: 'sleep-sort', values: [1], mode: 'classic', unitMs: 1 })).toMatchObject(
        { ok: false, error: { code: 'E_BUSY' } },
      )
      expect(await h.api.measureMachine()).toMatchObject({ ok: false, error: { code: 'E_BUSY' } })
      expect(await h.api.cancelRun()).toEqual({ ok: true, value: null })
      const end = await w.finished
      w.off()
      expect(end).toMatchObject({ type: 'finished', result: { cancelled: true } })
    })

    it('a disposed listener hears nothing more; onOpenFile exists and stays silent here', async () => {
      const heard: RunStatus[] = []
      const off = h.api.onStatus((s) => heard.push(s))
      off()
      const opened: unknown[] = []
      const offFile = h.api.onOpenFile((f) => opened.push(f))
      const w = watch(h.api)
      const started = await h.api.startRun({ experiment: 'sleep-sort', values: [1], mode: 'classic', unitMs: 1 })
      expect(started.ok).toBe(true)
      await w.finished
      w.off()
      offFile()
      expect(heard).toEqual([])
      expect(opened).toEqual([])
      expect(() => h.api.onBatch('nope' as unknown as (b: Float64Array) => void)).toThrow(TypeError)
    })
  })
}
