// RunService.measureMachine on the real addon: the figures of the "honest measurement" panel,
// refused while a run is active, queued ahead of a start, stopped by dispose.
import { existsSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { addonPath, loadEngine, type Engine } from '../../src/service/addon'
import { RunService } from '../../src/service/run-service'
import type { RunStatus } from '../../src/shared/api'
import type { MachineFigures } from '../../src/shared/machineFigures'

/** Small enough to take well under a second on a busy 2-core VM. */
const QUICK = { threads: 100, repeats: 2, sleeps: 12, bins: 6 }

describe('RunService.measureMachine (real addon)', () => {
  let engine: Engine
  beforeAll(() => {
    if (!existsSync(addonPath()))
      throw new Error(`the native addon is not built (${addonPath()}): run \`npm run build:native\``)
    engine = loadEngine()
  })

  it('measures CPU count, timer slack, realtime, recording cost, spawn time and empty-sleep lateness', async () => {
    const service = new RunService(engine, { measure: QUICK })
    const outcome = await service.measureMachine()
    if (!outcome.ok) throw new Error(`measureMachine failed: ${outcome.error.code} ${outcome.error.message}`)
    const f: MachineFigures = outcome.value
    const caps = engine.capabilities()
    expect(f.cpus).toBe(caps.cpus)
    expect(f.os).toBe(caps.os)
    expect(f.timerSlackNs).toBe(caps.timerSlackNs)
    expect(f.realtime.allowed).toBe(caps.realtime.allowed)
    if (!f.realtime.allowed) expect(f.realtime.reason).toEqual(expect.any(String))
    expect(f.recordingEvents).toBeGreaterThanOrEqual(QUICK.threads) // several events per thread
    expect(f.recordingCostNsPerEvent).toBeGreaterThanOrEqual(0)
    expect(f.recordingWallOnMs).toBeGreaterThan(0)
    expect(f.recordingWallOffMs).toBeGreaterThan(0)
    expect(f.spawnThreads).toBe(QUICK.threads)
    expect(f.spawnNsPerThread).toBeGreaterThan(0)
    expect(f.spawnNsPerThread).toBeLessThan(50e6) // 50 ms per thread would be absurd
    const late = f.emptySleepLatenessNs
    expect(late.samples).toBe(QUICK.sleeps)
    expect(late.p50).toBeLessThanOrEqual(late.p99)
    expect(late.p99).toBeLessThanOrEqual(late.max)
    expect(late.histogram.counts).toHaveLength(QUICK.bins)
    expect(late.histogram.edges).toHaveLength(QUICK.bins + 1)
    expect(late.histogram.counts.reduce((a, b) => a + b, 0)).toBe(QUICK.sleeps)
    expect(f.method).toMatch(/recording cost/)
    expect(f.tookMs).toBeGreaterThan(0)
    // what crosses IPC must survive structured clone / JSON
    expect(JSON.parse(JSON.stringify(f)).emptySleepLatenessNs.samples).toBe(QUICK.sleeps)
    expect(engine.activeRuns()).toBe(0)
    await service.dispose()
  })

  it('refuses with E_BUSY while a run of the client is active, and works once it ended', async () => {
    const service = new RunService(engine, { measure: QUICK })
    const statuses: RunStatus[] = []
    service.onStatus((s) => statuses.push(s))
    const start = await service.startRun({ experiment: 'sleep-sort', values: [3000, 1], mode: 'scheduled', unitMs: 10 })
    if (!start.ok) throw new Error(start.error.message)
    const busy = await service.measureMachine()
    expect(busy).toMatchObject({ ok: false, error: { code: 'E_BUSY' } })
    if (!busy.ok) expect(busy.error.message).toContain(String(start.value.runId))
    await service.cancelRun()
    expect(statuses.at(-1)).toMatchObject({ type: 'finished', runId: start.value.runId, result: { cancelled: true } })
    expect((await service.measureMachine()).ok).toBe(true)
    await service.dispose()
  })

  it('a start sent during a measurement waits for it', async () => {
    const service = new RunService(engine, { measure: QUICK })
    let measuredAt = 0
    const measuring = service.measureMachine().then((o) => {
      measuredAt = performance.now()
      return o
    })
    const starting = service
      .startRun({ experiment: 'sleep-sort', values: [1, 0], mode: 'scheduled', unitMs: 1 })
      .then((o) => ({ o, at: performance.now() }))
    const [m, s] = await Promise.all([measuring, starting])
    expect(m.ok).toBe(true)
    expect(s.o.ok).toBe(true)
    expect(s.at).toBeGreaterThanOrEqual(measuredAt)
    await service.cancelRun()
    await service.dispose()
  })

  it('dispose stops a measurement between runs and leaves no run behind', async () => {
    const service = new RunService(engine, { measure: { threads: 200, repeats: 20, sleeps: 200 } })
    const t0 = performance.now()
    const measuring = service.measureMachine()
    await new Promise((r) => setTimeout(r, 30))
    await service.dispose()
    const outcome = await measuring
    expect(performance.now() - t0).toBeLessThan(5000)
    // either it had already finished (a very fast machine) or it stopped with E_CANCELLED
    if (!outcome.ok) expect(outcome.error.code).toBe('E_CANCELLED')
    expect(engine.activeRuns()).toBe(0)
    expect(await service.measureMachine()).toMatchObject({ ok: false, error: { code: 'E_DISPOSED' } })
  })
})
