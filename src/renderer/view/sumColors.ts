import { ChunkState, CombineState } from '../model/sumData'

/** Parallel-sum colours: chunk lanes and bars (index = ChunkState), the combine lane (= CombineState). */
export const CHUNK_COLORS: string[] = [
  'rgba(0,0,0,0)', // not started
  '#4f9dff', // summing: the progress fill
  '#f0a640', // partial ready, waiting to be folded
  '#3b4a5e', // folded in
  '#c94fa8', // cancelled
]

/** the unfilled part of a summing chunk (its track) */
export const CHUNK_TRACK = '#1c2c44'

export const COMBINE_COLORS: string[] = [
  'rgba(0,0,0,0)', // not started
  '#2a303c', // waiting for the workers
  '#3fcf78', // folding partials
  '#1f5a3a', // sum ready
]

export const FOLD_TICK = '#e8ecf3'

export const CHUNK_LEGEND: { label: string; color: string; hint: string }[] = [
  {
    label: 'summing',
    color: CHUNK_COLORS[ChunkState.Summing],
    hint: 'the worker is adding its chunk: the fill rises with the values done',
  },
  {
    label: 'partial ready',
    color: CHUNK_COLORS[ChunkState.Done],
    hint: 'the chunk is summed; its partial waits for the coordinator',
  },
  {
    label: 'folded in',
    color: CHUNK_COLORS[ChunkState.Folded],
    hint: 'the partial has been added to the running total',
  },
  {
    label: 'cancelled',
    color: CHUNK_COLORS[ChunkState.Cancelled],
    hint: 'the run was cancelled before the chunk was done',
  },
  {
    label: 'combine: waiting',
    color: COMBINE_COLORS[CombineState.Waiting],
    hint: 'the coordinator waits to join every worker',
  },
  {
    label: 'folding',
    color: COMBINE_COLORS[CombineState.Folding],
    hint: 'the coordinator folds the partials into the total, in chunk order',
  },
  {
    label: 'sum ready',
    color: COMBINE_COLORS[CombineState.Ready],
    hint: 'every partial folded: the exact sum is known',
  },
]
