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
import { attributeColumns, type AttributionColumns, type AttributionInput } from './attribution'
import type { EventColumns } from './columns'
import { EventKind } from './events'
import {
  allocateMoments,
  formatValue as fmt,
  goesBefore,
  INVERSION,
  momentListOf,
  setLandmark,
  sortMoments,
  type Moment,
  type MomentKind,
  type MomentList,
} from './momentList'
import { formatDurationNs } from './stats'

export {
  groupMoments,
  momentArray,
  momentAt,
  momentLabel,
  stepMoment,
  type Moment,
  type MomentGroup,
  type MomentKind,
  type MomentList,
  type MomentValue,
} from './momentList'

export interface SortMomentsInput extends AttributionInput {
  /** reuse attributions already computed for the same input */
  attributions?: AttributionColumns
}

export function sleepSortMoments(input: SortMomentsInput): MomentList {
  const landmarks = sortMoments(sortLandmarks(input))
  const cols = input.attributions ?? attributeColumns(input)
  const { order, tNs } = inversionOrder(input, cols)
  const { values, output } = input
  const { worker, partner: partners, outputIndex, late, cause, deltaNs } = cols
  const list = allocateMoments(landmarks.length + order.length)
  const kindCode = INVERSION
  // the next landmark goes in before the first inversion it precedes (a handful per run)
  const nextLandmarkBefore = (tNs: number) =>
    l < landmarks.length && goesBefore(landmarks[l].tNs, landmarks[l].kind, tNs, 'inversion')
  let l = 0,
    at = 0
  let landmarkTNs = landmarks.length ? landmarks[0].tNs : Infinity
  for (let k = 0; k < order.length; k++) {
    if (tNs[k] >= landmarkTNs) {
      while (nextLandmarkBefore(tNs[k])) setLandmark(list, at++, landmarks[l++])
      landmarkTNs = l < landmarks.length ? landmarks[l].tNs : Infinity
    }
    const o = order[k]
    const self = worker[o],
      partner = partners[o],
      value = output[outputIndex[o]]
    const isLate = late[o] === 1
    list.tNs[at] = tNs[k]
    list.kind[at] = kindCode
    list.cause[at] = cause[o]
    list.overtaker[at] = isLate ? partner : self
    list.overtakerValue[at] = isLate ? values[partner] : value
    list.overtaken[at] = isLate ? self : partner
    list.overtakenValue[at] = isLate ? value : values[partner]
    list.deltaNs[at] = deltaNs[o]
    list.landmark[at++] = -1
  }
  while (l < landmarks.length) setLandmark(list, at++, landmarks[l++])
  return list
}

/** The epoch, first and last push, latest wake-up and longest lock queue of a sleep-sort run. */
function sortLandmarks({ table, values, mode }: AttributionInput): Moment[] {
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
  return out
}

/**
 * The attribution rows that give an inversion moment, in time order, with their instants: one per
 * pair the attributions name (the larger value b pushed before the smaller a), at b's push. A pair
 * can be named twice — 'late' at a's position and 'early' at b's — and gives one moment. Ordered by
 * b's output position (a counting sort: pushes happen in output order), with a general sort only
 * if the recorded push instants disagree with that order.
 */
function inversionOrder(input: AttributionInput, cols: AttributionColumns): { order: Int32Array; tNs: Float64Array } {
  const { pushed } = input.table
  const { worker, partner: partners, partnerIndex, outputIndex, late } = cols
  const m = input.output.length
  // per attribution row: the overtaker's output position, or -1 when the row gives no moment
  const at = new Int32Array(cols.length)
  // output position p → 1 + the output position 'early' at p named as overtaken (0 for none)
  const earlyPartner = new Int32Array(m)
  const perPosition = new Int32Array(m + 1)
  for (let o = 0; o < cols.length; o++) {
    at[o] = -1
    const w = worker[o],
      partner = partners[o]
    if (w < 0 || partner < 0) continue
    const i = outputIndex[o]
    const isLate = late[o] === 1
    const pos = isLate ? partnerIndex[o] : i
    if (pos < 0 || !Number.isFinite(pushed[isLate ? partner : w])) continue
    if (isLate && earlyPartner[pos] === i + 1) continue // the same pair, already named at pos
    if (!isLate) earlyPartner[i] = partnerIndex[o] + 1
    at[o] = pos
    perPosition[pos + 1]++
  }
  for (let p = 0; p < m; p++) perPosition[p + 1] += perPosition[p]
  const order = new Int32Array(perPosition[m])
  for (let o = 0; o < cols.length; o++) if (at[o] >= 0) order[perPosition[at[o]]++] = o

  const tNs = new Float64Array(order.length)
  let ordered = true
  for (let k = 0; k < order.length; k++) {
    const o = order[k]
    tNs[k] = pushed[late[o] === 1 ? partners[o] : worker[o]]
    if (k > 0 && tNs[k] < tNs[k - 1]) ordered = false
  }
  if (ordered) return { order, tNs }
  const byTime = Array.from(order.keys()).sort((x, y) => tNs[x] - tNs[y] || x - y)
  return { order: Int32Array.from(byTime, (k) => order[k]), tNs: Float64Array.from(byTime, (k) => tNs[k]) }
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

export function parallelSumMoments(events: EventColumns): MomentList {
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
  return momentListOf(out)
}

function plain(kind: MomentKind, tNs: number, workers: number[], label: string): Moment {
  return { kind, tNs, workers, cause: null, overtaker: null, overtaken: null, deltaNs: NaN, label }
}
