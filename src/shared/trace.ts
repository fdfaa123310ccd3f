/**
 * Exports a run for Perfetto / chrome://tracing / Chrome DevTools (Chrome Trace Event Format, JSON
 * object form) and as a per-thread CSV. The shape follows what those readers actually do with a file
 * (see traceRules.ts, which checks it):
 *
 * - Times: ts and dur are µs, computed from integer ns. ts 0 is the earliest event of the run (threads
 *   are spawned before the epoch in scheduled and realtime modes, and Perfetto drops every ts < 0);
 *   the epoch is an `epoch` instant on the run track and `metadata.epoch_ts_us`.
 * - Tracks: pid 1; tid 1 (= pid: the process's own track) carries the epoch and the counters; each
 *   sleep-sort thread or sum chunk has its own tid from 2 on, in the app's lane order, named by
 *   thread_name and ordered by thread_sort_index. No worker uses tid 0, which Perfetto maps to the pid.
 * - Slices on a track never overlap, also in double arithmetic: prev.ts + prev.dur <= next.ts.
 * - Flows (mutex hand-offs, partial sums to their fold) are v1 `s`/`f` pairs with bp "e" placed at the
 *   exact start of the slice they join, with that slice's cat: Perfetto binds them to the top of the
 *   track's slice stack, DevTools to the first event with the same ts, pid, tid and cat.
 * - Events are written in time order; at one ts: slices (longest first), flows (s before f),
 *   zero-length slices, instants (`I`), counters — the order both readers' sorters keep.
 */
import type { RunRequest, RunResult } from './api'
import type { EventColumns } from './columns'
import { EventKind } from './events'
import { LIMITS } from './limits'
import { buildThreadTable, laneOrder, type ThreadTable } from './threads'

export { validateChromeTrace } from './traceRules'

export interface TraceRun {
  request: RunRequest
  result?: RunResult | null
  events: EventColumns
  /** sleep-sort lane order as in the app: by value (the app's default) or by spawn order */
  sortByValue?: boolean
}

export type TraceArgs = Record<string, string | number | boolean>

export interface TraceEvent {
  name: string
  ph: 'X' | 'M' | 'C' | 'I' | 's' | 'f'
  ts: number
  pid: number
  tid: number
  dur?: number
  cat?: string
  /** instant scope */
  s?: 't' | 'p' | 'g'
  id?: number
  /** flow binding point: 'e' = the slice enclosing ts */
  bp?: 'e'
  args?: TraceArgs
}

export interface ChromeTrace {
  traceEvents: TraceEvent[]
  displayTimeUnit: 'ns'
  /** run facts; Perfetto imports a top-level `metadata` object (never `otherData`) */
  metadata: TraceArgs
}

export const TRACE_PID = 1
/** the process's own track: epoch instant and counters */
export const RUN_TID = TRACE_PID
/** the first thread (lane) track; lanes follow in the app's order */
export const FIRST_LANE_TID = 2
/**
 * Times further than this from the epoch (about 6.5 days) are left out: beyond it a µs double no
 * longer rounds back to the same ns in Perfetto (a run lasts at most a minute; only a damaged or
 * crafted file gets there).
 */
const MAX_ABS_NS = 2 ** 49

interface Slice {
  name: string
  start: number
  end: number
  args?: TraceArgs
}

/** An event with the keys that put it in the file order the readers need. */
interface Placed {
  ev: TraceEvent
  ns: number
  rank: number
  durNs: number
}
const RANK = { slice: 0, flowStart: 1, flowEnd: 2, emptySlice: 3, instant: 4, counter: 5 } as const

/** The largest double below x (x > 0). */
function nextDown(x: number): number {
  const f = new Float64Array([x])
  const i = new BigInt64Array(f.buffer)
  i[0] -= 1n
  return f[0]
}

/**
 * Collects events in integer ns from an origin and writes them in µs. Integer ns are exact in
 * doubles and ns / 1000 is monotonic, so events keep their order; a duration is shortened by at most
 * a rounding step so that ts + dur never passes the end's own ts.
 */
class TraceWriter {
  private placed: Placed[] = []
  private meta: TraceEvent[] = []
  constructor(readonly originNs: number) {}

  us(ns: number): number {
    return (ns - this.originNs) / 1000
  }

