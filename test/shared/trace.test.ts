import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ParallelSumResult, RunRequest } from '../../src/shared/api'
import { EventColumns } from '../../src/shared/columns'
import { EventKind } from '../../src/shared/events'
import { LIMITS } from '../../src/shared/limits'
import { buildThreadTable, laneOrder } from '../../src/shared/threads'
import {
  CSV_COLUMNS,
  csvField,
  exportChromeTrace,
  FIRST_LANE_TID,
  RUN_TID,
  TRACE_PID,
  toCsv,
  validateChromeTrace,
  type ChromeTrace,
  type TraceEvent,
  type TraceRun,
} from '../../src/shared/trace'
import { simulateParallelSum, simulateSleepSort, type SimOptions } from './helpers/sim'

const SEED = [5, 1, 2, 6, 8, 2, 4, 2, 3, 8, 0, 2]

function sleepTrace(o: SimOptions) {
  const sim = simulateSleepSort(o)
  const request: RunRequest = { experiment: 'sleep-sort', values: o.values, mode: sim.mode, unitMs: sim.unitMs }
  return { sim, trace: exportChromeTrace({ request, events: sim.cols }) }
}
const trace0Request = (values: number[]): RunRequest => ({
  experiment: 'sleep-sort',
  values,
  mode: 'scheduled',
  unitMs: 1,
})
const clone = (t: ChromeTrace): ChromeTrace => JSON.parse(JSON.stringify(t))
const byPh = (t: ChromeTrace, ph: string, name?: string) =>
  t.traceEvents.filter((e) => e.ph === ph && (name === undefined || e.name === name))

