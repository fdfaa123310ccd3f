import { describe, expect, it } from 'vitest'
import { EventKind, type DecodedEvent } from '../../src/shared/events'
import { SEED, decodeBatches, legalOrder, randomInts, sort } from './addon'

const sorted = (v: number[]) => [...v].sort((a, b) => a - b)
const realtimeAllowed = sort.capabilities().realtime.allowed
// Realtime needs a privilege a desktop user may lack: where it is refused these cases are skipped
// (and counted), and test/native/lifecycle.test.ts checks the refusal itself.
const modesHere = (modes: Array<'classic' | 'scheduled' | 'realtime'>) =>
  modes.map((mode) => ({ mode, skip: mode === 'realtime' && !realtimeAllowed }))

describe('sort.sleepSort', () => {
  for (const { mode, skip } of modesHere(['classic', 'scheduled', 'realtime']))
    it.skipIf(skip)(`sorts the seed at 10 ms in ${mode} mode`, async () => {
      // a VM stall can spoil one unprivileged run; the seed's gaps are 10 ms so one retry is plenty
      let r = await sort.sleepSort(SEED, { unitMs: 10, mode })
      if (!r.sorted && mode !== 'realtime') r = await sort.sleepSort(SEED, { unitMs: 10, mode })
      expect(r.output).toEqual(sorted(SEED))
      expect(r).toMatchObject({
        sorted: true,
        misplaced: 0,
        inversions: 0,
        threads: 12,
        mode,
        unitMs: 10,
        shift: 0,
        cancelled: false,
        eventCount: 0,
      })
      expect(r.latenessNs.p50).toBeGreaterThanOrEqual(0)
      expect(r.latenessNs.max).toBeGreaterThanOrEqual(r.latenessNs.p99)
      expect(r.wallMs).toBeGreaterThanOrEqual(80)
    })

  it('accepts a Float64Array and shifts negative values', async () => {
    const r = await sort.sleepSort(new Float64Array([3, -2, 0.5, -1]), { unitMs: 5 })
    expect(r.shift).toBe(2)
    expect(r.output).toEqual([-2, -1, 0.5, 3])
  })

  it('reports misplaced and inversions of the output', async () => {
    // classic at 1 µs per unit: spawn order dominates, so the output is mostly the input order
    const values = Array.from({ length: 200 }, (_, i) => 200 - i)
    const r = await sort.sleepSort(values, { unitMs: 0.001, mode: 'classic' })
    let inv = 0
    for (let i = 0; i < r.output.length; i++)
      for (let j = i + 1; j < r.output.length; j++) if (r.output[i] > r.output[j]) inv++
    const s = sorted(values)
    expect(r.inversions).toBe(inv)
    expect(r.misplaced).toBe(r.output.filter((v, i) => v !== s[i]).length)
    expect(r.sorted).toBe(r.misplaced === 0)
  })
})

describe('sort.startSleepSort event stream', () => {
  it('streams legal per-worker events that agree with the output', async () => {
    const values = randomInts(500, 100, 7)
    const batches: Float64Array[] = []
    const run = sort.startSleepSort(values, { unitMs: 1, mode: 'scheduled' }, (b) => batches.push(b))
    expect(run.runId).toBeGreaterThan(0)
    const r = await run.result()
    const resolvedAfterBatches = batches.length
    expect(r.runId).toBe(run.runId)
    const events = decodeBatches(batches, run.runId)
    expect(resolvedAfterBatches).toBeGreaterThan(0)
    expect(r.eventCount).toBe(events.length)
    expect(events.length).toBe(values.length * 8)
    const per = new Map<number, DecodedEvent[]>()
    for (const e of events) {
      if (!per.has(e.worker)) per.set(e.worker, [])
      per.get(e.worker)!.push(e)
    }
    expect(per.size).toBe(values.length)
    const pushedAt: number[] = new Array(values.length).fill(-1)
    for (const [w, evs] of per) {
      expect(w).toBeLessThan(values.length)
      expect(legalOrder(evs.map((e) => e.kind))).toBe(true)
      for (let i = 1; i < evs.length; i++) expect(evs[i].tNs).toBeGreaterThanOrEqual(evs[i - 1].tNs)
      const sleepStart = evs.find((e) => e.kind === EventKind.SleepStart)!
      const woke = evs.find((e) => e.kind === EventKind.Woke)!
      expect(woke.arg).toBe(sleepStart.arg)
      expect(woke.tNs).toBeGreaterThanOrEqual(woke.arg)
      // the deadline is the epoch plus value × unit
      expect(Math.abs(sleepStart.arg - values[w] * 1e6)).toBeLessThanOrEqual(1)
      pushedAt[evs.find((e) => e.kind === EventKind.Pushed)!.arg] = w
    }
    // pushed indices are a permutation of 0..n-1, and replaying them reproduces the output
    expect([...pushedAt].sort((a, b) => a - b)).toEqual(values.map((_, i) => i))
    expect(pushedAt.map((w) => values[w])).toEqual(r.output)
  })

  it('streams nothing with recordEvents: false but still computes statistics', async () => {
    const batches: Float64Array[] = []
    const run = sort.startSleepSort(SEED, { unitMs: 2, recordEvents: false }, (b) => batches.push(b))
    const r = await run.result()
    expect(batches).toHaveLength(0)
    expect(r.eventCount).toBe(0)
    expect(r.latenessNs.max).toBeGreaterThan(0)
    expect(r.lockWaitNs.max).toBeGreaterThan(0)
  })

  it('result() can be called many times, before and after the end', async () => {
    const run = sort.startSleepSort([2, 1], { unitMs: 1 }, () => {})
    const a = run.result()
    const ra = await a
    const rb = await run.result()
    expect(rb).toEqual(ra)
    run.cancel() // after the end: no effect
    expect((await run.result()).cancelled).toBe(false)
  })
})

