/**
 * REGRESSION (src/cli/outputs.ts, runCsv): for a sleep-sort run the CSV has
 * `Math.max(request.values.length, result.threads)` rows, and buildThreadTable allocates eleven
 * typed arrays of that length. `result.threads` comes from the run file, where decodeRunFile only
 * checks that it is a number, so `threadlab open f.threadlab --csv out.csv` on a crafted file of a
 * few hundred bytes with 2 values:
 *   - result.threads = 2^32: throws RangeError "Array buffer allocation failed";
 *   - result.threads = 3,000,000: writes a 68 MB CSV of 3,000,000 empty rows (7.8 s measured);
 *   - result.threads = 1e8 and up: tens of GB of typed arrays — the process runs out of memory.
 *
 * Expected: rows bounded by the run itself (values.length; a result.threads that disagrees with
 * the values is ignored or reported), never a count read from the file. Found while fuzzing what
 * consumes decoded run files.
 */
import { describe, expect, it } from 'vitest'
import { EventColumns } from '../../../src/shared/columns'
import { runCsv } from '../../../src/cli/outputs'
import { twoValueResult } from '../helpers/runfile'

function csvFor(threads: number): string {
  const result = twoValueResult(threads)
  return runCsv({
    request: { experiment: 'sleep-sort', values: [1, 2], mode: 'classic', unitMs: 1 },
    result,
    events: new EventColumns(),
    machine: { cpus: 1, os: 'linux', timerSlackNs: 1, realtimeAllowed: false },
    appVersion: '0.1.0',
  })
}

describe('regression: CLI CSV rows taken from result.threads', () => {
  it('a 2-value run gives 2 rows, whatever result.threads says', () => {
    expect(csvFor(200_000).split('\r\n').length).toBe(1 + 2 + 1) // header, 2 rows, final CRLF
  })

  it('does not throw on result.threads = 2^32', () => {
    expect(() => csvFor(2 ** 32)).not.toThrow()
  })
})
