import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addonPath, loadEngine, type BatchSink, type Engine } from '../../src/service/addon'
import { RunService, toErrorInfo } from '../../src/service/run-service'
import { RunRate } from '../../src/service/run-rate'
import type { RunStatus, SleepSortResult, ParallelSumResult } from '../../src/shared/api'
import { EventColumns } from '../../src/shared/columns'
import { LIMITS } from '../../src/shared/limits'
import { FakeEngine } from './fake-engine'

const seed = [5, 1, 2, 6, 8, 2, 4, 2, 3, 8, 0, 2]
const sortRequest = (values = seed, unitMs = 10, extra: object = {}) => ({
  experiment: 'sleep-sort',
  values,
  mode: 'scheduled',
  unitMs,
  ...extra,
})

/** Collects what a service emits; `until` waits for a status matching the predicate. */
function observe(service: RunService) {
  const batches: Float64Array[] = []
  const statuses: RunStatus[] = []
  const waiters: Array<{ test: (s: RunStatus) => boolean; done: (s: RunStatus) => void }> = []
  service.onBatch((b) => batches.push(b))
  service.onStatus((s) => {
    statuses.push(s)
    for (const w of [...waiters])
      if (w.test(s)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.done(s)
      }
  })
  const until = (test: (s: RunStatus) => boolean, timeoutMs = 20_000) =>
    new Promise<RunStatus>((done, fail) => {
      const hit = statuses.find(test)
      if (hit) return done(hit)
      const timer = setTimeout(
        () => fail(new Error(`no such status within ${timeoutMs} ms; got ${statuses.map((s) => s.type).join(', ')}`)),
        timeoutMs,
      )
      waiters.push({ test, done: (s) => (clearTimeout(timer), done(s)) })
    })
  const finished = (runId: number) => until((s) => (s.type === 'finished' || s.type === 'failed') && s.runId === runId)
  return { batches, statuses, until, finished }
}

function runIdOf(outcome: { ok: boolean; value?: { runId: number }; error?: unknown }): number {
  if (!outcome.ok || !outcome.value) throw new Error(`start failed: ${JSON.stringify(outcome)}`)
  return outcome.value.runId
}