/** tid of each worker, from the thread names ("value 5 (#0)") */
const tidOfWorker = (t: ChromeTrace) =>
  new Map(
    byPh(t, 'M', 'thread_name').flatMap((e) => {
      const m = /\(#(\d+)\)$/.exec(e.args!.name as string)
      return m ? [[Number(m[1]), e.tid] as const] : []
    }),
  )
const workerOfTid = (t: ChromeTrace) => new Map([...tidOfWorker(t)].map(([w, tid]) => [tid, w]))

describe('exportChromeTrace: sleep sort', () => {
  const { sim, trace } = sleepTrace({ values: SEED, unitMs: 10, holdNs: 3_000, lateNs: (w) => (w === 3 ? 25e6 : 0) })
  const origin = Math.min(0, ...sim.table.spawned)

  it('is valid, also after a JSON round trip', () => {
    expect(validateChromeTrace(trace)).toEqual([])
    expect(validateChromeTrace(clone(trace))).toEqual([])
    expect(JSON.stringify(trace)).not.toMatch(/NaN|null/)
  })

  it("has one named track per value in the lanes' order (by value, ties by spawn), after the run track", () => {
    const names = byPh(trace, 'M', 'thread_name')
    expect(names[0]).toMatchObject({ tid: RUN_TID, args: { name: 'run' } })
    const lanes = names.slice(1)
    expect(lanes.map((e) => e.tid)).toEqual(SEED.map((_, i) => FIRST_LANE_TID + i))
    expect(lanes.map((e) => e.args!.name)).toEqual([...laneOrder(SEED, true)].map((w) => `value ${SEED[w]} (#${w})`))
    expect(lanes[0].args!.name).toBe('value 0 (#10)')
    expect(lanes[2].args!.name).toBe('value 2 (#2)')
    const sortIndex = byPh(trace, 'M', 'thread_sort_index')
    expect(sortIndex.map((e) => [e.tid, e.args!.sort_index])).toEqual(names.map((e, i) => [e.tid, i]))
    expect(new Set(names.map((e) => e.tid)).size).toBe(names.length)
    expect(trace.traceEvents.every((e) => e.pid === TRACE_PID && e.tid > 0)).toBe(true)
    expect(byPh(trace, 'M', 'process_name')[0].args!.name).toMatch(
      /sleep sort \(scheduled, 10 ms per unit, 12 threads\)/,
    )
    // spawn order when the app shows lanes by spawn
    const bySpawn = exportChromeTrace({ request: trace0Request(SEED), events: sim.cols, sortByValue: false })
    expect(
      byPh(bySpawn, 'M', 'thread_name')
        .slice(1)
        .map((e) => e.args!.name),
    ).toEqual(SEED.map((v, w) => `value ${v} (#${w})`))
  })

  it('has one push per element, in push order, as I instants', () => {
    const pushes = byPh(trace, 'I', 'push').sort((a, b) => a.ts - b.ts)
    expect(pushes.map((e) => e.args!.value)).toEqual(sim.output)
    expect(pushes.map((e) => e.args!.index)).toEqual(SEED.map((_, i) => i))
    expect(sim.output).toEqual([0, 1, 2, 2, 2, 2, 3, 4, 5, 8, 8, 6])
    expect(pushes.every((e) => e.s === 't')).toBe(true)
  })

  it('starts at 0 (threads spawn before the epoch) and marks the epoch', () => {
    expect(origin).toBeLessThan(0)
    expect(Math.min(...trace.traceEvents.map((e) => e.ts))).toBe(0)
    const epoch = byPh(trace, 'I', 'epoch')
    expect(epoch).toHaveLength(1)
    expect(epoch[0]).toMatchObject({ tid: RUN_TID, ts: -origin / 1000 })
    expect(trace.metadata).toMatchObject({ experiment: 'sleep-sort', values: 12, epoch_ts_us: -origin / 1000 })
    expect(trace.metadata.time_origin_ns).toBe(origin)
    expect(trace).not.toHaveProperty('otherData')
  })

  it('keeps ns exactly: ts is (t - origin) / 1000, dur rounds back to the ns in Perfetto', () => {
    const sleeps = byPh(trace, 'X', 'sleep')
    expect(sleeps).toHaveLength(12)
    const worker = workerOfTid(trace)
    for (const s of sleeps) {
      const w = worker.get(s.tid)!
      expect(s.ts).toBe((sim.table.sleepStart[w] - origin) / 1000)
      expect(Math.round(s.dur! * 1000)).toBe(sim.table.woke[w] - sim.table.sleepStart[w])
      expect(s.ts + s.dur!).toBeLessThanOrEqual((sim.table.woke[w] - origin) / 1000)
    }
    expect(sleeps.find((s) => worker.get(s.tid) === 3)!.args).toEqual({ deadline_ns: 60e6, lateness_ns: 25e6 })
  })

  it('abutting slices never overlap in double arithmetic', () => {
    const byTrack = new Map<number, TraceEvent[]>()
    // zero-length slices nest inside the slice starting at their ts; the others follow one another
    for (const e of byPh(trace, 'X').filter((e) => e.dur! > 0)) byTrack.set(e.tid, [...(byTrack.get(e.tid) ?? []), e])
    let abutting = 0
    for (const list of byTrack.values())
      for (let i = 1; i < list.length; i++) {
        expect(list[i - 1].ts + list[i - 1].dur!).toBeLessThanOrEqual(list[i].ts)
        if (Math.round((list[i - 1].ts + list[i - 1].dur!) * 1000) === Math.round(list[i].ts * 1000)) abutting++
      }
    expect(abutting).toBeGreaterThan(12)
  })

  it('draws sleep, lock-wait and lock-held, and counters on the run track', () => {
    expect(byPh(trace, 'X', 'lock-held')).toHaveLength(12)
    expect(byPh(trace, 'X', 'lock-wait')).toHaveLength(12)
    const length = byPh(trace, 'C', 'vector length').map((e) => e.args!.length)
    expect(length).toEqual(SEED.map((_, i) => i + 1))
    const waiting = byPh(trace, 'C', 'threads waiting for the mutex').map((e) => e.args!.waiting as number)
    expect(Math.max(...waiting)).toBe(3) // four 2s wake together: three wait behind the first
    expect(waiting[waiting.length - 1]).toBe(0)
    expect(byPh(trace, 'C').every((e) => e.tid === RUN_TID)).toBe(true)
  })

  it("links each lock-held to the next holder's lock-held, at the slices' start", () => {
    const starts = byPh(trace, 's'),
      ends = byPh(trace, 'f')
    expect(starts).toHaveLength(11)
    expect(new Set(starts.map((e) => e.id)).size).toBe(11)
    const held = byPh(trace, 'X', 'lock-held').sort((a, b) => (a.args!.index as number) - (b.args!.index as number))
    expect(starts.map((e) => [e.tid, e.ts, e.cat])).toEqual(held.slice(0, -1).map((h) => [h.tid, h.ts, h.cat]))
    expect(ends.map((e) => [e.tid, e.ts, e.cat])).toEqual(held.slice(1).map((h) => [h.tid, h.ts, h.cat]))
    expect(ends.every((e) => e.bp === 'e')).toBe(true)
    // file order: each slice before the flow events at its ts, s before f, instants after flows
    const at = (e: TraceEvent) => trace.traceEvents.indexOf(e)
    starts.forEach((s, i) => {
      expect(at(s)).toBeLessThan(at(ends[i]))
      expect(at(held[i])).toBeLessThan(at(s))
    })
    for (const f of [...starts, ...ends])
      for (const e of byPh(trace, 'I').filter((e) => e.ts === f.ts && e.tid === f.tid))
        expect(at(e)).toBeGreaterThan(at(f))
  })

  it('stays valid when times collide, runs are cancelled or classic', () => {
    const cols = new EventColumns()
    for (let w = 0; w < 3; w++)
      for (const k of [0, 1, 2, 3, 4, 5, 6, 7] as EventKind[]) cols.push(k, w, 0, k === EventKind.Pushed ? w : 0)
    const trace0 = exportChromeTrace({ request: trace0Request([1, 2, 3]), events: cols })
    expect(validateChromeTrace(trace0)).toEqual([])
    // every slice has zero length: no flow can be bound unambiguously, so none is written
    expect(byPh(trace0, 's')).toHaveLength(0)
    expect(byPh(trace0, 'X', 'lock-held')).toHaveLength(3)
    // steps out of order (lock-held recorded before woke) still never overlap
    const odd = new EventColumns()
    odd.push(EventKind.SleepStart, 0, 100, 50)
    odd.push(EventKind.Woke, 0, 500, 50)
    odd.push(EventKind.LockWait, 0, 300, 0)
    odd.push(EventKind.LockAcquired, 0, 200, 0)
    odd.push(EventKind.Pushed, 0, 100, 0)
    odd.push(EventKind.LockReleased, 0, 250, 0)
    expect(
      validateChromeTrace(
        exportChromeTrace({
          request: { experiment: 'sleep-sort', values: [1], mode: 'classic', unitMs: 1 },
          events: odd,
        }),
      ),
    ).toEqual([])
  })

  it('property: every simulated run exports a valid trace', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 0, maxLength: 30 }),
        fc.constantFrom('classic' as const, 'scheduled' as const),
        fc.array(fc.integer({ min: 0, max: 3e6 }), { minLength: 30, maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 2e6 }), { minLength: 30, maxLength: 30 }),
        fc.option(fc.integer({ min: 0, max: 25e6 }), { nil: undefined }),
        fc.integer({ min: 0, max: 20_000 }),
        (values, mode, late, pre, cancelAtNs, holdNs) => {
          const { sim, trace } = sleepTrace({
            values,
            mode,
            unitMs: 1,
            lateNs: (w) => late[w],
            preLockNs: (w) => pre[w],
            cancelAtNs,
            holdNs,
            interleave: 'by-worker',
          })
          expect(validateChromeTrace(clone(trace))).toEqual([])
          expect(
            byPh(trace, 'I', 'push')
              .sort((a, b) => a.ts - b.ts || a.tid - b.tid)
              .map((e) => e.args!.value),
          ).toEqual(sim.output)
          if (holdNs > 0) expect(byPh(trace, 's').length).toBe(Math.max(0, sim.output.length - 1))
        },
      ),
      { numRuns: 150 },
    )
  })
})

