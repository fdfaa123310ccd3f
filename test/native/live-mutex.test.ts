// The renderer's mutex at the live edge (model/liveMutex.ts) against the scan of every thread
// (model/mutex.ts) on real runs of the engine: their batches folded one by one as the page folds
// them, compared after every batch — a finished run and a cancelled one.
import { describe, expect, it } from 'vitest'
import { mutexAt } from '../../src/renderer/model/mutex'
import { RunData } from '../../src/renderer/model/runData'
import { randomInts, sleep, sort } from './addon'

const values = randomInts(2000, 1000, 3)

async function record(unitMs: number, cancelAfterMs?: number): Promise<{ runId: number; batches: Float64Array[] }> {
  const batches: Float64Array[] = []
  const run = sort.startSleepSort(values, { unitMs, mode: 'scheduled' }, (b) => batches.push(b))
  if (cancelAfterMs !== undefined) {
    await sleep(cancelAfterMs)
    run.cancel()
  }
  await run.result()
  return { runId: run.runId, batches }
}

/** Compares after each batch; returns how many batches ended with the mutex held or waited for. */
function compareAfterEachBatch(runId: number, batches: Float64Array[]): number {
  const d = new RunData()
  d.reset(runId, values, 1)
  let busy = 0
  for (const b of batches) {
    expect(d.append(b)).toBe(true)
    for (const keep of [6, values.length]) expect(d.mutexAt(d.maxT, keep)).toEqual(mutexAt(d.table, d.maxT, keep))
    const mu = d.mutexAt(d.maxT, 6)
    if (mu.holder >= 0 || mu.waiting > 0) busy++
  }
  return busy
}

describe('mutex at the live edge on real runs', () => {
  it('is what the scan finds after every batch of a 2,000-thread run', async () => {
    const { runId, batches } = await record(0.01)
    expect(batches.length).toBeGreaterThan(1)
    // mid-run batches end with threads queued at the mutex: the comparison is not of empty states
    expect(compareAfterEachBatch(runId, batches)).toBeGreaterThan(0)
  })

  it('is what the scan finds after every batch of a cancelled run', async () => {
    const { runId, batches } = await record(1, 150)
    const d = new RunData()
    d.reset(runId, values, 1)
    for (const b of batches) d.append(b)
    // the cancel came while threads slept: some were cancelled
    expect(Array.from(d.table.cancelled).some((c) => c === c)).toBe(true)
    compareAfterEachBatch(runId, batches)
  })
})
