/**
 * Vanishing clients on the real addon: 20 WebSocket clients connect, start runs (sleep sorts in
 * every allowed mode, parallel sums), and vanish at random — abrupt TCP reset, clean close, close
 * with requests in flight, stop reading then vanish, cancel then vanish, replace then vanish — for
 * 20 s (60 s under FUZZ_LONG=1). Afterwards the host still serves (capabilities, a run that
 * finishes sorted, /health), every run was joined (activeRuns() = 0), and the process's thread count
 * is back in its baseline band. No client ever gets E_INTERNAL.
 */
import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunRequest } from '../../src/shared/api'
import { startWebHost, type WebHost } from '../../src/web/server/server'
import { FUZZ_LONG } from './helpers/budget'
import {
  connectClient,
  openFds,
  rendererDir,
  rng,
  rssMiB,
  sleep,
  TapEngine,
  TOKEN,
  until,
  type Client,
} from './helpers/host'

const CLIENTS = 20
const DURATION_MS = FUZZ_LONG ? 60_000 : 20_000
/** threads beyond the baseline still tolerated at the end (libuv / V8 helpers may come and go) */
const THREAD_SLACK = 2

function health(host: WebHost): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: host.port,
        path: `/health?token=${encodeURIComponent(host.token)}`,
        headers: { host: `127.0.0.1:${host.port}` },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