describe('exportChromeTrace: parallel sum', () => {
  const values = Array.from({ length: 23 }, (_, i) => i)
  const sim = simulateParallelSum(values, 4)
  const trace = exportChromeTrace({ request: { experiment: 'parallel-sum', values, threads: 4 }, events: sim.cols })

  it('has a track and slice per chunk, progress counters and a combine track', () => {
    expect(validateChromeTrace(clone(trace))).toEqual([])
    expect(byPh(trace, 'M', 'thread_name').map((e) => e.args!.name)).toEqual([
      'run',
      'chunk 0',
      'chunk 1',
      'chunk 2',
      'chunk 3',
      'combine',
    ])
    const chunks = byPh(trace, 'X').filter((e) => e.name.startsWith('chunk '))
    expect(chunks.map((e) => e.args)).toEqual(sim.chunkSizes.map((length, c) => ({ length, partial: sim.partials[c] })))
    const p0 = byPh(trace, 'C', 'chunk 0 progress').map((e) => e.args!.done)
    expect(p0).toEqual([0, 2, 4, 6])
    const totals = byPh(trace, 'C', 'running total').map((e) => e.args!.total)
    expect(totals[totals.length - 1]).toBe(values.reduce((a, b) => a + b))
    expect(byPh(trace, 'X').filter((e) => e.name.startsWith('fold'))).toHaveLength(4)
    expect(byPh(trace, 'f')).toHaveLength(4)
  })

  it("flows from each chunk slice to its fold, at both slices' start", () => {
    const slice = (name: string) => byPh(trace, 'X', name)[0]
    const starts = byPh(trace, 's'),
      ends = byPh(trace, 'f')
    for (const [i, f] of ends.entries()) {
      const c = /fold chunk (\d+)/.exec(
        trace.traceEvents.find((e) => e.ph === 'X' && e.ts === f.ts && e.tid === f.tid)!.name,
      )![1]
      expect([starts[i].tid, starts[i].ts]).toEqual([slice(`chunk ${c}`).tid, slice(`chunk ${c}`).ts])
      expect([f.tid, f.ts, f.cat]).toEqual([slice(`fold chunk ${c}`).tid, slice(`fold chunk ${c}`).ts, 'parallel-sum'])
    }
  })
})

