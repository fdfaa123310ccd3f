import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { EventKind, type DecodedEvent } from '../../src/shared/events'
import {
  SEED,
  codeOf,
  decodeBatches,
  legalOrder,
  native,
  parallel,
  randomInts,
  sleep,
  sort,
  threadsBackTo,
} from './addon'

const addonPath = fileURLToPath(new URL('../../native/index.js', import.meta.url))

async function baseline(): Promise<number> {
  // warm up (libuv and V8 start helper threads lazily), then wait for quiet
  await sort.sleepSort([1, 0], { unitMs: 1 })
  await sleep(50)
  return native.threadCount()
}

describe('cancellation and resources', () => {
  it('cancels 2,000 threads sleeping up to 30 s within 0.5 s and joins them all', async () => {
    const base = await baseline()
    const values = randomInts(2000, 30_000, 3)
    const batches: Float64Array[] = []
    const run = sort.startSleepSort(values, { unitMs: 1 }, (b) => batches.push(b))
    // wait until they are all spawned and asleep
    const end = Date.now() + 10_000
    while (native.threadCount() < base + 2000 && Date.now() < end) await sleep(10)
    expect(native.threadCount()).toBeGreaterThanOrEqual(base + 2000)
    expect(native.activeRuns()).toBe(1)
    await sleep(100)
    const t0 = performance.now()
    run.cancel()
    const r = await run.result()
    const took = performance.now() - t0
    expect(took).toBeLessThan(500)
    expect(r.cancelled).toBe(true)
    expect(r.sorted).toBe(false)
    expect(r.threads).toBe(2000)
    // whatever was pushed (values near 0) stays in order of push
    expect(r.output.length).toBeLessThan(2000)
    expect(native.activeRuns()).toBe(0)
    expect(await threadsBackTo(base)).toBeLessThanOrEqual(base)
    // every worker ended legally; those cut short record cancelled then exited
    const per = new Map<number, DecodedEvent[]>()
    for (const e of decodeBatches(batches, run.runId)) {
      if (!per.has(e.worker)) per.set(e.worker, [])
      per.get(e.worker)!.push(e)
    }
    expect(per.size).toBe(2000)
    let cancelled = 0
    for (const evs of per.values()) {
      expect(legalOrder(evs.map((e) => e.kind))).toBe(true)
      if (evs.some((e) => e.kind === EventKind.Cancelled)) cancelled++
    }
    expect(cancelled).toBe(2000 - r.output.length)
  }, 30_000)

  it('runs 50 start/cancel cycles without thread or memory growth', async () => {
    const base = await baseline()
    const rss0 = process.memoryUsage().rss
    for (let i = 0; i < 50; i++) {
      const run = sort.startSleepSort(
        randomInts(200, 1000, i),
        { unitMs: 10, mode: i % 2 ? 'classic' : 'scheduled' },
        () => {},
      )
      if (i % 3) await sleep(2)
      run.cancel()
      const r = await run.result()
      expect(r.cancelled).toBe(true)
    }
    expect(native.activeRuns()).toBe(0)
    expect(await threadsBackTo(base)).toBeLessThanOrEqual(base)
    const growth = process.memoryUsage().rss - rss0
    expect(growth).toBeLessThan(64 * 1024 * 1024)
  }, 60_000)

  it('shutdown() cancels and joins every active run', async () => {
    const base = await baseline()
    const a = sort.startSleepSort(randomInts(300, 1000, 9), { unitMs: 20 }, () => {})
    const b = parallel.startSum(randomInts(1000, 100), { threads: 2, unitMs: 5 }, () => {})
    const c = sort.sleepSort([20_000, 1], { unitMs: 1 })
    await sleep(50)
    expect(native.activeRuns()).toBe(3)
    native.shutdown()
    expect(native.activeRuns()).toBe(0)
    expect((await a.result()).cancelled).toBe(true)
    expect((await b.result()).cancelled).toBe(true)
    expect((await c).cancelled).toBe(true)
    expect(await threadsBackTo(base)).toBeLessThanOrEqual(base)
    // still usable afterwards
    expect((await sort.sleepSort([2, 1], { unitMs: 1 })).output).toEqual([1, 2])
  }, 30_000)
})

