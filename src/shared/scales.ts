/**
 * What puts sleep sort's output in order at each scale of unit, for one list on one machine:
 *
 * - *time*: while neighbouring values' deadlines are further apart than a wake-up can be late, the
 *   clock alone keeps the order — any mode that sleeps to absolute deadlines sorts.
 *   The crossover is the unit at which the smallest gap between distinct values, in time, equals
 *   the machine's wake-up lateness (p99 of its empty sleeps).
 * - *the timer queue*: below that, wake-ups come late relative to the gaps, but the kernel keeps
 *   pending timers ordered by expiry and fires them in that order; with every sorting thread on one
 *   CPU under SCHED_FIFO (realtime), each arming its one timer only once the epoch is final, the run
 *   queue keeps that order too, so the output is still exact. The order comes from the queue, not
 *   from the clock.
 * - *ties*: the engine rounds every deadline to a whole nanosecond, the clock's unit. Once two
 *   distinct values' deadlines round to the same nanosecond, they are a tie and nothing can order
 *   them: the sweep ends at 1 ns, where distinct integers still get distinct deadlines.
 */
import { LIMITS } from './limits'
import { formatUnitMs } from './units'

/** Pairs of neighbouring distinct values whose deadlines round to the same nanosecond at `unitMs`. */
export function deadlineTies(values: readonly number[], unitMs: number, shift = 0): number {
  const sorted = Float64Array.from(values).sort()
  const unitNs = unitMs * 1e6
  let ties = 0
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) continue
    if (Math.round((sorted[i] + shift) * unitNs) === Math.round((sorted[i - 1] + shift) * unitNs)) ties++
  }
  return ties
}

/** The smallest gap between two distinct values of the list (Infinity with fewer than two). */
export function smallestGap(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort()
  let gap = Infinity
  for (let i = 1; i < sorted.length; i++) {
    const d = sorted[i] - sorted[i - 1]
    if (d > 0 && d < gap) gap = d
  }
  return gap
}

export interface ScaleStory {
  /** unit (ms) below which time alone no longer sorts; null when the lateness is unknown */
  crossoverMs: number | null
  /** ties at the finest unit (LIMITS.minUnitMs) */
  tiesAtFinest: number
  /** three paragraphs, coarse to fine */
  parts: { scale: 'time' | 'timer-queue' | 'ties'; title: string; text: string }[]
}

/** The three regimes for a list, with the crossover from the machine's p99 wake-up lateness. */
export function scaleStory(values: readonly number[], latenessP99Ns: number | null): ScaleStory {
  const gap = smallestGap(values)
  const finest = LIMITS.minUnitMs
  const crossoverMs =
    latenessP99Ns !== null && Number.isFinite(latenessP99Ns) && latenessP99Ns > 0 && Number.isFinite(gap)
      ? latenessP99Ns / 1e6 / gap
      : null
  const tiesAtFinest = deadlineTies(values, finest)
  const above = crossoverMs === null ? 'At large units' : `Above about ${formatUnitMs(crossoverMs)}`
  const lateness =
    latenessP99Ns === null
      ? 'a wake-up can be late'
      : `a wake-up is late here (p99 ${formatUnitMs(latenessP99Ns / 1e6)})`
  return {
    crossoverMs,
    tiesAtFinest,
    parts: [
      {
        scale: 'time',
        title: 'Time sorts',
        text: `${above}, neighbouring values' deadlines are further apart than ${lateness}: the clock alone keeps the order, and every mode that sleeps to absolute deadlines sorts.`,
      },
      {
        scale: 'timer-queue',
        title: 'Then the timer queue',
        text: `${crossoverMs === null ? 'Below that' : `Below ${formatUnitMs(crossoverMs)}`}, wake-ups come late compared with the gaps, but the kernel fires pending timers in deadline order; realtime keeps that order on one CPU's FIFO run queue, so it stays exact down to ${formatUnitMs(finest)} while the other modes scramble.`,
      },
      {
        scale: 'ties',
        title: `It ends at ${formatUnitMs(finest)}`,
        text: `Deadlines are whole nanoseconds, the clock's unit. Distinct values whose deadlines round to the same nanosecond are ties that nothing can order${tiesAtFinest ? `: this list has ${tiesAtFinest} such ${tiesAtFinest === 1 ? 'pair' : 'pairs'} at ${formatUnitMs(finest)}` : ` (this list has none at ${formatUnitMs(finest)}; values closer than 1 apart would)`}.`,
      },
    ],
  }
}