describe('validateChromeTrace detects each rule violation', () => {
  const base = sleepTrace({ values: SEED, unitMs: 10, holdNs: 3_000 }).trace
  const find = (t: ChromeTrace, pred: (e: TraceEvent) => boolean) => t.traceEvents.find(pred)!
  const mutate = (fn: (t: ChromeTrace) => void) => {
    const t = clone(base)
    fn(t)
    return validateChromeTrace(t)
  }

  it('starts from a valid trace', () => {
    expect(validateChromeTrace(base)).toEqual([])
  })

  const cases: [string, (t: ChromeTrace) => void, RegExp][] = [
    [
      'not a trace',
      (t) => {
        ;(t as unknown as { traceEvents: unknown }).traceEvents = 5
      },
      /neither an array/,
    ],
    [
      'event not an object',
      (t) => {
        ;(t.traceEvents as unknown[]).push(7)
      },
      /is not an object/,
    ],
    [
      'missing name',
      (t) => {
        delete (find(t, (e) => e.ph === 'X') as Partial<TraceEvent>).name
      },
      /no name/,
    ],
    [
      'missing ph',
      (t) => {
        delete (t.traceEvents[3] as Partial<TraceEvent>).ph
      },
      /no ph/,
    ],
    [
      'unknown phase',
      (t) => {
        ;(t.traceEvents[3] as { ph: string }).ph = 'B'
      },
      /unsupported phase "B"/,
    ],
    [
      'missing ts',
      (t) => {
        delete (find(t, (e) => e.ph === 'I') as Partial<TraceEvent>).ts
      },
      /ts is not a finite number/,
    ],
    [
      'string ts',
      (t) => {
        ;(find(t, (e) => e.ph === 'C') as unknown as { ts: string }).ts = '5'
      },
      /ts is not a finite number/,
    ],
    [
      'fractional pid',
      (t) => {
        find(t, (e) => e.ph === 'I').pid = 1.5
      },
      /pid is not an integer/,
    ],
    [
      'missing tid',
      (t) => {
        delete (find(t, (e) => e.ph === 'X') as Partial<TraceEvent>).tid
      },
      /tid is not an integer/,
    ],
    [
      'negative dur',
      (t) => {
        find(t, (e) => e.ph === 'X').dur = -1
      },
      /dur is not a finite number ≥ 0/,
    ],
    [
      'missing dur',
      (t) => {
        delete find(t, (e) => e.ph === 'X').dur
      },
      /dur is not/,
    ],
    [
      'metadata without name',
      (t) => {
        find(t, (e) => e.name === 'thread_name').args = {}
      },
      /without a non-empty string args.name/,
    ],
    [
      'unknown metadata',
      (t) => {
        find(t, (e) => e.name === 'thread_name').name = 'thread_colour'
      },
      /unknown metadata name/,
    ],
    [
      'counter with text',
      (t) => {
        find(t, (e) => e.ph === 'C').args = { length: 'three' }
      },
      /counter args must all be finite numbers/,
    ],
    [
      'counter without args',
      (t) => {
        delete find(t, (e) => e.ph === 'C').args
      },
      /counter without args/,
    ],
    [
      'bad instant scope',
      (t) => {
        ;(find(t, (e) => e.ph === 'I') as { s: string }).s = 'x'
      },
      /instant scope "x"/,
    ],
    [
      'flow without id',
      (t) => {
        delete find(t, (e) => e.ph === 's').id
      },
      /flow event without an id|1 end/,
    ],
    [
      'flow end without bp',
      (t) => {
        delete find(t, (e) => e.ph === 'f').bp
      },
      /without bp "e"/,
    ],
    [
      'reused flow id',
      (t) => {
        find(t, (e) => e.ph === 's' && e.id === 2).id = 1
        find(t, (e) => e.ph === 'f' && e.id === 2).id = 1
      },
      /flow id 1 has 2 starts and 2 ends/,
    ],
    [
      'unmatched flow start',
      (t) => {
        t.traceEvents = t.traceEvents.filter((e) => !(e.ph === 'f' && e.id === 3))
      },
      /flow id 3 has 1 start and 0 ends/,
    ],
    [
      "flow end off its slice's start",
      (t) => {
        find(t, (e) => e.ph === 'f').ts = 1e12
      },
      /flow 1 end at .* binds in Perfetto to event \d+ \(I "push".*not to an X slice/,
    ],
    [
      "flow start off its slice's start",
      (t) => {
        find(t, (e) => e.ph === 's').ts += 0.001
      },
      /flow 1 start at .* binds in Perfetto to event \d+ .*not to an X slice of cat sleep-sort starting there/,
    ],
    [
      'flow backwards',
      (t) => {
        const s = find(t, (e) => e.ph === 's' && e.id === 1),
          f = find(t, (e) => e.ph === 'f' && e.id === 1)
        const ts = s.ts
        s.ts = f.ts
        f.ts = ts
        const ft = f.tid
        f.tid = s.tid
        s.tid = ft
      },
      /flow id 1 must start before it ends/,
    ],
    [
      'overlapping slices',
      (t) => {
        const sleep = find(t, (e) => e.name === 'sleep' && e.tid === 2),
          held = find(t, (e) => e.name === 'lock-held' && e.tid === 2)
        sleep.dur = held.ts + held.dur! / 2 - sleep.ts
      },
      /Perfetto drops this slice: it starts inside slice \d+ and ends after it[^]*DevTools leaves this slice out/,
    ],
    [
      'slice moved onto another track',
      (t) => {
        const held = find(t, (e) => e.name === 'lock-held' && e.tid === 3),
          sleep = find(t, (e) => e.name === 'sleep' && e.tid === 2)
        held.tid = 2
        held.ts = sleep.ts + sleep.dur! - 1
      },
      /DevTools leaves this slice out/,
    ],
    [
      'negative ts (Perfetto drops it)',
      (t) => {
        find(t, (e) => e.ph === 'X').ts = -1
      },
      /ts -1 is negative \(Perfetto drops it\)/,
    ],
    [
      "tid 0 (Perfetto puts it on the pid's track)",
      (t) => {
        find(t, (e) => e.ph === 'C').tid = 0
      },
      /tid 0 is not in 1\.\.2\^32-1/,
    ],
    [
      'instant phase i (DevTools reads only I)',
      (t) => {
        ;(find(t, (e) => e.ph === 'I') as { ph: string }).ph = 'i'
      },
      /instant phase "i" is not read by DevTools/,
    ],
    [
      'slice ending one rounding step after the next begins (DevTools)',
      (t) => {
        const sleep = find(t, (e) => e.name === 'sleep' && e.tid === 2),
          wait = find(t, (e) => e.name === 'lock-wait' && e.tid === 2)
        wait.ts = sleep.ts + sleep.dur!
        sleep.dur = sleep.dur! + 2 ** -40 * sleep.ts
      },
      /DevTools leaves this slice out of its thread/,
    ],
    [
      'flow written after an instant at its ts (Perfetto binds it to the instant)',
      (t) => {
        const f = find(t, (e) => e.ph === 'f')
        t.traceEvents.push({ name: 'late', cat: f.cat, ph: 'I', s: 't', ts: f.ts, pid: f.pid, tid: f.tid })
        t.traceEvents.push(t.traceEvents.splice(t.traceEvents.indexOf(f), 1)[0])
      },
      /flow \d+ end at .* binds in Perfetto to event \d+ \(I "late"/,
    ],
    [
      'flow with another cat than its slice (DevTools binds by cat)',
      (t) => {
        find(t, (e) => e.ph === 'f').cat = 'mutex'
        find(t, (e) => e.ph === 's' && e.id === 1).cat = 'mutex'
      },
      /flow 1 start at .* binds in Perfetto to .*not to an X slice of cat mutex/,
    ],
    [
      'flow whose slice comes after a zero-length one in file order (DevTools binds to the first)',
      (t) => {
        const f = t.traceEvents.splice(
          t.traceEvents.findIndex((e) => e.ph === 'f'),
          1,
        )[0]
        const at = t.traceEvents.findIndex((e) => e.ph === 'X' && e.ts === f.ts && e.tid === f.tid)
        const blip: TraceEvent = { name: 'blip', cat: f.cat, ph: 'X', ts: f.ts, dur: 0, pid: f.pid, tid: f.tid }
        t.traceEvents.splice(at, 0, f, blip)
      },
      /binds in DevTools to event \d+ \(X "blip".*not to slice/,
    ],
    [
      'metadata that is not an object',
      (t) => {
        ;(t as unknown as { metadata: unknown }).metadata = 'run 5'
      },
      /metadata is not an object/,
    ],
  ]
  for (const [what, fn, expected] of cases) {
    it(what, () => {
      const problems = mutate(fn)
      expect(problems.length).toBeGreaterThan(0)
      expect(problems.join('\n')).toMatch(expected)
    })
  }

  it('accepts properly nested slices and the array form', () => {
    const t: TraceEvent[] = [
      { name: 'outer', ph: 'X', ts: 0, dur: 10, pid: 1, tid: 1 },
      { name: 'inner', cat: 'c', ph: 'X', ts: 2, dur: 3, pid: 1, tid: 1 },
      { name: 'inner2', ph: 'X', ts: 5, dur: 5, pid: 1, tid: 1 },
      { name: 'abut', ph: 'X', ts: 10, dur: 0, pid: 1, tid: 1 },
      { name: 'other track', ph: 'X', ts: 1, dur: 100, pid: 1, tid: 2 },
      { name: 'flow', cat: 'c', ph: 's', id: 7, ts: 2, pid: 1, tid: 1 },
      { name: 'target', cat: 'c', ph: 'X', ts: 50, dur: 1, pid: 1, tid: 2 },
      { name: 'flow', cat: 'c', ph: 'f', bp: 'e', id: 7, ts: 50, pid: 1, tid: 2 },
    ]
    expect(validateChromeTrace(t)).toEqual([])
    expect(validateChromeTrace(null)).toHaveLength(1)
  })

  it('caps the problem list', () => {
    const t = clone(base)
    for (let i = 0; i < 2000; i++) t.traceEvents.push({ name: 'x', ph: 'X', ts: 0, dur: -1, pid: 1, tid: 1 })
    expect(validateChromeTrace(t)).toHaveLength(1001)
  })
})

describe("validateChromeTrace states the readers' rules", () => {
  // a real export of the seed in scheduled mode, written by the exporter before these rules
  const before = JSON.parse(readFileSync(join(__dirname, 'fixtures/trace-before-issue-14.json'), 'utf8'))

  it("rejects the earlier export shape, naming each reader's rule it breaks", () => {
    const problems = validateChromeTrace(before).join('\n')
    expect(problems).toMatch(/ts -[\d.]+ is negative \(Perfetto drops it\)/)
    expect(problems).toMatch(/instant phase "i" is not read by DevTools/)
    expect(problems).toMatch(/C "vector length"\): tid 0 is not in 1\.\.2\^32-1/)
    expect(problems).toMatch(
      /flow \d+ start at .* binds in Perfetto to event \d+ \(X "lock-held" at [\d.]+ µs\), not to an X slice/,
    )
    expect(problems).toMatch(/DevTools leaves this slice out of its thread/)
  })
})

describe('toCsv', () => {
  it('writes one row per thread with empty cells for missing steps', () => {
    const sim = simulateSleepSort({
      values: [3, 1, 20],
      unitMs: 1,
      holdNs: 2_000,
      lateNs: (w) => (w === 0 ? 500 : 0),
      cancelAtNs: 10e6,
    })
    const csv = toCsv(buildThreadTable(sim.cols, 3), sim.values)
    const lines = csv.split('\r\n')
    expect(lines[0]).toBe(CSV_COLUMNS.join(','))
    expect(lines[0]).toBe(
      'worker,value,deadline_ns,spawned_ns,woke_ns,lateness_ns,lock_wait_ns,lock_held_ns,index,cancelled',
    )
    expect(lines[1]).toBe(`0,3,3000000,${sim.table.spawned[0]},3000500,500,0,2000,1,false`)
    expect(lines[2]).toBe(`1,1,1000000,${sim.table.spawned[1]},1000000,0,0,2000,0,false`)
    expect(lines[3]).toBe(`2,20,20000000,${sim.table.spawned[2]},,,,,,true`)
    expect(lines[4]).toBe('')
    expect(lines).toHaveLength(5)
  })

  it('leaves the value cell empty for a thread without a value', () => {
    const sim = simulateSleepSort({ values: [3, 1, 2], unitMs: 1 })
    const lines = toCsv(buildThreadTable(sim.cols, 3), [3, 1]).split('\r\n')
    expect(lines[2].split(',').slice(0, 2)).toEqual(['1', '1'])
    expect(lines[3].split(',').slice(0, 2)).toEqual(['2', ''])
  })

  it('quotes fields per RFC 4180', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField(' padded')).toBe('" padded"')
    expect(csvField('two words')).toBe('two words')
    expect(csvField(-1.5)).toBe('-1.5')
    expect(csvField(NaN)).toBe('')
    expect(csvField(true)).toBe('true')
  })

  it('property: quoted fields parse back', () => {
    const parseField = (f: string) => (f.startsWith('"') ? f.slice(1, -1).replace(/""/g, '"') : f)
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(parseField(csvField(s))).toBe(s)
      }),
    )
  })
})