  /** Names a process or thread track (M events), with its place in the track list. */
  label(name: 'process_name' | 'thread_name', tid: number, value: string, sortIndex?: number): void {
    this.meta.push({ name, ph: 'M', ts: 0, pid: TRACE_PID, tid, args: { name: value } })
    if (sortIndex !== undefined) {
      const key = name === 'process_name' ? 'process_sort_index' : 'thread_sort_index'
      this.meta.push({ name: key, ph: 'M', ts: 0, pid: TRACE_PID, tid, args: { sort_index: sortIndex } })
    }
  }

  slice(tid: number, cat: string, s: Slice): void {
    const ts = this.us(s.start),
      end = this.us(s.end)
    let dur = end - ts
    while (dur > 0 && ts + dur > end) dur = nextDown(dur)
    const ev: TraceEvent = { name: s.name, cat, ph: 'X', ts, dur: Math.max(0, dur), pid: TRACE_PID, tid }
    if (s.args) ev.args = s.args
    const durNs = s.end - s.start
    const rank = durNs > 0 ? RANK.slice : RANK.emptySlice
    this.placed.push({ ev, ns: s.start, rank, durNs })
  }

  instant(tid: number, cat: string, name: string, tNs: number, args?: TraceArgs): void {
    if (!inRange(tNs)) return
    const ev: TraceEvent = { name, cat, ph: 'I', s: 't', ts: this.us(tNs), pid: TRACE_PID, tid }
    if (args) ev.args = args
    this.placed.push({ ev, ns: tNs, rank: RANK.instant, durNs: 0 })
  }

  counter(name: string, tNs: number, args: TraceArgs): void {
    this.placed.push({
      ev: { name, ph: 'C', ts: this.us(tNs), pid: TRACE_PID, tid: RUN_TID, args },
      ns: tNs,
      rank: RANK.counter,
      durNs: 0,
    })
  }

  /** A v1 flow from the start of one slice to the start of another (both on their own tracks). */
  flow(
    name: string,
    cat: string,
    id: number,
    from: { tid: number; startNs: number },
    to: { tid: number; startNs: number },
  ): void {
    const base = { name, cat, id, pid: TRACE_PID }
    this.placed.push({
      ev: { ...base, ph: 's', ts: this.us(from.startNs), tid: from.tid },
      ns: from.startNs,
      rank: RANK.flowStart,
      durNs: 0,
    })
    this.placed.push({
      ev: { ...base, ph: 'f', bp: 'e', ts: this.us(to.startNs), tid: to.tid },
      ns: to.startNs,
      rank: RANK.flowEnd,
      durNs: 0,
    })
  }

  events(): TraceEvent[] {
    // stable: ties keep the order they were added in
    const timed = this.placed.sort((a, b) => a.ns - b.ns || a.rank - b.rank || b.durNs - a.durNs)
    return [...this.meta, ...timed.map((p) => p.ev)]
  }
}

const inRange = (ns: number) => Number.isFinite(ns) && Math.abs(ns) <= MAX_ABS_NS
/** An event time as integer ns, NaN when missing or out of range. */
const ns = (t: number) => (inRange(t) ? Math.round(t) : NaN)

/** The trace's time origin: the epoch, or the earliest usable event before it. */
function originOf(cols: EventColumns): number {
  let origin = 0
  for (let i = 0; i < cols.length; i++) {
    const t = ns(cols.tNs[i])
    if (t < origin) origin = t
  }
  return origin
}

/** Builds the trace; JSON.stringify it to save. Never emits NaN: missing steps are left out. */
export function exportChromeTrace(run: TraceRun): ChromeTrace {
  const w = new TraceWriter(originOf(run.events))
  w.label('thread_name', RUN_TID, 'run', 0)
  w.instant(RUN_TID, 'run', 'epoch', 0)
  if (run.request.experiment === 'sleep-sort') exportSleepSort(run, w)
  else exportParallelSum(run, w)
  const metadata: TraceArgs = {
    experiment: run.request.experiment,
    values: run.request.values.length,
    epoch_ts_us: w.us(0),
    time_origin_ns: w.originNs,
  }
  if (run.request.experiment === 'sleep-sort') {
    metadata.mode = run.request.mode
    metadata.unit_ms = run.request.unitMs
  }
  if (run.result) {
    metadata.run_id = run.result.runId
    metadata.wall_ms = run.result.wallMs
    metadata.cancelled = run.result.cancelled
  }
  return { traceEvents: w.events(), displayTimeUnit: 'ns', metadata }
}

