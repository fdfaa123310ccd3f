import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addonPath, loadEngine, type Engine } from '../../src/service/addon'
import { LIMITS } from '../../src/shared/limits'
import { EventColumns } from '../../src/shared/columns'
import type { RunStatus } from '../../src/shared/api'
import type { ServerMessage } from '../../src/shared/ipc'
import { MAX_CLIENTS, startWebHost, type WebHost } from '../../src/web/server/server'
import { FakeEngine } from '../service/fake-engine'
import { connect, type TestClient } from './ws-client'

const seed = [5, 1, 2, 6, 8, 2, 4, 2, 3, 8, 0, 2]
const TOKEN = 'test-token-0123456789abcdef'

let dir: string
let outside: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'threadlab-renderer-'))
  outside = mkdtempSync(join(tmpdir(), 'threadlab-outside-'))
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><title>t</title><script type="module" src="./assets/app.js"></script>',
  )
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'assets/app.js'), 'console.log(1)')
  writeFileSync(join(dir, 'assets/app.css'), 'body{}')
  writeFileSync(join(dir, 'assets/blob.bin'), 'x')
  writeFileSync(join(dir, '.secret'), 'hidden')
  writeFileSync(join(outside, 'secret.txt'), 'outside')
  symlinkSync(join(outside, 'secret.txt'), join(dir, 'assets/link.txt'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  rmSync(outside, { recursive: true, force: true })
})

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function get(port: number, path: string, options: { host?: string; method?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { host: options.host ?? `127.0.0.1:${port}` },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

const wsUrl = (host: WebHost, token = host.token, path = '/ws') =>
  `ws://127.0.0.1:${host.port}${path}?token=${encodeURIComponent(token)}`
const origin = (host: WebHost) => `http://127.0.0.1:${host.port}`
const isStatus = (test: (s: RunStatus) => boolean) => (m: ServerMessage) => m.type === 'status' && test(m.status)
const finishedRun = (runId: number) =>
  isStatus((s) => (s.type === 'finished' || s.type === 'failed') && s.runId === runId)

async function healthy(host: WebHost): Promise<void> {
  const c = await connect(wsUrl(host), origin(host))
  const r = await c.request('capabilities')
  expect(r.outcome.ok).toBe(true)
  await c.close()
}

describe('web host (real addon)', () => {
  let engine: Engine
  let host: WebHost
  beforeAll(async () => {
    if (!existsSync(addonPath()))
      throw new Error(`the native addon is not built (${addonPath()}): run \`npm run build:native\``)
    engine = loadEngine()
    host = await startWebHost({ port: 0, rendererDir: dir, token: TOKEN, engine, log: () => {} })
  })
  afterAll(async () => {
    await host.close()
    expect(engine.activeRuns()).toBe(0)
  })

  it('prints a loopback URL with the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${TOKEN}`)
  })

  it('serves the renderer with MIME types, the CSP on HTML and safety headers', async () => {
    const index = await get(host.port, '/?token=x')
    expect(index.status).toBe(200)
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(index.headers['content-security-policy']).toContain(
      `connect-src 'self' ws://127.0.0.1:${host.port} ws://localhost:${host.port}`,
    )
    expect(index.headers['content-security-policy']).toContain("script-src 'self'")
    expect(index.headers['x-content-type-options']).toBe('nosniff')
    expect((await get(host.port, '/index.html')).status).toBe(200)
    expect((await get(host.port, '/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect((await get(host.port, '/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8')
    expect((await get(host.port, '/assets/blob.bin')).headers['content-type']).toBe('application/octet-stream')
    const head = await get(host.port, '/assets/app.js', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.body).toBe('')
    expect((await get(host.port, '/', { host: `localhost:${host.port}` })).status).toBe(200)
  })

  it.each([
    '/missing.js',
    '/../package.json',
    '/assets/../../package.json',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/..%2f..%2f..%2fetc%2fpasswd',
    '/assets/..%5c..%5cpackage.json',
    '/.secret',
    '/assets/link.txt',
    '/assets/app.js%00.html',
    '/%E0%A4%A',
    '/assets',
  ])('refuses %s', async (path) => {
    const r = await get(host.port, path)
    expect(r.status).toBe(404)
    expect(r.body).not.toContain('outside')
    expect(r.body).not.toContain('hidden')
  })

  it('refuses other Host names (DNS rebinding) and other methods', async () => {
    expect((await get(host.port, '/', { host: 'evil.example' })).status).toBe(403)
    expect((await get(host.port, '/', { host: `evil.example:${host.port}` })).status).toBe(403)
    expect((await get(host.port, '/', { method: 'POST' })).status).toBe(405)
  })

  it('answers /health only with the token', async () => {
    expect((await get(host.port, '/health')).status).toBe(403)
    expect((await get(host.port, '/health?token=nope')).status).toBe(403)
    const r = await get(host.port, `/health?token=${TOKEN}`)
    expect(r.status).toBe(200)
    expect(JSON.parse(r.body)).toMatchObject({ ok: true, activeRuns: 0, clients: 0 })
  })

  it('refuses a foreign Origin, a missing or wrong token, and other paths', async () => {
    await expect(connect(wsUrl(host), 'http://evil.example')).rejects.toMatchObject({ status: 403 })
    await expect(connect(wsUrl(host), `http://127.0.0.1:${host.port + 1}`)).rejects.toMatchObject({ status: 403 })
    await expect(connect(wsUrl(host), `https://127.0.0.1:${host.port}`)).rejects.toMatchObject({ status: 403 })
    await expect(connect(wsUrl(host), undefined)).rejects.toMatchObject({ status: 403 })
    await expect(connect(`ws://127.0.0.1:${host.port}/ws`, origin(host))).rejects.toMatchObject({ status: 403 })
    await expect(connect(wsUrl(host, 'wrong'), origin(host))).rejects.toMatchObject({ status: 403 })
    await expect(connect(wsUrl(host, TOKEN + 'x'), origin(host))).rejects.toMatchObject({ status: 403 })
    await expect(connect(wsUrl(host, TOKEN, '/other'), origin(host))).rejects.toMatchObject({ status: 404 })
    expect(host.clients).toBe(0)
    const ok = await connect(wsUrl(host), `http://localhost:${host.port}`)
    await ok.close()
  })

  it('runs the seed: batches as binary frames, then the result; the replay equals the live batches', async () => {
    const c = await connect(wsUrl(host), origin(host))
    const caps = await c.request('capabilities')
    expect(caps.outcome).toMatchObject({ ok: true, value: { limits: LIMITS } })
    const start = await c.request('startRun', { experiment: 'sleep-sort', values: seed, mode: 'scheduled', unitMs: 10 })
    expect(start.outcome.ok).toBe(true)
    const runId = (start.outcome.value as { runId: number }).runId
    const fin = (await c.waitFor(finishedRun(runId))) as {
      status: { type: string; result: { output: number[]; eventCount: number } }
    }
    expect(fin.status.type).toBe('finished')
    expect([...fin.status.result.output].sort((a, b) => a - b)).toEqual([...seed].sort((a, b) => a - b))
    const live = EventColumns.fromBatches(c.binaries)
    expect(live.length).toBe(fin.status.result.eventCount)
    const replay = await c.request('fetchRunEvents', runId)
    expect(replay.outcome).toMatchObject({ ok: true, value: { binary: true } })
    expect(replay.binary).toEqual(live.toBatch(runId))
    await c.close()
  })

  it('rejects malformed requests with an error and keeps serving', async () => {
    const c = await connect(wsUrl(host), origin(host))
    c.sendRaw('this is not json')
    expect(await c.waitFor((m) => m.type === 'error')).toMatchObject({ error: { code: 'E_BAD_JSON' } })
    c.sendRaw('[1,2,3]')
    c.sendRaw('{"method":"capabilities"}')
    c.sendRaw(Buffer.from([1, 2, 3, 4]))
    await new Promise((r) => setTimeout(r, 50))
    expect(c.texts.filter((m) => m.type === 'error').length).toBe(4)
    const cases: Array<[string, unknown, string, RegExp]> = [
      ['nope', undefined, 'E_BAD_REQUEST', /method must be one of/],
      ['startRun', 'sort please', 'E_BAD_REQUEST', /object/],
      [
        'startRun',
        { experiment: 'sleep-sort', values: [1, 'x'], mode: 'classic', unitMs: 1 },
        'E_NOT_A_NUMBER',
        /values\[1\]/,
      ],
      [
        'startRun',
        { experiment: 'sleep-sort', values: [1], mode: 'classic', unitMs: 1, evil: true },
        'E_BAD_REQUEST',
        /unknown field "evil"/,
      ],
      [
        'startRun',
        { experiment: 'sleep-sort', values: new Array(LIMITS.maxValues + 1).fill(1), mode: 'classic', unitMs: 1 },
        'E_TOO_MANY',
        /10000/,
      ],
      ['startRun', { experiment: 'sleep-sort', values: [1], mode: 'warp', unitMs: 1 }, 'E_BAD_MODE', /mode/],
      ['startRun', { experiment: 'sleep-sort', values: [null], mode: 'classic', unitMs: 1 }, 'E_NOT_A_NUMBER', /null/],
      ['fetchRunEvents', 'x', 'E_BAD_REQUEST', /runId/],
      ['fetchRunEvents', { runId: 1 }, 'E_BAD_REQUEST', /runId/],
      ['fetchRunEvents', -5, 'E_BAD_REQUEST', /runId/],
      ['fetchRunEvents', 999_999, 'E_NO_SUCH_RUN', /999999/],
      ['capabilities', { please: true }, 'E_BAD_REQUEST', /takes no argument/],
    ]
    for (const [method, params, code, message] of cases) {
      const r = await c.request(method, params)
      expect(r.outcome.ok, `${method} ${JSON.stringify(params)?.slice(0, 80)}`).toBe(false)
      expect(r.outcome.error?.code).toBe(code)
      expect(r.outcome.error?.message).toMatch(message)
    }
    c.sendRaw(JSON.stringify({ id: 77, method: 'capabilities', extra: 1 }))
    expect(await c.waitFor((m) => m.type === 'response' && m.id === 77)).toMatchObject({
      outcome: { ok: false, error: { code: 'E_BAD_REQUEST' } },
    })
    expect((await c.request('capabilities')).outcome.ok).toBe(true) // same socket still works
    await c.close()
    await healthy(host)
  })

  it('closes a socket that sends an oversized message (1009) and keeps serving', async () => {
    const c = await connect(wsUrl(host), origin(host))
    c.sendRaw('x'.repeat(LIMITS.maxMessageBytes + 1))
    const { code } = await c.closed
    expect(code).toBe(1009)
    await healthy(host)
  })

  it('a closed socket cancels its run and the engine joins every thread', async () => {
    const baseline = engine.threadCount()
    const c = await connect(wsUrl(host), origin(host))
    const values = Array.from({ length: 300 }, (_, i) => 2000 + i)
    const r = await c.request('startRun', { experiment: 'sleep-sort', values, mode: 'classic', unitMs: 10 })
    expect(r.outcome.ok).toBe(true)
    await new Promise((res) => setTimeout(res, 100))
    expect(JSON.parse((await get(host.port, `/health?token=${TOKEN}`)).body).activeRuns).toBe(1)
    c.ws.terminate()
    const deadline = Date.now() + 5000
    let report = { activeRuns: -1, threads: -1, clients: -1 }
    while (Date.now() < deadline) {
      report = JSON.parse((await get(host.port, `/health?token=${TOKEN}`)).body)
      if (report.activeRuns === 0 && report.clients === 0 && report.threads <= baseline) break
      await new Promise((res) => setTimeout(res, 20))
    }
    expect(report).toMatchObject({ activeRuns: 0, clients: 0 })
    expect(report.threads).toBeLessThanOrEqual(baseline)
  })

  it(`refuses more than ${MAX_CLIENTS} open clients`, async () => {
    const open: TestClient[] = []
    for (let i = 0; i < MAX_CLIENTS; i++) open.push(await connect(wsUrl(host), origin(host)))
    await expect(connect(wsUrl(host), origin(host))).rejects.toMatchObject({ status: 503 })
    await Promise.all(open.map((c) => c.close()))
    await healthy(host)
  })

  it('close() cancels the runs of open clients and waits for them', async () => {
    const other = await startWebHost({ port: 0, rendererDir: dir, engine, log: () => {} })
    expect(other.token).toMatch(/^[A-Za-z0-9_-]{32}$/)
    const c = await connect(wsUrl(other), origin(other))
    await c.request('startRun', { experiment: 'sleep-sort', values: [3000, 1], mode: 'scheduled', unitMs: 10 })
    await other.close()
    expect(engine.activeRuns()).toBe(0)
  })
})

describe('web host backpressure (scripted engine)', () => {
  it("keeps a never-reading client's queue under the cap; the run keeps every batch", async () => {
    const engine = new FakeEngine()
    // 300 batches of 4096 events (131 KB each, 39 MB in all), as fast as the timer allows
    engine.script = { batches: 300, eventsPerBatch: 4096, intervalMs: 0 }
    const cap = 1024 * 1024
    const host = await startWebHost({
      port: 0,
      rendererDir: dir,
      token: TOKEN,
      engine,
      maxQueuedBytes: cap,
      log: () => {},
    })
    try {
      const c: TestClient = await connect(wsUrl(host), origin(host))
      const start = await c.request('startRun', { experiment: 'sleep-sort', values: seed, mode: 'classic', unitMs: 1 })
      const runId = (start.outcome.value as { runId: number }).runId
      c.ws.pause() // stop reading: the kernel buffers fill, then the host's queue
      const until = Date.now() + 30_000
      while (engine.activeRuns() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
      expect(engine.activeRuns()).toBe(0)
      const stats = host.stats()
      expect(stats.droppedBatches).toBeGreaterThan(0)
      // the queue never exceeded the cap, and the client was not cut off: its answers still fit
      expect(stats.peakQueuedBytes).toBeLessThanOrEqual(cap)
      expect(stats.disconnectedClients).toBe(0)
      c.ws.resume()
      const missed = await c.waitFor(isStatus((s) => s.type === 'missed' && s.runId === runId))
      expect(missed).toMatchObject({ status: { type: 'missed', runId } })
      await c.waitFor(finishedRun(runId))
      const last = c.texts.filter((m) => m.type === 'status' && m.status.type === 'missed').pop() as {
        status: { droppedBatches: number }
      }
      expect(last.status.droppedBatches).toBe(stats.droppedBatches)
      expect(c.binaries.length + stats.droppedBatches).toBe(300)
      const replay = await c.request('fetchRunEvents', runId)
      const all = EventColumns.fromBatches(engine.sent.get(runId)!)
      expect(all.length).toBe(300 * 4096)
      const expected = all.toBatch(runId)
      expect(replay.binary?.length).toBe(expected.length)
      // byte comparison: toEqual on millions of elements takes a minute
      expect(Buffer.compare(Buffer.from(replay.binary!.buffer), Buffer.from(expected.buffer))).toBe(0)
      await c.close()
    } finally {
      await host.close()
    }
  })

  it('disconnects a client that lets even its answers pile up past the cap', async () => {
    const engine = new FakeEngine()
    engine.script = { batches: 0, eventsPerBatch: 0, intervalMs: 1 }
    const cap = 256 * 1024
    const host = await startWebHost({
      port: 0,
      rendererDir: dir,
      token: TOKEN,
      engine,
      maxQueuedBytes: cap,
      log: () => {},
    })
    try {
      const c = await connect(wsUrl(host), origin(host))
      c.ws.pause()
      // answers are small (statuses no longer echo a request's values), so ask for many of them
      // while never reading: the kernel's loopback buffers fill first, then the host's queue
      for (let burst = 0; burst < 400 && c.ws.readyState === c.ws.OPEN; burst++) {
        for (let i = 0; i < 500; i++) c.sendRaw(`{"id":${burst * 500 + i + 1},"method":"capabilities"}`)
        await new Promise((r) => setTimeout(r, 10))
      }
      await c.closed
      const stats = host.stats()
      expect(stats.disconnectedClients).toBe(1)
      expect(stats.peakQueuedBytes).toBeLessThanOrEqual(cap)
      await expect.poll(() => engine.activeRuns()).toBe(0)
      await healthy(host)
    } finally {
      await host.close()
    }
  })
})