/**
 * One event as a reader of the file meets it: phase (with instant scope or flow binding point),
 * name, ts in µs, dur as the ns Perfetto rounds it to, track, flow id, cat and args.
 */
const asRead = (e: TraceEvent) =>
  [
    e.ph + (e.s ? `/${e.s}` : '') + (e.bp ? `/${e.bp}` : ''),
    e.name,
    `@${e.ts}`,
    e.dur === undefined ? '' : `+${Math.round(e.dur * 1000)}ns`,
    `tid ${e.tid}`,
    e.id === undefined ? '' : `id ${e.id}`,
    e.cat ?? '',
    e.args ? JSON.stringify(e.args) : '',
  ]
    .filter(Boolean)
    .join(' ')

/** A named track as listed before the events: its name, then its place (tid 1 first). */
const track = (tid: number, name: string) => [
  `M thread_name @0 tid ${tid} {"name":${JSON.stringify(name)}}`,
  `M thread_sort_index @0 tid ${tid} {"sort_index":${tid - 1}}`,
]

/** Events as the engine records them: [kind, worker, t ns, arg], in the given (batch) order. */
function columns(events: [EventKind, number, number, number][]): EventColumns {
  const cols = new EventColumns()
  for (const [kind, worker, t, arg] of events) cols.push(kind, worker, t, arg)
  return cols
}

function sumResult(chunkSizes: number[]): ParallelSumResult {
  return {
    experiment: 'parallel-sum',
    runId: 1,
    sum: '0',
    kind: 'integer',
    partials: chunkSizes.map(() => '0'),
    threads: chunkSizes.length,
    chunkSizes,
    wallMs: 1,
    exact: true,
    cancelled: false,
    eventCount: 0,
  }
}

