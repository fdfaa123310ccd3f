/**
 * validateChromeTrace on small hand-written traces: each format rule a reader applies, with the
 * message it gives, and what the rules allow (process- and global-scoped instants, sort indices).
 */
import { describe, expect, it } from 'vitest'
import { validateChromeTrace, type TraceEvent } from '../../src/shared/trace'

type Loose = Partial<Record<keyof TraceEvent, unknown>>
const slice = (o: Loose = {}): Loose => ({ name: 'work', cat: 'c', ph: 'X', ts: 10, dur: 5, pid: 1, tid: 2, ...o })
const flowStart = (o: Loose = {}): Loose => ({ name: 'hand', cat: 'c', ph: 's', id: 1, ts: 10, pid: 1, tid: 2, ...o })
const flowEnd = (o: Loose = {}): Loose => ({ ...flowStart(), ph: 'f', bp: 'e', ts: 30, tid: 3, ...o })
/** a valid flow from a slice on tid 2 to one on tid 3 */
const flowPair = (): Loose[] => [slice(), slice({ ts: 30, tid: 3 }), flowStart(), flowEnd()]
const check = (events: Loose[]) => validateChromeTrace({ traceEvents: events })

describe('validateChromeTrace: metadata events', () => {
  it('accepts a numeric sort index for a process or thread, and refuses one without', () => {
    const index = (name: string, args: unknown): Loose => ({ name, ph: 'M', ts: 0, pid: 1, tid: 1, args })
    expect(
      check([index('thread_sort_index', { sort_index: 2 }), index('process_sort_index', { sort_index: -1 })]),
    ).toEqual([])
    for (const args of [{ sort_index: '2' }, {}, undefined, { sort_index: Infinity }])
      expect(check([index('thread_sort_index', args)])).toEqual([
        'event 0 (M "thread_sort_index"): metadata without a numeric args.sort_index',
      ])
    expect(check([index('process_sort_index', null)])).toEqual([
      'event 0 (M "process_sort_index"): metadata without a numeric args.sort_index',
    ])
  })

  it('names a process or thread only with a non-empty text', () => {
    const named = (args: unknown): Loose => ({ name: 'process_name', ph: 'M', ts: 0, pid: 1, tid: 1, args })
    expect(check([named({ name: 'Threadlab' })])).toEqual([])
    for (const args of [{ name: '' }, { name: 5 }, null])
      expect(check([named(args)])).toEqual([
        'event 0 (M "process_name"): metadata without a non-empty string args.name',
      ])
  })
})

describe('validateChromeTrace: instants', () => {
  it('accepts thread, process and global scopes and an instant without one', () => {
    for (const s of ['t', 'p', 'g', undefined])
      expect(check([{ name: 'mark', ph: 'I', s, ts: 1, pid: 1, tid: 1 }])).toEqual([])
    expect(check([{ name: 'mark', ph: 'I', s: 'x', ts: 1, pid: 1, tid: 1 }])).toEqual([
      'event 0 (I "mark"): instant scope "x" is not t, p or g',
    ])
  })

  it("a process- or global-scoped instant between a slice and its flow end does not take the flow (it is on no thread's stack)", () => {
    for (const s of ['p', 'g'])
      expect(
        check([...flowPair().slice(0, 3), { name: 'mark', cat: 'c', ph: 'I', s, ts: 30, pid: 1, tid: 3 }, flowEnd()]),
      ).toEqual([])
    // a thread-scoped one is a zero-length slice on the thread: Perfetto binds the flow to it
    for (const s of ['t', undefined])
      expect(
        check([
          ...flowPair().slice(0, 3),
          { name: 'mark', cat: 'c', ph: 'I', s, ts: 30, pid: 1, tid: 3 },
          flowEnd(),
        ]).join('\n'),
      ).toMatch(
        /^event 4: flow 1 end at 30 µs binds in Perfetto to event 3 \(I "mark" at 30 µs\), not to an X slice of cat c starting there$/,
      )
  })
})