describe('vanishing clients (real addon)', () => {
  const renderer = rendererDir()
  let engine: TapEngine
  let host: WebHost
  let realtime = false
  beforeAll(async () => {
    engine = new TapEngine(undefined, false)
    // the start rate is one allowance for the whole host: raised here, so the 20 clients keep
    // starting runs (and the host's final check run is not refused) for the whole 20 s
    host = await startWebHost({
      port: 0,
      rendererDir: renderer.dir,
      token: TOKEN,
      engine,
      maxRunsPerMinute: 100_000,
      log: () => {},
    })
    realtime = engine.capabilities().realtime.allowed
  })
  afterAll(async () => {
    await host?.close()
    renderer.remove()
  })

  it(
    `survives ${CLIENTS} clients dropping at random for ${DURATION_MS / 1000} s`,
    { timeout: DURATION_MS + 120_000 },
    async () => {
      // Warm up (the first run starts the addon's helpers, the first fs call libuv's pool), then
      // take the baseline.
      const warm = await connectClient(host)
      expect(
        (await warm.request('startRun', { experiment: 'sleep-sort', values: [3, 1, 2], mode: 'scheduled', unitMs: 1 }))
          .outcome.ok,
      ).toBe(true)
      await warm.waitFor((m) => m.type === 'status' && m.status.type === 'finished')
      warm.ws.close()
      await warm.closed
      await health(host)
      expect(await until(() => engine.activeRuns() === 0 && host.clients === 0, 10_000)).toBe(true)
      await sleep(200)
      const baseline = { threads: engine.threadCount(), rss: rssMiB(), fds: openFds() }

      const modes = realtime ? (['classic', 'scheduled', 'realtime'] as const) : (['classic', 'scheduled'] as const)
      const tally = {
        connections: 0,
        runs: 0,
        refused: 0,
        atCapacity: 0,
        internal: 0,
        drops: {} as Record<string, number>,
      }
      const problems: string[] = []
      const endAt = Date.now() + DURATION_MS

      function randomRequest(random: () => number): RunRequest {
        if (random() < 0.25) {
          const n = 2 + Math.floor(random() * 20_000)
          return {
            experiment: 'parallel-sum',
            values: Array.from({ length: n }, (_, i) => i - 7),
            threads: 1 + Math.floor(random() * 8),
            unitMs: random() < 0.5 ? 0 : 0.02,
          }
        }
        const n = 10 + Math.floor(random() * 990)
        const max = 1 + Math.floor(random() * 500)
        return {
          experiment: 'sleep-sort',
          values: Array.from({ length: n }, () => Math.floor(random() * max) - (random() < 0.1 ? 50 : 0)),
          mode: modes[Math.floor(random() * modes.length)],
          unitMs: [0.001, 0.01, 0.1, 1][Math.floor(random() * 4)],
        }
      }

      async function actor(index: number): Promise<void> {
        const random = rng(0xc0ffee + index * 7919)
        while (Date.now() < endAt) {
          let client: Client
          try {
            client = await connectClient(host)
          } catch (e) {
            // 20 actors against a host that allows 16 open clients: while dropped sockets are still
            // being noticed, a connect may be refused as "at capacity" (503). That is the host
            // protecting itself, not a fault: count it and retry; anything else is a problem.
            if (/upgrade refused: 503/.test((e as Error).message)) {
              tally.atCapacity++
              await new Promise((r) => setTimeout(r, 20 + random() * 100))
              continue
            }
            problems.push(`client ${index}: connect failed: ${(e as Error).message}`)
            return
          }
          tally.connections++
          const check = (r: { outcome: { ok: boolean; error?: { code: string } } }) => {
            if (r.outcome.ok) tally.runs++
            else if (r.outcome.error?.code === 'E_INTERNAL') tally.internal++
            else tally.refused++ // E_BUSY, E_RATE_LIMIT, E_REALTIME_DENIED…
          }
          const way = Math.floor(random() * 7)
          const name = [
            'reset',
            'close',
            'close-in-flight',
            'pause-then-reset',
            'cancel-then-close',
            'replace-then-reset',
            'finish-then-close',
          ][way]
          tally.drops[name] = (tally.drops[name] ?? 0) + 1
          try {
            switch (way) {
              case 0: // abrupt: TCP reset while the run is going
                check(await client.request('startRun', randomRequest(random)))
                await sleep(random() * 300)
                client.ws.terminate()
                break
              case 1: // clean close
                check(await client.request('startRun', randomRequest(random)))
                await sleep(random() * 300)
                client.ws.close()
                break
              case 2: // vanish with requests still in flight
                client.send('startRun', randomRequest(random))
                client.send('capabilities')
                if (random() < 0.5) client.ws.terminate()
                else client.ws.close()
                break
              case 3: // stop reading, let the queue fill, then vanish
                check(await client.request('startRun', randomRequest(random)))
                client.ws.pause()
                await sleep(random() * 500)
                client.ws.terminate()
                break
              case 4: // cancel, then go
                check(await client.request('startRun', randomRequest(random)))
                await sleep(random() * 100)
                void client.request('cancelRun').catch(() => {})
                await sleep(random() * 20)
                client.ws.close()
                break
              case 5: // replace the run with another, then reset
                check(await client.request('startRun', randomRequest(random)))
                check(await client.request('startRun', { ...randomRequest(random), replace: true }))
                await sleep(random() * 200)
                client.ws.terminate()
                break
              default: {
                // let one run finish, fetch its events, then leave
                const r = await client.request('startRun', {
                  experiment: 'sleep-sort',
                  values: [4, 2, 3, 1],
                  mode: 'classic',
                  unitMs: 0.5,
                })
                check(r)
                if (r.outcome.ok) {
                  const runId = (r.outcome.value as { runId: number }).runId
                  await client.waitFor(
                    (m) =>
                      m.type === 'status' &&
                      (m.status.type === 'finished' || m.status.type === 'failed') &&
                      m.status.runId === runId,
                    30_000,
                  )
                  const fetched = await client.request('fetchRunEvents', runId)
                  if (!fetched.outcome.ok || !fetched.binary)
                    problems.push(`client ${index}: fetchRunEvents failed: ${JSON.stringify(fetched.outcome)}`)
                }
                client.ws.close()
              }
            }
          } catch (e) {
            problems.push(`client ${index} (${name}): ${(e as Error).message}`)
            client.ws.terminate()
          }
          for (const m of client.texts) {
            if (
              m.type === 'error' ||
              (m.type === 'status' && m.status.type === 'failed' && m.status.error.code === 'E_INTERNAL')
            )
              problems.push(`client ${index}: ${JSON.stringify(m).slice(0, 300)}`)
          }
          await client.closed
          await sleep(random() * 50)
        }
      }

      let peakThreads = baseline.threads
      let peakRss = baseline.rss
      const sampler = setInterval(() => {
        peakThreads = Math.max(peakThreads, engine.threadCount())
        peakRss = Math.max(peakRss, rssMiB())
      }, 50)
      try {
        await Promise.all(Array.from({ length: CLIENTS }, (_, i) => actor(i)))
      } finally {
        clearInterval(sampler)
      }

      // Every run is joined, every socket is gone, threads are back in the band.
      const joined = await until(() => engine.activeRuns() === 0, 30_000)
      const gone = await until(() => host.clients === 0, 10_000)
      const back = await until(() => engine.threadCount() <= baseline.threads + THREAD_SLACK, 10_000)
      const after = { threads: engine.threadCount(), rss: rssMiB(), fds: openFds(), activeRuns: engine.activeRuns() }
      console.log(
        `vanishing clients: ${JSON.stringify({ durationS: DURATION_MS / 1000, ...tally, engineRuns: engine.order.length, baseline, peakThreads, peakRssMiB: +peakRss.toFixed(1), after })}`,
      )
      expect(problems).toEqual([])
      expect(tally.internal).toBe(0)
      expect(tally.runs).toBeGreaterThan(CLIENTS)
      expect(tally.atCapacity, 'capacity refusals are the exception, not the rule').toBeLessThan(tally.connections)
      expect(joined).toBe(true)
      expect(gone).toBe(true)
      expect(back).toBe(true)
      expect(after.threads).toBeGreaterThanOrEqual(baseline.threads - THREAD_SLACK)
      // every run the engine started settled (none rejected)
      for (const run of engine.order) expect(await run.settled).toMatchObject({ ok: true })

      // The host still serves: capabilities, a run to the end, /health.
      const c = await connectClient(host)
      expect((await c.request('capabilities')).outcome.ok).toBe(true)
      const r = await c.request('startRun', {
        experiment: 'sleep-sort',
        values: [5, 1, 4, 2, 3],
        mode: 'scheduled',
        unitMs: 2,
      })
      expect(r.outcome.ok).toBe(true)
      const done = await c.waitFor((m) => m.type === 'status' && m.status.type === 'finished', 30_000)
      expect(
        done.type === 'status' &&
          done.status.type === 'finished' &&
          done.status.result.experiment === 'sleep-sort' &&
          done.status.result.output.length,
      ).toBe(5)
      const h = await health(host)
      expect(h.status).toBe(200)
      expect(h.body).toMatchObject({ ok: true, clients: 1, activeRuns: 0 })
      c.ws.close()
      await c.closed
      expect(await until(() => engine.activeRuns() === 0 && host.clients === 0, 10_000)).toBe(true)
    },
  )
})
