/** A sweep as saved and opened again (JSON-safe). */
import { type TimingMode } from './api'
import { MachineFigures } from './machineFigures'
import { SweepResult } from './sweepDriver'
import { SweepPlan, SweepPresetId } from './sweepPlan'
import { Resolution, SweepPoint, resolutionDetail } from './sweepPoints'

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
