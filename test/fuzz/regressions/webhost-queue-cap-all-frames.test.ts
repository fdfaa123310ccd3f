/**
 * REGRESSION (src/web/server/server.ts, serveClient): only live *batches* were once held to
 * maxQueuedBytes; status and response frames went out unconditionally, so a client that sent
 * requests but never read made the host queue without bound (measured then: 28 MB for one client,
 * 3.3 × the cap). The `started` status no longer echoes the request, so the pressure is built here
 * from another kind of non-batch frame: `fetchRunEvents` replays of a finished run (each answer is
 * a JSON response plus the run's recorded batches, one binary frame each), requested again and again
 * by a client that reads nothing.
 *
 * What must hold: the pressure is real (bytes queued > 0 and more replays asked for than the cap
 * holds), and whatever the host queues for that client stays ≤ the cap (except one frame larger than
 * the cap sent into an empty queue, the host's documented gate). Measured: 52 replays of 512 kB asked,
 * peak 8.19 MB against the 8 MiB cap.
 */
import { describe, expect, it } from 'vitest'
import { LIMITS } from '../../../src/shared/limits'
import { connectClient, observeServerQueues, until, useTappedHost } from '../helpers/host'

// each sorting thread records spawned, sleep-start, woke, lock-wait, lock-acquired, pushed, lock-released, exited
const EVENTS_PER_VALUE = 7
const BYTES_PER_EVENT = 32 // one packed row: kind, worker, t, argument as float64

describe('regression: every frame counts against the per-client queue cap', () => {
  const tapped = useTappedHost()

  it(
    "a never-reading client's replay answers stay under the cap, and pressure was really built",
    { timeout: 120_000 },
    async () => {
      const { engine, host } = tapped
      const cap = LIMITS.maxQueuedBytesPerClient
      const client = await connectClient(host)
      // a finished run with many events: a sleep sort of 2,000 values at 1 µs units (7 events each)
      const values = Array.from({ length: 2000 }, (_, i) => (i * 7919) % 2000)
      const started = await client.request('startRun', {
        experiment: 'sleep-sort',
        values,
        mode: 'scheduled',
        unitMs: 0.001,
      })
      expect(started.outcome.error, 'startRun refused').toBeUndefined()
      const run = engine.order[engine.order.length - 1]
      expect(await run.settled).toMatchObject({ ok: true, cancelled: false })
      const finished = () => client.texts.some((m) => m.type === 'status' && m.status.type === 'finished')
      expect(await until(finished, 30_000)).toBe(true)
      const replayBytes = run.events * BYTES_PER_EVENT
      expect(run.events).toBeGreaterThan(values.length * EVENTS_PER_VALUE)

      // now stop reading, and ask for more replays than the cap can hold
      client.ws.pause()
      const queues = observeServerQueues(cap)
      let closed = false
      void client.closed.then(() => (closed = true))
      const asks = Math.ceil((3 * cap) / replayBytes) + 2
      try {
        for (let i = 0; i < asks && !closed; i++) {
          client.send('fetchRunEvents', run.runId)
          await until(() => closed, 20)
        }
        await until(() => closed, 5_000)
        console.log(
          `queue-cap regression: ${asks} replays of ${replayBytes} B asked, real peak ${queues.peak()} B, cap ${cap} B, client ${closed ? 'disconnected' : 'still connected'}`,
        )
        // the pressure was real: frames did pile up for this client
        expect(queues.peak()).toBeGreaterThan(0)
        expect(asks * replayBytes).toBeGreaterThan(cap)
        // and was held to the cap
        expect(queues.overCap()).toEqual([])
        expect(queues.peak()).toBeLessThanOrEqual(Math.max(cap, replayBytes + 64 * 1024))
      } finally {
        queues.restore()
        client.ws.terminate()
      }
      expect(await until(() => engine.activeRuns() === 0, 20_000)).toBe(true)
    },
  )
})