/** Places slices one after another on a track: each starts no earlier than the previous ended. */
function sequential(slices: Slice[]): Slice[] {
  let cursor = -Infinity
  const placed: Slice[] = []
  for (const s of slices) {
    const start = ns(s.start),
      end = ns(s.end)
    if (!Number.isFinite(start) || !Number.isFinite(end)) continue
    const a = Math.max(start, cursor)
    const b = Math.max(end, a)
    cursor = b
    placed.push({ ...s, start: a, end: b })
  }
  return placed
}

const finite = (x: number) => Number.isFinite(x)
const firstFinite = (...xs: number[]) => xs.find(finite) ?? NaN

function exportSleepSort(run: TraceRun, w: TraceWriter): void {
  const req = run.request as Extract<RunRequest, { experiment: 'sleep-sort' }>
  const values = req.values
  const n = values.length
  const table = buildThreadTable(run.events, n)
  const CAT = 'sleep-sort'
  w.label('process_name', RUN_TID, `Threadlab sleep sort (${req.mode}, ${req.unitMs} ms per unit, ${n} threads)`)
  const order = laneOrder(values, run.sortByValue ?? true)
  const tidOf = new Int32Array(n)
  order.forEach((worker, lane) => {
    tidOf[worker] = FIRST_LANE_TID + lane
    w.label('thread_name', FIRST_LANE_TID + lane, `value ${values[worker]} (#${worker})`, lane + 1)
  })
  const held: (Slice | undefined)[] = new Array(n)
  const pushAt = new Float64Array(n).fill(NaN)
  const waitSteps: [number, number][] = []
  for (let k = 0; k < n; k++) {
    const slices = sleepSortSlices(table, k)
    const placed = sequential(slices)
    held[k] = placed.find((s) => s.name === 'lock-held')
    for (const s of placed) w.slice(tidOf[k], CAT, s)
    const wait = placed.find((s) => s.name === 'lock-wait')
    if (wait) waitSteps.push([wait.start, 1], [wait.end, -1])
    const tid = tidOf[k]
    w.instant(tid, CAT, 'spawned', ns(table.spawned[k]))
    const deadline = finite(table.deadline[k]) ? { deadline_ns: table.deadline[k] } : undefined
    w.instant(tid, CAT, 'woke', ns(table.woke[k]), deadline)
    const pushed = ns(table.pushed[k])
    if (finite(pushed)) {
      const h = held[k]
      pushAt[k] = h ? Math.min(Math.max(pushed, h.start), h.end) : pushed
      w.instant(tid, CAT, 'push', pushAt[k], { index: table.index[k], value: values[k] })
    }
    w.instant(tid, CAT, 'cancelled', ns(table.cancelled[k]))
  }

  // vector length: +1 at each push
  const pushes: [number, number][] = []
  for (let k = 0; k < n; k++) if (finite(pushAt[k])) pushes.push([pushAt[k], 1])
  if (pushes.length) counterFromSteps(w, 'vector length', 'length', pushes)
  if (waitSteps.length) counterFromSteps(w, 'threads waiting for the mutex', 'waiting', waitSteps)

  // flow arrows: each holder of the mutex hands it to the next one (lock-held → next lock-held)
  const holders: number[] = []
  for (let k = 0; k < n; k++) if (table.index[k] >= 0 && held[k] && finite(pushAt[k])) holders.push(k)
  holders.sort((a, b) => table.index[a] - table.index[b])
  const flows: [number, number][] = []
  for (let i = 0; i + 1 < holders.length; i++)
    if (joinable(held[holders[i]]!, held[holders[i + 1]]!)) flows.push([holders[i], holders[i + 1]])
  flows.forEach(([from, to], i) =>
    w.flow(
      'mutex handoff',
      CAT,
      i + 1,
      { tid: tidOf[from], startNs: held[from]!.start },
      { tid: tidOf[to], startNs: held[to]!.start },
    ),
  )
}

