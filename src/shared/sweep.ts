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
 */
import type { Capabilities, Percentiles, TimingMode } from './api'
import { TIMING_MODES } from './api'
import { attributeCauses, causeCounts, CAUSES, type Cause } from './attribution'
import type { EventColumns } from './columns'
import { LIMITS } from './limits'
import { histogram, orderStats, percentiles } from './stats'
import { buildThreadTable } from './threads'

// ---------------------------------------------------------------------------------------------
// Plan

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

// ---------------------------------------------------------------------------------------------
// Presets

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

/** Seed of the generated presets, so every machine sweeps the same lists. */
export const DEFAULT_PRESET_SEED = 0x7e5d1ab

/** mulberry32: a small, fast, seeded generator of floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `n` integers in 0..max (inclusive), reproducible from `seed`. */
export function randomValues(n: number, max: number, seed = DEFAULT_PRESET_SEED): number[] {
  const random = seededRandom(seed)
  return Array.from({ length: n }, () => Math.floor(random() * (max + 1)))
}

/** 0..n−1 shuffled (Fisher–Yates), reproducible from `seed`. */
export function onesApart(n: number, seed = DEFAULT_PRESET_SEED): number[] {
  const random = seededRandom(seed)
  const values = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[values[i], values[j]] = [values[j], values[i]]
  }
  return values
}

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

// ---------------------------------------------------------------------------------------------
// Points

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
  /** misplaced values per cause (attributeCauses → causeCounts); absent when not recorded */
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
      attributeCauses({ values, shift: run.shift, unitMs: run.unitMs, mode: run.mode, output: run.output, table }),
    )
    outcome.causes = causes
  }
  return outcome
}

// ---------------------------------------------------------------------------------------------
// Resolution

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

/** "316 µs" style label of a unit in ms. */
export function formatUnitMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms)
  const ns = ms * 1e6
  const [x, unit] =
    ns >= 1e9 ? [ns / 1e9, 's'] : ns >= 1e6 ? [ns / 1e6, 'ms'] : ns >= 1e3 ? [ns / 1e3, 'µs'] : [ns, 'ns']
  return `${Number(x.toPrecision(3))} ${unit}`
}

/** One line about a resolution, e.g. "31.6 µs (fails at 10 µs)", "≤ 1 µs (finest tested)". */
export function describeResolution(r: Resolution): string {
  switch (r.kind) {
    case 'bracketed':
      return `${formatUnitMs(r.unitMs!)} (not reliable at ${formatUnitMs(r.failedAtMs!)})`
    case 'finer-than-tested':
      return `≤ ${formatUnitMs(r.unitMs!)} (reliable at every unit tested)`
    case 'coarser-than-tested':
      return `> ${formatUnitMs(r.largestMs!)} (not reliable even at the largest unit tested)`
    case 'not-measured':
      return 'not measured'
  }
}

// ---------------------------------------------------------------------------------------------
// Driver

export interface RunOneContext {
  /** aborted when the sweep is cancelled: cancel the run and resolve (or reject) promptly */
  signal: AbortSignal
  values: readonly number[]
  /** 0-based trial of this point */
  trial: number
}

/**
 * Performs one trial: run `values` in `mode` at `unitMs` and report its outcome. Reject with an
 * error whose `code` is 'E_REALTIME_DENIED' to mark the mode not allowed.
 */
export type RunOne = (mode: TimingMode, unitMs: number, context: RunOneContext) => Promise<TrialOutcome>

export interface SweepOptions {
  /** called with a fresh copy of a point whenever it changes (after each trial, status changes) */
  onPoint?: (point: SweepPoint, index: number) => void
  signal?: AbortSignal
  /** what the machine allows; modes it refuses are reported 'not-allowed' and never run */
  capabilities?: Pick<Capabilities, 'realtime'>
  threshold?: number
}

export interface SweepResult {
  plan: SweepPlan
  values: number
  points: SweepPoint[]
  resolutions: Resolution[]
  notAllowed: { mode: TimingMode; reason: string }[]
  cancelled: boolean
  /** ms from start to end of the sweep (host clock) */
  elapsedMs: number
}

/** Which modes cannot run, and why, according to the capabilities. */
export function modesNotAllowed(
  modes: readonly TimingMode[],
  capabilities?: Pick<Capabilities, 'realtime'>,
): Map<TimingMode, string> {
  const out = new Map<TimingMode, string>()
  if (capabilities && !capabilities.realtime.allowed && modes.includes('realtime')) {
    out.set(
      'realtime',
      capabilities.realtime.reason ?? 'realtime scheduling (SCHED_FIFO) is not permitted for this user',
    )
  }
  return out
}

