// The store's moments: set after a run, a cursor and the highlighted threads, cleared by a new run;
// and the Diff view's state from two runs or a file.
import { describe, expect, it } from 'vitest'
import { encodeRunFile } from '../../src/shared/runfile'
import { diffWithFile } from '../../src/renderer/model/diffSlice'
import { createAppStore } from '../../src/renderer/model/store'
import { momentArray, sleepSortMoments } from '../../src/shared/moments'
import { sleepRun } from '../shared/helpers/savedRun'
import { simulateSleepSort } from '../shared/helpers/sim'

describe('moments in the store', () => {
  it('goes to a moment, lights its threads, and a new run clears them', () => {
    const store = createAppStore()
    const run = simulateSleepSort({ values: [3, 2, 1], unitMs: 1, mode: 'classic', spawnGapNs: 2e6 })
    const moments = sleepSortMoments({ ...run, table: run.table })
    store.getState().setMoments(moments)
    const inv = momentArray(moments).findIndex((m) => m.kind === 'inversion')
    expect(store.getState().momentGroups.map((g) => g.key)).toEqual(['run', 'spawn-offset'])
    store.getState().goToMoment(inv)
    expect(store.getState().momentCursor).toBe(inv)
    expect([...store.getState().focusWorkers!]).toEqual(momentArray(moments)[inv].workers)
    store.getState().goToMoment(999) // no such moment: nothing changes
    expect(store.getState().momentCursor).toBe(inv)
    store.getState().runStarting({ experiment: 'sleep-sort', values: [1], mode: 'classic', unitMs: 1 })
    expect(store.getState()).toMatchObject({ moments: null, momentCursor: -1, focusWorkers: null, diff: null })
  })
})

describe('diffWithFile', () => {
  it('diffs the run on screen against a file, or says why not', () => {
    const store = createAppStore()
    const a = sleepRun([5, 1, 4, 2, 3], { mode: 'classic', spawnGapNs: 2e6 })
    expect(diffWithFile(store, a, 'same.threadlab', encodeRunFile(a))).toBe(true)
    expect(store.getState().diff?.summary.moved).toBe(0)
    expect(store.getState().diff?.b.label).toBe('same.threadlab')
    expect(diffWithFile(store, a, 'other.threadlab', encodeRunFile(sleepRun([1, 2])))).toBe(false)
    expect(store.getState()).toMatchObject({
      diff: null,
      diffError: 'different inputs: this run sorted 5 values, other.threadlab sorted 2 values',
    })
    expect(diffWithFile(store, a, 'junk.bin', new Uint8Array([1, 2, 3]))).toBe(false)
    expect(store.getState().diffError).toMatch(/^could not open junk.bin: this is not a Threadlab run file/)
    expect(diffWithFile(store, null, 'x.threadlab', encodeRunFile(a))).toBe(false)
    expect(store.getState().diffError).toBe('there is no finished run on screen to compare')
  })
})
