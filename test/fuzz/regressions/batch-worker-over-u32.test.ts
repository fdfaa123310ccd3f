/**
 * REGRESSION (src/shared/events.ts readBatchHeader / src/shared/columns.ts appendBatch): a batch
 * whose worker index is a non-negative integer above 2^32 - 1 passes readBatchHeader (it checks only
 * `Number.isInteger(worker) && worker >= 0`), and appendBatch then stores it in the Uint32Array
 * `worker` column, where it wraps silently: worker 2^32 becomes worker 0, 2^32 + 5 becomes 5. The
 * decoded rows are not the batch's rows, and the event is attributed to another thread.
 *
 *   const b = new Float64Array([1, 1, 0, 1,  0, 2 ** 32, 5, 0])
 *   readBatchHeader(b)            → { runId: 1, seq: 0, count: 1 }   (accepted)
 *   cols.appendBatch(b); cols.worker[0] → 0
 *
 * Expected: E_BATCH for a worker above 0xFFFFFFFF (the most the columns and the run file's u32
 * worker column can hold). Found by batch.fuzz.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { EventColumns } from '../../../src/shared/columns'
import { readBatchHeader } from '../../../src/shared/events'

describe('regression: worker index over 2^32 - 1', () => {
  it.each([2 ** 32, 2 ** 32 + 5, 2 ** 53 - 1])('worker %d is refused, or decoded exactly', (worker) => {
    const b = new Float64Array([1, 1, 0, 1, 0, worker, 5, 0])
    const cols = new EventColumns()
    const err = cols.appendBatch(b)
    if (err) {
      expect(err.code).toBe('E_BATCH')
      expect(readBatchHeader(b)).toMatchObject({ code: 'E_BATCH' })
      expect(cols.length).toBe(0)
    } else {
      expect(cols.worker[0]).toBe(worker)
    }
  })
})
