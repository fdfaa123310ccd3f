import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { RunRequest } from '../../src/shared/api'
import { EventColumns } from '../../src/shared/columns'
import { EventKind } from '../../src/shared/events'
import { buildThreadTable } from '../../src/shared/threads'
import {
  CSV_COLUMNS,
  csvField,
  exportChromeTrace,
  toCsv,
  validateChromeTrace,
  type ChromeTrace,
  type TraceEvent,
} from '../../src/shared/trace'
import { simulateParallelSum, simulateSleepSort, type SimOptions } from './helpers/sim'

const SEED = [5, 1, 2, 6, 8, 2, 4, 2, 3, 8, 0, 2]

function sleepTrace(o: SimOptions) {
  const sim = simulateSleepSort(o)
  const request: RunRequest = { experiment: 'sleep-sort', values: o.values, mode: sim.mode, unitMs: sim.unitMs }
  return { sim, trace: exportChromeTrace({ request, events: sim.cols }) }
}
const clone = (t: ChromeTrace): ChromeTrace => JSON.parse(JSON.stringify(t))
const byPh = (t: ChromeTrace, ph: string, name?: string) =>
  t.traceEvents.filter((e) => e.ph === ph && (name === undefined || e.name === name))

describe('exportChromeTrace: sleep sort', () => {
  const { sim, trace } = sleepTrace({ values: SEED, unitMs: 10, holdNs: 3_000, lateNs: (w) => (w === 3 ? 25e6 : 0) })

  it('is valid, also after a JSON round trip', () => {
    expect(validateChromeTrace(trace)).toEqual([])
    expect(validateChromeTrace(clone(trace))).toEqual([])
    expect(JSON.stringify(trace)).not.toMatch(/NaN|null/)
  })

  it('has one named track per value', () => {
    const names = byPh(trace, 'M', 'thread_name')
    expect(names.map((e) => e.tid)).toEqual(SEED.map((_, w) => w + 1))
    expect(names[0].args!.name).toBe('value 5 (#0)')
    expect(names[3].args!.name).toBe('value 6 (#3)')
    expect(byPh(trace, 'M', 'process_name')[0].args!.name).toMatch(
      /sleep sort \(scheduled, 10 ms per unit, 12 threads\)/,
    )
  })

  it('has one push per element, in push order', () => {
    const pushes = byPh(trace, 'i', 'push').sort((a, b) => a.ts - b.ts)
    expect(pushes.map((e) => e.args!.value)).toEqual(sim.output)
    expect(pushes.map((e) => e.args!.index)).toEqual(SEED.map((_, i) => i))
    expect(sim.output).toEqual([0, 1, 2, 2, 2, 2, 3, 4, 5, 8, 8, 6])
    expect(pushes.every((e) => e.s === 't')).toBe(true)
  })

  it('keeps ns as exact fractions of µs', () => {
    const sleeps = byPh(trace, 'X', 'sleep')
    expect(sleeps).toHaveLength(12)
    for (const s of sleeps) {
      const w = s.tid - 1
      expect(s.ts).toBe(sim.table.sleepStart[w] / 1000)
      expect(s.dur).toBe((sim.table.woke[w] - sim.table.sleepStart[w]) / 1000)
    }
    expect(sleeps[3].args).toEqual({ deadline_ns: 60e6, lateness_ns: 25e6 })
  })

  it('draws sleep, lock-wait and lock-held, and counters', () => {
    expect(byPh(trace, 'X', 'lock-held')).toHaveLength(12)
    expect(byPh(trace, 'X', 'lock-wait')).toHaveLength(12)
    const length = byPh(trace, 'C', 'vector length').map((e) => e.args!.length)
    expect(length).toEqual(SEED.map((_, i) => i + 1))
    const waiting = byPh(trace, 'C', 'threads waiting for the mutex').map((e) => e.args!.waiting as number)
    expect(Math.max(...waiting)).toBe(3) // four 2s wake together: three wait behind the first
    expect(waiting[waiting.length - 1]).toBe(0)
  })

  it('links each push to the next holder with a unique flow', () => {
    const starts = byPh(trace, 's'),
      ends = byPh(trace, 'f')
    expect(starts).toHaveLength(11)
    expect(new Set(starts.map((e) => e.id)).size).toBe(11)
    const pushTid = byPh(trace, 'i', 'push')
      .sort((a, b) => a.ts - b.ts)
      .map((e) => e.tid)
    expect(starts.map((e) => e.tid)).toEqual(pushTid.slice(0, -1))
    expect(ends.map((e) => e.tid)).toEqual(pushTid.slice(1))
    expect(ends.every((e) => e.bp === 'e')).toBe(true)
    // both ends strictly inside a lock-held slice of their own track (not on an edge a neighbour shares)
    const held = byPh(trace, 'X', 'lock-held')
    for (const e of [...starts, ...ends]) {
      const h = held.find((x) => x.tid === e.tid)!
      expect(e.ts).toBeGreaterThan(h.ts)
      expect(e.ts).toBeLessThan(h.ts + h.dur!)
    }
    const push = byPh(trace, 'i', 'push')
    for (const s of starts) expect(s.ts).toBe(push.find((p) => p.tid === s.tid)!.ts)
  })

  it('stays valid when times collide, runs are cancelled or classic', () => {
    const cols = new EventColumns()
    for (let w = 0; w < 3; w++)
      for (const k of [0, 1, 2, 3, 4, 5, 6, 7] as EventKind[]) cols.push(k, w, 0, k === EventKind.Pushed ? w : 0)
    const trace0 = exportChromeTrace({
      request: { experiment: 'sleep-sort', values: [1, 2, 3], mode: 'scheduled', unitMs: 1 },
      events: cols,
    })
    expect(validateChromeTrace(trace0)).toEqual([])
    expect(byPh(trace0, 's')).toHaveLength(2)
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
            byPh(trace, 'i', 'push')
              .sort((a, b) => a.ts - b.ts || a.tid - b.tid)
              .map((e) => e.args!.value),
          ).toEqual(sim.output)
          expect(byPh(trace, 's').length).toBe(Math.max(0, sim.output.length - 1))
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
        delete (find(t, (e) => e.ph === 'i') as Partial<TraceEvent>).ts
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
        find(t, (e) => e.ph === 'i').pid = 1.5
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
      /without a string args.name/,
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
        ;(find(t, (e) => e.ph === 'i') as { s: string }).s = 'x'
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
      'flow end outside a slice',
      (t) => {
        find(t, (e) => e.ph === 'f').ts = 1e12
      },
      /flow 1 end at .* is outside every slice/,
    ],
    [
      'flow start outside a slice',
      (t) => {
        find(t, (e) => e.ph === 's').ts = -1e9
      },
      /flow 1 start at .* is outside every slice/,
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
      /ends .* before it starts/,
    ],
    [
      'overlapping slices',
      (t) => {
        const sleep = find(t, (e) => e.name === 'sleep' && e.tid === 1),
          held = find(t, (e) => e.name === 'lock-held' && e.tid === 1)
        sleep.dur = held.ts + held.dur! / 2 - sleep.ts
      },
      /overlap without nesting/,
    ],
    [
      'slice moved onto another track',
      (t) => {
        const held = find(t, (e) => e.name === 'lock-held' && e.tid === 2),
          sleep = find(t, (e) => e.name === 'sleep' && e.tid === 1)
        held.tid = 1
        held.ts = sleep.ts + sleep.dur! - 1
      },
      /overlap without nesting/,
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
      { name: 'inner', ph: 'X', ts: 2, dur: 3, pid: 1, tid: 1 },
      { name: 'inner2', ph: 'X', ts: 5, dur: 5, pid: 1, tid: 1 },
      { name: 'abut', ph: 'X', ts: 10, dur: 0, pid: 1, tid: 1 },
      { name: 'other track', ph: 'X', ts: 1, dur: 100, pid: 1, tid: 2 },
      { name: 'flow', ph: 's', id: 'a', ts: 3, pid: 1, tid: 1 } as unknown as TraceEvent,
      { name: 'flow', ph: 'f', bp: 'e', id: 'a', ts: 50, pid: 1, tid: 2 } as unknown as TraceEvent,
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

  it('quotes fields per RFC 4180', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField(' padded')).toBe('" padded"')
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
