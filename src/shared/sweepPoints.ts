/**
 * Aggregation of a sweep: one point per (mode, unit) folding its trials (P(sorted), misplaced,
 * causes), and the resolution each mode reaches (definitions in sweepPlan.ts).
 */
import { type TimingMode } from './api'
import { CAUSES, type Cause, attributeColumns, causeCounts } from './attribution'
import { type EventColumns } from './columns'
import { orderStats } from './stats'
import { SweepPlan } from './sweepPlan'
import { buildThreadTable } from './threads'

export type PointStatus =
  /** no trial yet */
  | 'pending'
  /** some trials done, more to come */
  | 'running'
  /** every planned trial done */
  | 'done'
  /** the mode cannot run on this machine (e.g. realtime without permission): not a failure */
  | 'not-allowed'
  /** a trial failed with an error; the point's remaining trials were skipped */
  | 'failed'
  /** the sweep was cancelled while this point was under way (its trials so far are kept) */
  | 'cancelled'

/** One trial as `runOne` reports it. */
export interface TrialOutcome {
  /** every value pushed and none misplaced */
  sorted: boolean
  /** positions where the output differs from the sorted input */
  misplaced: number
  /** misplaced values per cause (attributeColumns → causeCounts); absent when not recorded */
  causes?: Partial<Record<Cause, number>>
  /** the run was cancelled (the sweep's signal): the trial is not counted */
  cancelled?: boolean
}

export interface SweepPoint {
  mode: TimingMode
  unitMs: number
  /** trials planned */
  planned: number
  /** trials counted */
  trials: number
  sortedTrials: number
  misplacedSum: number
  /** misplaced values per cause, summed over trials (sums to misplacedSum) */
  causeSums: Record<Cause, number>
  /** sortedTrials / trials; null before the first trial */
  pSorted: number | null
  /** misplacedSum / trials; null before the first trial */
  meanMisplaced: number | null
  /** causeSums / trials: the stacked bars, summing to meanMisplaced (zeros before the first trial) */
  meanCauses: Record<Cause, number>
  status: PointStatus
  /** why not allowed, or what failed */
  reason?: string
  /** error code of a failure, when the error had one */
  code?: string
}

const zeroCauses = (): Record<Cause, number> => Object.fromEntries(CAUSES.map((c) => [c, 0])) as Record<Cause, number>

export function newPoint(mode: TimingMode, unitMs: number, planned: number): SweepPoint {
  return {
    mode,
    unitMs,
    planned,
    trials: 0,
    sortedTrials: 0,
    misplacedSum: 0,
    causeSums: zeroCauses(),
    pSorted: null,
    meanMisplaced: null,
    meanCauses: zeroCauses(),
    status: 'pending',
  }
}

/** One point per (unit, mode), units outer: index = unitIndex × modes.length + modeIndex. */
export function emptyPoints(plan: SweepPlan): SweepPoint[] {
  return plan.units.flatMap((u) => plan.modes.map((m) => newPoint(m, u, plan.trials)))
}

export function pointIndex(plan: SweepPlan, mode: TimingMode, unitIndex: number): number {
  return unitIndex * plan.modes.length + plan.modes.indexOf(mode)
}

/**
 * The point with one more trial counted (a new object; the input is not changed). Misplaced
 * values the trial did not attribute are added to 'unknown', so the cause stack always sums to
 * the misplaced count. Throws a RangeError when the outcome is malformed (misplaced not a
 * non-negative integer, a cause count negative, or causes summing to more than misplaced).
 * A cancelled outcome is not counted.
 */
export function addTrial(point: SweepPoint, outcome: TrialOutcome): SweepPoint {
  if (outcome.cancelled) return point
  const { misplaced } = outcome
  if (!Number.isSafeInteger(misplaced) || misplaced < 0)
    throw new RangeError(`misplaced ${misplaced} is not a non-negative integer`)
  const add = zeroCauses()
  let attributed = 0
  for (const [cause, n] of Object.entries(outcome.causes ?? {}) as [Cause, number][]) {
    if (!(cause in add)) throw new RangeError(`unknown cause ${cause}`)
    if (!Number.isSafeInteger(n) || n < 0)
      throw new RangeError(`cause ${cause} count ${n} is not a non-negative integer`)
    add[cause] += n
    attributed += n
  }
  if (attributed > misplaced)
    throw new RangeError(`causes account for ${attributed} values but only ${misplaced} are misplaced`)
  add.unknown += misplaced - attributed

  const trials = point.trials + 1
  const sortedTrials = point.sortedTrials + (outcome.sorted ? 1 : 0)
  const misplacedSum = point.misplacedSum + misplaced
  const causeSums = zeroCauses()
  const meanCauses = zeroCauses()
  for (const c of CAUSES) {
    causeSums[c] = point.causeSums[c] + add[c]
    meanCauses[c] = causeSums[c] / trials
  }
  return {
    ...point,
    trials,
    sortedTrials,
    misplacedSum,
    causeSums,
    pSorted: sortedTrials / trials,
    meanMisplaced: misplacedSum / trials,
    meanCauses,
    status: trials >= point.planned ? 'done' : 'running',
  }
}