describe('RunService (scripted engine)', () => {
  it('validates before touching the engine', async () => {
    const engine = new FakeEngine()
    const service = new RunService(engine)
    const r = await service.startRun({ ...sortRequest(), extra: true })
    expect(r).toMatchObject({ ok: false, error: { code: 'E_BAD_REQUEST' } })
    expect(engine.sent.size).toBe(0)
  })

  it('forwards every batch unchanged, in order, then the result', async () => {
    const engine = new FakeEngine()
    engine.script = { batches: 20, eventsPerBatch: 3, intervalMs: 1 }
    const service = new RunService(engine)
    const seen = observe(service)
    const runId = runIdOf(await service.startRun(sortRequest()))
    expect(seen.statuses[0]).toMatchObject({
      type: 'started',
      runId,
      summary: { experiment: 'sleep-sort', values: seed.length },
    })
    const fin = await seen.finished(runId)
    expect(seen.batches).toHaveLength(20)
    engine.sent.get(runId)!.forEach((b, i) => expect(seen.batches[i]).toBe(b)) // the same objects
    expect(fin).toMatchObject({
      type: 'finished',
      result: { experiment: 'sleep-sort', runId, output: [...seed].sort((a, b) => a - b), cancelled: false },
    })
    expect(seen.statuses.indexOf(fin)).toBe(seen.statuses.length - 1)
  })

  it('throttles progress to at most 10 per second', async () => {
    const engine = new FakeEngine()
    engine.script = { batches: 150, eventsPerBatch: 1, intervalMs: 2 }
    const service = new RunService(engine)
    const seen = observe(service)
    const started = Date.now()
    const runId = runIdOf(await service.startRun(sortRequest()))
    await seen.finished(runId)
    const elapsed = Date.now() - started
    const progress = seen.statuses.filter((s) => s.type === 'progress')
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 1)
    const counts = progress.map((s) => (s.type === 'progress' ? s.events : 0))
    expect([...counts].sort((a, b) => a - b)).toEqual(counts)
  })

  it('refuses a second run with E_BUSY, and replaces it when asked', async () => {
    const engine = new FakeEngine()
    engine.script = { batches: 1000, eventsPerBatch: 1, intervalMs: 5 }
    const service = new RunService(engine)
    const seen = observe(service)
    const first = runIdOf(await service.startRun(sortRequest()))
    expect(await service.startRun(sortRequest())).toMatchObject({ ok: false, error: { code: 'E_BUSY' } })
    const second = runIdOf(await service.startRun(sortRequest(seed, 10, { replace: true })))
    // the old run was cancelled and finished before the new one started
    const firstEnd = seen.statuses.findIndex((s) => s.type === 'finished' && s.runId === first)
    const secondStart = seen.statuses.findIndex((s) => s.type === 'started' && s.runId === second)
    expect(firstEnd).toBeGreaterThanOrEqual(0)
    expect(firstEnd).toBeLessThan(secondStart)
    expect(seen.statuses[firstEnd]).toMatchObject({ result: { cancelled: true } })
    expect(engine.activeRuns()).toBe(1)
    await service.cancelRun()
    expect(engine.activeRuns()).toBe(0)
  })

  it('keeps the events of the current and the last finished run', async () => {
    const engine = new FakeEngine()
    engine.script = { batches: 4, eventsPerBatch: 2, intervalMs: 1 }
    const service = new RunService(engine)
    const seen = observe(service)
    const a = runIdOf(await service.startRun(sortRequest()))
    await seen.finished(a)
    const b = runIdOf(await service.startRun(sortRequest()))
    await seen.finished(b)
    const events = service.fetchRunEvents(b)
    expect(events.ok).toBe(true)
    if (events.ok) {
      expect(events.value).toEqual(EventColumns.fromBatches(engine.sent.get(b)!).toBatch(b))
      expect(events.value[3]).toBe(8)
    }
    // what a host streams: the engine's batches themselves, not copies
    const recorded = service.recording(b)
    expect(recorded).toMatchObject({ ok: true, value: { runId: b, events: 8 } })
    if (recorded.ok) {
      expect(recorded.value.batches).toHaveLength(4)
      recorded.value.batches.forEach((batch, i) => expect(batch).toBe(engine.sent.get(b)![i]))
    }
    expect(service.recording(a)).toMatchObject({ ok: false, error: { code: 'E_NO_SUCH_RUN' } })
    expect(service.fetchRunEvents(a)).toMatchObject({ ok: false, error: { code: 'E_NO_SUCH_RUN' } })
    expect(service.fetchRunEvents(-1)).toMatchObject({ ok: false, error: { code: 'E_BAD_REQUEST' } })
    expect(service.fetchRunEvents('1' as unknown as number)).toMatchObject({
      ok: false,
      error: { code: 'E_BAD_REQUEST' },
    })
  })

  it('maps engine errors to the API shape', async () => {
    const service = new RunService(new FakeEngine())
    expect(await service.startRun(sortRequest([1, 13, 2]))).toEqual({
      ok: false,
      error: { code: 'E_UNLUCKY', message: 'value 2 is unlucky', position: 1 },
    })
    expect(toErrorInfo(new Error('plain'))).toEqual({ code: 'E_INTERNAL', message: 'plain' })
    expect(toErrorInfo('text')).toEqual({ code: 'E_INTERNAL', message: 'text' })
    expect(toErrorInfo({ code: 'InvalidArg', message: 'napi', position: -1 })).toEqual({
      code: 'E_INTERNAL',
      message: 'napi',
    })
  })

  it('converts a parallel sum: exact decimal text, no bigint', async () => {
    const engine = new FakeEngine()
    engine.script = { batches: 1, eventsPerBatch: 1, intervalMs: 1 }
    const service = new RunService(engine)
    const seen = observe(service)
    const runId = runIdOf(await service.startRun({ experiment: 'parallel-sum', values: [1, 2, 3], threads: 2 }))
    const fin = await seen.finished(runId)
    const result = (fin as { result: ParallelSumResult }).result
    expect(result).toMatchObject({
      experiment: 'parallel-sum',
      sum: '1180591620717411303424',
      partials: ['590295810358705651712', '590295810358705651712'],
      kind: 'integer',
    })
    expect(() => JSON.stringify(result)).not.toThrow()
  })

  it('rate-limits starts over a sliding minute', async () => {
    let now = 0
    const engine = new FakeEngine()
    engine.script = { batches: 0, eventsPerBatch: 0, intervalMs: 1 }
    const service = new RunService(engine, { rate: new RunRate({ perMinute: 3, now: () => now }), now: () => now })
    const seen = observe(service)
    for (let i = 0; i < 3; i++) await seen.finished(runIdOf(await service.startRun(sortRequest())))
    expect(await service.startRun(sortRequest())).toMatchObject({ ok: false, error: { code: 'E_RATE_LIMIT' } })
    now += 60_001
    expect((await service.startRun(sortRequest())).ok).toBe(true)
    await service.dispose()
  })

  it('services sharing a rate share its allowance; a refused E_BUSY start does not spend it', async () => {
    const engine = new FakeEngine()
    engine.script = { batches: 1000, eventsPerBatch: 1, intervalMs: 5 }
    const rate = new RunRate({ perMinute: 2 })
    const first = new RunService(engine, { rate })
    const second = new RunService(engine, { rate })
    runIdOf(await first.startRun(sortRequest()))
    expect(await first.startRun(sortRequest())).toMatchObject({ ok: false, error: { code: 'E_BUSY' } })
    runIdOf(await second.startRun(sortRequest()))
    expect(await first.startRun(sortRequest([1], 1, { replace: true }))).toMatchObject({
      ok: false,
      error: { code: 'E_RATE_LIMIT' },
    })
    expect(await new RunService(engine, { rate }).measureMachine()).toMatchObject({
      ok: false,
      error: { code: 'E_RATE_LIMIT' },
    })
    await Promise.all([first.dispose(), second.dispose()])
  })

  it('dispose cancels, waits for the run and refuses new work', async () => {
    const engine = new FakeEngine()
    engine.script = { batches: 1000, eventsPerBatch: 1, intervalMs: 5 }
    const service = new RunService(engine)
    runIdOf(await service.startRun(sortRequest()))
    expect(engine.activeRuns()).toBe(1)
    await service.dispose()
    expect(engine.activeRuns()).toBe(0)
    expect(await service.startRun(sortRequest())).toMatchObject({ ok: false, error: { code: 'E_DISPOSED' } })
  })
})

