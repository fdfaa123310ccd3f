import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeRunFile, encodeRunFile, openableProblem, RUN_FILE_VERSION } from '../../src/shared/runfile'
import { validateChromeTrace, CSV_COLUMNS } from '../../src/shared/trace'
import { APP_VERSION, isRunFile, runFileName, sumCsv, SUM_CSV_COLUMNS } from '../../src/renderer/model/runFiles'
import { setup, tick } from './helpers/fakeHost'

/** JSON's view of a value (the synthetic run's shift is −0, which JSON writes as 0) */
const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown

/** A finished sleep-sort run of the seed example, through the fake host. */
async function finishedSort() {
  const env = setup()
  await env.controller.loadCapabilities()
  await env.controller.run()
  env.host.playLast()
  await tick()
  expect(env.store.getState().phase).toBe('finished')
  return env
}

async function finishedSum(values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 2147483647, 2147483647]) {
  const env = setup()
  await env.controller.loadCapabilities()
  env.store.getState().setExperiment('parallel-sum')
  env.store.getState().setText(values.join(' '))
  await env.controller.run()
  env.host.playLast()
  await tick()
  expect(env.store.getState().phase).toBe('finished')
  return env
}

function saved(env: Awaited<ReturnType<typeof finishedSort>>): Uint8Array {
  const out = env.controller.saveRun()
  if (!out.ok) throw new Error(out.error.message)
  return out.value.data as Uint8Array
}

describe('parallel sum through the controller', () => {
  it('sends {experiment, values, threads, unitMs} with the machine’s cores as the default threads', async () => {
    const { host, store, controller } = setup()
    host.cpus = 3
    await controller.loadCapabilities()
    store.getState().setExperiment('parallel-sum')
    expect(store.getState().threadsText).toBe('3')
    expect(store.getState().unitText).toBe('1') // the sum keeps its own unit: a delay per element
    store.getState().setText('1 2 3 4 5 6 7 8 9 10 2147483647 2147483647')
    await controller.run()
    expect(host.requests[0]).toEqual({
      experiment: 'parallel-sum',
      values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 2147483647, 2147483647],
      threads: 3,
      unitMs: 1,
    })
    expect(controller.data.experiment).toBe('parallel-sum')
    expect(controller.data.sum.count).toBe(3)
    const result = host.playLast()
    await tick()
    expect(store.getState().result).toBe(result)
    expect(store.getState().result?.experiment === 'parallel-sum' && store.getState().result).toMatchObject({
      sum: '4294967349',
    })
    expect(controller.data.sum.totalAt(Infinity)).toBe(4294967349)
    expect(controller.data.finished).toBe(true)
  })

  it('refuses bad threads and accepts a 0 ms delay (full speed) for sums only', async () => {
    const { host, store, controller } = setup()
    store.getState().setExperiment('parallel-sum')
    store.getState().setThreadsText('65')
    expect(store.getState().threadsError).toMatch(/1 to 64/)
    expect(await controller.run()).toBe(false)
    store.getState().setThreadsText('4')
    store.getState().setUnitText('0')
    expect(store.getState().unitError).toBeNull()
    expect(await controller.run()).toBe(true)
    expect(host.requests[0]).toMatchObject({ threads: 4, unitMs: 0 })
    // back to sleep sort: its own unit comes back, and 0 is not allowed there
    store.getState().setExperiment('sleep-sort')
    expect(store.getState().unitText).toBe('10')
    store.getState().setUnitText('0')
    expect(store.getState().unitError).toMatch(/^Unit \(ms\) must be from 0.000001 \(1 ns\)/)
  })

  it('user threads are not overwritten by capabilities arriving later', async () => {
    const { store, controller } = setup()
    store.getState().setExperiment('parallel-sum')
    store.getState().setThreadsText('7')
    await controller.loadCapabilities()
    expect(store.getState().threads).toBe(7)
  })
})

