/**
 * The async sweep driver: runs every (unit, mode) point of a plan through a `runOne` the host
 * provides (the renderer through the API, the bench and the CLI through the addon), cancellable,
 * reporting each finished trial.
 */
import { type Capabilities, type TimingMode } from './api'
import { SweepPlan } from './sweepPlan'
import {
  Resolution,
  SweepPoint,
  TrialOutcome,
  addTrial,
  emptyPoints,
  pointIndex,
  resolutionDetail,
} from './sweepPoints'

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