describe('validateChromeTrace: flows', () => {
  it('accepts a flow from the start of one slice to the start of a later one', () => {
    expect(check(flowPair())).toEqual([])
  })

  it('refuses a flow event without a non-negative whole id, naming the event', () => {
    for (const id of [undefined, -1, 1.5, '1', 2 ** 53]) {
      const problems = check([slice(), slice({ ts: 30, tid: 3 }), flowStart({ id }), flowEnd()])
      expect(problems[0]).toBe('event 2 (s "hand"): flow event without a non-negative integer id')
    }
    expect(check([slice(), slice({ ts: 30, tid: 3 }), flowStart({ id: 0 }), flowEnd({ id: 0 })])).toEqual([])
  })

  it('refuses a flow event without a cat, or an end without bp "e"', () => {
    expect(check([...flowPair().slice(0, 3), flowEnd({ cat: undefined })])).toContain(
      'event 3 (f "hand"): flow event without a cat (it binds to a slice of the same cat)',
    )
    expect(check([...flowPair().slice(0, 3), flowEnd({ bp: undefined })])).toContain(
      'event 3 (f "hand"): flow end without bp "e" (it must bind to the slice it ends in)',
    )
  })

  it('counts the starts and ends of an unpaired flow', () => {
    expect(check([...flowPair(), flowEnd()])).toEqual([
      'flow id 1 has 1 start and 2 ends (each (cat, name, id) must be one pair)',
    ])
    expect(check([slice(), flowStart(), flowStart()])).toEqual([
      'flow id 1 has 2 starts and 0 ends (each (cat, name, id) must be one pair)',
    ])
    // the same id under another name is another flow
    expect(check([...flowPair(), slice({ ts: 40 }), flowStart({ name: 'other', ts: 40 })])).toEqual([
      'flow id 1 has 1 start and 0 ends (each (cat, name, id) must be one pair)',
    ])
  })

  it('refuses a flow that ends no later than it starts, or whose end comes first in the file', () => {
    const [a, b, s, f] = flowPair()
    expect(check([a, slice({ ts: 10, tid: 3 }), s, flowEnd({ ts: 10 })])).toContain(
      'flow id 1 must start before it ends, in time and in file order (10 → 10 µs)',
    )
    expect(check([a, b, f, s])).toContain('flow id 1 must start before it ends, in time and in file order (10 → 30 µs)')
  })

  it('gives an instant no length in Perfetto: a flow written after one at its ts binds to it, even if it carries a dur', () => {
    const mark = { name: 'mark', cat: 'c', ph: 'I', s: 't', ts: 30, dur: 10, pid: 1, tid: 3 }
    expect(check([...flowPair().slice(0, 3), mark, flowEnd()])).toEqual([
      'event 4: flow 1 end at 30 µs binds in Perfetto to event 3 (I "mark" at 30 µs), not to an X slice of cat c starting there',
    ])
  })

  it('names where DevTools binds a flow when it differs from Perfetto', () => {
    // Perfetto places the longer slice first at a ts, DevTools takes the first event of the file there
    const blip = slice({ name: 'blip', ts: 30, dur: 0, tid: 3 })
    expect(check([slice(), flowStart(), flowEnd(), blip, slice({ ts: 30, tid: 3 })])).toEqual([
      'event 2: flow 1 end at 30 µs binds in DevTools to event 3 (X "blip" at 30 µs), not to slice 4 as in Perfetto',
    ])
  })

  it('binds a flow written before its slice in the file to the slice: flow events are never what a flow binds to', () => {
    const [a, b, s, f] = flowPair()
    expect(check([a, s, f, b])).toEqual([])
  })

  it('says a flow binds to nothing on a track without slices', () => {
    expect(check([slice(), flowStart(), flowEnd()])).toEqual([
      'event 2: flow 1 end at 30 µs binds in Perfetto to nothing, not to an X slice of cat c starting there',
    ])
  })
})

