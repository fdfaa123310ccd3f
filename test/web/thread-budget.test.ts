// Finding 1 of the hostile-client review: sorting threads had no limit across clients (two
// sockets held 14,015 threads, 16 could ask for 160,000, past pid_max). The engine now owns a
// process-wide budget; several clients asking for 10,000 threads each must never push the host
// past it, the refused run must say why, other processes must still be able to fork, and every
// thread must be gone after cancel.
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadEngine, type Engine } from '../../src/service/addon'
import { startWebHost, type WebHost } from '../../src/web/server/server'
import { originOf, rendererDir, sleep, TOKEN, wsUrl } from '../fuzz/helpers/host'
import { connect, type TestClient } from './ws-client'

const CLIENTS = 4
const THREADS_EACH = 10_000
/** every value sleeps 50 s: the runs hold their threads until cancelled */
const longRun = { experiment: 'sleep-sort', values: new Array(THREADS_EACH).fill(1000), mode: 'scheduled', unitMs: 50 }

let engine: Engine
let host: WebHost
let renderer: ReturnType<typeof rendererDir>
beforeAll(async () => {
  engine = loadEngine()
  renderer = rendererDir()
  host = await startWebHost({ port: 0, rendererDir: renderer.dir, token: TOKEN, engine })
})
afterAll(async () => {
  await host?.close()
  renderer?.remove()
})

async function settleThreads(baseline: number, timeoutMs = 15_000): Promise<number> {
  const end = Date.now() + timeoutMs
  while (engine.threadCount() > baseline + 2 && Date.now() < end) await sleep(20)
  return engine.threadCount()
}

describe('process-wide thread budget (real addon, web host)', () => {
  it('several clients asking for 10,000 threads each never push the host past its budget', async () => {
    const { budget } = engine.capabilities().threadBudget
    expect(budget).toBeGreaterThan(0)
    const baseline = engine.threadCount()
    const clients: TestClient[] = []
    for (let i = 0; i < CLIENTS; i++) clients.push(await connect(wsUrl(host), originOf(host)))
    try {
      let peak = baseline
      let sampling = true
      const sampler = (async () => {
        while (sampling) {
          peak = Math.max(peak, engine.threadCount())
          await sleep(5)
        }
      })()
      const answers = await Promise.all(clients.map((c) => c.request('startRun', longRun)))
      const accepted = answers.filter((a) => a.outcome.ok).length
      const refused = answers.filter((a) => !a.outcome.ok).map((a) => a.outcome.error!)
      // the budget decides how many fit: at least one run did, the others were refused
      expect(accepted).toBe(Math.min(CLIENTS, Math.floor(budget / (THREADS_EACH + 2))))
      expect(refused.length).toBe(CLIENTS - accepted)
      expect(refused.length).toBeGreaterThan(0)
      for (const e of refused) {
        expect(e.code).toBe('E_THREAD_BUDGET')
        expect(e.message).toContain(`thread budget is ${budget.toLocaleString('en-US')}`)
        expect(e.message).toMatch(/[\d,]+ are in use by \d+ run/)
      }
      // the accepted runs are all spawned (their threads are asleep) once /health counts them
      const end = Date.now() + 20_000
      while (engine.threadCount() < baseline + accepted * THREADS_EACH && Date.now() < end) await sleep(20)
      await sleep(200)
      // another process can still fork while the host holds its share
      const child = spawnSync('/bin/sh', ['-c', 'exit 7'])
      expect(child.error).toBeUndefined()
      expect(child.status).toBe(7)
      sampling = false
      await sampler
      expect(peak - baseline).toBeGreaterThanOrEqual(accepted * THREADS_EACH)
      expect(peak - baseline).toBeLessThanOrEqual(budget)
      console.log(
        `thread budget ${budget}: ${accepted} of ${CLIENTS} runs of ${THREADS_EACH} accepted; ` +
          `peak ${peak - baseline} threads above a baseline of ${baseline}`,
      )
      for (const c of clients) expect((await c.request('cancelRun')).outcome.ok).toBe(true)
      expect(await settleThreads(baseline)).toBeLessThanOrEqual(baseline + 2)
      expect(engine.capabilities().threadBudget.inUse).toBe(0)
    } finally {
      await Promise.all(clients.map((c) => c.close()))
    }
  })

  it("measureMachine's runs count against the budget", async () => {
    const { budget } = engine.capabilities().threadBudget
    const baseline = engine.threadCount()
    // one client holds all but a few hundred threads of the budget with runs of 10,000 or fewer
    const holders: TestClient[] = []
    try {
      let left = budget - 300
      while (left > 0) {
        const n = Math.min(THREADS_EACH, left - 2)
        if (n < 1) break
        const c = await connect(wsUrl(host), originOf(host))
        holders.push(c)
        const a = await c.request('startRun', { ...longRun, values: new Array(n).fill(1000) })
        expect(a.outcome.ok).toBe(true)
        left -= n + 2
      }
      const measurer = await connect(wsUrl(host), originOf(host))
      holders.push(measurer)
      // measureMachine starts classic runs of 500 threads: they no longer fit
      const m = await measurer.request('measureMachine')
      expect(m.outcome.ok).toBe(false)
      expect(m.outcome.error!.code).toBe('E_THREAD_BUDGET')
      for (const c of holders) await c.request('cancelRun')
      expect(await settleThreads(baseline)).toBeLessThanOrEqual(baseline + 2)
    } finally {
      await Promise.all(holders.map((c) => c.close()))
    }
  })
})
