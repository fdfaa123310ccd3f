/**
 * Backpressure on the real addon: a client that never reads starts 10,000-thread runs. The host
 * must keep what it queues for that client under LIMITS.maxQueuedBytesPerClient (dropping live
 * batches and saying so), while each run still records every event: the engine tap sees 8 events
 * per thread, and once the client reads again, fetchRunEvents returns exactly the tapped events.
 * The host's RSS is sampled throughout and printed.
 */
import { describe, expect, it } from 'vitest'
import { EventColumns } from '../../src/shared/columns'
import { EventKind } from '../../src/shared/events'
import { LIMITS } from '../../src/shared/limits'
import { FUZZ_LONG } from './helpers/budget'
import { connectClient, observeServerQueues, rng, rssMiB, rssSampler, useTappedHost, until } from './helpers/host'

const THREADS = 10_000
/** a run's recorded events, per thread: spawned … exited */
const EVENTS_PER_THREAD = 8
const MAX_RUNS = FUZZ_LONG ? 16 : 10

describe('backpressure: a never-reading client and 10,000-thread runs (real addon)', () => {
  const tapped = useTappedHost()

  it(
    'keeps the queue under the cap, records every event, and stays within a bounded RSS',
    { timeout: 180_000 },
    async () => {
      const { engine, host } = tapped
      const cap = LIMITS.maxQueuedBytesPerClient
      const random = rng(0x5eed)
      const values = Array.from({ length: THREADS }, () => Math.floor(random() * 1000))
      // Control: the same run on the bare engine (no host, no client), so the host's share of the RSS
      // can be told from the 10,000 threads' own (their stacks dominate).
      const controlBefore = rssMiB()
      const controlSampler = rssSampler()
      const control = engine.inner.startSleepSort(
        values,
        { unitMs: 0.001, mode: 'classic', recordEvents: true },
        () => {},
      )
      expect((await control.result()).eventCount).toBe(THREADS * EVENTS_PER_THREAD)
      const controlPeak = controlSampler.stop().peakMiB
      await until(() => engine.activeRuns() === 0, 10_000)

      const queues = observeServerQueues(cap)
      const rssBefore = rssMiB()
      const sampler = rssSampler()
      const client = await connectClient(host, { paused: true })
      let closed = false
      void client.closed.then(() => (closed = true))
      const started: number[] = []
      try {
        // Runs one after another until the host has had to drop live batches for this client: the
        // kernel's socket buffers take the first few megabytes, then the host's own queue fills.
        for (let i = 0; i < MAX_RUNS && (i < 2 || host.stats().droppedBatches === 0); i++) {
          const before = engine.order.length
          // replace: the engine's result can reach this test a moment before the host's service has
          // retired the run (each promise settles in its own callback); the run is over either way
          client.send('startRun', { experiment: 'sleep-sort', values, mode: 'classic', unitMs: 0.001, replace: true })
          expect(await until(() => engine.order.length > before || closed, 10_000), `run ${i} did not start`).toBe(true)
          expect(
            closed,
            `the host disconnected the paused client before run ${i}: ${JSON.stringify(host.stats())}`,
          ).toBe(false)
          const run = engine.order[before]
          started.push(run.runId)
          const outcome = await run.settled
          expect(outcome).toMatchObject({ ok: true, cancelled: false, eventCount: THREADS * EVENTS_PER_THREAD })
          expect(run.events).toBe(THREADS * EVENTS_PER_THREAD)
          // the queue the host reports never passed the cap
          expect(host.stats().peakQueuedBytes).toBeLessThanOrEqual(cap)
        }
        const stats = host.stats()
        const { peakMiB } = sampler.stop()
        const serverPeak = queues.peak()
        const figures = {
          runs: started.length,
          eventsPerRun: THREADS * EVENTS_PER_THREAD,
          capBytes: cap,
          hostPeakQueuedBytes: stats.peakQueuedBytes,
          serverSocketPeakBufferedBytes: serverPeak,
          droppedBatches: stats.droppedBatches,
          rssBeforeMiB: +rssBefore.toFixed(1),
          rssPeakMiB: +peakMiB.toFixed(1),
          rssGrowthMiB: +(peakMiB - rssBefore).toFixed(1),
          controlRunWithoutHost: {
            rssBeforeMiB: +controlBefore.toFixed(1),
            rssPeakMiB: +controlPeak.toFixed(1),
            rssGrowthMiB: +(controlPeak - controlBefore).toFixed(1),
          },
          rssAfterRunsMiB: +rssMiB().toFixed(1),
          hostOverheadAtPeakMiB: +(peakMiB - controlPeak).toFixed(1),
        }
        console.log(`backpressure figures: ${JSON.stringify(figures)}`)
        expect(stats.droppedBatches).toBeGreaterThan(0)
        expect(stats.peakQueuedBytes).toBeLessThanOrEqual(cap)
        // what the server really queued, text frames included (one frame over the cap may go out
        // only into an empty queue)
        expect(queues.overCap()).toEqual([])
        expect(serverPeak).toBeLessThanOrEqual(cap)
        // the host's memory beyond the bare run's stays within a few times the cap (its queue, the
        // service's retained batches of the current and last run, the tap's copies)
        expect(peakMiB - controlPeak).toBeLessThan(64)

        // Read again: every status arrives, each run with drops says so, and the last run's events
        // fetched from the host are exactly the ones the engine delivered.
        client.ws.resume()
        const last = started[started.length - 1]
        await client.waitFor(
          (m) => m.type === 'status' && m.status.type === 'finished' && m.status.runId === last,
          60_000,
        )
        const missedRuns = new Set(
          client.texts.flatMap((m) => (m.type === 'status' && m.status.type === 'missed' ? [m.status.runId] : [])),
        )
        expect(missedRuns.size).toBeGreaterThan(0)
        for (const runId of missedRuns) expect(started).toContain(runId)
        // live batches the client did get + the ones dropped = every batch of every run
        const allBatches = started.reduce((n, id) => n + engine.runs.get(id)!.batches.length, 0)
        expect(client.binaries.length + stats.droppedBatches).toBe(allBatches)

        const replay = await client.request('fetchRunEvents', last, 60_000)
        expect(replay.outcome.ok).toBe(true)
        const fetched = EventColumns.fromBatches([replay.binary!])
        const tapped = EventColumns.fromBatches(engine.runs.get(last)!.batches)
        expect(fetched.length).toBe(THREADS * EVENTS_PER_THREAD)
        const expected = tapped.toBatch(last)
        expect(Buffer.compare(Buffer.from(replay.binary!.buffer), Buffer.from(expected.buffer))).toBe(0)
        // and every thread of that run has its whole life on record
        const perWorker = new Uint8Array(THREADS)
        let pushes = 0
        for (let i = 0; i < fetched.length; i++) {
          perWorker[fetched.worker[i]]++
          if (fetched.kind[i] === EventKind.Pushed) pushes++
        }
        expect(perWorker.every((n) => n === EVENTS_PER_THREAD)).toBe(true)
        expect(pushes).toBe(THREADS)
      } finally {
        sampler.stop()
        queues.restore()
        client.ws.terminate()
      }
      expect(await until(() => engine.activeRuns() === 0, 20_000), 'runs still active').toBe(true)
    },
  )
})
