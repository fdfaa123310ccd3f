/**
 * Opening a `.threadlab` file whose header is well-formed JSON with a valid checksum but the wrong
 * shape: the message names the field that is wrong, for every field the reader checks, and a file
 * that differs only in what the reader allows still opens.
 */
import { deflateSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { decodeRunFile } from '../../src/shared/runfile'
import { diffRuns } from '../../src/shared/rundiff'
import { assemble, minimalHeader, utf8 } from '../fuzz/helpers/runfile'
import { sleepRun } from './helpers/savedRun'

const percentiles = { max: 3, p50: 1, p99: 3 }
const sleepRequest = { experiment: 'sleep-sort', mode: 'scheduled', unitMs: 1, values: [2, 1] }
const sleepResult = {
  cancelled: false,
  eventCount: 0,
  experiment: 'sleep-sort',
  inversions: 1,
  latenessNs: percentiles,
  lockWaitNs: percentiles,
  misplaced: 2,
  mode: 'scheduled',
  output: [2, 1],
  runId: 1,
  shift: 0,
  sorted: false,
  threads: 2,
  unitMs: 1,
  wallMs: 3,
}
const sumRequest = { experiment: 'parallel-sum', threads: 2, unitMs: 0, values: [1, 2] }
const sumResult = {
  cancelled: false,
  chunkSizes: [1, 1],
  eventCount: 0,
  exact: true,
  experiment: 'parallel-sum',
  kind: 'integer',
  partials: ['1', '2'],
  runId: 2,
  sum: '3',
  threads: 2,
  wallMs: 1,
}
const sleep = minimalHeader(0, { request: sleepRequest, result: sleepResult })
const sum = minimalHeader(0, { request: sumRequest, result: sumResult })

/** What opening a file with this header says: 'OK' or the message of its E_CORRUPT. */
function opening(header: unknown): string {
  const r = decodeRunFile(assemble({ header: utf8(JSON.stringify(header)), payload: deflateSync(new Uint8Array()) }))
  if (r.ok) return 'OK'
  expect(r.error.code).toBe('E_CORRUPT')
  return r.error.message.replace(/^the header is malformed: /, '')
}
const edit = (h: Record<string, unknown>, key: string, value: unknown) => ({ ...h, [key]: value })
const inside = (h: Record<string, unknown>, key: string, field: string, value: unknown) =>
  edit(h, key, { ...(h[key] as object), [field]: value })

describe('a header of the wrong shape names the field', () => {
  it('opens the well-formed headers of both experiments, and one without a result or with options', () => {
    expect(opening(sleep)).toBe('OK')
    expect(opening(sum)).toBe('OK')
    expect(opening(edit(sum, 'result', null))).toBe('OK')
    expect(opening(edit(sleep, 'options', { speed: 2 }))).toBe('OK')
    expect(opening(edit(sum, 'request', { experiment: 'parallel-sum', values: [1, 2] }))).toBe('OK')
  })

  it('opens a header carrying a saved comparison of two runs', () => {
    const run = sleepRun([2, 1])
    const compared = diffRuns({ label: 'a', ...run }, { label: 'b', ...run })
    if (!compared.ok) throw new Error(compared.message)
    expect(opening(edit(sleep, 'diff', compared.diff))).toBe('OK')
  })

  it.each([
    [edit(sleep, 'format', 'threadlab'), 'format is not "threadlab-run"'],
    [edit(sleep, 'appVersion', 1), 'appVersion is not a string'],
    [edit(sleep, 'created', 7), 'created is not a date'],
    [edit(sleep, 'eventCount', -1), 'eventCount is not a count'],
    [edit(sleep, 'eventCount', 1.5), 'eventCount is not a count'],
    [edit(sleep, 'eventCount', '0'), 'eventCount is not a count'],
    [edit(sleep, 'machine', 'x'), 'machine is missing'],
    [inside(sleep, 'machine', 'cpus', -1), 'machine.cpus is not a count'],
    [inside(sleep, 'machine', 'os', null), 'machine.os is not a string'],
    [inside(sleep, 'machine', 'timerSlackNs', '50'), 'machine.timerSlackNs is not a number'],
    [inside(sleep, 'machine', 'realtimeAllowed', 0), 'machine.realtimeAllowed is not a boolean'],
    [edit(sleep, 'options', [1]), 'options is not an object'],
    [edit(sleep, 'options', null), 'options is not an object'],
    [edit(sleep, 'request', null), 'request is missing'],
    [edit(sleep, 'diff', 5), 'diff: it is not an object'],
    [edit(sleep, 'diff', { format: 'threadlab-diff', version: 0 }), 'diff: version 0 is not 1'],
    [inside(sleep, 'request', 'values', [1, '2']), 'request.values is not a list of finite numbers'],
    [inside(sleep, 'request', 'values', { 0: 1 }), 'request.values is not a list of finite numbers'],
    [inside(sleep, 'request', 'unitMs', '1'), 'request.unitMs is not a number'],
    [inside(sleep, 'request', 'unitMs', { $nonFinite: 'Infinity' }), 'request.unitMs is not a number'],
    [inside(sum, 'request', 'threads', 1.5), 'request.threads is not a whole number from 1 to 64'],
    [inside(sum, 'request', 'threads', 65), 'request.threads is not a whole number from 1 to 64'],
    [
      inside(sleep, 'request', 'values', new Array(50_001).fill(1)),
      'request.values has 50001 values, more than the 50000 of a sleep-sort',
    ],
    // what the views allocate from a result is bounded by the request (a crafted file claimed 10^7 threads)
    [inside(sleep, 'result', 'threads', 1e7), 'result.threads 10000000 disagrees with the 2 values (one thread each)'],
    [inside(sleep, 'result', 'threads', 1), 'result.threads 1 of a finished run disagrees with its 2 values'],
    [
      edit(sleep, 'result', { ...sleepResult, cancelled: true, threads: 1 }),
      'result.output has 2 values, more than its 1 threads pushed',
    ],
    [
      inside(sum, 'result', 'threads', 3),
      'result.threads 3 disagrees with the 2 values (1 to 64 threads, no more than values)',
    ],
    [
      inside(sum, 'result', 'chunkSizes', []),
      'result.chunkSizes and result.partials must have one entry per thread (2)',
    ],
    [inside(sum, 'result', 'partials', []), 'result.chunkSizes and result.partials must have one entry per thread (2)'],
    [inside(sum, 'result', 'chunkSizes', [2, 1]), 'result.chunkSizes do not fit in the 2 values'],
    [inside(sum, 'request', 'unitMs', 'fast'), 'request.unitMs is not a number'],
    [inside(sum, 'request', 'experiment', 'bogo'), 'request.experiment "bogo" is unknown'],
    [edit(sleep, 'result', 5), 'result is neither an object nor null'],
    [edit(sleep, 'result', [sleepResult]), 'result is neither an object nor null'],
    [inside(sum, 'result', 'experiment', 'sleep-sort'), 'result.experiment does not match request.experiment'],
    [inside(sleep, 'result', 'runId', '1'), 'result lacks runId, threads, wallMs or cancelled'],
    [inside(sleep, 'result', 'cancelled', 'no'), 'result lacks runId, threads, wallMs or cancelled'],
    [inside(sum, 'result', 'threads', null), 'result lacks runId, threads, wallMs or cancelled'],
    [inside(sum, 'result', 'wallMs', '1'), 'result lacks runId, threads, wallMs or cancelled'],
    [inside(sleep, 'result', 'output', [1, { $nonFinite: 'NaN' }]), 'result.output is not a list of finite numbers'],
    [inside(sleep, 'result', 'mode', 'turbo'), 'result.mode is not a timing mode'],
    [inside(sleep, 'result', 'unitMs', null), 'result lacks unitMs, shift, misplaced or inversions'],
    [inside(sleep, 'result', 'shift', '0'), 'result lacks unitMs, shift, misplaced or inversions'],
    [inside(sleep, 'result', 'misplaced', true), 'result lacks unitMs, shift, misplaced or inversions'],
    [inside(sleep, 'result', 'inversions', []), 'result lacks unitMs, shift, misplaced or inversions'],
    [inside(sleep, 'result', 'latenessNs', null), 'result.latenessNs is not a set of percentiles'],
    [
      inside(sleep, 'result', 'lockWaitNs', { ...percentiles, p50: 'x' }),
      'result.lockWaitNs is not a set of percentiles',
    ],
    [
      inside(sleep, 'result', 'lockWaitNs', { ...percentiles, p99: null }),
      'result.lockWaitNs is not a set of percentiles',
    ],
    [inside(sleep, 'result', 'latenessNs', { p50: 1, p99: 2 }), 'result.latenessNs is not a set of percentiles'],
    [inside(sum, 'result', 'sum', 3), 'result.sum is not text'],
    [inside(sum, 'result', 'partials', '1,2'), 'result.partials is not a list of text'],
    [inside(sum, 'result', 'partials', ['1', 2]), 'result.partials is not a list of text'],
    [inside(sum, 'result', 'chunkSizes', [1, '1']), 'result.chunkSizes is not a list of numbers'],
    // each entry must fit, not only the first or their sum
    [inside(sum, 'result', 'chunkSizes', [2, -1]), 'result.chunkSizes do not fit in the 2 values'],
    [
      inside(sum, 'result', 'threads', 1.5),
      'result.threads 1.5 disagrees with the 2 values (1 to 64 threads, no more than values)',
    ],
    // a tag that revives to a non-finite number is still refused where a finite one is needed
    [
      inside(sleep, 'request', 'values', [1, { $nonFinite: 'Infinity' }]),
      'request.values is not a list of finite numbers',
    ],
    // only the tags canonical JSON writes revive
    [inside(sleep, 'machine', 'timerSlackNs', { $nonFinite: ['NaN'] }), '["NaN"] is not a non-finite number tag'],
    [
      edit(sleep, 'options', { $escaped: 5 }),
      'an "$escaped" member holds something other than an escaped tag-shaped object',
    ],
  ])('%#: %s', (header, message) => {
    expect(opening(header)).toBe(message)
  })

  it('takes each cap as the largest allowed, and the sleep sort’s cap for a sleep sort only', () => {
    expect(opening(edit(inside(sleep, 'request', 'values', new Array(50_000).fill(1)), 'result', null))).toBe('OK')
    // a sum may hold more values than a sleep sort has threads
    expect(opening(inside(sum, 'request', 'values', new Array(50_001).fill(1)))).not.toMatch(/more than/)
  })

  it('allows what the format allows: non-finite timings, no threads or unit for the sum, zero cpus', () => {
    expect(opening(inside(sleep, 'machine', 'timerSlackNs', { $nonFinite: 'NaN' }))).toBe('OK')
    expect(opening(inside(sleep, 'machine', 'cpus', 0))).toBe('OK')
    expect(opening(inside(sleep, 'result', 'latenessNs', { max: { $nonFinite: 'NaN' }, p50: 0, p99: 0 }))).toBe('OK')
    expect(opening(inside(sleep, 'result', 'wallMs', { $nonFinite: 'Infinity' }))).toBe('OK')
    expect(opening(edit(sum, 'request', { experiment: 'parallel-sum', values: [1, 2], threads: undefined }))).toBe('OK')
    expect(opening(edit(sleep, 'result', { ...sleepResult, cancelled: true, threads: 2, output: [] }))).toBe('OK')
  })
})
