/**
 * The Diff view's state: the comparison on screen (current run against a saved file, two modes of
 * `Compare modes`, or a diff reopened from a run file) or why it could not be made.
 */
import type { StateCreator } from 'zustand/vanilla'
import type { SleepSortRequest } from '../../shared/api'
import type { EventColumns } from '../../shared/columns'
import { decodeRunFile } from '../../shared/runfile'
import { diffRuns, type DiffRunInput, type RunDiff } from '../../shared/rundiff'

export interface DiffSlice {
  diff: RunDiff | null
  diffError: string | null
  setDiff(diff: RunDiff | null, error?: string | null): void
}

export const diffSlice: StateCreator<DiffSlice, [], [], DiffSlice> = (set) => ({
  diff: null,
  diffError: null,
  setDiff: (diff, error = null) => set({ diff, diffError: error }),
})

/** What the Diff view needs of the run on screen (or of one compared mode). */
export type DiffableRun = Omit<DiffRunInput, 'label'>

/** Diffs two runs; the outcome goes to the store either way. */
export function showDiff(store: { getState(): DiffSlice }, a: DiffRunInput, b: DiffRunInput): boolean {
  const d = diffRuns(a, b)
  store.getState().setDiff(d.ok ? d.diff : null, d.ok ? null : d.message)
  return d.ok
}

/** The current run against a saved run file's bytes (named `name`). */
export function diffWithFile(
  store: { getState(): DiffSlice },
  current: DiffableRun | null,
  name: string,
  bytes: Uint8Array,
): boolean {
  if (!current) {
    store.getState().setDiff(null, 'there is no finished run on screen to compare')
    return false
  }
  const decoded = decodeRunFile(bytes)
  if (!decoded.ok) {
    store.getState().setDiff(null, `could not open ${name}: ${decoded.error.message}`)
    return false
  }
  return showDiff(store, { label: 'this run', ...current }, { label: name, ...decoded.value })
}

/** A compared mode as a diffable run (its events were kept when it finished). */
export function comparedRun(
  request: SleepSortRequest,
  entry: { mode: SleepSortRequest['mode']; result?: DiffRunInput['result']; events?: EventColumns },
): DiffRunInput | null {
  if (!entry.result || !entry.events) return null
  return { label: entry.mode, request: { ...request, mode: entry.mode }, result: entry.result, events: entry.events }
}