/**
 * Whether a flow can join two slices so that every reader binds it to them: both have a length
 * (a zero-length slice may share its ts with another that a reader binds to instead) and the flow
 * starts strictly before it ends (DevTools keys a flow's ends by their ts).
 */
function joinable(from: Slice, to: Slice): boolean {
  return from.start < to.start && from.end > from.start && to.end > to.start
}

function sleepSortSlices(table: ThreadTable, k: number): Slice[] {
  const cancelled = table.cancelled[k]
  const slices: Slice[] = []
  if (finite(table.sleepStart[k])) {
    const args: TraceArgs = finite(table.deadline[k]) ? { deadline_ns: table.deadline[k] } : {}
    if (finite(table.woke[k]) && finite(table.deadline[k])) args.lateness_ns = table.woke[k] - table.deadline[k]
    slices.push({ name: 'sleep', start: table.sleepStart[k], end: firstFinite(table.woke[k], cancelled), args })
  }
  if (finite(table.lockWait[k]))
    slices.push({ name: 'lock-wait', start: table.lockWait[k], end: firstFinite(table.lockAcquired[k], cancelled) })
  if (finite(table.lockAcquired[k])) {
    const args: TraceArgs | undefined = table.index[k] >= 0 ? { index: table.index[k] } : undefined
    slices.push({
      name: 'lock-held',
      start: table.lockAcquired[k],
      end: firstFinite(table.lockReleased[k], table.pushed[k], cancelled, table.lockAcquired[k]),
      args,
    })
  }
  return slices
}

/** Emits a counter from (time, delta) steps: one sample per distinct time, after all its steps. */
function counterFromSteps(w: TraceWriter, name: string, series: string, steps: [number, number][]): void {
  steps.sort((a, b) => a[0] - b[0])
  let level = 0
  for (let i = 0; i < steps.length;) {
    const t = steps[i][0]
    while (i < steps.length && steps[i][0] === t) level += steps[i++][1]
    w.counter(name, t, { [series]: level })
  }
}

/**
 * The number of chunk tracks of a parallel-sum run, from the run itself, never from an index read
 * from the events: result.chunkSizes.length, else request.threads, else the chunks the events
 * mention — always at most min(values, LIMITS.maxThreads) (the engine never runs more chunks than
 * values). Events of other chunk indices are ignored.
 */
function sumChunkCount(run: TraceRun): number {
  const bound = Math.min(run.request.values.length, LIMITS.maxThreads)
  const result = run.result?.experiment === 'parallel-sum' ? run.result : null
  const threads = run.request.experiment === 'parallel-sum' ? run.request.threads : undefined
  let chunks: number
  if (result && Array.isArray(result.chunkSizes)) chunks = result.chunkSizes.length
  else if (typeof threads === 'number' && Number.isInteger(threads) && threads > 0) chunks = threads
  else {
    chunks = 0
    const cols = run.events
    for (let i = 0; i < cols.length; i++) {
      const w = cols.worker[i]
      if (cols.kind[i] >= EventKind.ChunkStart && cols.kind[i] <= EventKind.Combined && w < bound)
        chunks = Math.max(chunks, w + 1)
    }
  }
  return Math.min(chunks, bound)
}