/** What `outcomeOf` needs of a finished sleep-sort run (the addon's result and the API's have it). */
export interface FinishedSort {
  output: readonly number[]
  mode: TimingMode
  unitMs: number
  shift: number
  cancelled: boolean
}

/**
 * A trial's outcome from a finished run: sorted and misplaced from the output (stats.ts), and,
 * when the run's events are given, the misplaced values per cause (attribution.ts).
 */
export function outcomeOf(values: readonly number[], run: FinishedSort, events?: EventColumns): TrialOutcome {
  const stats = orderStats(run.output, values)
  const outcome: TrialOutcome = { sorted: stats.sorted, misplaced: stats.misplaced, cancelled: run.cancelled }
  if (events && stats.misplaced > 0) {
    const table = buildThreadTable(events, values.length)
    const causes = causeCounts(
      attributeColumns({ values, shift: run.shift, unitMs: run.unitMs, mode: run.mode, output: run.output, table }),
    )
    outcome.causes = causes
  }
  return outcome
}

export type ResolutionKind =
  /** reliable down to unitMs, not at the next smaller measured unit (failedAtMs) */
  | 'bracketed'
  /** reliable at every measured unit: the true resolution is unitMs or finer */
  | 'finer-than-tested'
  /** not reliable at the largest measured unit: the true resolution is coarser than it */
  | 'coarser-than-tested'
  /** no trial of this mode was counted */
  | 'not-measured'

export interface Resolution {
  mode: TimingMode
  threshold: number
  /** the resolution (see the module comment); null when coarser than tested or not measured */
  unitMs: number | null
  /** the largest measured unit below unitMs, where the mode was not reliable (null if none) */
  failedAtMs: number | null
  kind: ResolutionKind
  /** largest and smallest measured units of the mode (null when not measured) */
  largestMs: number | null
  smallestMs: number | null
}

/** The mode's measured points (trials > 0), largest unit first. */
function measured(points: readonly SweepPoint[], mode: TimingMode): SweepPoint[] {
  return points.filter((p) => p.mode === mode && p.trials > 0).sort((a, b) => b.unitMs - a.unitMs)
}

export function resolutionDetail(points: readonly SweepPoint[], mode: TimingMode, threshold = 0.99): Resolution {
  const ps = measured(points, mode)
  const base = { mode, threshold, largestMs: ps[0]?.unitMs ?? null, smallestMs: ps[ps.length - 1]?.unitMs ?? null }
  if (ps.length === 0) return { ...base, unitMs: null, failedAtMs: null, kind: 'not-measured' }
  let unitMs: number | null = null
  for (const p of ps) {
    if ((p.pSorted ?? 0) >= threshold) {
      unitMs = p.unitMs
      continue
    }
    return unitMs === null
      ? { ...base, unitMs: null, failedAtMs: p.unitMs, kind: 'coarser-than-tested' }
      : { ...base, unitMs, failedAtMs: p.unitMs, kind: 'bracketed' }
  }
  return { ...base, unitMs, failedAtMs: null, kind: 'finer-than-tested' }
}

/**
 * The smallest measured unit (ms) at which the mode reached P(sorted) ≥ threshold, as did every
 * larger measured unit; null when the largest measured unit already missed it, or none was measured.
 */
export function resolution(points: readonly SweepPoint[], mode: TimingMode, threshold = 0.99): number | null {
  return resolutionDetail(points, mode, threshold).unitMs
}

export interface ResolutionRatio {
  /** estimate of coarser / finer from the grid; null when either was not measured */
  ratio: number | null
  /**
   * 'about': both bracketed (good to one grid step); 'at-least' / 'at-most': the true ratio is at
   * least / at most `ratio` because a resolution lies outside the units tested; 'unknown' otherwise
   */
  kind: 'about' | 'at-least' | 'at-most' | 'unknown'
}

/**
 * a / b of two resolutions (e.g. classic / scheduled). A resolution outside the range tested is
 * estimated by the end of the range (largest unit when coarser, smallest when finer), and the
 * kind says in which direction the true ratio lies.
 */
export function resolutionRatio(a: Resolution, b: Resolution): ResolutionRatio {
  const est = (r: Resolution) => (r.kind === 'coarser-than-tested' ? r.largestMs : r.unitMs)
  const ea = est(a),
    eb = est(b)
  if (ea === null || eb === null || a.kind === 'not-measured' || b.kind === 'not-measured')
    return { ratio: null, kind: 'unknown' }
  // direction in which the true value of each may differ from its estimate: +1 larger, −1 smaller
  const dir = (r: Resolution) => (r.kind === 'coarser-than-tested' ? 1 : r.kind === 'finer-than-tested' ? -1 : 0)
  const up = dir(a) > 0 || dir(b) < 0
  const down = dir(a) < 0 || dir(b) > 0
  return { ratio: ea / eb, kind: up && down ? 'unknown' : up ? 'at-least' : down ? 'at-most' : 'about' }
}
