/**
 * Why did sleep sort get the order wrong? Gives every misplaced value one cause, measured from the
 * run's per-thread timeline, and one plain sentence for the stats panel.
 *
 * Definitions (n values, m = output.length pushes, sorted = the values ascending):
 * - Output position i is *misplaced* when output[i] !== sorted[i] (the stats' definition).
 * - A value's *nominal sleep* is round((value + shift) × unitMs × 1e6) ns. Values with equal nominal
 *   sleeps are a *tie*: the machine was asked to wake them at the same instant, so any order is right.
 * - The *partner* of a misplaced value v is the value it is most inverted against: the largest value
 *   pushed before it (if larger than v) or the smallest pushed after it (if smaller), whichever has
 *   the bigger nominal gap (the one before wins a draw); failing both, the smallest value never
 *   pushed (if smaller than v: the run was cancelled). Every misplaced position in a complete run
 *   has such a partner, so none is left unexplained.
 * - For the pair (a = the smaller value, b = the larger that was pushed first) the cause is:
 *   - `tie` when their nominal sleeps are equal (not an error);
 *   - `spawn-offset` when b woke first and b's absolute deadline was already before a's: a started
 *     sleeping late enough relative to b that perfect timers would invert them (classic mode).
 *     Δ = a's sleep start − the first thread's sleep start;
 *   - `timer-lateness` when b woke first although a's deadline came first. Δ = a's lateness
 *     (woke − deadline);
 *   - `lock-handoff` when a woke first (or at the same instant) yet b got the mutex first.
 *     Δ = a's time from waking to acquiring the mutex;
 *   - `cancelled` when the partner was never pushed (the run stopped first). Δ = NaN;
 *   - `unknown` only when the table lacks the needed instants (e.g. a run recorded without events).
 * The *culprit* is the worker whose timeline the Δ measures (always a, the smaller value).
 */
import type { TimingMode } from './api'
import { formatDurationNs } from './stats'
import type { ThreadTable } from './threads'

export type Cause = 'spawn-offset' | 'timer-lateness' | 'lock-handoff' | 'tie' | 'cancelled' | 'unknown'
export const CAUSES: readonly Cause[] = [
  'spawn-offset',
  'timer-lateness',
  'lock-handoff',
  'tie',
  'cancelled',
  'unknown',
]

export interface AttributionInput {
  /** input values by worker, in the same units as `output` */
  values: readonly number[]
  /** added to every value to get its sleep in units (the engine's negative-number shift); default 0 */
  shift?: number
  unitMs: number
  mode: TimingMode
  /** values in push order */
  output: readonly number[]
  table: ThreadTable
}

export interface CauseAttribution {
  /** position in the output */
  outputIndex: number
  value: number
  /** what sorted order puts there */
  expected: number
  /** worker that pushed it (-1 when the table does not say) */
  worker: number
  cause: Cause
  /** 'late': a larger value was pushed before it; 'early': it was pushed before a smaller value */
  direction: 'late' | 'early'
  /** worker it is inverted against (-1 if none) */
  partner: number
  /** worker whose timeline Δ measures (the smaller value of the pair; -1 if none) */
  culprit: number
  /** ns; see the cause definitions above (NaN for cancelled and unknown) */
  deltaNs: number
  /** the workers involved: [worker, partner] without -1s */
  workers: number[]
}

/**
 * Every misplaced position's attribution as typed columns, in output order: one pass over the
 * output, no object per value (a 10,000-thread classic run has ~10,000 of them). Moments, the run
 * diff and the summaries read these; attributeCauses() gives the same rows as objects.
 */
export interface AttributionColumns {
  /** attributions (misplaced positions); every column holds at least this many rows */
  length: number
  outputIndex: Int32Array
  /** what sorted order puts there */
  expected: Float64Array
  /** worker that pushed it (-1 when the table does not say) */
  worker: Int32Array
  /** index into CAUSES */
  cause: Uint8Array
  /** 1: a larger value was pushed before it ('late'); 0: it was pushed before a smaller one ('early') */
  late: Uint8Array
  /** worker it is inverted against (-1 if none) */
  partner: Int32Array
  /** output position of the partner (-1 when none or never pushed) */
  partnerIndex: Int32Array
  /** worker whose timeline Δ measures (-1 if none) */
  culprit: Int32Array
  /** ns; see the cause definitions above (NaN for cancelled and unknown) */
  deltaNs: Float64Array
}

