// Finding 2 of the hostile-client review: a 14 MB frame of nested arrays inside startRun's params
// blocked every client and /health for 2–2.5 s and cost ~430 MB (twelve took RSS to 1.66 GB),
// because params were parsed and kept before validation. The frame is now scanned before
// JSON.parse and refused for nesting deeper than the contract needs.
import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadEngine } from '../../src/service/addon'
import { LIMITS } from '../../src/shared/limits'
import { MAX_FRAME_DEPTH, scanFrame } from '../../src/shared/frames'
import { startWebHost, type WebHost } from '../../src/web/server/server'
import { originOf, rendererDir, sleep, TOKEN, wsUrl } from '../fuzz/helpers/host'
import { connect } from './ws-client'

let host: WebHost
let renderer: ReturnType<typeof rendererDir>
beforeAll(async () => {
  renderer = rendererDir()
  host = await startWebHost({ port: 0, rendererDir: renderer.dir, token: TOKEN, engine: loadEngine() })
})
afterAll(async () => {
  await host?.close()
  renderer?.remove()
})

/** Milliseconds /health takes to answer. */
function healthMs(): Promise<number> {
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: host.port,
        path: `/health?token=${TOKEN}`,
        headers: { Host: `127.0.0.1:${host.port}` },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(performance.now() - t0))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

/** A startRun frame whose values hold `depth` levels of nested arrays, about `bytes` long. */
function nestedFrame(bytes: number): string {
  const depth = Math.floor((bytes - 100) / 2)
  return `{"id":1,"method":"startRun","params":{"experiment":"sleep-sort","mode":"classic","unitMs":1,"values":${'['.repeat(depth)}${']'.repeat(depth)}}}`
}

describe('frames are scanned before they are parsed', () => {
  it('refuses nesting deeper than the contract needs, and allows the contract itself', () => {
    const ok = `{"id":1,"method":"startRun","params":{"experiment":"sleep-sort","values":[1,2,3],"mode":"classic","unitMs":1}}`
    expect(scanFrame(ok)).toBeNull()
    expect(scanFrame(`{"a":"[[[[[[[[\\"]]]]"}`)).toBeNull() // brackets inside strings do not count
    expect(scanFrame(`{"a":{"b":[[1]]}}`)?.code).toBe('E_TOO_DEEP')
    expect(MAX_FRAME_DEPTH).toBe(3)
    expect(scanFrame(`[${'1,'.repeat(LIMITS.maxSumValues + 100)}1]`)?.code).toBe('E_TOO_LARGE')
  })

  it('a 14 MB nested frame is refused fast: /health stays under 100 ms and RSS grows < 50 MB per frame', async () => {
    const c = await connect(wsUrl(host), originOf(host))
    try {
      const frame = nestedFrame(14 * 1024 * 1024)
      expect(frame.length).toBeLessThan(LIMITS.maxMessageBytes)
      await healthMs() // warm the HTTP path
      // one frame first: the client's own copy of the frame and its send buffers (same process)
      // are then in the baseline, so what grows is the host's
      c.sendRaw(frame)
      await c.waitFor((m) => m.type === 'error', 10_000)
      c.texts.length = 0
      const rss0 = process.memoryUsage().rss
      let worst = 0
      for (let i = 0; i < 6; i++) {
        c.sendRaw(frame)
        const answer = c.waitFor((m) => m.type === 'error' || m.type === 'response', 10_000)
        const during = await healthMs()
        worst = Math.max(worst, during)
        const m = await answer
        expect(m.type).toBe('error')
        if (m.type === 'error') expect(m.error.code).toBe('E_TOO_DEEP')
        c.texts.length = 0
      }
      await sleep(50)
      const grewMb = (process.memoryUsage().rss - rss0) / 2 ** 20
      console.log(`6 nested 14 MB frames: /health worst ${worst.toFixed(1)} ms, RSS grew ${grewMb.toFixed(1)} MB`)
      expect(worst).toBeLessThan(100)
      // per frame (the figure the review measured at ~430 MB); client and host share this process,
      // so this also counts the client's own copies of each frame
      expect(grewMb / 6).toBeLessThan(50)
      // the socket still works
      expect((await c.request('capabilities')).outcome.ok).toBe(true)
    } finally {
      await c.close()
    }
  })
})
