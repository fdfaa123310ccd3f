/**
 * The moments of a run worth seeing, in time order, computed from its thread table (sleep sort) or
 * its chunk events (parallel sum): where the replay should take people instead of making them hunt.
 *
 * Sleep sort:
 * - `epoch`: t = 0, where every deadline counts from (scheduled modes) or the run starts (classic).
 * - `first-push` / `last-push`: the first and last value into the shared vector.
 * - `inversion`: one per pair the attribution (./attribution.ts) names — a larger value b pushed
 *   before a smaller value a. b is the *overtaker*, a the *overtaken*; the moment is b's push, and
 *   the cause is the attribution's. Two misplaced positions that name the same pair give one moment.
 * - `latest-wake`: the thread that woke furthest past its deadline (at its wake-up).
 * - `longest-queue`: the instant the most threads were waiting for the mutex at once (lock-wait ≤ t
 *   < lock-acquired), with those threads.
 * Parallel sum: `slowest-chunk` (longest chunk-start → chunk-done, at its done) and `fold` (the
 * coordinator's first fold, with every chunk).
 * Moments without a recorded instant are left out: the replay cannot go there.
 */
import type { TimingMode } from './api'
import { attributeCauses, CAUSES, type AttributionInput, type Cause, type CauseAttribution } from './attribution'
import type { EventColumns } from './columns'
import { EventKind } from './events'
import { formatDurationNs } from './stats'

export type MomentKind =
  'epoch' | 'first-push' | 'inversion' | 'latest-wake' | 'longest-queue' | 'last-push' | 'slowest-chunk' | 'fold'

export interface MomentValue {
  worker: number
  value: number
}

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
  /** one line for people, e.g. "8 overtook 2: 2 woke 1.2 ms late" */
  label: string
}

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

export interface SortMomentsInput extends AttributionInput {
  /** reuse attributions already computed for the same input */
  attributions?: readonly CauseAttribution[]
}

export function sleepSortMoments(input: SortMomentsInput): Moment[] {
  const { table, values, mode } = input
  const n = Math.min(table.count, values.length)
  const out: Moment[] = [plain('epoch', 0, [], epochLabel(mode))]

  let first = -1,
    last = -1,
    latest = -1,
    latestBy = -Infinity
  for (let w = 0; w < n; w++) {
    const p = table.pushed[w]
    if (Number.isFinite(p)) {
      if (first < 0 || p < table.pushed[first]) first = w
      if (last < 0 || p >= table.pushed[last]) last = w
    }
    const late = table.woke[w] - table.deadline[w]
    if (Number.isFinite(late) && late > latestBy) {
      latestBy = late
      latest = w
    }
  }
  if (first >= 0) out.push(plain('first-push', table.pushed[first], [first], `first push: ${fmt(values[first])}`))
  if (last >= 0 && last !== first)
    out.push(plain('last-push', table.pushed[last], [last], `last push: ${fmt(values[last])}`))
  if (latest >= 0) {
    out.push(
      plain(
        'latest-wake',
        table.woke[latest],
        [latest],
        `latest wake-up: ${fmt(values[latest])} woke ${formatDurationNs(latestBy)} after its deadline`,
      ),
    )
  }
  const queue = longestLockQueue(table.lockWait, table.lockAcquired, n)
  if (queue) {
    out.push(
      plain(
        'longest-queue',
        queue.tNs,
        queue.workers,
        `longest lock queue: ${queue.workers.length} ${queue.workers.length === 1 ? 'thread' : 'threads'} waiting for the mutex`,
      ),
    )
  }

  const attributions = input.attributions ?? attributeCauses(input)
  const seen = new Set<number>()
  for (const a of attributions) {
    const pair = inversionPair(a, values)
    if (!pair) continue
    const key = pair.overtaker.worker * (values.length + 1) + pair.overtaken.worker
    if (seen.has(key)) continue
    seen.add(key)
    const t = table.pushed[pair.overtaker.worker]
    if (!Number.isFinite(t)) continue
    out.push({
      kind: 'inversion',
      tNs: t,
      workers: [pair.overtaker.worker, pair.overtaken.worker],
      cause: a.cause,
      overtaker: pair.overtaker,
      overtaken: pair.overtaken,
      label: inversionLabel(pair.overtaker.value, pair.overtaken.value, a),
    })
  }
  return sortMoments(out)
}

/** Which value overtook which in one attribution: the larger pushed first, the smaller after it. */
function inversionPair(
  a: CauseAttribution,
  values: readonly number[],
): { overtaker: MomentValue; overtaken: MomentValue } | null {
  if (a.worker < 0 || a.partner < 0) return null
  const self = { worker: a.worker, value: a.value }
  const other = { worker: a.partner, value: values[a.partner] }
  // 'late': a larger value was pushed before this one; 'early': this one went before a smaller one
  return a.direction === 'late' ? { overtaker: other, overtaken: self } : { overtaker: self, overtaken: other }
}

function inversionLabel(big: number, small: number, a: CauseAttribution): string {
  return `${fmt(big)} overtook ${fmt(small)}: ${inversionWhy(fmt(small), a)}`
}

// A switch, not a table of every cause's text: 10,000 inversions would build six strings each.
function inversionWhy(small: string, a: CauseAttribution): string {
  switch (a.cause) {
    case 'timer-lateness':
      return `${small} woke ${formatDurationNs(a.deltaNs)} late`
    case 'spawn-offset':
      return `${small} started sleeping ${formatDurationNs(a.deltaNs)} after the first thread`
    case 'lock-handoff':
      return `${small} woke first but waited ${formatDurationNs(a.deltaNs)} for the mutex`
    case 'tie':
      return 'equal deadlines, any order is right'
    case 'cancelled':
      return `the run stopped before ${small} was pushed`
    case 'unknown':
      return 'the recorded events do not say why'
  }
}