const CAUSE_INDEX = Object.fromEntries(CAUSES.map((c, i) => [c, i])) as Record<Cause, number>

export function attributeColumns(input: AttributionInput): AttributionColumns {
  const { values, output, table, mode } = input
  const shift = input.shift ?? 0
  const unitNs = input.unitMs * 1e6
  const nominal = (v: number) => Math.round((v + shift) * unitNs)
  const m = output.length
  const sorted = Float64Array.from(values).sort()

  // who pushed each output position
  const pushedBy = new Int32Array(m).fill(-1)
  const threads = Math.min(table.count, values.length)
  for (let w = 0; w < threads; w++) {
    const at = table.index[w]
    if (at >= 0 && at < m && pushedBy[at] === -1) pushedBy[at] = w
  }
  // smallest value never pushed
  let unpushedMin = -1
  if (m < values.length) {
    const pushed = new Uint8Array(values.length)
    for (let i = 0; i < m; i++) if (pushedBy[i] >= 0) pushed[pushedBy[i]] = 1
    for (let w = 0; w < values.length; w++) {
      if (!pushed[w] && (unpushedMin < 0 || values[w] < values[unpushedMin])) unpushedMin = w
    }
  }
  // position of the largest value strictly before i, and of the smallest strictly after i
  const prefMax = new Int32Array(m).fill(-1)
  for (let i = 1; i < m; i++) {
    const p = prefMax[i - 1]
    prefMax[i] = p < 0 || output[i - 1] > output[p] ? i - 1 : p
  }
  const sufMin = new Int32Array(m).fill(-1)
  for (let i = m - 2; i >= 0; i--) {
    const s = sufMin[i + 1]
    sufMin[i] = s < 0 || output[i + 1] < output[s] ? i + 1 : s
  }

  let firstSleep = Infinity
  for (let w = 0; w < table.count; w++) if (table.sleepStart[w] < firstSleep) firstSleep = table.sleepStart[w]

  const deadlineOf = (w: number, v: number): number => {
    const d = table.deadline[w]
    if (Number.isFinite(d)) return d
    return mode === 'classic' ? table.sleepStart[w] + nominal(v) : nominal(v)
  }

  const out: AttributionColumns = {
    length: 0,
    outputIndex: new Int32Array(m),
    expected: new Float64Array(m),
    worker: new Int32Array(m),
    cause: new Uint8Array(m),
    late: new Uint8Array(m),
    partner: new Int32Array(m),
    partnerIndex: new Int32Array(m),
    culprit: new Int32Array(m),
    deltaNs: new Float64Array(m),
  }
  const UNKNOWN = CAUSE_INDEX.unknown
  // the columns as locals: the loops below run once per misplaced value
  const {
    outputIndex: outIndex,
    expected: outExpected,
    worker: outWorker,
    late: outLate,
    partner: outPartner,
    partnerIndex: outPartnerIndex,
    culprit: outCulprit,
    cause: outCause,
    deltaNs: outDelta,
  } = out
  const { woke, sleepStart, lockAcquired, pushed } = table

  // the pair (a = smaller, b = larger pushed first) of row o: cause and Δ
  const classify = (o: number, a: number, b: number, va: number, vb: number): void => {
    const wa = woke[a],
      wb = woke[b]
    outCause[o] = UNKNOWN
    outDelta[o] = NaN
    if (Number.isNaN(wa) || Number.isNaN(wb)) return
    if (wb < wa) {
      const da = deadlineOf(a, va),
        db = deadlineOf(b, vb)
      if (Number.isNaN(da) || Number.isNaN(db)) return
      if (db < da) {
        const start = Number.isFinite(sleepStart[a]) ? sleepStart[a] : da - nominal(va)
        outCause[o] = CAUSE_INDEX['spawn-offset']
        outDelta[o] = start - (Number.isFinite(firstSleep) ? firstSleep : start)
      } else {
        outCause[o] = CAUSE_INDEX['timer-lateness']
        outDelta[o] = wa - da
      }
      return
    }
    const got = Number.isFinite(lockAcquired[a]) ? lockAcquired[a] : pushed[a]
    if (Number.isNaN(got)) return
    outCause[o] = CAUSE_INDEX['lock-handoff']
    outDelta[o] = got - wa
  }

  for (let i = 0; i < m; i++) {
    const v = output[i]
    if (i < sorted.length && v === sorted[i]) continue
    const o = out.length++
    const w = pushedBy[i]
    const nv = nominal(v)
    const j = prefMax[i]
    const k = sufMin[i]
    const gapBefore = j >= 0 && output[j] > v ? nominal(output[j]) - nv : -1
    const gapAfter = k >= 0 && output[k] < v ? nv - nominal(output[k]) : -1
    const gapUnpushed = unpushedMin >= 0 && values[unpushedMin] < v ? nv - nominal(values[unpushedMin]) : -1

    outIndex[o] = i
    outExpected[o] = i < sorted.length ? sorted[i] : NaN
    outWorker[o] = w
    outLate[o] = 1
    outPartner[o] = -1
    outPartnerIndex[o] = -1
    outCulprit[o] = -1
    outCause[o] = UNKNOWN
    outDelta[o] = NaN
    if (gapBefore > 0 || gapAfter > 0) {
      const before = gapBefore >= gapAfter
      const at = before ? j : k
      const partner = pushedBy[at]
      outLate[o] = before ? 1 : 0
      outPartner[o] = partner
      outPartnerIndex[o] = at
      const a = before ? w : partner
      const b = before ? partner : w
      if (a >= 0 && b >= 0) {
        outCulprit[o] = a
        if (before) classify(o, a, b, v, output[j])
        else classify(o, a, b, output[k], v)
      }
    } else if (gapUnpushed > 0) {
      outLate[o] = 0
      outPartner[o] = outCulprit[o] = unpushedMin
      outCause[o] = CAUSE_INDEX.cancelled
    } else if (gapBefore === 0 || gapAfter === 0 || gapUnpushed === 0) {
      const before = gapBefore === 0
      const at = before ? j : gapAfter === 0 ? k : -1
      const partner = at >= 0 ? pushedBy[at] : unpushedMin
      outLate[o] = before ? 1 : 0
      outPartner[o] = partner
      outPartnerIndex[o] = at
      outCulprit[o] = before ? w : partner
      outCause[o] = CAUSE_INDEX.tie
      outDelta[o] = 0
    }
  }
  return out
}