describe('exportChromeTrace: the file a reader gets, event by event', () => {
  const K = EventKind
  it('sleep sort: track names first, then time order; at one ts slices (longest first), flows, zero-length slices, instants, counters', () => {
    // values [2, 1, 1]: #1 and #2 wake together, #2 waits 400 ns for the mutex #1 holds; #0 wakes 500 ns late
    const cols = columns([
      [K.Spawned, 0, -3000, 0],
      [K.Spawned, 1, -2000, 0],
      [K.Spawned, 2, -1000, 0],
      [K.SleepStart, 0, -2500, 2e6],
      [K.SleepStart, 1, -1500, 1e6],
      [K.SleepStart, 2, -500, 1e6],
      [K.Woke, 1, 1e6, 1e6],
      [K.Woke, 2, 1e6, 1e6],
      [K.LockWait, 1, 1e6, 0],
      [K.LockWait, 2, 1e6, 0],
      [K.LockAcquired, 1, 1e6, 0],
      [K.Pushed, 1, 1e6 + 200, 0],
      [K.LockReleased, 1, 1e6 + 400, 0],
      [K.LockAcquired, 2, 1e6 + 400, 0],
      [K.Pushed, 2, 1e6 + 600, 1],
      [K.LockReleased, 2, 1e6 + 800, 0],
      [K.Woke, 0, 2e6 + 500, 2e6],
      [K.LockWait, 0, 2e6 + 500, 0],
      [K.LockAcquired, 0, 2e6 + 500, 0],
      [K.Pushed, 0, 2e6 + 700, 2],
      [K.LockReleased, 0, 2e6 + 900, 0],
    ])
    const trace = exportChromeTrace({ request: trace0Request([2, 1, 1]), events: cols })
    expect(validateChromeTrace(trace)).toEqual([])
    const S = 'sleep-sort'
    expect(trace.traceEvents.map(asRead)).toEqual([
      ...track(1, 'run'),
      'M process_name @0 tid 1 {"name":"Threadlab sleep sort (scheduled, 1 ms per unit, 3 threads)"}',
      ...track(2, 'value 1 (#1)'),
      ...track(3, 'value 1 (#2)'),
      ...track(4, 'value 2 (#0)'),
      // the earliest event (#0 spawned, 3 µs before the epoch) is ts 0
      `I/t spawned @0 tid 4 ${S}`,
      `X sleep @0.5 +2003000ns tid 4 ${S} {"deadline_ns":2000000,"lateness_ns":500}`,
      `I/t spawned @1 tid 2 ${S}`,
      `X sleep @1.5 +1001500ns tid 2 ${S} {"deadline_ns":1000000,"lateness_ns":0}`,
      `I/t spawned @2 tid 3 ${S}`,
      `X sleep @2.5 +1000500ns tid 3 ${S} {"deadline_ns":1000000,"lateness_ns":0}`,
      'I/t epoch @3 tid 1 run',
      `X lock-held @1003 +400ns tid 2 ${S} {"index":0}`,
      `X lock-wait @1003 +400ns tid 3 ${S}`,
      `s mutex handoff @1003 tid 2 id 1 ${S}`,
      `X lock-wait @1003 +0ns tid 2 ${S}`,
      `I/t woke @1003 tid 2 ${S} {"deadline_ns":1000000}`,
      `I/t woke @1003 tid 3 ${S} {"deadline_ns":1000000}`,
      // one sample per time, after every step at it: #1 waited 0 ns, #2 is still waiting
      'C threads waiting for the mutex @1003 tid 1 {"waiting":1}',
      `I/t push @1003.2 tid 2 ${S} {"index":0,"value":1}`,
      'C vector length @1003.2 tid 1 {"length":1}',
      `X lock-held @1003.4 +400ns tid 3 ${S} {"index":1}`,
      `s mutex handoff @1003.4 tid 3 id 2 ${S}`,
      `f/e mutex handoff @1003.4 tid 3 id 1 ${S}`,
      'C threads waiting for the mutex @1003.4 tid 1 {"waiting":0}',
      `I/t push @1003.6 tid 3 ${S} {"index":1,"value":1}`,
      'C vector length @1003.6 tid 1 {"length":2}',
      `X lock-held @2003.5 +400ns tid 4 ${S} {"index":2}`,
      `f/e mutex handoff @2003.5 tid 4 id 2 ${S}`,
      `X lock-wait @2003.5 +0ns tid 4 ${S}`,
      `I/t woke @2003.5 tid 4 ${S} {"deadline_ns":2000000}`,
      'C threads waiting for the mutex @2003.5 tid 1 {"waiting":0}',
      `I/t push @2003.7 tid 4 ${S} {"index":2,"value":2}`,
      'C vector length @2003.7 tid 1 {"length":3}',
    ])
    // where the sum of doubles can reach the next slice's start exactly, it does: no gap in either reader
    const sleep = trace.traceEvents.find((e) => e.name === 'sleep' && e.tid === 2)!
    expect(sleep.ts + sleep.dur!).toBe(1003)
    expect(trace.metadata).toEqual({
      experiment: 'sleep-sort',
      values: 3,
      epoch_ts_us: 3,
      time_origin_ns: -3000,
      mode: 'scheduled',
      unit_ms: 1,
    })
  })

  it('parallel sum: chunk tracks, then the combine track; progress counters by time, then by chunk', () => {
    // chunk 1 is recorded first and finishes first; both fold after their chunk is done
    const cols = columns([
      [K.ChunkStart, 1, 0, 2],
      [K.ChunkStart, 0, 0, 2],
      [K.ChunkProgress, 0, 100, 1],
      [K.ChunkProgress, 1, 100, 1],
      [K.ChunkDone, 1, 200, 7],
      [K.ChunkDone, 0, 300, 3],
      [K.Combined, 1, 400, 7],
      [K.Combined, 0, 500, 10],
    ])
    const trace = exportChromeTrace({
      request: { experiment: 'parallel-sum', values: [1, 2, 3, 4], threads: 2, unitMs: 0 },
      result: { ...sumResult([2, 2]), runId: 9, wallMs: 0.5, cancelled: true },
      events: cols,
    })
    expect(validateChromeTrace(trace)).toEqual([])
    const P = 'parallel-sum'
    expect(trace.traceEvents.map(asRead)).toEqual([
      ...track(1, 'run'),
      'M process_name @0 tid 1 {"name":"Threadlab parallel sum (4 values, 2 chunks)"}',
      ...track(2, 'chunk 0'),
      ...track(3, 'chunk 1'),
      ...track(4, 'combine'),
      `X chunk 0 @0 +300ns tid 2 ${P} {"length":2,"partial":3}`,
      `X chunk 1 @0 +200ns tid 3 ${P} {"length":2,"partial":7}`,
      `s partial sum @0 tid 3 id 1 ${P}`,
      `s partial sum @0 tid 2 id 2 ${P}`,
      'I/t epoch @0 tid 1 run',
      'C chunk 0 progress @0 tid 1 {"done":0}',
      'C chunk 1 progress @0 tid 1 {"done":0}',
      'C chunk 0 progress @0.1 tid 1 {"done":1}',
      'C chunk 1 progress @0.1 tid 1 {"done":1}',
      // a fold starts when its chunk is done, and no earlier than the previous fold ended
      `X fold chunk 1 @0.2 +200ns tid 4 ${P} {"chunk":1,"total":7}`,
      `f/e partial sum @0.2 tid 4 id 1 ${P}`,
      'C chunk 1 progress @0.2 tid 1 {"done":2}',
      'C chunk 0 progress @0.3 tid 1 {"done":2}',
      `X fold chunk 0 @0.4 +100ns tid 4 ${P} {"chunk":0,"total":10}`,
      `f/e partial sum @0.4 tid 4 id 2 ${P}`,
      'C running total @0.4 tid 1 {"total":7}',
      'C running total @0.5 tid 1 {"total":10}',
    ])
    // times are shown in ns; nothing of a sleep sort (mode, unit) in a sum's metadata
    expect(trace.displayTimeUnit).toBe('ns')
    expect(trace.metadata).toStrictEqual({
      experiment: 'parallel-sum',
      values: 4,
      epoch_ts_us: 0,
      time_origin_ns: 0,
      run_id: 9,
      wall_ms: 0.5,
      cancelled: true,
    })
  })
})

