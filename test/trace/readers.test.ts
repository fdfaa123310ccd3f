/**
 * Exported traces of real runs (the real addon, real threads), read by readers this project did not
 * write. Traces come from `threadlab … --trace` (with `--save` for the run's own events), and a
 * cancelled run from the engine directly (the CLI writes no files for an interrupted run; the app
 * exports it with the same exporter).
 *
 * For every run: Perfetto's importer rules (validateChromeTrace simulates them) and Chrome DevTools'
 * trace engine (the real one, from npm) keep every slice and instant the run produced on its
 * thread, and bind every flow to the lock hand-off or partial sum it describes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadEngine } from '../../src/service/addon'
import { toSortResult } from '../../src/cli/report'
import type { RunRequest, RunResult } from '../../src/shared/api'
import { EventColumns } from '../../src/shared/columns'
import { EventKind } from '../../src/shared/events'
import { decodeRunFile } from '../../src/shared/runfile'
import { buildThreadTable, laneOrder } from '../../src/shared/threads'
import { exportChromeTrace, TRACE_PID, validateChromeTrace, type ChromeTrace } from '../../src/shared/trace'
import { threadlab } from '../cli/helpers'
import { randomInts, SEED } from '../native/addon'
import { readWithDevTools, type DevToolsView, type ReadEvent } from './devtools'

const realtimeAllowed: boolean = createRequire(__filename)('../../native/index.js').sort.capabilities().realtime.allowed

interface Exported {
  request: RunRequest
  result: RunResult | null
  events: EventColumns
  json: string
  trace: ChromeTrace
}

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'threadlab-trace-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the CLI with --trace and --save; returns the trace and the run it was written from. */
async function cliRun(name: string, args: string[], input?: string): Promise<Exported> {
  const trace = join(dir, `${name}.json`),
    saved = join(dir, `${name}.threadlab`)
  const r = await threadlab([...args, '--trace', trace, '--save', saved], input === undefined ? {} : { input })
  expect(r.code, r.stderr).toBe(0)
  const run = decodeRunFile(readFileSync(saved))
  if (!run.ok) throw new Error(run.error.message)
  const json = readFileSync(trace, 'utf8')
  return { ...run.value, json, trace: JSON.parse(json) }
}

/** A sleep sort cancelled while most threads still sleep, exported as the app exports it. */
async function cancelledRun(values: number[]): Promise<Exported> {
  const request: RunRequest = { experiment: 'sleep-sort', values, mode: 'scheduled', unitMs: 1 }
  const events = new EventColumns()
  const run = loadEngine().startSleepSort(values, { unitMs: 1, mode: 'scheduled', recordEvents: true }, (b) => {
    const bad = events.appendBatch(b)
    if (bad) throw new Error(bad.message)
  })
  setTimeout(() => run.cancel(), 40)
  const result = toSortResult(await run.result())
  const trace = exportChromeTrace({ request, result, events })
  return { request, result, events, json: JSON.stringify(trace), trace }
}

const key = (e: ReadEvent) => `${e.tid} ${e.ph} ${e.name} ${e.ts} ${e.dur ?? ''}`
const tidByName = (t: ChromeTrace) =>
  new Map(t.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [e.args!.name, e.tid]))

/** What every reader must show: each X slice and instant of the file on its thread, in DevTools' tree. */
function expectAllKept(x: Exported, view: DevToolsView): void {
  expect(validateChromeTrace(x.trace)).toEqual([])
  const wanted = x.trace.traceEvents.filter((e) => e.ph === 'X' || e.ph === 'I').map(key)
  const kept = [...view.threads.values()].flatMap((t) => t.entries.map(key))
  expect(kept.sort()).toEqual(wanted.sort())
  for (const [name, tid] of tidByName(x.trace)) {
    const hasEvents = x.trace.traceEvents.some((e) => e.tid === tid && (e.ph === 'X' || e.ph === 'I'))
    if (hasEvents) expect(view.threads.get(tid)?.name).toBe(name)
  }
  expect(x.trace.traceEvents.every((e) => e.ts >= 0 && e.pid === TRACE_PID && e.tid > 0)).toBe(true)
}

/** The µs a run's ns instant has in the trace. */
const usOf = (x: Exported, ns: number) => (ns - (x.trace.metadata.time_origin_ns as number)) / 1000

