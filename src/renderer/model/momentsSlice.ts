/**
 * The run's moments in the store (low-rate: set once per run, then a cursor and the threads to
 * highlight). Built after the result has painted, never in the frame that shows it.
 */
import type { StateCreator } from 'zustand/vanilla'
import type { RunRequest, RunResult } from '../../shared/api'
import { groupMoments, parallelSumMoments, sleepSortMoments, type Moment, type MomentGroup } from '../../shared/moments'
import type { RunData } from './runData'

export interface MomentsSlice {
  /** null until built for the run on screen */
  moments: Moment[] | null
  momentGroups: MomentGroup[]
  /** the moment last gone to (-1: none) */
  momentCursor: number
  /** threads (or chunks) the current moment involves: the views highlight them */
  focusWorkers: ReadonlySet<number> | null
  setMoments(moments: Moment[] | null): void
  goToMoment(index: number): void
  clearFocus(): void
}

export const momentsSlice: StateCreator<MomentsSlice, [], [], MomentsSlice> = (set, get) => ({
  moments: null,
  momentGroups: [],
  momentCursor: -1,
  focusWorkers: null,
  setMoments: (moments) =>
    set({ moments, momentGroups: moments ? groupMoments(moments) : [], momentCursor: -1, focusWorkers: null }),
  goToMoment: (index) => {
    const m = get().moments?.[index]
    if (m) set({ momentCursor: index, focusWorkers: new Set(m.workers) })
  },
  clearFocus: () => set({ focusWorkers: null, momentCursor: -1 }),
})

/** The moments of a finished run from its data (sleep sort: thread table; sum: chunk events). */
export function buildMoments(data: RunData, request: RunRequest, result: RunResult): Moment[] {
  if (request.experiment === 'parallel-sum' || result.experiment === 'parallel-sum')
    return parallelSumMoments(data.cols)
  return sleepSortMoments({
    values: request.values,
    shift: result.shift,
    unitMs: result.unitMs,
    mode: result.mode,
    output: result.output,
    table: data.table,
  })
}
