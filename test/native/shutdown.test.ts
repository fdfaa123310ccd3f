import { stat } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { native, parallel, sort } from './addon'

describe('shutdown() joins every coordinator', () => {
  it('after `await result(); shutdown()` the thread count is back to its baseline, 200 times in a row', async () => {
    // warm up everything that starts helper threads lazily (the libuv pool, the addon's first
    // run), then take the baseline once: no sleeps, no polling, no retries below
    await stat('.')
    await sort.startSleepSort([1, 0], { unitMs: 0.01 }, () => {}).result()
    await parallel.startSum([1, 2, 3], { threads: 2 }, () => {}).result()
    native.shutdown()
    const base = native.threadCount()
    for (let i = 0; i < 200; i++) {
      if (i % 4 === 3) {
        await parallel.startSum([1, 2, 3, 4], { threads: 2 }, () => {}).result()
      } else {
        const mode = i % 4 === 1 ? 'classic' : 'scheduled'
        const run = sort.startSleepSort([2, 0, 1], { unitMs: 0.01, mode, recordEvents: i % 2 === 0 }, () => {})
        const r = await run.result()
        expect(r.output).toHaveLength(3)
      }
      native.shutdown()
      expect(native.activeRuns()).toBe(0)
      expect(native.threadCount(), `run ${i}`).toBe(base)
    }
  }, 120_000)

  it('does not deadlock when called while batches and the result are queued for the JS thread', async () => {
    await stat('.')
    native.shutdown()
    const base = native.threadCount()
    let batches = 0
    const run = sort.startSleepSort([3, 1, 2], { unitMs: 0.01 }, () => {
      batches++
    })
    // keep the JS thread busy until the run is over natively: its batches are queued, and the
    // coordinator waits for their acknowledgement, which only this (blocked) thread can give
    const end = Date.now() + 500
    while (Date.now() < end) {
      /* spin */
    }
    expect(batches).toBe(0)
    const t0 = performance.now()
    native.shutdown()
    expect(performance.now() - t0).toBeLessThan(2000)
    expect(native.activeRuns()).toBe(0)
    expect(native.threadCount()).toBe(base)
    // the queued callbacks still run afterwards, and the promise settles (normally with the full
    // result; a machine too loaded to finish the run in 0.5 s sees it cancelled, which is fine too)
    const r = await run.result()
    if (!r.cancelled) {
      // (10 µs apart, the order is not the point here; a loaded machine may swap them)
      expect([...r.output].sort()).toEqual([1, 2, 3])
      expect(r.eventCount).toBe(24)
    }
  })
})