describe('exportChromeTrace: a run cut short, with steps missing or recorded out of order', () => {
  const K = EventKind
  it('sleep sort: a slice ends at the cancel, a thread that never slept has no slice, a push stays inside its lock-held', () => {
    // cancelled at 5000 ns: #0 sleeps on (its deadline was not recorded), #1 waits for the mutex and
    // gets it, #2's push was recorded before it got the lock
    const cols = columns([
      [K.Spawned, 0, 0, 0],
      [K.Spawned, 1, 0, 0],
      [K.Spawned, 2, 0, 0],
      [K.Spawned, 3, 100, 0],
      [K.SleepStart, 0, 100, NaN],
      [K.SleepStart, 1, 100, 1000],
      [K.SleepStart, 2, 100, 1000],
      [K.Woke, 2, 1000, 1000],
      [K.LockWait, 2, 1000, 0],
      [K.LockAcquired, 2, 1000, 0],
      [K.Pushed, 2, 900, 0],
      [K.LockReleased, 2, 1500, 0],
      [K.Woke, 1, 1200, 1000],
      [K.LockWait, 1, 1200, 0],
      [K.LockAcquired, 1, 2000, 0],
      // #3's sleep start was not recorded (nor a deadline); it waits until the cancel
      [K.Woke, 3, 4000, NaN],
      [K.LockWait, 3, 4000, 0],
      // #4 pushed with no release recorded, #5 only got the mutex, #6 only pushed
      [K.SleepStart, 4, 100, 500],
      [K.Woke, 4, 500, 500],
      [K.LockAcquired, 4, 600, 0],
      [K.Pushed, 4, 700, 1],
      [K.LockAcquired, 5, 3000, 0],
      [K.Pushed, 6, 3500, 2],
      [K.Cancelled, 0, 5000, 0],
      [K.Cancelled, 1, 5000, 0],
      [K.Cancelled, 3, 5000, 0],
    ])
    const request: RunRequest = {
      experiment: 'sleep-sort',
      values: [9, 1, 1, 5, 1, 3, 4],
      mode: 'classic',
      unitMs: 0.001,
    }
    const trace = exportChromeTrace({ request, result: null, sortByValue: false, events: cols })
    expect(validateChromeTrace(trace)).toEqual([])
    const S = 'sleep-sort'
    expect(trace.traceEvents.map(asRead)).toEqual([
      ...track(1, 'run'),
      'M process_name @0 tid 1 {"name":"Threadlab sleep sort (classic, 0.001 ms per unit, 7 threads)"}',
      ...track(2, 'value 9 (#0)'),
      ...track(3, 'value 1 (#1)'),
      ...track(4, 'value 1 (#2)'),
      ...track(5, 'value 5 (#3)'),
      ...track(6, 'value 1 (#4)'),
      ...track(7, 'value 3 (#5)'),
      ...track(8, 'value 4 (#6)'),
      'I/t epoch @0 tid 1 run',
      `I/t spawned @0 tid 2 ${S}`,
      `I/t spawned @0 tid 3 ${S}`,
      `I/t spawned @0 tid 4 ${S}`,
      `X sleep @0.1 +4900ns tid 2 ${S} {}`,
      `X sleep @0.1 +1100ns tid 3 ${S} {"deadline_ns":1000,"lateness_ns":200}`,
      `X sleep @0.1 +900ns tid 4 ${S} {"deadline_ns":1000,"lateness_ns":0}`,
      `X sleep @0.1 +400ns tid 6 ${S} {"deadline_ns":500,"lateness_ns":0}`,
      `I/t spawned @0.1 tid 5 ${S}`,
      `I/t woke @0.5 tid 6 ${S} {"deadline_ns":500}`,
      // held until its push; the next holder (by index) took the mutex earlier, so no hand-off is drawn
      `X lock-held @0.6 +100ns tid 6 ${S} {"index":1}`,
      `I/t push @0.7 tid 6 ${S} {"index":1,"value":1}`,
      'C vector length @0.7 tid 1 {"length":1}',
      `X lock-held @1 +500ns tid 4 ${S} {"index":0}`,
      `X lock-wait @1 +0ns tid 4 ${S}`,
      `I/t woke @1 tid 4 ${S} {"deadline_ns":1000}`,
      `I/t push @1 tid 4 ${S} {"index":0,"value":1}`,
      'C vector length @1 tid 1 {"length":2}',
      'C threads waiting for the mutex @1 tid 1 {"waiting":0}',
      `X lock-wait @1.2 +800ns tid 3 ${S}`,
      `I/t woke @1.2 tid 3 ${S} {"deadline_ns":1000}`,
      'C threads waiting for the mutex @1.2 tid 1 {"waiting":1}',
      // got the mutex, never pushed: held until the cancel, and no hand-off to or from it
      `X lock-held @2 +3000ns tid 3 ${S}`,
      'C threads waiting for the mutex @2 tid 1 {"waiting":0}',
      `X lock-held @3 +0ns tid 7 ${S}`,
      `I/t push @3.5 tid 8 ${S} {"index":2,"value":4}`,
      'C vector length @3.5 tid 1 {"length":3}',
      `X lock-wait @4 +1000ns tid 5 ${S}`,
      `I/t woke @4 tid 5 ${S}`,
      'C threads waiting for the mutex @4 tid 1 {"waiting":1}',
      `I/t cancelled @5 tid 2 ${S}`,
      `I/t cancelled @5 tid 3 ${S}`,
      `I/t cancelled @5 tid 5 ${S}`,
      'C threads waiting for the mutex @5 tid 1 {"waiting":0}',
    ])
  })

  it('parallel sum: an unfinished chunk ends at its last progress (or its start), a chunk without a start has no slice and no flow', () => {
    // chunk 0 done, folded with a total that is not a number; chunk 1 only progressed; chunk 2's start is missing
    const cols = columns([
      [K.ChunkStart, 0, 0, 3],
      [K.ChunkStart, 1, 0, 3],
      [K.ChunkProgress, 1, 150, 2],
      [K.ChunkDone, 0, 100, 6],
      [K.ChunkDone, 2, 120, 9],
      [K.Combined, 2, 150, 9],
      [K.Combined, 0, 130, NaN],
      // chunk 3 only started
      [K.ChunkStart, 3, 60, 3],
    ])
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    const trace = exportChromeTrace({ request: { experiment: 'parallel-sum', values, threads: 4 }, events: cols })
    expect(validateChromeTrace(trace)).toEqual([])
    const P = 'parallel-sum'
    expect(trace.traceEvents.map(asRead)).toEqual([
      ...track(1, 'run'),
      'M process_name @0 tid 1 {"name":"Threadlab parallel sum (12 values, 4 chunks)"}',
      ...track(2, 'chunk 0'),
      ...track(3, 'chunk 1'),
      ...track(4, 'chunk 2'),
      ...track(5, 'chunk 3'),
      ...track(6, 'combine'),
      // the longer slice first at one ts, whatever the chunk order
      `X chunk 1 @0 +150ns tid 3 ${P} {"length":3}`,
      `X chunk 0 @0 +100ns tid 2 ${P} {"length":3,"partial":6}`,
      `s partial sum @0 tid 2 id 1 ${P}`,
      'I/t epoch @0 tid 1 run',
      'C chunk 0 progress @0 tid 1 {"done":0}',
      'C chunk 1 progress @0 tid 1 {"done":0}',
      `X chunk 3 @0.06 +0ns tid 5 ${P} {"length":3}`,
      'C chunk 3 progress @0.06 tid 1 {"done":0}',
      `X fold chunk 0 @0.1 +30ns tid 6 ${P} {"chunk":0}`,
      `f/e partial sum @0.1 tid 6 id 1 ${P}`,
      'C chunk 0 progress @0.1 tid 1 {"done":3}',
      // folds follow one another on the combine track
      `X fold chunk 2 @0.13 +20ns tid 6 ${P} {"chunk":2,"total":9}`,
      'C chunk 1 progress @0.15 tid 1 {"done":2}',
      'C running total @0.15 tid 1 {"total":9}',
    ])
  })
})