export function attributeCauses(input: AttributionInput): CauseAttribution[] {
  const cols = attributeColumns(input)
  const out: CauseAttribution[] = []
  for (let o = 0; o < cols.length; o++) {
    const w = cols.worker[o],
      partner = cols.partner[o]
    out.push({
      outputIndex: cols.outputIndex[o],
      value: input.output[cols.outputIndex[o]],
      expected: cols.expected[o],
      worker: w,
      cause: CAUSES[cols.cause[o]],
      direction: cols.late[o] ? 'late' : 'early',
      partner,
      culprit: cols.culprit[o],
      deltaNs: cols.deltaNs[o],
      workers: [w, partner].filter((x, n, all) => x >= 0 && all.indexOf(x) === n),
    })
  }
  return out
}

/** Attributions as columns (attributeColumns) or as objects (attributeCauses): the summaries take either. */
export type Attributions = AttributionColumns | readonly CauseAttribution[]

/** The columns the summaries read, from either form. */
function summaryColumns(a: Attributions): Pick<AttributionColumns, 'length' | 'cause' | 'culprit' | 'deltaNs'> {
  if (!Array.isArray(a)) return a as AttributionColumns
  const list = a as readonly CauseAttribution[]
  return {
    length: list.length,
    cause: Uint8Array.from(list, (x) => CAUSE_INDEX[x.cause]),
    culprit: Int32Array.from(list, (x) => x.culprit),
    deltaNs: Float64Array.from(list, (x) => x.deltaNs),
  }
}

/** Misplaced values per cause (every cause present, zero when absent). */
export function causeCounts(attributions: Attributions): Record<Cause, number> {
  const { length, cause } = summaryColumns(attributions)
  const byIndex = new Array<number>(CAUSES.length).fill(0)
  for (let o = 0; o < length; o++) byIndex[cause[o]]++
  return Object.fromEntries(CAUSES.map((c, i) => [c, byIndex[i]])) as Record<Cause, number>
}

export interface CauseSummary {
  cause: Cause
  /** misplaced values with this cause */
  count: number
  /** distinct culprit workers */
  culprits: number
  /** largest Δ over them (NaN when none is measured) */
  maxDeltaNs: number
}

