/**
 * Fuzzing what consumes a decoded run (src/shared/trace.ts exportChromeTrace / validateChromeTrace,
 * src/shared/threads.ts buildThreadTable, toCsv): a run file may carry any events the format can
 * hold, not only what the engine records. For arbitrary events — any kinds in any order, repeated
 * or missing steps, colliding and out-of-order times, huge or negative args — and for arbitrary
 * JSON given to the validator, nothing throws, and every exported trace passes validateChromeTrace,
 * also after a JSON round trip.
 *
 * Worker indices are mostly within a few times the run's size, sometimes far beyond it (up to
 * 2^32 - 1): those are ignored, never allocated for (regressions/trace-chunk-count-from-worker.test.ts),
 * and a parallel-sum trace has at most min(values, LIMITS.maxThreads) chunk tracks + the combine track.
 */
import fc from 'fast-check'
import { describe, it } from 'vitest'
import type { RunRequest } from '../../src/shared/api'
import { EventColumns } from '../../src/shared/columns'
import { MAX_EVENT_KIND } from '../../src/shared/events'
import { LIMITS } from '../../src/shared/limits'
import { buildThreadTable } from '../../src/shared/threads'
import { CSV_COLUMNS, exportChromeTrace, toCsv, validateChromeTrace } from '../../src/shared/trace'
import { check, show } from './helpers/assert'
import { fcParams, timeoutFor } from './helpers/budget'

const time = fc.oneof(
  fc.integer({ min: 0, max: 2000 }),
  fc.constantFrom(0, 1, 1e9, 2 ** 53, -5),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e15 }),
)
const arg = fc.oneof(
  fc.integer({ min: -3, max: 40 }),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1),
)
const run = fc.integer({ min: 0, max: 12 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    experiment: fc.constantFrom('sleep-sort' as const, 'parallel-sum' as const),
    mode: fc.constantFrom('classic' as const, 'scheduled' as const, 'realtime' as const),
    threads: fc.option(fc.integer({ min: 1, max: LIMITS.maxThreads }), { nil: undefined }),
    events: fc.array(
      fc.record({
        kind: fc.integer({ min: 0, max: MAX_EVENT_KIND }),
        worker: fc.oneof(
          { arbitrary: fc.integer({ min: 0, max: 2 * n + 3 }), weight: 20 },
          fc.constantFrom(200_000, 30_000_000, 0xffff_ffff),
        ),
        t: time,
        arg,
      }),
      { maxLength: 80 },
    ),
  }),
)

describe('run consumers on arbitrary events (fuzz)', () => {
  it(
    'exportChromeTrace never throws and always validates; the CSV has one row per thread',
    () => {
      fc.assert(
        fc.property(run, ({ n, experiment, mode, threads, events }) => {
          const cols = new EventColumns(1)
          for (const e of events) cols.push(e.kind as never, e.worker, e.t, e.arg)
          const values = Array.from({ length: n }, (_, i) => i * 3 - 4)
          const request: RunRequest =
            experiment === 'sleep-sort'
              ? { experiment, values, mode, unitMs: 1 }
              : { experiment, values, ...(threads ? { threads } : {}) }
          const trace = exportChromeTrace({ request, events: cols })
          if (experiment === 'parallel-sum') {
            const tracks = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').length
            // one track per chunk, plus the run track and the combine track
            check(tracks <= Math.min(n, LIMITS.maxThreads) + 2, () => `${tracks} tracks for ${n} values`)
          }
          for (const t of [trace, JSON.parse(JSON.stringify(trace))]) {
            const problems = validateChromeTrace(t)
            check(problems.length === 0, () => `trace problems: ${show(problems.slice(0, 3))}`)
          }
          if (experiment === 'sleep-sort') {
            const csv = toCsv(buildThreadTable(cols, n), values)
            const lines = csv.split('\r\n')
            check(lines.length === n + 2 && lines[n + 1] === '', () => `CSV has ${lines.length} lines for ${n} threads`)
            for (const line of lines.slice(1, -1))
              check(line.split(',').length === CSV_COLUMNS.length, () => `CSV row ${show(line)}`)
          }
        }),
        fcParams(1500, 3),
      )
    },
    timeoutFor(1500, 3, 3),
  )

  it(
    'validateChromeTrace never throws on arbitrary JSON and caps its report',
    () => {
      const traceish = fc.oneof(
        fc.jsonValue(),
        fc
          .array(
            fc.record(
              {
                name: fc.oneof(fc.string(), fc.integer()),
                ph: fc.constantFrom('X', 'M', 'C', 'i', 'I', 's', 'f', 'B', ''),
                ts: fc.oneof(fc.double(), fc.string()),
                pid: fc.oneof(fc.integer(), fc.double()),
                tid: fc.integer({ min: -1, max: 3 }),
                dur: fc.double(),
                id: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.string()),
                bp: fc.constantFrom('e', 'x'),
                s: fc.constantFrom('t', 'p', 'g', 'z'),
                args: fc.jsonValue(),
              },
              { requiredKeys: [] },
            ),
            { maxLength: 40 },
          )
          .map((traceEvents) => ({ traceEvents })),
      )
      fc.assert(
        fc.property(traceish, (x) => {
          const problems = validateChromeTrace(x)
          check(Array.isArray(problems) && problems.every((p) => typeof p === 'string'), 'not a list of problems')
          check(problems.length <= 1001, () => `${problems.length} problems`)
        }),
        fcParams(1500),
      )
      const many = { traceEvents: Array.from({ length: 5000 }, () => ({ ph: 'X' })) }
      check(validateChromeTrace(many).length === 1001, 'the problem list is not capped at 1000 + 1')
    },
    timeoutFor(1500),
  )
})
