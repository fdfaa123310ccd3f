/**
 * REGRESSION (src/shared/trace.ts, exportParallelSum): the number of chunk tracks is taken from the
 * largest worker index among the chunk events (`chunks = max(worker) + 1`) and five Float64Arrays of
 * that length are allocated, a track with metadata is emitted per chunk — all without regard to the
 * run (its values, result.threads or LIMITS.maxThreads). A run file is untrusted and decodeRunFile
 * accepts any u32 worker, so a 443-byte .threadlab file with ONE chunk-start event can:
 *   - worker 4294967295: make exportChromeTrace throw RangeError "Array buffer allocation failed"
 *     (`threadlab open f.threadlab --trace t.json` dies with a stack trace, exit 1);
 *   - worker 30,000,000: make it build tens of millions of trace events: measured, `threadlab open
 *     f.threadlab --trace t.json` grew to 2.9 GB RSS and aborted with "JavaScript heap out of
 *     memory" (SIGABRT) after 40 s.
 *
 * Expected: chunk tracks bounded by the run (e.g. at most min(values.length, LIMITS.maxThreads) or
 * result.chunkSizes.length; events of other chunk indices ignored or reported), never by an index
 * read from the events. Found by fuzzing run-file consumers with decoded arbitrary events.
 */
import { describe, expect, it } from 'vitest'
import { EventColumns } from '../../../src/shared/columns'
import { EventKind } from '../../../src/shared/events'
import { LIMITS } from '../../../src/shared/limits'
import { exportChromeTrace, validateChromeTrace } from '../../../src/shared/trace'

const request = { experiment: 'parallel-sum' as const, values: [1, 2] }

function oneChunkStart(worker: number): EventColumns {
  const cols = new EventColumns()
  cols.push(EventKind.ChunkStart, worker, 5, 1)
  return cols
}

describe('regression: parallel-sum trace sized by an event worker index', () => {
  it('does not throw on a chunk index of 2^32 - 1', () => {
    expect(() => exportChromeTrace({ request, events: oneChunkStart(0xffff_ffff) })).not.toThrow()
  })

  it('emits no more chunk tracks than the run can have', () => {
    const trace = exportChromeTrace({ request, events: oneChunkStart(200_000) })
    const tracks = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').length
    expect(tracks).toBeLessThanOrEqual(Math.min(request.values.length, LIMITS.maxThreads) + 1) // + the combine track
    expect(validateChromeTrace(trace)).toEqual([])
  })
})