/** One summary per cause that occurred, most frequent first (CAUSES order breaks draws). */
export function summarizeCauses(attributions: Attributions): CauseSummary[] {
  const { length, cause, culprit, deltaNs } = summaryColumns(attributions)
  const byCause = CAUSES.map(() => ({ count: 0, culprits: new Set<number>(), maxDeltaNs: NaN }))
  for (let o = 0; o < length; o++) {
    const s = byCause[cause[o]]
    s.count++
    if (culprit[o] >= 0) s.culprits.add(culprit[o])
    if (!Number.isNaN(deltaNs[o]) && !(deltaNs[o] <= s.maxDeltaNs)) s.maxDeltaNs = deltaNs[o]
  }
  return (
    CAUSES.map((c, i) => {
      const s = byCause[i]
      return { cause: c, count: s.count, culprits: s.culprits.size || s.count, maxDeltaNs: s.maxDeltaNs }
    })
      .filter((s) => s.count > 0)
      // a stable sort of a list in CAUSES order: draws keep that order
      .sort((x, y) => y.count - x.count)
  )
}

/** Misplaced values that are real errors (ties excluded). */
export function errorCount(attributions: Attributions): number {
  const { length, cause } = summaryColumns(attributions)
  let n = 0
  for (let o = 0; o < length; o++) if (cause[o] !== CAUSE_INDEX.tie) n++
  return n
}

/**
 * One plain sentence for the stats panel, e.g. "5 of 12 values out of place: 3 threads woke up to
 * 12 ms (1.2 units) late; classic mode started 2 threads up to 24 ms after the first."
 */
export function explainRun(input: AttributionInput, attributions: Attributions = attributeColumns(input)): string {
  const n = input.values.length
  const m = input.output.length
  const unitNs = input.unitMs * 1e6
  const errors = errorCount(attributions)
  const ties = attributions.length - errors
  const cancelled = m < n
  if (n === 0) return 'No values to sort.'
  // with n > 0, no push means the run was cancelled
  if (m === 0) return `The run stopped before any of the ${n} values was pushed.`
  if (errors === 0 && ties === 0) {
    return cancelled
      ? `Cancelled after ${m} of ${n} values; those came out in order.`
      : `Sorted exactly: all ${plural(n, 'value')} came out in order.`
  }
  if (errors === 0) {
    const head = cancelled ? `Cancelled after ${m} of ${n} values, in order` : 'In order'
    return `${head}: the only ${ties === 1 ? 'value' : `${ties} values`} out of place had equal deadlines, where any order is correct.`
  }
  const parts = summarizeCauses(attributions).map((s) => describeCause(s, input.mode, unitNs))
  return `${errors} of ${m} values out of place: ${parts.join('; ')}.`
}

function describeCause(s: CauseSummary, mode: TimingMode, unitNs: number): string {
  const who = plural(s.culprits, 'thread')
  const upTo = Number.isNaN(s.maxDeltaNs) ? '' : ` up to ${formatDurationNs(s.maxDeltaNs)}`
  switch (s.cause) {
    case 'timer-lateness': {
      const units =
        unitNs > 0 && s.maxDeltaNs >= unitNs / 10
          ? ` (${trim(s.maxDeltaNs / unitNs)} ${s.maxDeltaNs / unitNs === 1 ? 'unit' : 'units'})`
          : ''
      return `${who} woke${upTo}${units} late and ${s.culprits === 1 ? 'was' : 'were'} overtaken`
    }
    case 'spawn-offset':
      return `${mode === 'classic' ? 'classic mode' : 'the spawner'} started ${who}${upTo} after the first`
    case 'lock-handoff':
      return `${who} woke in order but got the mutex after a larger value (${upTo.trim() || 'some time'} after waking)`
    case 'cancelled':
      return `the run was cancelled before ${plural(s.culprits, 'smaller value')} ${s.culprits === 1 ? 'was' : 'were'} pushed`
    case 'tie':
      return `${plural(s.count, 'value')} had equal deadlines (any order is correct)`
    case 'unknown':
      return `${plural(s.count, 'value')} could not be explained from the recorded events`
  }
}

function plural(n: number, word: string): string {
  return `${n} ${n === 1 ? word : word + 's'}`
}

function trim(x: number): string {
  return String(Number(x.toFixed(x >= 10 ? 0 : 1)))
}
