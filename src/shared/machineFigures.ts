/** What shapes the numbers: the machine figures shown and saved beside every sweep. */
import { type Percentiles } from './api'
import { histogram, percentiles } from './stats'

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
