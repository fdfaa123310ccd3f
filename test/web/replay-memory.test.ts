// The last item of the hostile-client review: a replay (fetchRunEvents) was built in full (one
// copy of every event of the run) before the web host waited for room in the client's queue, and
// every waiting replay kept its copy, so a client that stopped reading and asked again and again
// held up to 32 copies in the host (~72 MB measured by the review), and sixteen clients sixteen
// times that. The host now sends a replay as the recorded batches themselves, one frame at a time,
// each only once the client's queue has room; a waiting replay holds its run id.
//
// Several clients that never read each ask for the replay of their own 10,000-thread run (80,000
// events, 2.44 MiB) 32 times (every call one client may have being answered). The host's RSS and
// array-buffer growth while they wait must stay under one queue cap per client plus a margin (the
// old code: +326 to +335 MiB for 4 clients); then, reading again, every replay arrives complete and exact.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { EventColumns } from '../../src/shared/columns'
import { LIMITS } from '../../src/shared/limits'
import {
  connectClient,
  observeServerQueues,
  rssMiB,
  rssSampler,
  sleep,
  useTappedHost,
  until,
  type Client,
} from '../fuzz/helpers/host'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const CLIENTS = 4
const THREADS = 10_000
const EVENTS_PER_THREAD = 8
/** every call one client may have being answered */
const REPLAYS_EACH = LIMITS.maxCallsInFlight
/** how long the replays are left waiting while the host's memory is sampled */
const HOLD_MS = 5_000
const MIB = 2 ** 20
/** the host's queue for each client, plus what the JS heap and the sockets may move meanwhile */
const MARGIN_MIB = 32

describe('replays cost bounded memory while they wait for room (real addon, web host)', () => {
  const tapped = useTappedHost()

  it(
    `${CLIENTS} never-reading clients asking ${REPLAYS_EACH} replays each of a 10,000-thread run`,
    { timeout: 180_000 },
    async () => {
      const { engine, host } = tapped
      const cap = LIMITS.maxQueuedBytesPerClient
      const values = Array.from({ length: THREADS }, (_, i) => (i * 7919) % 1000)
      const request = { experiment: 'sleep-sort', values, mode: 'classic', unitMs: 0.001 }
      const clients: { client: Client; runId: number }[] = []
      // one run per client, one after another (two 10,000-thread runs at once may pass the budget)
      for (let i = 0; i < CLIENTS; i++) {
        const client = await connectClient(host)
        const started = await client.request('startRun', request)
        expect(started.outcome.error, 'startRun refused').toBeUndefined()
        const { runId } = started.outcome.value as { runId: number }
        await client.waitFor((m) => m.type === 'status' && m.status.type === 'finished' && m.status.runId === runId)
        expect(engine.runs.get(runId)!.events).toBe(THREADS * EVENTS_PER_THREAD)
        clients.push({ client, runId })
      }
      expect(await until(() => engine.activeRuns() === 0, 20_000)).toBe(true)
      for (const { client } of clients) client.ws.pause()
      // what each replay must hold, made before the baseline
      const expected = new Map(
        clients.map(({ runId }) => [runId, EventColumns.fromBatches(engine.runs.get(runId)!.batches).toBatch(runId)]),
      )
      // the runs' thread stacks are gone; settle the heap so the baseline is what stays
      gc()
      await sleep(500)
      gc()

      const queues = observeServerQueues(cap)
      const rssBefore = rssMiB()
      const buffersBefore = process.memoryUsage().arrayBuffers / MIB
      const sampler = rssSampler(10)
      let buffersPeak = buffersBefore
      const bufferSampler = setInterval(
        () => (buffersPeak = Math.max(buffersPeak, process.memoryUsage().arrayBuffers / MIB)),
        10,
      )
      // every answer is checked as it arrives and then let go (the test's own copies are not the host's)
      const results: Promise<string>[] = []
      try {
        for (const { client, runId } of clients) {
          for (let r = 0; r < REPLAYS_EACH; r++) {
            results.push(
              client.request('fetchRunEvents', runId, 150_000).then(({ outcome, binary }) => {
                if (!outcome.ok) return `${outcome.error?.code}`
                const want = expected.get(runId)!
                return binary && Buffer.compare(Buffer.from(binary.buffer), Buffer.from(want.buffer)) === 0
                  ? 'exact'
                  : 'different'
              }),
            )
          }
        }
        await sleep(HOLD_MS)
      } finally {
        clearInterval(bufferSampler)
      }
      const { peakMiB } = sampler.stop()
      const rssGrowth = peakMiB - rssBefore
      const buffersGrowth = buffersPeak - buffersBefore
      const bound = (CLIENTS * cap) / MIB + MARGIN_MIB
      const replayMiB = (THREADS * EVENTS_PER_THREAD * 32) / MIB
      console.log(
        `replay memory: ${CLIENTS} clients × ${REPLAYS_EACH} replays of ${replayMiB.toFixed(2)} MiB waiting ${HOLD_MS} ms: ` +
          `RSS ${rssBefore.toFixed(1)} → peak ${peakMiB.toFixed(1)} MiB (growth ${rssGrowth.toFixed(1)} MiB), ` +
          `array buffers growth ${buffersGrowth.toFixed(1)} MiB, server queue peak ${queues.peak()} B, bound ${bound} MiB`,
      )

      try {
        // the pressure was real: what the clients asked for is many times what the bound allows
        expect(CLIENTS * REPLAYS_EACH * replayMiB).toBeGreaterThan(3 * bound)
        expect(queues.peak()).toBeGreaterThan(0)
        expect(rssGrowth).toBeLessThan(bound)
        expect(buffersGrowth).toBeLessThan(bound)
        expect(queues.overCap()).toEqual([])

        // reading again: every replay arrives, complete and exact
        for (const { client } of clients) client.ws.resume()
        const answers = await Promise.all(results)
        expect(answers.filter((a) => a !== 'exact')).toEqual([])
        expect(answers.length).toBe(CLIENTS * REPLAYS_EACH)
      } finally {
        queues.restore()
        for (const { client } of clients) client.ws.terminate()
      }
      expect(await until(() => engine.activeRuns() === 0, 20_000)).toBe(true)
    },
  )
})
