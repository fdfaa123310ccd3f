/**
 * The sweep experiment: run the same list many times over a range of units, in every mode, and
 * find the smallest unit at which each mode still sorts reliably: this machine's resolution.
 * Plus the figures of the "honest measurement" panel that is shown and saved beside every sweep.
 *
 * Pure TS (no Node, no DOM): the renderer drives a sweep through window.threadlab, the bench and
 * the CLI through the addon; both hand `runSweep` a `runOne` that performs one trial.
 *
 * Definitions:
 * - A *point* is one (mode, unit) cell: `trials` runs of the list, each giving sorted yes/no, the
 *   misplaced count (positions where the output differs from the sorted input) and, when events
 *   were recorded, the misplaced values per cause (src/shared/attribution.ts).
 * - P(sorted) = sorted trials / trials; mean misplaced = misplaced summed over trials / trials; the
 *   *stacked causes* are the misplaced values per cause summed over trials / trials, so the stack's
 *   height is the mean misplaced. Misplaced values a trial did not attribute count as 'unknown'.
 * - A mode is *reliable* at a unit when its P(sorted) ≥ threshold (default 0.99).
 * - The mode's *resolution* is the smallest measured unit u such that the mode was reliable at u
 *   and at every larger measured unit (points without trials are ignored). It is null when the
 *   mode was not reliable at its largest measured unit (or nothing was measured). A mode that
 *   recovers at a smaller unit after failing at a larger one does not get the smaller unit:
 *   resolution means "everything from here up works".
 *
 * This file: what a sweep will run (units × modes × trials), its limits and time estimate, and
 * the preset lists. Aggregation is in sweepPoints.ts, the driver in sweepDriver.ts.
 */
import { TIMING_MODES, type TimingMode } from './api'
import { LIMITS } from './limits'
import { DEFAULT_PRESET_SEED, onesApart, randomValues } from './seededRandom'
import { formatUnitMs } from './units'

export interface SweepPlanInput {
  /** one end of the unit range, ms (either end may be the larger) */
  fromMs: number
  /** the other end, ms */
  toMs: number
  /** units in the range, both ends included (1 when fromMs === toMs) */
  steps: number
  /** runs per (mode, unit) */
  trials: number
  modes: readonly TimingMode[]
}

export interface SweepPlan {
  /** ms per unit of value, log-spaced, strictly decreasing (largest first) */
  units: number[]
  trials: number
  /** distinct modes in the order given */
  modes: TimingMode[]
}

export const SWEEP_LIMITS = {
  maxSteps: 60,
  maxTrials: 1000,
} as const

/** Why a sweep request cannot be planned, or null when it can. */
export function checkSweepInput(input: SweepPlanInput): string | null {
  const { fromMs, toMs, steps, trials, modes } = input
  for (const [name, v] of [
    ['fromMs', fromMs],
    ['toMs', toMs],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return `${name} must be a finite number of ms`
    if (v < LIMITS.minUnitMs || v > LIMITS.maxUnitMs)
      return `${name} ${v} is outside ${LIMITS.minUnitMs}..${LIMITS.maxUnitMs} ms (${formatUnitMs(LIMITS.minUnitMs)} to ${formatUnitMs(LIMITS.maxUnitMs)})`
  }
  if (!Number.isInteger(steps) || steps < 1 || steps > SWEEP_LIMITS.maxSteps)
    return `steps must be an integer in 1..${SWEEP_LIMITS.maxSteps}`
  if (fromMs !== toMs && steps < 2) return 'a range of units needs at least 2 steps'
  if (!Number.isInteger(trials) || trials < 1 || trials > SWEEP_LIMITS.maxTrials)
    return `trials must be an integer in 1..${SWEEP_LIMITS.maxTrials}`
  if (!Array.isArray(modes) || modes.length === 0) return 'choose at least one mode'
  for (const m of modes) if (!TIMING_MODES.includes(m)) return `unknown mode ${String(m)}`
  return null
}

/**
 * Log-spaced units from the larger end down to the smaller, both ends exact:
 * units[i] = hi × (lo / hi)^(i / (steps − 1)). Throws a RangeError on a bad request
 * (see checkSweepInput).
 */
export function planSweep(input: SweepPlanInput): SweepPlan {
  const problem = checkSweepInput(input)
  if (problem) throw new RangeError(problem)
  const hi = Math.max(input.fromMs, input.toMs)
  const lo = Math.min(input.fromMs, input.toMs)
  const steps = hi === lo ? 1 : input.steps
  const units: number[] = []
  for (let i = 0; i < steps; i++)
    units.push(i === 0 ? hi : i === steps - 1 ? lo : hi * Math.pow(lo / hi, i / (steps - 1)))
  return { units, trials: input.trials, modes: [...new Set(input.modes)] }
}

/**
 * Rough duration of a sweep in ms: per trial, the largest value's sleep plus a per-run overhead
 * (spawning one thread per value, ~`spawnNsPerThread` each, plus `overheadMs`).
 */
export function estimateSweepMs(
  plan: SweepPlan,
  values: readonly number[],
  spawnNsPerThread = 40_000,
  overheadMs = 6,
): number {
  let lo = Infinity,
    hi = -Infinity
  for (const v of values) {
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  const span = values.length ? hi - Math.min(0, lo) : 0
  const perRun = overheadMs + (values.length * spawnNsPerThread) / 1e6
  let total = 0
  for (const u of plan.units) total += (span * u + perRun) * plan.trials * plan.modes.length
  return total
}

export type SweepPresetId = 'seed' | 'random1000' | 'onesApart'

export interface SweepPresetInfo {
  id: SweepPresetId
  label: string
  hint: string
}

export const SWEEP_PRESETS: readonly SweepPresetInfo[] = [
  { id: 'seed', label: "the seed's list", hint: '5 1 2 6 8 2 4 2 3 8 0 2' },
  {
    id: 'random1000',
    label: '1,000 random values',
    hint: 'integers in 0..999 from a seeded generator (the same list every time)',
  },
  {
    id: 'onesApart',
    label: 'values 1 apart',
    hint: '0..999 shuffled by a seeded generator: neighbours one unit apart',
  },
]

export const SEED_VALUES: readonly number[] = [5, 1, 2, 6, 8, 2, 4, 2, 3, 8, 0, 2]

export function sweepPreset(id: SweepPresetId, seed = DEFAULT_PRESET_SEED): number[] {
  switch (id) {
    case 'seed':
      return [...SEED_VALUES]
    case 'random1000':
      return randomValues(1000, 999, seed)
    case 'onesApart':
      return onesApart(1000, seed)
  }
}