describe('validateChromeTrace: ids, times and the problem list', () => {
  it('takes pid and tid from 1 to 2^32 - 1', () => {
    expect(check([slice({ pid: 0xffff_ffff, tid: 0xffff_ffff })])).toEqual([])
    expect(check([slice({ pid: 2 ** 32 })])).toEqual([
      'event 0 (X "work"): pid 4294967296 is not in 1..2^32-1 (Perfetto maps tid 0 to the pid, out-of-range ids to 0)',
    ])
    expect(check([slice({ tid: -3 })])).toEqual([
      'event 0 (X "work"): tid -3 is not in 1..2^32-1 (Perfetto maps tid 0 to the pid, out-of-range ids to 0)',
    ])
  })

  it('names an event without a text name or ph, or with a cat that is not text', () => {
    expect(check([slice({ name: 5 })])).toEqual(['event 0 (X "?"): no name'])
    expect(check([slice({ ph: 7 })])).toEqual(['event 0 (? "work"): no ph'])
    expect(check([slice({ cat: 3 })])).toEqual(['event 0 (X "work"): cat is not a string'])
    expect(check([slice({ ts: 0, dur: 0 })])).toEqual([])
  })

  it('lists every problem of an event, and at most 1000 problems in all', () => {
    expect(check([slice({ ts: NaN, pid: 0, dur: Infinity })])).toEqual([
      'event 0 (X "work"): ts is not a finite number',
      'event 0 (X "work"): pid 0 is not in 1..2^32-1 (Perfetto maps tid 0 to the pid, out-of-range ids to 0)',
      'event 0 (X "work"): dur is not a finite number ≥ 0',
    ])
    const problems = check(Array.from({ length: 1200 }, () => slice({ dur: -1 })))
    expect(problems).toHaveLength(1001)
    expect(problems[999]).toBe('event 999 (X "work"): dur is not a finite number ≥ 0')
    expect(problems[1000]).toBe('… more problems not listed')
  })

  it('reads the array form and a trace without metadata, and refuses other shapes', () => {
    expect(validateChromeTrace([slice()])).toEqual([])
    expect(validateChromeTrace({ traceEvents: [slice()], metadata: { run_id: 1 } })).toEqual([])
    expect(validateChromeTrace({ traceEvents: [slice()], metadata: null })).toEqual([
      'metadata is not an object (Perfetto imports a top-level metadata object)',
    ])
    for (const notATrace of [undefined, 'trace', { events: [] }, { traceEvents: {} }])
      expect(validateChromeTrace(notATrace)).toEqual([
        'the trace is neither an array of events nor an object with a traceEvents array',
      ])
  })
})

describe("validateChromeTrace: the readers' slice nesting", () => {
  it('names both slices, in µs, when DevTools leaves one out', () => {
    const problems = check([slice({ ts: 10, dur: 5 }), slice({ name: 'late', ts: 12, dur: 5 })])
    expect(problems).toEqual([
      'event 1: Perfetto drops this slice: it starts inside slice 0 and ends after it',
      'event 1: DevTools leaves this slice out of its thread: it starts inside slice 0 and ends after it ([10, 15] and [12, 17] µs)',
    ])
  })

  it('nests a slice ending exactly where its parent ends, and one starting where the previous ended', () => {
    expect(check([slice({ ts: 10, dur: 5 }), slice({ ts: 12, dur: 3 }), slice({ ts: 15, dur: 5 })])).toEqual([])
    // longest first at one ts, whatever the file order
    expect(check([slice({ ts: 10, dur: 2 }), slice({ ts: 10, dur: 5 })])).toEqual([])
    expect(check([slice({ ts: 10, dur: 5 }), slice({ ts: 10, dur: 2 })])).toEqual([])
  })

  it('keeps two zero-length slices at one ts, and a zero-length slice where a slice ends', () => {
    expect(check([slice({ dur: 0 }), slice({ dur: 0 }), slice({ ts: 5, dur: 5 })])).toEqual([])
  })

  it('after Perfetto drops a slice, a flow at its ts binds to the slice it fell inside: slices that ended by then are off the stack', () => {
    // outer [0, 100] and an inner slice that ended at (or before) 50; at 50 a slice runs past outer's end
    for (const innerEnd of [50, 40]) {
      const events = [
        slice({ name: 'outer', ts: 0, dur: 100, tid: 3 }),
        slice({ name: 'inner', ts: 10, dur: innerEnd - 10, tid: 3 }),
        slice({ name: 'late', ts: 50, dur: 100, tid: 3 }),
        slice({ ts: 5, dur: 1 }),
        flowStart({ ts: 5 }),
        flowEnd({ ts: 50 }),
      ]
      expect(check(events)).toEqual([
        'event 2: Perfetto drops this slice: it starts inside slice 0 and ends after it',
        'event 2: DevTools leaves this slice out of its thread: it starts inside slice 0 and ends after it ([0, 100] and [50, 150] µs)',
        'event 5: flow 1 end at 50 µs binds in Perfetto to event 0 (X "outer" at 0 µs), not to an X slice of cat c starting there',
      ])
    }
  })

  it('keeps tracks apart: slices of other threads or processes never nest', () => {
    expect(
      check([slice({ ts: 10, dur: 5 }), slice({ ts: 12, dur: 5, tid: 3 }), slice({ ts: 12, dur: 5, pid: 2 })]),
    ).toEqual([])
  })
})