function epochLabel(mode: TimingMode): string {
  return mode === 'classic'
    ? 'epoch: the run starts; each thread sleeps from its own start'
    : 'epoch: every thread asleep, every deadline counts from here'
}

/**
 * The instant the most threads waited for the mutex at once, and who. Two sorted columns merged:
 * an acquisition at the same instant as a wait is counted first, so a hand-over is not a queue.
 */
export function longestLockQueue(
  lockWait: Float64Array,
  lockAcquired: Float64Array,
  count: number,
): { tNs: number; workers: number[] } | null {
  let k = 0
  for (let w = 0; w < count; w++) if (Number.isFinite(lockWait[w]) && Number.isFinite(lockAcquired[w])) k++
  if (k === 0) return null
  const starts = new Float64Array(k),
    ends = new Float64Array(k)
  for (let w = 0, i = 0; w < count; w++) {
    if (!Number.isFinite(lockWait[w]) || !Number.isFinite(lockAcquired[w])) continue
    starts[i] = lockWait[w]
    ends[i++] = lockAcquired[w]
  }
  starts.sort()
  ends.sort()
  let depth = 0,
    best = 0,
    at = NaN
  for (let i = 0, j = 0; i < k;) {
    if (j < k && ends[j] <= starts[i]) {
      depth--
      j++
    } else {
      depth++
      if (depth > best) {
        best = depth
        at = starts[i]
      }
      i++
    }
  }
  if (best === 0) return null
  const workers: number[] = []
  for (let w = 0; w < count; w++) if (lockWait[w] <= at && lockAcquired[w] > at) workers.push(w)
  return workers.length ? { tNs: at, workers } : null
}

export function parallelSumMoments(events: EventColumns): Moment[] {
  const start = new Map<number, number>()
  const done = new Map<number, number>()
  let foldAt = Infinity
  for (let i = 0; i < events.length; i++) {
    const k = events.kind[i],
      w = events.worker[i],
      t = events.tNs[i]
    if (k === EventKind.ChunkStart) start.set(w, t)
    else if (k === EventKind.ChunkDone) done.set(w, t)
    else if (k === EventKind.Combined && t < foldAt) foldAt = t
  }
  const out: Moment[] = [plain('epoch', 0, [], 'epoch: the workers start on their chunks')]
  let slowest = -1,
    longest = -Infinity
  for (const [w, t] of done) {
    const d = t - (start.get(w) ?? NaN)
    if (d > longest) {
      longest = d
      slowest = w
    }
  }
  if (slowest >= 0)
    out.push(
      plain(
        'slowest-chunk',
        done.get(slowest)!,
        [slowest],
        `slowest chunk: chunk ${slowest + 1} took ${formatDurationNs(longest)}`,
      ),
    )
  if (Number.isFinite(foldAt)) {
    const chunks = [...start.keys()].sort((x, y) => x - y)
    out.push(plain('fold', foldAt, chunks, `fold: ${chunks.length} partial sums combined into the total`))
  }
  return sortMoments(out)
}

function plain(kind: MomentKind, tNs: number, workers: number[], label: string): Moment {
  return { kind, tNs, workers, cause: null, overtaker: null, overtaken: null, label }
}

function sortMoments(moments: Moment[]): Moment[] {
  return moments.sort((x, y) => x.tNs - y.tNs || KIND_ORDER[x.kind] - KIND_ORDER[y.kind])
}

function fmt(v: number): string {
  return Object.is(v, -0) ? '0' : String(v)
}

// ---- groups and navigation ----------------------------------------------------------------------

export type MomentGroupKey = 'run' | Cause

export interface MomentGroup {
  key: MomentGroupKey
  title: string
  /** indices into the moments array, in time order */
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
export function groupMoments(moments: readonly Moment[]): MomentGroup[] {
  const run: number[] = []
  const byCause = new Map<Cause, number[]>()
  moments.forEach((m, i) => {
    if (!m.cause) run.push(i)
    else {
      let list = byCause.get(m.cause)
      if (!list) byCause.set(m.cause, (list = []))
      list.push(i)
    }
  })
  const causes = CAUSES.filter((c) => byCause.has(c)).sort(
    (x, y) => byCause.get(y)!.length - byCause.get(x)!.length || CAUSES.indexOf(x) - CAUSES.indexOf(y),
  )
  return [
    { key: 'run' as const, title: 'Run', indices: run },
    ...causes.map((c) => ({ key: c, title: CAUSE_TITLES[c], indices: byCause.get(c)! })),
  ].filter((g) => g.indices.length > 0)
}

/**
 * The moment `n` (dir 1) or `p` (dir −1) goes to. While the playhead still sits on the current
 * moment, the step is by position in the list (so moments sharing an instant are each visited);
 * after the playhead moved elsewhere, it is the first moment after (or last before) the playhead.
 * Returns -1 when there is none in that direction.
 */
export function stepMoment(moments: readonly Moment[], current: number, playheadNs: number, dir: 1 | -1): number {
  if (moments.length === 0) return -1
  if (current >= 0 && current < moments.length && moments[current].tNs === playheadNs) {
    const next = current + dir
    return next >= 0 && next < moments.length ? next : -1
  }
  // first index with tNs > playhead (dir 1), or last with tNs < playhead (dir −1)
  let lo = 0,
    hi = moments.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (dir === 1 ? moments[mid].tNs <= playheadNs : moments[mid].tNs < playheadNs) lo = mid + 1
    else hi = mid
  }
  const at = dir === 1 ? lo : lo - 1
  return at >= 0 && at < moments.length ? at : -1
}
