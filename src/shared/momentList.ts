/**
 * A run's moments (./moments.ts computes them) held as typed columns in time order, with the few
 * landmarks (epoch, first and last push, …) as objects beside them. A 10,000-thread classic run has
 * ~10,000 inversions: as columns they cost no object, no label and no garbage until a row is shown,
 * and the list is plain data, so it crosses to and from a worker by structured clone at memcpy speed.
 * Read a moment with momentAt(); word it with momentLabel().
 */
import { CAUSES, type Cause } from './attribution'
import { formatDurationNs } from './stats'

export type MomentKind =
  'epoch' | 'first-push' | 'inversion' | 'latest-wake' | 'longest-queue' | 'last-push' | 'slowest-chunk' | 'fold'

/** Column code of each kind (its index). */
export const MOMENT_KINDS: readonly MomentKind[] = [
  'epoch',
  'first-push',
  'inversion',
  'latest-wake',
  'longest-queue',
  'last-push',
  'slowest-chunk',
  'fold',
]
const KIND_CODE = Object.fromEntries(MOMENT_KINDS.map((k, i) => [k, i])) as Record<MomentKind, number>
export const INVERSION = KIND_CODE.inversion
/** `cause` column of a moment that is not an inversion */
export const NO_CAUSE = 255

/** Order of kinds sharing one instant: the epoch first, the last push last. */
const KIND_ORDER: Record<MomentKind, number> = {
  epoch: 0,
  'first-push': 1,
  inversion: 2,
  'latest-wake': 3,
  'longest-queue': 4,
  'slowest-chunk': 5,
  fold: 6,
  'last-push': 7,
}

export interface MomentValue {
  worker: number
  value: number
}

/** One moment as an object: what momentAt() gives, and how landmarks are kept. */
export interface Moment {
  kind: MomentKind
  /** ns since the run's epoch: where the playhead goes */
  tNs: number
  /** threads (sleep sort) or chunks (parallel sum) to highlight */
  workers: number[]
  /** inversions: the cause the attribution gives; null for every other kind */
  cause: Cause | null
  /** inversions: the larger value, pushed first */
  overtaker: MomentValue | null
  /** inversions: the smaller value it got ahead of */
  overtaken: MomentValue | null
  /** inversions: the attribution's Δ in ns (NaN for every other kind) */
  deltaNs: number
  /** landmarks: their line for people, built with them; null for inversions (see momentLabel) */
  label: string | null
}

export interface MomentList {
  length: number
  /** per moment, in time order: ns since the epoch */
  tNs: Float64Array
  /** index into MOMENT_KINDS */
  kind: Uint8Array
  /** index into CAUSES; NO_CAUSE for anything but an inversion */
  cause: Uint8Array
  /** inversions: the larger value's worker and value (pushed first), the smaller one's; else -1 / NaN */
  overtaker: Int32Array
  overtakerValue: Float64Array
  overtaken: Int32Array
  overtakenValue: Float64Array
  /** inversions: the attribution's Δ in ns (NaN elsewhere) */
  deltaNs: Float64Array
  /** index into `landmarks` of each moment that is not an inversion (-1 for inversions) */
  landmark: Int32Array
  landmarks: Moment[]
}

/** An empty list with room for `length` moments. */
export function allocateMoments(length: number): MomentList {
  return {
    length,
    tNs: new Float64Array(length),
    kind: new Uint8Array(length),
    cause: new Uint8Array(length),
    overtaker: new Int32Array(length),
    overtakerValue: new Float64Array(length),
    overtaken: new Int32Array(length),
    overtakenValue: new Float64Array(length),
    deltaNs: new Float64Array(length),
    landmark: new Int32Array(length),
    landmarks: [],
  }
}

/** Writes landmark object m at position i. */
export function setLandmark(list: MomentList, i: number, m: Moment): void {
  list.tNs[i] = m.tNs
  list.kind[i] = KIND_CODE[m.kind]
  list.cause[i] = m.cause ? CAUSES.indexOf(m.cause) : NO_CAUSE
  list.overtaker[i] = m.overtaker?.worker ?? -1
  list.overtakerValue[i] = m.overtaker?.value ?? NaN
  list.overtaken[i] = m.overtaken?.worker ?? -1
  list.overtakenValue[i] = m.overtaken?.value ?? NaN
  list.deltaNs[i] = m.deltaNs
  list.landmark[i] = list.landmarks.length
  list.landmarks.push(m)
}

/** Whether moment x goes before moment y sharing an instant or not (time, then kind order). */
export function goesBefore(xNs: number, xKind: MomentKind, yNs: number, yKind: MomentKind): boolean {
  return xNs < yNs || (xNs === yNs && KIND_ORDER[xKind] < KIND_ORDER[yKind])
}

/** Moment objects in time order (kind order at one instant; stable otherwise). */
export function sortMoments(moments: Moment[]): Moment[] {
  return moments.sort((x, y) => x.tNs - y.tNs || KIND_ORDER[x.kind] - KIND_ORDER[y.kind])
}

