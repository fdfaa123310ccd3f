/**
 * REGRESSION (src/web/server/server.ts, serveClient), found by the backpressure work and fixed in
 * server.ts while it was being written: only live *batches* were held to maxQueuedBytes. Status and
 * response frames went out unconditionally, and the `started` status echoes the whole request — for
 * a parallel sum up to 1,000,000 values, as large as the request frame (≤ 16 MiB). A client that sent
 * requests but never read made the host queue ~7 MB per run without bound (measured: 28 MB queued
 * for one client after 4 runs, 3.3 × the cap, while `stats().peakQueuedBytes` — taken after batch
 * sends only — still reported 7 MB).
 *
 * Kept as a regression test: whatever the host queues for one client stays ≤ the cap, except one
 * frame larger than the cap sent into an empty queue (the host's documented gate), and a client that
 * keeps its data unread is disconnected rather than buffered for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LIMITS } from '../../../src/shared/limits'
import { startWebHost, type WebHost } from '../../../src/web/server/server'
import { connectClient, observeServerQueues, rendererDir, TapEngine, TOKEN, until } from '../helpers/host'

describe('regression: every frame counts against the per-client queue cap', () => {
  const renderer = rendererDir()
  let engine: TapEngine
  let host: WebHost
  beforeAll(async () => {
    engine = new TapEngine()
    host = await startWebHost({ port: 0, rendererDir: renderer.dir, token: TOKEN, engine, log: () => {} })
  })
  afterAll(async () => {
    await host?.close()
    renderer.remove()
  })

  it(
    "a never-reading client's queue stays under the cap even when its requests are large",
    { timeout: 120_000 },
    async () => {
      const cap = LIMITS.maxQueuedBytesPerClient
      const queues = observeServerQueues(cap)
      const client = await connectClient(host, { paused: true })
      let closed = false
      void client.closed.then(() => (closed = true))
      let runs = 0
      try {
        // 1,000,000 values of 7 characters: a 7 MB request, under the 16 MiB message cap and valid
        const values = new Array<number>(LIMITS.maxSumValues).fill(1e300)
        for (let i = 0; i < 4 && !closed; i++) {
          const before = engine.order.length
          client.send('startRun', { experiment: 'parallel-sum', values, threads: 2, replace: true })
          // the run starts, or the host gives up on this client (it reads nothing)
          expect(await until(() => engine.order.length > before || closed, 30_000)).toBe(true)
          if (engine.order.length > before) {
            runs++
            expect(await engine.order[before].settled).toMatchObject({ ok: true })
          }
          await until(() => closed, 200)
        }
        console.log(
          `queue-cap regression: ${runs} runs, host stats ${JSON.stringify(host.stats())}, real peak ${queues.peak()} B, cap ${cap} B, client ${closed ? 'disconnected' : 'still connected'}`,
        )
        expect(queues.overCap()).toEqual([])
        expect(queues.peak()).toBeLessThanOrEqual(Math.max(cap, 7_100_000))
      } finally {
        queues.restore()
        client.ws.terminate()
      }
      expect(await until(() => engine.activeRuns() === 0, 20_000)).toBe(true)
    },
  )
})