describe('bad input', () => {
  const cases: Array<[string, unknown[], object, string, number | undefined]> = [
    ['a string', [1, 2, 'abc', 4], {}, 'E_NOT_A_NUMBER', 2],
    ['NaN', [1, NaN], {}, 'E_NOT_A_NUMBER', 1],
    ['Infinity', [Infinity, 1], {}, 'E_NOT_FINITE', 0],
    ['1e400', [3, Number('1e400')], {}, 'E_NOT_FINITE', 1],
    ['-Infinity', [-Infinity], {}, 'E_NOT_FINITE', 0],
    ['too large', [1, 2e15], {}, 'E_TOO_LARGE', 1],
    ['null', [1, null], {}, 'E_NOT_A_NUMBER', 1],
    ['an empty list', [], {}, 'E_EMPTY', undefined],
    ['1e6 values', new Array(1_000_000).fill(1), {}, 'E_TOO_MANY', 10_000],
    ['a duration over the cap', [1, 700, 3], { unitMs: 100 }, 'E_DURATION_CAP', 1],
    ['a custom cap', [1, 2], { unitMs: 10, maxDurationMs: 15 }, 'E_DURATION_CAP', 1],
    ['unitMs 0', [1], { unitMs: 0 }, 'E_BAD_UNIT', undefined],
    ['unitMs NaN', [1], { unitMs: NaN }, 'E_BAD_UNIT', undefined],
    ['unitMs as a string', [1], { unitMs: '5' }, 'E_BAD_UNIT', undefined],
    ['an unknown mode', [1], { mode: 'turbo' }, 'E_BAD_MODE', undefined],
    ['maxValues over the ceiling', [1], { maxValues: 50_001 }, 'E_BAD_OPTION', undefined],
  ]

  it.each(cases)('rejects %s with its code and position', async (_name, values, options, code, position) => {
    const base = native.threadCount()
    const err = await codeOf(sort.sleepSort(values, options))
    expect(err.code).toBe(code)
    expect(err.position).toBe(position)
    expect(err.message.length).toBeGreaterThan(10)
    if (position !== undefined) expect(err.message).toContain(String(position))
    // startSleepSort throws the same error synchronously, before any thread starts
    const sync = await codeOf(() => sort.startSleepSort(values, options, () => {}))
    expect(sync.code).toBe(code)
    expect(sync.position).toBe(position)
    expect(native.threadCount()).toBeLessThanOrEqual(base)
    expect(native.activeRuns()).toBe(0)
  })

  it('rejects values that are not a list', async () => {
    expect((await codeOf(sort.sleepSort('1,2,3' as unknown as number[]))).code).toBe('E_BAD_INPUT')
    expect((await codeOf(sort.sleepSort(new Int32Array([1]) as unknown as number[]))).code).toBe('E_BAD_INPUT')
  })

  it('errors are real Error objects and the addon still works after them', async () => {
    const e = await sort.sleepSort(['x']).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(Error)
    const r = await sort
      .sleepSort(SEED, { unitMs: 2, mode: 'realtime' })
      .catch(() => sort.sleepSort(SEED, { unitMs: 2 }))
    expect(r.output.length).toBe(SEED.length)
  })
})

const tool = (name: string) =>
  ['/usr/bin/', '/usr/sbin/', '/bin/', '/sbin/'].map((d) => d + name).find((p) => existsSync(p))

describe('child processes', () => {
  const child = (script: string, wrap: string[] = []) => {
    const args = [...wrap, process.execPath, '-e', script]
    const r = spawnSync(args[0], args.slice(1), {
      encoding: 'utf8',
      timeout: 20_000,
      env: { ...process.env, ADDON: addonPath },
    })
    return { status: r.status, out: r.stdout.trim(), err: r.stderr }
  }

  const denyRealtime = (() => {
    const setpriv = tool('setpriv')
    const prlimit = tool('prlimit')
    const capsh = tool('capsh')
    if (setpriv && prlimit) return [setpriv, '--inh-caps=-sys_nice', '--bounding-set=-sys_nice', prlimit, '--rtprio=0']
    if (capsh && prlimit) return [capsh, '--drop=cap_sys_nice', '--', '-c', 'exec "$0" "$@"', prlimit, '--rtprio=0']
    return undefined
  })()

  it.runIf(denyRealtime)(
    'without CAP_SYS_NICE and rtprio, realtime fails at once with E_REALTIME_DENIED and scheduled still runs',
    () => {
      const r = child(
        `const { sort } = require(process.env.ADDON)
       const caps = sort.capabilities()
       sort.sleepSort([2, 1], { unitMs: 1, mode: 'realtime' })
         .then(() => console.log(JSON.stringify({ caps, realtime: 'ran' })),
               (e) => sort.sleepSort([2, 1], { unitMs: 1 }).then((s) =>
                 console.log(JSON.stringify({ caps, code: e.code, message: e.message, scheduled: s.output }))))`,
        denyRealtime,
      )
      expect(r.status, r.err).toBe(0)
      const out = JSON.parse(r.out)
      expect(out.caps.realtime.allowed).toBe(false)
      expect(out.caps.realtime.reason).toMatch(/CAP_SYS_NICE/)
      expect(out.code).toBe('E_REALTIME_DENIED')
      expect(out.message).toMatch(/rtprio|CAP_SYS_NICE/)
      // the one how-to: an rtprio limit for the user, never a capability on the shared node binary
      for (const text of [out.caps.realtime.reason, out.message]) {
        expect(text).toMatch(/ulimit -r|limits\.conf/)
        expect(text).not.toMatch(/setcap/)
      }
      expect(out.scheduled).toEqual([1, 2])
    },
  )

  it('a run keeps Node alive until its result, then the process exits on its own', () => {
    const t0 = Date.now()
    const r = child(
      `const { sort } = require(process.env.ADDON)
       let batches = 0
       const run = sort.startSleepSort([30, 10, 20], { unitMs: 10 }, () => { batches++ })
       run.result().then((r) => console.log(JSON.stringify({ out: r.output, batches, events: r.eventCount })))`,
    )
    expect(r.status, r.err).toBe(0)
    const out = JSON.parse(r.out)
    expect(out.out).toEqual([10, 20, 30])
    expect(out.batches).toBeGreaterThan(0)
    expect(out.events).toBe(24)
    expect(Date.now() - t0).toBeLessThan(10_000)
  })

  it('a process that never awaits still exits once its run ends', () => {
    const r = child(
      `const { sort } = require(process.env.ADDON); sort.startSleepSort([5, 1], { unitMs: 10 }, () => {})`,
    )
    expect(r.status, r.err).toBe(0)
  })
})