/**
 * Sleep sort: the run's own events say which slices each thread must have, and that the mutex
 * went from the holder of push k to the holder of push k + 1 — DevTools must show exactly those.
 */
function expectSleepSort(x: Exported, view: DevToolsView): void {
  const req = x.request as Extract<RunRequest, { experiment: 'sleep-sort' }>
  const n = req.values.length
  const table = buildThreadTable(x.events, n)
  const tids = tidByName(x.trace)
  const tidOf = (w: number) => tids.get(`value ${req.values[w]} (#${w})`)!
  // one track per thread, in the app's lane order (by value) after the run track
  const order = [...laneOrder(req.values, true)]
  const sortIndex = x.trace.traceEvents.filter((e) => e.name === 'thread_sort_index')
  expect(order.map((w) => sortIndex.find((e) => e.tid === tidOf(w))!.args!.sort_index)).toEqual(
    order.map((_, lane) => lane + 1),
  )
  const at = (w: number, name: string) => view.threads.get(tidOf(w))?.entries.filter((e) => e.name === name) ?? []
  const first = (...ts: number[]) => ts.find((t) => !Number.isNaN(t)) ?? NaN
  let slices = 0,
    instants = 0
  for (let w = 0; w < n; w++) {
    const { sleepStart, woke, lockWait, lockAcquired, lockReleased, pushed, cancelled } = table
    const steps: [string, number, number][] = [
      ['sleep', sleepStart[w], first(woke[w], cancelled[w])],
      ['lock-wait', lockWait[w], first(lockAcquired[w], cancelled[w])],
      ['lock-held', lockAcquired[w], first(lockReleased[w], pushed[w], cancelled[w])],
    ]
    for (const [name, start, end] of steps) {
      if (Number.isNaN(start)) continue
      slices++
      const got = at(w, name).filter((e) => e.ph === 'X')
      expect(got, `${name} of worker ${w}`).toHaveLength(1)
      // endpoints: the run's own instants, to the ns (Perfetto rounds µs × 1000 to ns)
      expect(got[0].ts, `${name} of worker ${w} starts`).toBe(usOf(x, start))
      expect(Math.round(got[0].dur! * 1000), `${name} of worker ${w} lasts`).toBe(end - start)
    }
    for (const [name, t] of [
      ['spawned', table.spawned[w]],
      ['woke', woke[w]],
      ['push', pushed[w]],
      ['cancelled', cancelled[w]],
    ] as const) {
      if (Number.isNaN(t)) continue
      instants++
      expect(
        at(w, name).map((e) => [e.ph, e.ts]),
        `${name} of worker ${w}`,
      ).toEqual([['I', usOf(x, t)]])
    }
  }
  expect(x.trace.traceEvents.filter((e) => e.ph === 'X')).toHaveLength(slices)
  expect(x.trace.traceEvents.filter((e) => e.ph === 'I' && e.name !== 'epoch')).toHaveLength(instants)
  // flows: holder of push k → holder of push k + 1, lock-held to lock-held
  const holders = [...Array(n).keys()]
    .filter((w) => table.index[w] >= 0)
    .sort((a, b) => table.index[a] - table.index[b])
  const expected = holders.slice(1).map((to, k) => [holders[k], to])
  const flows = view.flows.map(([a, b]) => [a, b].map((e) => `${e.tid} ${e.ph} ${e.name} ${e.ts}`))
  expect(flows.sort()).toEqual(
    expected.map(([from, to]) => [from, to].map((w) => `${tidOf(w)} X lock-held ${at(w, 'lock-held')[0].ts}`)).sort(),
  )
  for (const [from, to] of expected) {
    expect(at(from, 'lock-held')[0].ts).toBe(usOf(x, table.lockAcquired[from]))
    expect(at(to, 'lock-held')[0].ts).toBe(usOf(x, table.lockAcquired[to]))
  }
}