/** A list of a few moment objects (sorted here): parallel sums, tests. */
export function momentListOf(moments: Moment[]): MomentList {
  const sorted = sortMoments([...moments])
  const list = allocateMoments(sorted.length)
  sorted.forEach((m, i) => setLandmark(list, i, m))
  return list
}

/** Moment i as an object (null when out of range). */
export function momentAt(list: MomentList, i: number): Moment | null {
  if (!(i >= 0 && i < list.length)) return null
  const l = list.landmark[i]
  if (l >= 0) return list.landmarks[l]
  const overtaker = list.overtaker[i],
    overtaken = list.overtaken[i]
  return {
    kind: MOMENT_KINDS[list.kind[i]],
    tNs: list.tNs[i],
    workers: [overtaker, overtaken],
    cause: CAUSES[list.cause[i]] ?? null,
    overtaker: { worker: overtaker, value: list.overtakerValue[i] },
    overtaken: { worker: overtaken, value: list.overtakenValue[i] },
    deltaNs: list.deltaNs[i],
    label: null,
  }
}

/** Every moment as an object (for tests and small runs). */
export function momentArray(list: MomentList): Moment[] {
  return Array.from({ length: list.length }, (_, i) => momentAt(list, i)!)
}

/** One line for people, e.g. "8 overtook 2: 2 woke 1.2 ms late". */
export function momentLabel(m: Moment): string {
  if (m.label !== null) return m.label
  if (!m.overtaker || !m.overtaken || !m.cause) return m.kind
  const small = formatValue(m.overtaken.value)
  return `${formatValue(m.overtaker.value)} overtook ${small}: ${inversionWhy(small, m.cause, m.deltaNs)}`
}

// A switch, not a table of every cause's text: only the rows shown are worded.
function inversionWhy(small: string, cause: Cause, deltaNs: number): string {
  switch (cause) {
    case 'timer-lateness':
      return `${small} woke ${formatDurationNs(deltaNs)} late`
    case 'spawn-offset':
      return `${small} started sleeping ${formatDurationNs(deltaNs)} after the first thread`
    case 'lock-handoff':
      return `${small} woke first but waited ${formatDurationNs(deltaNs)} for the mutex`
    case 'tie':
      return 'equal deadlines, any order is right'
    case 'cancelled':
      return `the run stopped before ${small} was pushed`
    case 'unknown':
      return 'the recorded events do not say why'
  }
}

export function formatValue(v: number): string {
  return Object.is(v, -0) ? '0' : String(v)
}

// ---- groups and navigation ----------------------------------------------------------------------

export type MomentGroupKey = 'run' | Cause

export interface MomentGroup {
  key: MomentGroupKey
  title: string
  /** indices into the list, in time order */
  indices: number[]
}

const CAUSE_TITLES: Record<Cause, string> = {
  'timer-lateness': 'Inversions: woke late',
  'spawn-offset': 'Inversions: started late (spawn order)',
  'lock-handoff': 'Inversions: lost the mutex',
  tie: 'Equal deadlines (not errors)',
  cancelled: 'Inversions: run cancelled',
  unknown: 'Inversions: cause unknown',
}

/** The run's landmarks first, then the inversions grouped by cause (most frequent cause first). */
export function groupMoments(list: MomentList): MomentGroup[] {
  const run: number[] = []
  const byCause: number[][] = CAUSES.map(() => [])
  for (let i = 0; i < list.length; i++) {
    const c = list.cause[i]
    if (c === NO_CAUSE) run.push(i)
    else byCause[c].push(i)
  }
  const causes = CAUSES.map((_, c) => c)
    .filter((c) => byCause[c].length > 0)
    .sort((x, y) => byCause[y].length - byCause[x].length || x - y)
  return [
    { key: 'run' as const, title: 'Run', indices: run },
    ...causes.map((c) => ({ key: CAUSES[c], title: CAUSE_TITLES[CAUSES[c]], indices: byCause[c] })),
  ].filter((g) => g.indices.length > 0)
}

/**
 * The moment `n` (dir 1) or `p` (dir −1) goes to. While the playhead still sits on the current
 * moment, the step is by position in the list (so moments sharing an instant are each visited);
 * after the playhead moved elsewhere, it is the first moment after (or last before) the playhead.
 * Returns -1 when there is none in that direction.
 */
export function stepMoment(list: MomentList, current: number, playheadNs: number, dir: 1 | -1): number {
  const n = list.length
  if (n === 0) return -1
  if (current >= 0 && current < n && list.tNs[current] === playheadNs) {
    const next = current + dir
    return next >= 0 && next < n ? next : -1
  }
  // first index with tNs > playhead (dir 1), or last with tNs < playhead (dir −1)
  let lo = 0,
    hi = n
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (dir === 1 ? list.tNs[mid] <= playheadNs : list.tNs[mid] < playheadNs) lo = mid + 1
    else hi = mid
  }
  const at = dir === 1 ? lo : lo - 1
  return at >= 0 && at < n ? at : -1
}