function exportParallelSum(run: TraceRun, w: TraceWriter): void {
  const cols = run.events
  const req = run.request as Extract<RunRequest, { experiment: 'parallel-sum' }>
  const chunks = sumChunkCount(run)
  const CAT = 'parallel-sum'
  const start = new Float64Array(chunks).fill(NaN),
    done = new Float64Array(chunks).fill(NaN),
    lastProgress = new Float64Array(chunks).fill(NaN)
  const length = new Float64Array(chunks).fill(NaN),
    partial = new Float64Array(chunks).fill(NaN)
  const progress: [number, number, number][] = []
  const combined: [number, number, number][] = []
  for (let i = 0; i < cols.length; i++) {
    const c = cols.worker[i],
      t = ns(cols.tNs[i]),
      a = cols.arg[i]
    if (c >= chunks) continue // a chunk the run cannot have (a damaged or crafted file): ignored
    switch (cols.kind[i]) {
      case EventKind.ChunkStart:
        start[c] = t
        length[c] = a
        progress.push([c, t, 0])
        break
      case EventKind.ChunkProgress:
        lastProgress[c] = t
        progress.push([c, t, a])
        break
      case EventKind.ChunkDone:
        done[c] = t
        partial[c] = a
        if (finite(length[c])) progress.push([c, t, length[c]])
        break
      case EventKind.Combined:
        combined.push([c, t, a])
        break
    }
  }
  w.label('process_name', RUN_TID, `Threadlab parallel sum (${req.values.length} values, ${chunks} chunks)`)
  const chunkTid = (c: number) => FIRST_LANE_TID + c
  const chunkSlice: (Slice | undefined)[] = new Array(chunks)
  for (let c = 0; c < chunks; c++) {
    w.label('thread_name', chunkTid(c), `chunk ${c}`, c + 1)
    const args: TraceArgs = {}
    if (finite(length[c])) args.length = length[c]
    if (finite(partial[c])) args.partial = partial[c]
    chunkSlice[c] = sequential([
      { name: `chunk ${c}`, start: start[c], end: firstFinite(done[c], lastProgress[c], start[c]), args },
    ])[0]
  }
  // progress counters, one per chunk, in time order
  progress.sort((x, y) => x[1] - y[1] || x[0] - y[0])
  for (const [c, t, a] of progress) if (finite(t) && finite(a)) w.counter(`chunk ${c} progress`, t, { done: a })

  const combineTid = chunkTid(chunks)
  const folds: Slice[] = []
  if (combined.length) {
    w.label('thread_name', combineTid, 'combine', chunks + 1)
    combined.sort((x, y) => x[1] - y[1])
    const wanted: Slice[] = combined.map(([c, t, total]) => ({
      name: `fold chunk ${c}`,
      start: Math.min(t, firstFinite(done[c], t)),
      end: t,
      args: (finite(total) ? { chunk: c, total } : { chunk: c }) as TraceArgs,
    }))
    folds.push(...sequential(wanted))
  }
  // the partial sum of each chunk flows into its fold
  chunkSlice.forEach((s, c) => s && w.slice(chunkTid(c), CAT, s))
  const flows: [number, Slice][] = []
  for (const fold of folds) {
    const c = fold.args!.chunk as number
    if (chunkSlice[c] && joinable(chunkSlice[c]!, fold)) flows.push([c, fold])
    w.slice(combineTid, CAT, fold)
    const total = fold.args!.total
    if (typeof total === 'number') w.counter('running total', fold.end, { total })
  }
  flows.forEach(([c, fold], i) =>
    w.flow(
      'partial sum',
      CAT,
      i + 1,
      { tid: chunkTid(c), startNs: chunkSlice[c]!.start },
      { tid: combineTid, startNs: fold.start },
    ),
  )
}

// ---- CSV ----------------------------------------------------------------------------------------

export const CSV_COLUMNS = [
  'worker',
  'value',
  'deadline_ns',
  'spawned_ns',
  'woke_ns',
  'lateness_ns',
  'lock_wait_ns',
  'lock_held_ns',
  'index',
  'cancelled',
] as const

/** One CSV field (RFC 4180): quoted when it holds a comma, quote, CR, LF or edge spaces. */
export function csvField(x: string | number | boolean): string {
  if (typeof x === 'number') return Number.isNaN(x) ? '' : String(x)
  const s = String(x)
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/**
 * Per-thread CSV of a sleep-sort run: one row per worker in worker order, times in ns since the
 * epoch, durations in ns, empty cells for steps that did not happen. Lines end with CRLF.
 */
export function toCsv(table: ThreadTable, values: readonly number[]): string {
  const lines: string[] = [CSV_COLUMNS.join(',')]
  for (let w = 0; w < table.count; w++) {
    const row: (string | number | boolean)[] = [
      w,
      w < values.length ? values[w] : NaN,
      table.deadline[w],
      table.spawned[w],
      table.woke[w],
      table.woke[w] - table.deadline[w],
      table.lockAcquired[w] - table.lockWait[w],
      table.lockReleased[w] - table.lockAcquired[w],
      table.index[w] >= 0 ? table.index[w] : NaN,
      !Number.isNaN(table.cancelled[w]),
    ]
    lines.push(row.map(csvField).join(','))
  }
  return lines.join('\r\n') + '\r\n'
}