describe('saving and opening runs', () => {
  it('saves a finished run with request, result, every event and the machine’s facts', async () => {
    const env = await finishedSort()
    const out = env.controller.saveRun()
    expect(out.ok).toBe(true)
    if (!out.ok) return
    expect(out.value.name).toMatch(/^sleep-sort-scheduled-\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d\.threadlab$/)
    const back = decodeRunFile(out.value.data as Uint8Array)
    expect(back.ok).toBe(true)
    if (!back.ok) return
    const s = env.store.getState()
    expect(back.value.request).toEqual(s.request)
    expect(back.value.result).toEqual(plain(s.result))
    expect(back.value.events.length).toBe(env.controller.data.eventCount)
    expect(back.value.machine).toEqual({ cpus: 2, os: 'test os', timerSlackNs: 50_000, realtimeAllowed: true })
    expect(back.value.appVersion).toBe(APP_VERSION)
    expect(back.value.options).toEqual({ speed: s.speed, sortByValue: s.sortByValue })
  })

  it('cannot save an idle, running or failed run', async () => {
    const { controller, store } = setup()
    expect(controller.canSave()).toBe(false)
    expect(controller.saveRun().ok).toBe(false)
    await controller.run()
    expect(store.getState().phase).toBe('running')
    expect(controller.canSave()).toBe(false)
    expect(controller.canExport()).toBe(false)
  })

  it('opens a saved run in a fresh window exactly as the live run ended', async () => {
    const live = await finishedSort()
    const bytes = saved(live)
    const fresh = setup()
    await fresh.controller.loadCapabilities()
    expect(fresh.controller.openRunBytes('seed.threadlab', bytes)).toBe(true)
    const a = live.store.getState(),
      b = fresh.store.getState()
    expect(b.phase).toBe('finished')
    expect(b.result).toEqual(plain(a.result))
    expect(b.request).toEqual(a.request)
    expect(b.events).toBe(a.events)
    expect(b.fileError).toBeNull()
    expect(b.source).toMatchObject({
      kind: 'file',
      name: 'seed.threadlab',
      created: (a.source as { created: string }).created,
    })
    const da = live.controller.data,
      db = fresh.controller.data
    expect(db.finished).toBe(true)
    expect(db.contiguous).toBe(da.contiguous)
    expect(Array.from(db.sortedTimes!)).toEqual(Array.from(da.sortedTimes!))
    for (const k of ['spawned', 'woke', 'deadline', 'lockAcquired', 'pushed'] as const)
      expect(Array.from(db.table[k])).toEqual(Array.from(da.table[k]))
    // the opened run's request becomes the input, so Run repeats it
    expect(b.text).toBe('5 1 2 6 8 2 4 2 3 8 0 2')
    expect(b.mode).toBe('scheduled')
    // saving it again gives the same bytes (same machine facts and date, not this machine's)
    const again = fresh.controller.saveRun()
    expect(again.ok && Array.from(again.value.data as Uint8Array)).toEqual(Array.from(bytes))
  })

  it('opens a saved parallel sum', async () => {
    const live = await finishedSum()
    const out = live.controller.saveRun()
    expect(out.ok && out.value.name).toMatch(/^parallel-sum-2-threads-.*\.threadlab$/)
    const fresh = setup()
    expect(fresh.controller.openRunBytes('sum.threadlab', saved(live))).toBe(true)
    const s = fresh.store.getState()
    expect(s.result?.experiment === 'parallel-sum' && s.result.sum).toBe('4294967349')
    expect(s.experiment).toBe('parallel-sum')
    expect(s.threads).toBe(2)
    expect(fresh.controller.data.sum.folds.map((f) => f.total)).toEqual(
      live.controller.data.sum.folds.map((f) => f.total),
    )
  })

  const damages: [string, (b: Uint8Array) => Uint8Array, string][] = [
    [
      'a flipped byte',
      (b) => {
        const c = b.slice()
        c[c.length - 20] ^= 0xff
        return c
      },
      'E_CORRUPT',
    ],
    ['a cut-off file', (b) => b.slice(0, b.length - 30), 'E_TRUNCATED'],
    ['a text file', () => new TextEncoder().encode('5 1 2 6 8'), 'E_NOT_A_RUN'],
    ['an empty file', () => new Uint8Array(0), 'E_NOT_A_RUN'],
    [
      'a newer format',
      (b) => {
        const c = b.slice()
        c[10] = RUN_FILE_VERSION + 1
        return c
      },
      'E_NEWER_FORMAT',
    ],
  ]
  for (const [what, damage, code] of damages) {
    it(`names the problem with ${what} (${code}) and keeps the current run untouched`, async () => {
      const env = await finishedSort()
      const before = env.store.getState()
      const data = env.controller.data
      const cols = data.cols,
        version = data.version,
        count = data.eventCount
      expect(env.controller.openRunBytes('broken.threadlab', damage(saved(env)))).toBe(false)
      const after = env.store.getState()
      expect(after.fileError?.code).toBe(code)
      expect(after.fileError?.message).toMatch(/^could not open broken\.threadlab: /)
      for (const k of [
        'phase',
        'result',
        'request',
        'runId',
        'events',
        'dataVersion',
        'source',
        'text',
        'error',
      ] as const)
        expect(after[k], k).toBe(before[k])
      expect(env.controller.data).toBe(data)
      expect(data.cols).toBe(cols)
      expect(data.version).toBe(version)
      expect(data.eventCount).toBe(count)
      expect(env.controller.canSave()).toBe(true)
    })
  }

  it('refuses to open while a run is active, and the next good open or run clears the error', async () => {
    const env = await finishedSort()
    const bytes = saved(env)
    await env.controller.run()
    expect(env.controller.openRunBytes('a.threadlab', bytes)).toBe(false)
    expect(env.store.getState().fileError?.code).toBe('E_BUSY')
    expect(env.store.getState().phase).toBe('running')
    env.host.playLast()
    await tick()
    expect(env.controller.openRunBytes('a.threadlab', bytes)).toBe(true)
    expect(env.store.getState().fileError).toBeNull()
  })

  it('refuses a decoded run with more threads than the views can hold', () => {
    const problem = openableProblem({
      request: { experiment: 'sleep-sort', values: new Array(60_000).fill(1), mode: 'classic', unitMs: 1 },
      result: null,
      machine: { cpus: 1, os: 'x', timerSlackNs: 0, realtimeAllowed: false },
      created: '2024-01-01T00:00:00Z',
      appVersion: '0',
      events: setup().controller.data.cols,
    })
    expect(problem?.code).toBe('E_TOO_MANY')
  })

  it('an opened run without a result shows its events and says it failed', async () => {
    const live = await finishedSort()
    const back = decodeRunFile(saved(live))
    if (!back.ok) throw new Error('decode')
    const bytes = encodeRunFile({ ...back.value, result: null })
    const fresh = setup()
    expect(fresh.controller.openRunBytes('nores.threadlab', bytes)).toBe(true)
    expect(fresh.store.getState().phase).toBe('failed')
    expect(fresh.store.getState().error?.code).toBe('E_NO_RESULT')
    expect(fresh.controller.data.eventCount).toBe(live.controller.data.eventCount)
    expect(fresh.controller.canExport()).toBe(true)
    expect(fresh.controller.canSave()).toBe(false)
  })
})