describe('timing modes on 1,000 random values', () => {
  it('classic misplaces at least 10× more than scheduled at 1 ms', async () => {
    const values = randomInts(1000, 1000, 42)
    const classic = await sort.sleepSort(values, { unitMs: 1, mode: 'classic' })
    // a multi-ms stall of a shared VM (or another test file's 2,000 threads) can spoil one
    // unprivileged run: the claim is about the mode, so take the best of up to 3 runs
    let best = Infinity
    for (let i = 0; i < 3 && (best === Infinity || classic.misplaced < 10 * best); i++) {
      best = Math.min(best, (await sort.sleepSort(values, { unitMs: 1, mode: 'scheduled' })).misplaced)
    }
    if (best === 0) expect(classic.misplaced).toBeGreaterThanOrEqual(10)
    else expect(classic.misplaced).toBeGreaterThanOrEqual(10 * best)
  }, 30_000)

  for (const { mode, skip } of modesHere(['scheduled', 'realtime']))
    it.skipIf(skip)(
      `every thread is asleep before its deadline (${mode}, 10 µs units)`,
      async () => {
        // The epoch is published only after every sorting thread has reported asleep, so each
        // worker's SleepStart (ns since the epoch) is at or before its deadline (its argument). This
        // holds by construction, so there is no retry even on a loaded machine.
        const values = randomInts(1000, 1000, 11)
        const batches: Float64Array[] = []
        const run = sort.startSleepSort(values, { unitMs: 0.01, mode }, (b) => batches.push(b))
        const r = await run.result()
        expect(r.cancelled).toBe(false)
        expect(r.output).toHaveLength(values.length)
        const sleepStart = new Map<number, DecodedEvent>()
        for (const e of decodeBatches(batches, run.runId)) {
          if (e.kind !== EventKind.SleepStart) continue
          expect(sleepStart.has(e.worker)).toBe(false)
          sleepStart.set(e.worker, e)
        }
        expect(sleepStart.size).toBe(values.length)
        const late: string[] = []
        for (const [w, e] of sleepStart) {
          expect(Math.abs(e.arg - values[w] * 1e4)).toBeLessThanOrEqual(1)
          if (e.tNs > e.arg)
            late.push(`worker ${w}: asleep ${((e.tNs - e.arg) / 1e6).toFixed(3)} ms after its deadline`)
        }
        expect(late).toEqual([])
      },
      30_000,
    )

  it.runIf(realtimeAllowed)(
    'realtime sorts exactly at 50 µs in each of 5 runs',
    async () => {
      for (let i = 0; i < 5; i++) {
        const values = randomInts(1000, 1000, 100 + i)
        const r = await sort.sleepSort(values, { unitMs: 0.05, mode: 'realtime' })
        expect(r.misplaced, `run ${i}`).toBe(0)
        expect(r.sorted).toBe(true)
      }
    },
    30_000,
  )
})