describe('RunService (real addon)', () => {
  let engine: Engine
  beforeAll(async () => {
    if (!existsSync(addonPath()))
      throw new Error(`the native addon is not built (${addonPath()}): run \`npm run build:native\``)
    engine = loadEngine()
    // threadCount() counts the whole process: start libuv's pool now so it does not appear mid-test
    await readFile(__filename)
  })

  /** threadCount() once the process has settled back to `before` or fewer threads (or after 3 s). */
  async function threadsSettled(before: number): Promise<number> {
    const deadline = Date.now() + 3000
    let now = engine.threadCount()
    while (now > before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20))
      now = engine.threadCount()
    }
    return now
  }
  afterAll(() => {
    expect(engine.activeRuns()).toBe(0)
  })

  /** The addon, with every batch it hands out recorded (to check the service forwards the same objects). */
  function spied(): { engine: Engine; given: Float64Array[] } {
    const given: Float64Array[] = []
    const wrap =
      (sink: BatchSink): BatchSink =>
      (b) => {
        given.push(b)
        sink(b)
      }
    return {
      given,
      engine: {
        ...engine,
        startSleepSort: (v, o, sink) => engine.startSleepSort(v, o, wrap(sink)),
        startSum: (v, o, sink) => engine.startSum(v, o, wrap(sink)),
      },
    }
  }

  it('reports capabilities with the limits', () => {
    const outcome = new RunService(engine).capabilities()
    if (!outcome.ok) throw new Error(outcome.error.message)
    const caps = outcome.value
    expect(caps.cpus).toBeGreaterThan(0)
    expect(typeof caps.os).toBe('string')
    expect(typeof caps.realtime.allowed).toBe('boolean')
    expect(caps.limits).toEqual(LIMITS)
  })

  it('sorts the seed and forwards the engine batches unchanged', async () => {
    const spy = spied()
    const service = new RunService(spy.engine)
    const seen = observe(service)
    const runId = runIdOf(await service.startRun(sortRequest()))
    const fin = await seen.finished(runId)
    expect(fin.type).toBe('finished')
    const result = (fin as { result: SleepSortResult }).result
    expect(result).toMatchObject({
      experiment: 'sleep-sort',
      runId,
      threads: seed.length,
      mode: 'scheduled',
      cancelled: false,
    })
    expect([...result.output].sort((a, b) => a - b)).toEqual([...seed].sort((a, b) => a - b))
    expect(seen.batches.length).toBeGreaterThan(0)
    expect(seen.batches).toEqual(spy.given)
    seen.batches.forEach((b, i) => expect(b).toBe(spy.given[i]))
    const cols = EventColumns.fromBatches(seen.batches)
    expect(cols.length).toBe(result.eventCount)
    for (const b of seen.batches) expect(b[1]).toBe(runId)
    const replay = service.fetchRunEvents(runId)
    expect(replay.ok && replay.value[3]).toBe(result.eventCount)
    await service.dispose()
  })

  it('runs a parallel sum with an exact decimal sum', async () => {
    const service = new RunService(engine)
    const seen = observe(service)
    const values = [2 ** 53, 2 ** 53, 2 ** 53, 1, 2, 3]
    const runId = runIdOf(await service.startRun({ experiment: 'parallel-sum', values, threads: 3 }))
    const fin = await seen.finished(runId)
    expect(fin).toMatchObject({
      type: 'finished',
      result: { experiment: 'parallel-sum', sum: (3n * 2n ** 53n + 6n).toString(), kind: 'integer', threads: 3 },
    })
    await service.dispose()
  })

  it('refuses a second run with E_BUSY; replace cancels and joins the first', async () => {
    const service = new RunService(engine)
    const seen = observe(service)
    const first = runIdOf(await service.startRun(sortRequest([5000, 1, 2], 10)))
    expect(await service.startRun(sortRequest())).toMatchObject({ ok: false, error: { code: 'E_BUSY' } })
    const second = runIdOf(await service.startRun(sortRequest(seed, 1, { replace: true })))
    expect(seen.statuses.find((s) => s.type === 'finished' && s.runId === first)).toMatchObject({
      result: { cancelled: true },
    })
    await seen.finished(second)
    expect(engine.activeRuns()).toBe(0)
    await service.dispose()
  })

  it('cancels a long run at once', async () => {
    const service = new RunService(engine)
    const seen = observe(service)
    const runId = runIdOf(await service.startRun(sortRequest([5000, 4000, 1], 10)))
    await new Promise((r) => setTimeout(r, 50))
    const t0 = Date.now()
    expect(await service.cancelRun()).toEqual({ ok: true, value: null })
    expect(Date.now() - t0).toBeLessThan(2000)
    expect(await seen.finished(runId)).toMatchObject({ type: 'finished', result: { cancelled: true } })
    expect(engine.activeRuns()).toBe(0)
    await service.dispose()
  })

  it('maps the engine refusing input to an error with its code', async () => {
    // the engine's own checks, reached by a request the shared validator lets through
    const service = new RunService(engine)
    const r = await service.startRun(sortRequest([1, 2, 3], 10, { mode: 'realtime' }))
    if (!r.ok) expect(r.error.code).toBe('E_REALTIME_DENIED')
    else await observe(service).finished(r.value.runId)
    await service.dispose()
  })

  it('dispose joins every worker thread (threadCount back to where it was)', async () => {
    const before = engine.threadCount()
    const service = new RunService(engine)
    const values = Array.from({ length: 200 }, (_, i) => 1000 + i)
    runIdOf(await service.startRun(sortRequest(values, 10, { mode: 'classic' })))
    await new Promise((r) => setTimeout(r, 100))
    expect(engine.threadCount()).toBeGreaterThan(before)
    await service.dispose()
    expect(engine.activeRuns()).toBe(0)
    expect(await threadsSettled(before)).toBeLessThanOrEqual(before)
  })

  it('50 starts and cancels in a row leave no thread behind', async () => {
    const before = engine.threadCount()
    const service = new RunService(engine, { rate: new RunRate({ perMinute: 1000 }) })
    for (let i = 0; i < 50; i++) {
      runIdOf(await service.startRun(sortRequest([300, 200, 100, 1], 10, { replace: true })))
      if (i % 2) await service.cancelRun()
    }
    await service.dispose()
    expect(engine.activeRuns()).toBe(0)
    expect(await threadsSettled(before)).toBeLessThanOrEqual(before)
  })
})
