// measureMachine over the web host's WebSocket (real addon): the figures arrive as JSON, params are
// refused, and a client with a run active is told E_BUSY.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addonPath, loadEngine, type Engine } from '../../src/service/addon'
import { parseClientRequest } from '../../src/shared/ipc'
import { METHOD_NAMES } from '../../src/shared/methods'
import type { MachineFigures } from '../../src/shared/machineFigures'
import { startWebHost, type WebHost } from '../../src/web/server/server'
import { connect } from './ws-client'

const TOKEN = 'measure-token-0123456789abcdef'

describe('web host measureMachine (real addon)', () => {
  let engine: Engine
  let host: WebHost
  let dir: string
  const url = () => `ws://127.0.0.1:${host.port}/ws?token=${TOKEN}`
  const origin = () => `http://127.0.0.1:${host.port}`

  beforeAll(async () => {
    if (!existsSync(addonPath()))
      throw new Error(`the native addon is not built (${addonPath()}): run \`npm run build:native\``)
    engine = loadEngine()
    dir = mkdtempSync(join(tmpdir(), 'threadlab-measure-'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>')
    host = await startWebHost({ port: 0, rendererDir: dir, token: TOKEN, engine, log: () => {} })
  })
  afterAll(async () => {
    await host.close()
    rmSync(dir, { recursive: true, force: true })
    expect(engine.activeRuns()).toBe(0)
  })

  it('is a protocol method that takes no params', async () => {
    expect(METHOD_NAMES).toContain('measureMachine')
    expect(parseClientRequest('{"id":1,"method":"measureMachine"}')).toEqual({
      ok: true,
      request: { id: 1, method: 'measureMachine' },
    })
    const c = await connect(url(), origin())
    const r = await c.request('measureMachine', { threads: 1e6 })
    expect(r.outcome).toEqual({
      ok: false,
      error: { code: 'E_BAD_REQUEST', message: 'measureMachine: takes no argument' },
    })
    await c.close()
  })

  it('answers with the machine figures as JSON', async () => {
    const c = await connect(url(), origin())
    const r = await c.request('measureMachine')
    expect(r.outcome.ok, JSON.stringify(r.outcome.error)).toBe(true)
    const f = r.outcome.value as MachineFigures
    expect(f.cpus).toBe(engine.capabilities().cpus)
    expect(typeof f.realtime.allowed).toBe('boolean')
    expect(f.timerSlackNs).toBe(engine.capabilities().timerSlackNs)
    expect(f.recordingEvents).toBeGreaterThan(0)
    expect(f.spawnNsPerThread).toBeGreaterThan(0)
    expect(f.emptySleepLatenessNs.samples).toBeGreaterThan(0)
    expect(f.emptySleepLatenessNs.histogram.counts.reduce((a, b) => a + b, 0)).toBe(f.emptySleepLatenessNs.samples)
    const bad = await c.request('measureMachine', { threads: 10 })
    expect(bad.outcome).toMatchObject({ ok: false, error: { code: 'E_BAD_REQUEST' } })
    await c.close()
  })

  it('refuses with E_BUSY while the client has a run active, and measures once it ended', async () => {
    const c = await connect(url(), origin())
    const start = await c.request('startRun', {
      experiment: 'sleep-sort',
      values: [3000, 1],
      mode: 'scheduled',
      unitMs: 10,
    })
    expect(start.outcome.ok).toBe(true)
    const busy = await c.request('measureMachine')
    expect(busy.outcome).toMatchObject({ ok: false, error: { code: 'E_BUSY' } })
    expect((await c.request('cancelRun')).outcome.ok).toBe(true)
    expect((await c.request('measureMachine')).outcome.ok).toBe(true)
    await c.close()
  })
})