describe('exports', () => {
  it('trace JSON validates, for a sort and a sum', async () => {
    for (const env of [await finishedSort(), await finishedSum()]) {
      const out = env.controller.exportTrace()
      expect(out.ok).toBe(true)
      if (!out.ok) continue
      expect(out.value.name).toMatch(/\.trace\.json$/)
      expect(validateChromeTrace(JSON.parse(out.value.data as string))).toEqual([])
    }
  })

  it('CSV: one row per thread for a sort, per chunk for a sum with the exact partials', async () => {
    const sort = await finishedSort()
    const a = sort.controller.exportCsv()
    expect(a.ok && (a.value.data as string).split('\r\n')[0]).toBe(CSV_COLUMNS.join(','))
    expect(a.ok && (a.value.data as string).trim().split('\r\n')).toHaveLength(13)
    const sum = await finishedSum()
    const b = sum.controller.exportCsv()
    const lines = b.ok ? (b.value.data as string).trim().split('\r\n') : []
    expect(lines[0]).toBe(SUM_CSV_COLUMNS.join(','))
    expect(lines).toHaveLength(3)
    expect(lines[2].split(',')[5]).toBe('4294967328')
    expect(lines[2].split(',')[7]).toBe('4294967349')
    expect(sumCsv(sum.controller.data.sum, null).split('\r\n')[1].split(',')[5]).toBe('21')
  })
})

describe('run file names and kinds', () => {
  it('names downloads <experiment>-<mode>-<date>', () => {
    expect(
      runFileName(
        { experiment: 'sleep-sort', values: [1], mode: 'classic', unitMs: 1 },
        null,
        '2025-03-04T05:06:07.890Z',
      ),
    ).toBe('sleep-sort-classic-2025-03-04_05-06-07.threadlab')
    expect(runFileName({ experiment: 'parallel-sum', values: [1] }, null, 'nonsense')).toBe(
      'parallel-sum-auto-threads-undated.threadlab',
    )
  })

  it('knows a run file by its extension or its magic bytes', () => {
    expect(isRunFile('a.THREADLAB')).toBe(true)
    expect(isRunFile('a.txt')).toBe(false)
    expect(isRunFile('noext', new TextEncoder().encode('THREADLAB\0xx'))).toBe(true)
    expect(isRunFile('noext', new TextEncoder().encode('THREADLAX\0xx'))).toBe(false)
  })

  it('APP_VERSION follows package.json', () => {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as { version: string }
    expect(APP_VERSION).toBe(pkg.version)
  })
})
