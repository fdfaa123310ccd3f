// Finding 5 of the hostile-client review: the rate limit was counted per socket, so reconnecting
// reset it (5 sockets: 600 runs in 1.07 s). It is now one allowance for the whole host (its one
// token), and measureMachine, which starts about 70 runs, spends from it too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadEngine } from '../../src/service/addon'
import { LIMITS } from '../../src/shared/limits'
import { startWebHost, type WebHost } from '../../src/web/server/server'
import { originOf, rendererDir, TOKEN, wsUrl } from '../fuzz/helpers/host'
import { connect } from './ws-client'

const SOCKETS = 5
/** one thread sleeping 1 µs: the run is over at once, so only the rate limit can refuse */
const tinyRun = { experiment: 'sleep-sort', values: [0], mode: 'scheduled', unitMs: 0.001, replace: true }

let host: WebHost
let renderer: ReturnType<typeof rendererDir>
beforeAll(async () => {
  renderer = rendererDir()
  host = await startWebHost({ port: 0, rendererDir: renderer.dir, token: TOKEN, engine: loadEngine(), log: () => {} })
})
afterAll(async () => {
  await host?.close()
  renderer?.remove()
})

describe('rate limit per host (real addon, web host)', () => {
  it(`${SOCKETS} sockets, each starting runs until refused and reconnecting, get ${LIMITS.maxRunsPerMinute} runs in all`, async () => {
    const perSocket: number[] = []
    const t0 = performance.now()
    for (let s = 0; s < SOCKETS; s++) {
      const client = await connect(wsUrl(host), originOf(host))
      let accepted = 0
      for (let attempt = 0; attempt <= LIMITS.maxRunsPerMinute; attempt++) {
        const answer = await client.request('startRun', tinyRun)
        if (!answer.outcome.ok) {
          expect(answer.outcome.error!.code).toBe('E_RATE_LIMIT')
          expect(answer.outcome.error!.message).toContain(`more than ${LIMITS.maxRunsPerMinute} runs in a minute`)
          break
        }
        accepted++
      }
      perSocket.push(accepted)
      await client.close()
    }
    const ms = performance.now() - t0
    const total = perSocket.reduce((a, b) => a + b, 0)
    console.log(
      `${SOCKETS} sockets reconnecting: ${total} runs accepted (${perSocket.join(' + ')}) in ${ms.toFixed(0)} ms`,
    )
    expect(total).toBe(LIMITS.maxRunsPerMinute)
    expect(perSocket.slice(1)).toEqual(new Array(SOCKETS - 1).fill(0))
  }, 60_000)

  it('measureMachine spends from the same allowance', async () => {
    const client = await connect(wsUrl(host), originOf(host))
    const answer = await client.request('measureMachine')
    expect(answer.outcome.ok).toBe(false)
    expect(answer.outcome.error!.code).toBe('E_RATE_LIMIT')
    await client.close()
  })
})
