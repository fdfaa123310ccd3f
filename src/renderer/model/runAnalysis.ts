/**
 * What the panels show about a finished run beyond its result: the statistics panel's figures
 * (lateness and lock-wait percentiles, the lateness histogram, the cause sentence) and the moments
 * with their groups. A pure function of the run, so it can run off the main thread
 * (view/analysis.worker.ts): for 10,000 threads it costs tens of ms, more than a frame. The answer
 * is plain data (typed columns), so it crosses back by structured clone at memcpy speed.
 */
import type { Percentiles, RunRequest, RunResult } from '../../shared/api'
import { attributeColumns, explainRun, type AttributionColumns, type AttributionInput } from '../../shared/attribution'
import {
  groupMoments,
  parallelSumMoments,
  sleepSortMoments,
  type MomentGroup,
  type MomentList,
} from '../../shared/moments'
import { latenessArray, lockWaitArray, percentiles } from '../../shared/stats'
import { logHistogram, type LogHistogram } from './histogram'
import type { RunData } from './runData'

/** The statistics panel's figures of a finished sleep sort. */
export interface SortFigures {
  hist: LogHistogram
  late: Percentiles
  lockWait: Percentiles
  /** one sentence naming the main cause of any error */
  sentence: string
  /** threads that woke more than one unit late */
  overUnit: number
}

export interface RunAnalysis {
  /** null for a parallel sum */
  figures: SortFigures | null
  moments: MomentList
  groups: MomentGroup[]
}

/** Lateness histogram bins of the statistics panel. */
const HIST_BINS = 14

/** Everything about a finished sleep sort; the attribution is computed once for sentence and moments. */
export function analyseSort(input: AttributionInput): RunAnalysis {
  const lateness = latenessArray(input.table)
  const unitNs = input.unitMs * 1e6
  let overUnit = 0
  for (const l of lateness) if (l > unitNs) overUnit++
  let attributions: AttributionColumns | undefined
  let sentence: string
  try {
    attributions = attributeColumns(input)
    sentence = explainRun(input, attributions)
  } catch (e) {
    sentence = `(could not explain the run: ${(e as Error).message})`
  }
  const moments = sleepSortMoments({ ...input, attributions })
  return {
    figures: {
      hist: logHistogram(lateness, HIST_BINS),
      late: percentiles(lateness),
      lockWait: percentiles(lockWaitArray(input.table)),
      sentence,
      overUnit,
    },
    moments,
    groups: groupMoments(moments),
  }
}

/** A parallel sum's moments (a few per chunk: cheap, read from the event columns). */
export function analyseSum(data: RunData): RunAnalysis {
  const moments = parallelSumMoments(data.cols)
  return { figures: null, moments, groups: groupMoments(moments) }
}

/** The sleep sort's input to the analysis, or null for a parallel sum. */
export function sortAnalysisInput(data: RunData, request: RunRequest, result: RunResult): AttributionInput | null {
  if (request.experiment === 'parallel-sum' || result.experiment === 'parallel-sum') return null
  return {
    values: request.values,
    shift: result.shift,
    unitMs: result.unitMs,
    mode: result.mode,
    output: result.output,
    table: data.table,
  }
}