/** Parallel sum: a slice per chunk on its thread, a fold per chunk on `combine`, chunk → fold flows. */
function expectParallelSum(x: Exported, view: DevToolsView, chunks: number): void {
  const tids = tidByName(x.trace)
  const starts = new Map<number, number>()
  const combined: number[] = []
  for (let i = 0; i < x.events.length; i++) {
    if (x.events.kind[i] === EventKind.ChunkStart) starts.set(x.events.worker[i], x.events.tNs[i])
    if (x.events.kind[i] === EventKind.Combined) combined.push(x.events.worker[i])
  }
  expect(starts.size).toBe(chunks)
  expect(combined.sort()).toEqual([...Array(chunks).keys()])
  const combine = view.threads.get(tids.get('combine')!)!
  const expected: string[][] = []
  for (const [c, t] of starts) {
    const chunk = view.threads.get(tids.get(`chunk ${c}`)!)!.entries.filter((e) => e.ph === 'X')
    expect(chunk.map((e) => [e.name, e.ts])).toEqual([[`chunk ${c}`, usOf(x, t)]])
    const fold = combine.entries.filter((e) => e.name === `fold chunk ${c}`)
    expect(fold).toHaveLength(1)
    expected.push([chunk[0], fold[0]].map((e) => `${e.tid} ${e.name} ${e.ts}`))
  }
  const flows = view.flows.map(([a, b]) => [a, b].map((e) => `${e.tid} ${e.name} ${e.ts}`))
  expect(flows.sort()).toEqual(expected.sort())
}

describe("exported traces read by Perfetto's rules and by Chrome DevTools' trace engine", () => {
  for (const mode of ['classic', 'scheduled', 'realtime'] as const) {
    // realtime needs CAP_SYS_NICE or an rtprio limit (root has it)
    it.skipIf(mode === 'realtime' && !realtimeAllowed)(`the seed in ${mode} mode`, async () => {
      const x = await cliRun(`seed-${mode}`, ['sort', ...SEED.map(String), '--unit', '10ms', '--mode', mode])
      const view = await readWithDevTools(x.json, TRACE_PID)
      expectAllKept(x, view)
      expectSleepSort(x, view)
      expect(view.flows).toHaveLength(11)
      expect(x.trace.traceEvents.filter((e) => e.ph === 'X')).toHaveLength(36)
    })
  }

  it('the same reader loses part of a run exported in the earlier shape (a real file kept as a fixture)', async () => {
    const json = readFileSync(join(__dirname, '../shared/fixtures/trace-before-issue-14.json'), 'utf8')
    const before = JSON.parse(json) as ChromeTrace
    const view = await readWithDevTools(json, 1)
    const slices = before.traceEvents.filter((e) => e.ph === 'X').length
    const kept = [...view.threads.values()].flatMap((t) => t.entries.filter((e) => e.ph === 'X')).length
    expect(slices).toBe(36)
    expect(kept).toBeLessThan(slices) // slices ending one rounding step after the next begins
    expect(before.traceEvents.filter((e) => (e.ph as string) === 'i').length).toBeGreaterThan(0)
    expect([...view.threads.values()].flatMap((t) => t.entries.filter((e) => e.ph === 'i'))).toEqual([])
    expect(before.traceEvents.filter((e) => e.ph === 's')).toHaveLength(11)
    expect(view.flows).toEqual([]) // its flow ends sit inside slices, not at their start
  })

  it('a 1,000-value scheduled run', async () => {
    const values = randomInts(1000, 1000, 14)
    const x = await cliRun('thousand', ['sort', '--unit', '50us', '--mode', 'scheduled'], values.join(' '))
    const view = await readWithDevTools(x.json, TRACE_PID)
    expectAllKept(x, view)
    expectSleepSort(x, view)
    expect(x.trace.traceEvents.filter((e) => e.ph === 'X')).toHaveLength(3000)
    expect(view.flows).toHaveLength(999)
  })

  it('a cancelled run', async () => {
    const x = await cancelledRun(randomInts(200, 300, 3))
    expect(x.result?.cancelled).toBe(true)
    const table = buildThreadTable(x.events, 200)
    const cancelled = [...table.cancelled].filter((t) => !Number.isNaN(t)).length
    expect(cancelled).toBeGreaterThan(0)
    const view = await readWithDevTools(x.json, TRACE_PID)
    expectAllKept(x, view)
    expectSleepSort(x, view)
    expect(x.trace.traceEvents.filter((e) => e.ph === 'I' && e.name === 'cancelled')).toHaveLength(cancelled)
  })

  it('a parallel sum in 8 chunks', async () => {
    const values = Array.from({ length: 100_000 }, (_, i) => i % 1000)
    const x = await cliRun('sum', ['sum', '--threads', '8'], values.join('\n'))
    const view = await readWithDevTools(x.json, TRACE_PID)
    expectAllKept(x, view)
    expectParallelSum(x, view, 8)
  })
})
