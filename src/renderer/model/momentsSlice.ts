/**
 * The run's moments in the store (low-rate: set once per run, then a cursor and the threads to
 * highlight). Built after the result has painted, never in the frame that shows it.
 */
import type { StateCreator } from 'zustand/vanilla'
import type { RunRequest, RunResult } from '../../shared/api'
import {
  groupMoments,
  momentAt,
  parallelSumMoments,
  sleepSortMoments,
  type MomentGroup,
  type MomentList,
} from '../../shared/moments'
import type { RunData } from './runData'

export interface MomentsSlice {
  /** null until built for the run on screen */
  moments: MomentList | null
  momentGroups: MomentGroup[]
  /** the moment last gone to (-1: none) */
  momentCursor: number
  /** threads (or chunks) the current moment involves: the views highlight them */
  focusWorkers: ReadonlySet<number> | null
  setMoments(moments: MomentList | null): void
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
    const list = get().moments
    const m = list && momentAt(list, index)
    if (m) set({ momentCursor: index, focusWorkers: new Set(m.workers) })
  },
  clearFocus: () => set({ focusWorkers: null, momentCursor: -1 }),
})

/** The moments of a finished run from its data (sleep sort: thread table; sum: chunk events). */
export function buildMoments(data: RunData, request: RunRequest, result: RunResult): MomentList {
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
