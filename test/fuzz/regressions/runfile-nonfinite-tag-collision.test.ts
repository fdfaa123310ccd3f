/**
 * REGRESSION (src/shared/runfile.ts, canonicalJson / reviveNonFinite): non-finite numbers are stored
 * as the object {"$nonFinite": "NaN" | "Infinity" | "-Infinity"}, and on reading EVERY object of that
 * exact shape is turned back into a number — including one that was an object to begin with. A run
 * whose `options` (free-form JSON display settings) hold { "$nonFinite": "NaN" } comes back with NaN
 * there: encode → decode does not return the run that was saved.
 *
 * Expected: an escape for objects that happen to look like the tag (e.g. write a genuine
 * {"$nonFinite": …} object as {"$nonFinite": …, "$object": true} or under another key, or tag
 * non-finite numbers with a key no JSON value saved by the app can use). Found while writing the
 * run-file round-trip property (runfile.fuzz.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { EventColumns } from '../../../src/shared/columns'
import { decodeRunFile, encodeRunFile, type SavedRun } from '../../../src/shared/runfile'

describe('regression: objects shaped like the non-finite tag', () => {
  it('round-trips options that contain { "$nonFinite": "NaN" }', () => {
    const run: SavedRun = {
      request: { experiment: 'parallel-sum', values: [1] },
      result: null,
      machine: { cpus: 2, os: 'linux', timerSlackNs: 1, realtimeAllowed: false },
      created: '2025-01-01T00:00:00Z',
      appVersion: '0.1.0',
      options: { note: { $nonFinite: 'NaN' }, speed: NaN },
      events: new EventColumns(),
    }
    const r = decodeRunFile(encodeRunFile(run))
    expect(r.ok).toBe(true)
    if (r.ok) expect(r.value.options).toEqual(run.options)
  })
})
