/**
 * The run's analysis in the store: its moments and the statistics panel's figures (low-rate: set
 * once per run, then a cursor and the threads to highlight). Built off the main thread after the
 * result (runAnalysis.ts), never in the frame that shows it.
 */
import type { StateCreator } from 'zustand/vanilla'
import { groupMoments, momentAt, type MomentGroup, type MomentList } from '../../shared/moments'
import type { RunAnalysis, SortFigures } from './runAnalysis'

export interface MomentsSlice {
  /** null until built for the run on screen */
  moments: MomentList | null
  momentGroups: MomentGroup[]
  /** the statistics panel's figures of a finished sleep sort; null until analysed */
  sortFigures: SortFigures | null
  /** the moment last gone to (-1: none) */
  momentCursor: number
  /** threads (or chunks) the current moment involves: the views highlight them */
  focusWorkers: ReadonlySet<number> | null
  setMoments(moments: MomentList | null): void
  /** the finished run's analysis: moments, their groups and the figures together */
  setAnalysis(analysis: RunAnalysis): void
  goToMoment(index: number): void
  clearFocus(): void
}

export const momentsSlice: StateCreator<MomentsSlice, [], [], MomentsSlice> = (set, get) => ({
  moments: null,
  momentGroups: [],
  sortFigures: null,
  momentCursor: -1,
  focusWorkers: null,
  setMoments: (moments) =>
    set({ moments, momentGroups: moments ? groupMoments(moments) : [], momentCursor: -1, focusWorkers: null }),
  setAnalysis: (a) =>
    set({
      moments: a.moments,
      momentGroups: a.groups,
      sortFigures: a.figures,
      momentCursor: -1,
      focusWorkers: null,
    }),
  goToMoment: (index) => {
    const list = get().moments
    const m = list && momentAt(list, index)
    if (m) set({ momentCursor: index, focusWorkers: new Set(m.workers) })
  },
  clearFocus: () => set({ focusWorkers: null, momentCursor: -1 }),
})