/**
 * Runs the plan: units from largest to smallest; at each unit, trial by trial, every mode in turn
 * (so a slow spell of the machine hits all modes alike). Reports every change of a point through
 * `onPoint`. Resolves (never rejects for a trial's error or a cancel) with every point so far:
 * on abort, the trial under way is cancelled through its context's signal and not counted, the
 * point it belonged to (and any other started one) becomes 'cancelled', and untouched points stay
 * 'pending'. A trial that fails marks its point 'failed' and the sweep goes on.
 */
export async function runSweep(
  plan: SweepPlan,
  values: readonly number[],
  runOne: RunOne,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const started = Date.now()
  const { signal, onPoint } = options
  const points = emptyPoints(plan)
  const report = (i: number) =>
    onPoint?.({ ...points[i], causeSums: { ...points[i].causeSums }, meanCauses: { ...points[i].meanCauses } }, i)
  const set = (i: number, p: SweepPoint) => {
    points[i] = p
    report(i)
  }

  const denied = modesNotAllowed(plan.modes, options.capabilities)
  const denyMode = (mode: TimingMode, reason: string) => {
    denied.set(mode, reason)
    plan.units.forEach((_, u) => {
      const i = pointIndex(plan, mode, u)
      set(i, { ...points[i], status: 'not-allowed', reason })
    })
  }
  for (const [mode, reason] of denied) denyMode(mode, reason)

  // a signal of our own, so trials see an abort even when the caller passed none
  const inner = new AbortController()
  const onAbort = () => inner.abort(signal?.reason)
  if (signal?.aborted) inner.abort(signal.reason)
  else signal?.addEventListener('abort', onAbort, { once: true })

  try {
    outer: for (let u = 0; u < plan.units.length; u++) {
      const unitMs = plan.units[u]
      for (let trial = 0; trial < plan.trials; trial++) {
        for (const mode of plan.modes) {
          if (inner.signal.aborted) break outer
          const i = pointIndex(plan, mode, u)
          const point = points[i]
          if (point.status === 'not-allowed' || point.status === 'failed' || point.trials >= point.planned) continue
          let outcome: TrialOutcome
          // one signal per trial, so listeners a runOne leaves on it do not pile up on the sweep's
          const perTrial = new AbortController()
          const relay = () => perTrial.abort(inner.signal.reason)
          inner.signal.addEventListener('abort', relay, { once: true })
          try {
            outcome = await runOne(mode, unitMs, { signal: perTrial.signal, values, trial })
          } catch (e) {
            if (inner.signal.aborted) break outer
            const err = e as { code?: unknown; message?: unknown }
            const code = typeof err?.code === 'string' ? err.code : undefined
            const message = typeof err?.message === 'string' ? err.message : String(e)
            if (code === 'E_REALTIME_DENIED') denyMode(mode, message)
            else set(i, { ...points[i], status: 'failed', reason: message, code })
            continue
          } finally {
            inner.signal.removeEventListener('abort', relay)
          }
          if (inner.signal.aborted) break outer
          if (outcome.cancelled) {
            // cancelled by something other than this sweep (e.g. another client replaced the run)
            set(i, { ...points[i], status: 'failed', reason: 'the run was cancelled outside the sweep' })
            continue
          }
          try {
            set(i, addTrial(points[i], outcome))
          } catch (e) {
            set(i, { ...points[i], status: 'failed', reason: `bad trial outcome: ${(e as Error).message}` })
          }
        }
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }

  const cancelled = inner.signal.aborted
  if (cancelled) {
    points.forEach((p, i) => {
      if (p.status === 'running') set(i, { ...p, status: 'cancelled' })
    })
  }
  return {
    plan,
    values: values.length,
    points,
    resolutions: plan.modes.map((m) => resolutionDetail(points, m, options.threshold)),
    notAllowed: [...denied].map(([mode, reason]) => ({ mode, reason })),
    cancelled,
    elapsedMs: Date.now() - started,
  }
}

// ---------------------------------------------------------------------------------------------
// What shapes the numbers: the machine figures shown and saved beside every sweep

export interface LatenessFigures extends Percentiles {
  /** ns; equal-width bins from 0 (or the smallest sample, if negative) to the largest sample */
  histogram: { edges: number[]; counts: number[] }
  samples: number
}

export interface MachineFigures {
  cpus: number
  os: string
  /** the default timer slack of a thread here, ns (sorting threads in the scheduled modes use 1 ns) */
  timerSlackNs: number
  realtime: { allowed: boolean; reason?: string }
  /** (wallOn − wallOff) / events of the same run with recording on and off, ≥ 0 */
  recordingCostNsPerEvent: number
  recordingWallOnMs: number
  recordingWallOffMs: number
  /** events the recorded run produced */
  recordingEvents: number
  /** median gap between consecutive `spawned` instants of a classic run */
  spawnNsPerThread: number
  /** threads of the run spawnNsPerThread was measured on */
  spawnThreads: number
  /** lateness (woke − deadline) of sleeps with nothing else due at that instant */
  emptySleepLatenessNs: LatenessFigures
  /** how each figure was measured, for the panel's fine print */
  method: string
  /** time the measurement took, ms */
  tookMs: number
}

/** Median of the finite values (mean of the two middle ones for an even count); NaN when none. */
export function median(values: ArrayLike<number>): number {
  const xs: number[] = []
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) xs.push(values[i])
  if (xs.length === 0) return NaN
  xs.sort((a, b) => a - b)
  const mid = xs.length >> 1
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2
}

/**
 * Median gap between consecutive instants (sorted first; NaN ignored): the time per thread of a
 * spawner that starts threads one after another. NaN with fewer than two instants.
 */
export function medianGapNs(instantsNs: ArrayLike<number>): number {
  const xs: number[] = []
  for (let i = 0; i < instantsNs.length; i++) if (Number.isFinite(instantsNs[i])) xs.push(instantsNs[i])
  if (xs.length < 2) return NaN
  xs.sort((a, b) => a - b)
  const gaps = new Float64Array(xs.length - 1)
  for (let i = 1; i < xs.length; i++) gaps[i - 1] = xs[i] - xs[i - 1]
  return median(gaps)
}

/** (wallOn − wallOff) / events in ns, clamped at 0 (noise can make the recorded run faster); NaN without events. */
export function recordingCostNsPerEvent(wallOnMs: number, wallOffMs: number, events: number): number {
  if (!(events > 0) || !Number.isFinite(wallOnMs) || !Number.isFinite(wallOffMs)) return NaN
  return Math.max(0, ((wallOnMs - wallOffMs) * 1e6) / events)
}

/** p50 / p99 / max (nearest rank) and a histogram of lateness samples in ns (NaN ignored). */
export function latenessFigures(samplesNs: ArrayLike<number>, bins = 20): LatenessFigures {
  const p = percentiles(samplesNs)
  let lo = 0
  let samples = 0
  for (let i = 0; i < samplesNs.length; i++) {
    if (Number.isNaN(samplesNs[i])) continue
    samples++
    if (samplesNs[i] < lo) lo = samplesNs[i]
  }
  const h = samples
    ? histogram(samplesNs, bins, { min: lo })
    : { edges: new Float64Array(0), counts: new Uint32Array(0) }
  return { ...p, histogram: { edges: Array.from(h.edges), counts: Array.from(h.counts) }, samples }
}

// ---------------------------------------------------------------------------------------------
// What is saved

export const SWEEP_RECORD_VERSION = 1

/** A sweep as saved (JSON-safe): the list, the plan, every point, and the machine it ran on. */
export interface SweepRecord {
  kind: 'threadlab-sweep'
  version: typeof SWEEP_RECORD_VERSION
  /** ISO time the sweep ended */
  savedAt: string
  preset: SweepPresetId | 'custom'
  values: number[]
  plan: SweepPlan
  threshold: number
  points: SweepPoint[]
  resolutions: Resolution[]
  notAllowed: { mode: TimingMode; reason: string }[]
  cancelled: boolean
  elapsedMs: number
  /** the figures shown beside the sweep; null when they could not be measured */
  machine: MachineFigures | null
}

export function sweepRecord(
  result: SweepResult,
  values: readonly number[],
  machine: MachineFigures | null,
  options: { preset?: SweepPresetId | 'custom'; threshold?: number; savedAt?: Date } = {},
): SweepRecord {
  const threshold = options.threshold ?? 0.99
  return {
    kind: 'threadlab-sweep',
    version: SWEEP_RECORD_VERSION,
    savedAt: (options.savedAt ?? new Date()).toISOString(),
    preset: options.preset ?? 'custom',
    values: [...values],
    plan: result.plan,
    threshold,
    points: result.points,
    resolutions: result.plan.modes.map((m) => resolutionDetail(result.points, m, threshold)),
    notAllowed: result.notAllowed,
    cancelled: result.cancelled,
    elapsedMs: result.elapsedMs,
    machine,
  }
}