describe('exportChromeTrace: slices in double arithmetic', () => {
  it('shortens a slice by a rounding step where start + length in µs would pass its end: it never overlaps the next, and Perfetto still reads its ns', () => {
    // about 0.5 and 1.5 days after the origin: (b - a) / 1000 added to a / 1000 rounds past b / 1000
    const a = 40_061_727_751_988,
      b = 131_983_332_854_721
    expect(a / 1000 + (b / 1000 - a / 1000)).toBeGreaterThan(b / 1000)
    const cols = columns([
      [EventKind.SleepStart, 0, a, b],
      [EventKind.Woke, 0, b, b],
      [EventKind.LockAcquired, 0, b, 0],
      [EventKind.Pushed, 0, b + 100, 0],
      [EventKind.LockReleased, 0, b + 200, 0],
    ])
    const trace = exportChromeTrace({ request: trace0Request([1]), events: cols })
    expect(validateChromeTrace(trace)).toEqual([])
    const [sleep, held] = [byPh(trace, 'X', 'sleep')[0], byPh(trace, 'X', 'lock-held')[0]]
    expect(sleep.ts).toBe(a / 1000)
    expect(sleep.ts + sleep.dur!).toBeLessThan(held.ts)
    expect(Math.round(sleep.dur! * 1000)).toBe(b - a)
  })
})

describe('exportChromeTrace: times a reader cannot place', () => {
  it('leaves out times more than 2^49 ns (6.5 days) from the epoch, on either side', () => {
    const far = 2 ** 49
    const cols = columns([
      [EventKind.Spawned, 0, far, 0],
      [EventKind.Spawned, 1, far + 1, 0],
      [EventKind.Spawned, 2, -far - 1, 0],
      [EventKind.Spawned, 3, -far, 0],
    ])
    const trace = exportChromeTrace({ request: trace0Request([0, 1, 2, 3]), events: cols })
    expect(validateChromeTrace(trace)).toEqual([])
    expect(byPh(trace, 'I', 'spawned').map((e) => [workerOfTid(trace).get(e.tid), e.ts])).toEqual([
      [3, 0],
      [0, (2 * far) / 1000],
    ])
    expect(trace.metadata.time_origin_ns).toBe(-far)
  })
})

describe("exportChromeTrace: a parallel sum's chunk tracks come from the run, never from an event's index", () => {
  const K = EventKind
  const values = [1, 2, 3, 4, 5, 6]
  // chunk events of chunks 0 and 3, a sleep-sort event of worker 5, a chunk event of worker 9 (more than the values)
  const events = columns([
    [K.ChunkStart, 0, 0, 1],
    [K.Combined, 3, 20, 4],
    [K.Spawned, 5, 0, 0],
    [K.ChunkProgress, 9, 10, 1],
  ])
  const tracks = (run: Partial<TraceRun>) => {
    const trace = exportChromeTrace({ request: { experiment: 'parallel-sum', values }, events, ...run })
    expect(validateChromeTrace(trace)).toEqual([])
    const names = byPh(trace, 'M', 'thread_name').map((e) => e.args!.name as string)
    return `${names.filter((n) => n.startsWith('chunk')).length} chunks; ${byPh(trace, 'M', 'process_name')[0].args!.name}`
  }

  it("the result's chunk sizes first, then the request's threads, then the chunks the events mention", () => {
    const request = { experiment: 'parallel-sum' as const, values, threads: 4 }
    expect(tracks({ request, result: sumResult([3, 3]) })).toBe('2 chunks; Threadlab parallel sum (6 values, 2 chunks)')
    expect(tracks({ request })).toBe('4 chunks; Threadlab parallel sum (6 values, 4 chunks)')
    // chunk 3 (the largest index of a chunk event within the values) makes four; workers 5 and 9 do not count
    expect(tracks({})).toBe('4 chunks; Threadlab parallel sum (6 values, 4 chunks)')
    expect(tracks({ events: columns([[K.ChunkStart, 4, 0, 1]]) })).toBe(
      '5 chunks; Threadlab parallel sum (6 values, 5 chunks)',
    )
    // a request without a usable thread count (only a crafted one has it) falls back to the events
    for (const threads of [0, 2.5])
      expect(tracks({ request: { experiment: 'parallel-sum', values, threads } })).toMatch(/^4 chunks/)
  })

  it('ignores the events of a chunk the run cannot have, and draws no combine track without folds', () => {
    const request = { experiment: 'parallel-sum' as const, values, threads: 2 }
    const chunk = (c: number): [EventKind, number, number, number][] => [
      [K.ChunkStart, c, 0, 3],
      [K.ChunkProgress, c, 5, 1],
      [K.ChunkDone, c, 10, 6],
    ]
    const trace = exportChromeTrace({ request, events: columns([...chunk(0), ...chunk(2), [K.Combined, 2, 20, 6]]) })
    expect(byPh(trace, 'M', 'thread_name').map((e) => e.args!.name)).toEqual(['run', 'chunk 0', 'chunk 1'])
    expect(trace.traceEvents.filter((e) => e.ph !== 'M').map((e) => `${e.ph} ${e.name}`)).toEqual([
      'X chunk 0',
      'I epoch',
      'C chunk 0 progress',
      'C chunk 0 progress',
      'C chunk 0 progress',
    ])
  })

  it('never more chunks than values, nor than LIMITS.maxThreads', () => {
    expect(tracks({ request: { experiment: 'parallel-sum', values, threads: LIMITS.maxThreads } })).toMatch(/^6 chunks/)
    const many = Array.from({ length: 100 }, (_, i) => i)
    const result = sumResult(new Array(LIMITS.maxThreads + 6).fill(1))
    expect(tracks({ request: { experiment: 'parallel-sum', values: many }, result })).toMatch(
      new RegExp(`^${LIMITS.maxThreads} chunks`),
    )
  })
})
