/**
 * Exports a run for Perfetto / chrome://tracing (Chrome Trace Event Format, JSON object form) and
 * as a per-thread CSV, plus a validator that checks the rules a trace viewer relies on.
 *
 * Times: ts and dur are µs; ts = tNs / 1000 exactly (fractions keep the ns). One track per sleep-sort
 * thread (tid = worker + 1) or per sum chunk; pid 1; tid 0 carries process-wide metadata and counters.
 * Slices on a track never overlap: each starts no earlier than the previous ended (colliding or
 * out-of-order timestamps are clamped so slices abut, durations ≥ 0). Flow arrows (mutex hand-offs,
 * partial sums to the combine track) start and end strictly inside a slice on their track.
 */
import type { RunRequest, RunResult } from './api'
import type { EventColumns } from './columns'
import { EventKind } from './events'
import { LIMITS } from './limits'
import { buildThreadTable, type ThreadTable } from './threads'

export interface TraceRun {
  request: RunRequest
  result?: RunResult | null
  events: EventColumns
}

export interface TraceEvent {
  name: string
  ph: 'X' | 'M' | 'C' | 'i' | 's' | 'f'
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
  args?: Record<string, string | number | boolean>
}

export interface ChromeTrace {
  traceEvents: TraceEvent[]
  displayTimeUnit: 'ns'
  otherData: Record<string, string | number | boolean>
}

const PID = 1
const us = (ns: number) => ns / 1000

interface Slice {
  name: string
  start: number
  end: number
  args?: Record<string, string | number | boolean>
}

/** Builds the trace; JSON.stringify it to save. Never emits NaN: missing steps are left out. */
export function exportChromeTrace(run: TraceRun): ChromeTrace {
  const events: TraceEvent[] = []
  if (run.request.experiment === 'sleep-sort') exportSleepSort(run, events)
  else exportParallelSum(run, events)
  const otherData: Record<string, string | number | boolean> = {
    experiment: run.request.experiment,
    values: run.request.values.length,
  }
  if (run.result) {
    otherData.runId = run.result.runId
    otherData.wallMs = run.result.wallMs
    otherData.cancelled = run.result.cancelled
  }
  return { traceEvents: events, displayTimeUnit: 'ns', otherData }
}

/** Emits slices one after another on a track: each starts no earlier than the previous ended. */
function emitSequential(out: TraceEvent[], tid: number, cat: string, slices: Slice[]): Slice[] {
  let cursor = -Infinity
  const placed: Slice[] = []
  for (const s of slices) {
    if (!Number.isFinite(s.start) || !Number.isFinite(s.end)) continue
    const start = Math.max(s.start, cursor)
    const end = Math.max(s.end, start)
    cursor = end
    const p = { ...s, start, end }
    placed.push(p)
    const ev: TraceEvent = { name: s.name, cat, ph: 'X', ts: us(start), dur: us(end - start), pid: PID, tid }
    if (s.args) ev.args = s.args
    out.push(ev)
  }
  return placed
}

function instant(
  out: TraceEvent[],
  tid: number,
  cat: string,
  name: string,
  tNs: number,
  args?: TraceEvent['args'],
): void {
  if (!Number.isFinite(tNs)) return
  const ev: TraceEvent = { name, cat, ph: 'i', s: 't', ts: us(tNs), pid: PID, tid }
  if (args) ev.args = args
  out.push(ev)
}

function meta(out: TraceEvent[], name: 'process_name' | 'thread_name', tid: number, value: string): void {
  out.push({ name, ph: 'M', ts: 0, pid: PID, tid, args: { name: value } })
}

/** Emits a counter from (time, delta) steps: one sample per distinct time, after all its steps. */
function counterFromSteps(out: TraceEvent[], name: string, series: string, steps: [number, number][]): void {
  steps.sort((a, b) => a[0] - b[0])
  let level = 0
  for (let i = 0; i < steps.length;) {
    const t = steps[i][0]
    while (i < steps.length && steps[i][0] === t) level += steps[i++][1]
    out.push({ name, ph: 'C', ts: us(t), pid: PID, tid: 0, args: { [series]: level } })
  }
}

const finite = (x: number) => Number.isFinite(x)

/**
 * A point for a flow end inside a slice: `preferred` when strictly inside, else the middle (else
 * the start of a zero-length slice). Viewers treat slices as [start, end), so an end placed on an
 * edge might bind to the neighbour that abuts it.
 */
function inner(slice: Slice, preferred = NaN): number {
  if (preferred > slice.start && preferred < slice.end) return preferred
  return slice.end > slice.start ? slice.start + (slice.end - slice.start) / 2 : slice.start
}
const firstFinite = (...xs: number[]) => xs.find(finite) ?? NaN

function exportSleepSort(run: TraceRun, out: TraceEvent[]): void {
  const req = run.request as Extract<RunRequest, { experiment: 'sleep-sort' }>
  const values = req.values
  const n = values.length
  const table = buildThreadTable(run.events, n)
  meta(out, 'process_name', 0, `Threadlab sleep sort (${req.mode}, ${req.unitMs} ms per unit, ${n} threads)`)
  const held: (Slice | undefined)[] = new Array(n)
  const pushAt = new Float64Array(n).fill(NaN)
  const waitSteps: [number, number][] = []
  for (let w = 0; w < n; w++) {
    const tid = w + 1
    meta(out, 'thread_name', tid, `value ${values[w]} (#${w})`)
    const cancelled = table.cancelled[w]
    const slices: Slice[] = []
    if (finite(table.sleepStart[w])) {
      const args: Slice['args'] = finite(table.deadline[w]) ? { deadline_ns: table.deadline[w] } : {}
      if (finite(table.woke[w]) && finite(table.deadline[w])) args.lateness_ns = table.woke[w] - table.deadline[w]
      slices.push({ name: 'sleep', start: table.sleepStart[w], end: firstFinite(table.woke[w], cancelled), args })
    }
    if (finite(table.lockWait[w]))
      slices.push({ name: 'lock-wait', start: table.lockWait[w], end: firstFinite(table.lockAcquired[w], cancelled) })
    if (finite(table.lockAcquired[w])) {
      const args: Slice['args'] = table.index[w] >= 0 ? { index: table.index[w] } : undefined
      slices.push({
        name: 'lock-held',
        start: table.lockAcquired[w],
        end: firstFinite(table.lockReleased[w], table.pushed[w], cancelled, table.lockAcquired[w]),
        args,
      })
    }
    const placed = emitSequential(out, tid, 'sleep-sort', slices)
    const wait = placed.find((s) => s.name === 'lock-wait')
    if (wait) waitSteps.push([wait.start, 1], [wait.end, -1])
    held[w] = placed.find((s) => s.name === 'lock-held')
    instant(out, tid, 'sleep-sort', 'spawned', table.spawned[w])
    instant(
      out,
      tid,
      'sleep-sort',
      'woke',
      table.woke[w],
      finite(table.deadline[w]) ? { deadline_ns: table.deadline[w] } : undefined,
    )
    if (finite(table.pushed[w])) {
      const h = held[w]
      pushAt[w] = h ? Math.min(Math.max(table.pushed[w], h.start), h.end) : table.pushed[w]
      instant(out, tid, 'sleep-sort', 'push', pushAt[w], { index: table.index[w], value: values[w] })
    }
    instant(out, tid, 'sleep-sort', 'cancelled', cancelled)
  }

  // vector length: +1 at each push
  const pushes: [number, number][] = []
  for (let w = 0; w < n; w++) if (finite(pushAt[w])) pushes.push([pushAt[w], 1])
  if (pushes.length) counterFromSteps(out, 'vector length', 'length', pushes)
  if (waitSteps.length) counterFromSteps(out, 'threads waiting for the mutex', 'waiting', waitSteps)

  // flow arrows: each push hands the mutex to the next holder
  const holders: number[] = []
  for (let w = 0; w < n; w++) if (table.index[w] >= 0 && held[w] && finite(pushAt[w])) holders.push(w)
  holders.sort((a, b) => table.index[a] - table.index[b])
  let id = 0
  for (let k = 0; k + 1 < holders.length; k++) {
    const from = holders[k],
      to = holders[k + 1]
    const start = inner(held[from]!, pushAt[from])
    const end = inner(held[to]!)
    if (end < start) continue
    id++
    out.push({ name: 'mutex handoff', cat: 'mutex', ph: 's', id, ts: us(start), pid: PID, tid: from + 1 })
    out.push({ name: 'mutex handoff', cat: 'mutex', ph: 'f', bp: 'e', id, ts: us(end), pid: PID, tid: to + 1 })
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

function exportParallelSum(run: TraceRun, out: TraceEvent[]): void {
  const cols = run.events
  const req = run.request as Extract<RunRequest, { experiment: 'parallel-sum' }>
  const chunks = sumChunkCount(run)
  const start = new Float64Array(chunks).fill(NaN),
    done = new Float64Array(chunks).fill(NaN),
    lastProgress = new Float64Array(chunks).fill(NaN)
  const length = new Float64Array(chunks).fill(NaN),
    partial = new Float64Array(chunks).fill(NaN)
  const progress: [number, number, number][] = []
  const combined: [number, number, number][] = []
  for (let i = 0; i < cols.length; i++) {
    const c = cols.worker[i],
      t = cols.tNs[i],
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
  meta(out, 'process_name', 0, `Threadlab parallel sum (${req.values.length} values, ${chunks} chunks)`)
  const chunkSlice: (Slice | undefined)[] = new Array(chunks)
  for (let c = 0; c < chunks; c++) {
    meta(out, 'thread_name', c + 1, `chunk ${c}`)
    const args: Slice['args'] = {}
    if (finite(length[c])) args.length = length[c]
    if (finite(partial[c])) args.partial = partial[c]
    chunkSlice[c] = emitSequential(out, c + 1, 'parallel-sum', [
      { name: `chunk ${c}`, start: start[c], end: firstFinite(done[c], lastProgress[c], start[c]), args },
    ])[0]
  }
  // progress counters, one per chunk, in time order
  progress.sort((x, y) => x[1] - y[1] || x[0] - y[0])
  for (const [c, t, a] of progress)
    if (finite(t) && finite(a))
      out.push({ name: `chunk ${c} progress`, ph: 'C', ts: us(t), pid: PID, tid: 0, args: { done: a } })

  const combineTid = chunks + 1
  if (combined.length === 0) return
  meta(out, 'thread_name', combineTid, 'combine')
  combined.sort((x, y) => x[1] - y[1])
  const wanted: Slice[] = combined.map(([c, t, total]) => ({
    name: `fold chunk ${c}`,
    start: Math.min(t, firstFinite(done[c], t)),
    end: t,
    args: (finite(total) ? { chunk: c, total } : { chunk: c }) as Slice['args'],
  }))
  const placed = emitSequential(out, combineTid, 'parallel-sum', wanted)
  let id = 0
  placed.forEach((fold, k) => {
    const [c, , total] = combined[k]
    if (finite(total)) out.push({ name: 'running total', ph: 'C', ts: us(fold.end), pid: PID, tid: 0, args: { total } })
    const from = chunkSlice[c]
    if (!from) return
    const start = inner(from),
      end = inner(fold)
    if (end < start) return
    id++
    out.push({ name: 'partial sum', cat: 'sum', ph: 's', id, ts: us(start), pid: PID, tid: c + 1 })
    out.push({ name: 'partial sum', cat: 'sum', ph: 'f', bp: 'e', id, ts: us(end), pid: PID, tid: combineTid })
  })
}

// ---- validation ---------------------------------------------------------------------------------

const MAX_PROBLEMS = 1000
const KNOWN_PHASES = new Set(['X', 'M', 'C', 'i', 'I', 's', 'f'])

/**
 * Checks a trace against the rules Threadlab's exports follow (a subset of the Trace Event
 * Format that Perfetto and chrome://tracing display faithfully). Returns the problems, [] if none:
 * - every event: string name and ph, finite ts, integer pid and tid; ph is one of X M C i I s f;
 * - X: finite dur ≥ 0; M: process_name/thread_name with a string args.name (or *_sort_index with a
 *   numeric args.sort_index); C: args with at least one number, all finite; i: s in t/p/g;
 * - s/f: an id, exactly one s and one f per id, f has bp "e" and is not before its s, and each end
 *   lies inside an X slice on its own track;
 * - X slices on one track (pid, tid) nest: any two are disjoint or one contains the other.
 */
export function validateChromeTrace(obj: unknown): string[] {
  const problems: string[] = []
  const report = (msg: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(msg)
    else if (problems.length === MAX_PROBLEMS) problems.push('… more problems not listed')
  }
  const list = Array.isArray(obj) ? obj : isRecord(obj) && Array.isArray(obj.traceEvents) ? obj.traceEvents : null
  if (!list) return ['the trace is neither an array of events nor an object with a traceEvents array']

  interface X {
    ts: number
    end: number
    at: number
  }
  const slices = new Map<string, X[]>()
  const flows = new Map<
    string,
    { s: { ts: number; at: number; track: string }[]; f: { ts: number; at: number; track: string }[] }
  >()
  list.forEach((e: unknown, at: number) => {
    if (!isRecord(e)) return report(`event ${at} is not an object`)
    const label = `event ${at} (${typeof e.ph === 'string' ? e.ph : '?'} ${JSON.stringify(typeof e.name === 'string' ? e.name : '?')})`
    let ok = true
    const bad = (msg: string) => {
      report(`${label}: ${msg}`)
      ok = false
    }
    if (typeof e.name !== 'string') bad('no name')
    if (typeof e.ph !== 'string') return report(`${label}: no ph`)
    if (!KNOWN_PHASES.has(e.ph)) return report(`${label}: unsupported phase ${JSON.stringify(e.ph)}`)
    if (typeof e.ts !== 'number' || !Number.isFinite(e.ts)) bad('ts is not a finite number')
    if (!Number.isInteger(e.pid)) bad('pid is not an integer')
    if (!Number.isInteger(e.tid)) bad('tid is not an integer')
    const track = `${e.pid}:${e.tid}`
    const args = isRecord(e.args) ? e.args : null
    switch (e.ph) {
      case 'X':
        if (typeof e.dur !== 'number' || !Number.isFinite(e.dur) || e.dur < 0) bad('dur is not a finite number ≥ 0')
        if (ok) {
          let list = slices.get(track)
          if (!list) slices.set(track, (list = []))
          list.push({ ts: e.ts as number, end: (e.ts as number) + (e.dur as number), at })
        }
        break
      case 'M':
        if (e.name === 'process_name' || e.name === 'thread_name') {
          if (!args || typeof args.name !== 'string') report(`${label}: metadata without a string args.name`)
        } else if (e.name === 'process_sort_index' || e.name === 'thread_sort_index') {
          if (!args || typeof args.sort_index !== 'number')
            report(`${label}: metadata without a numeric args.sort_index`)
        } else report(`${label}: unknown metadata name`)
        break
      case 'C': {
        const vals = args ? Object.values(args) : []
        if (vals.length === 0) report(`${label}: counter without args`)
        else if (!vals.every((v) => typeof v === 'number' && Number.isFinite(v)))
          report(`${label}: counter args must all be finite numbers`)
        break
      }
      case 'i':
      case 'I':
        if (e.s !== undefined && e.s !== 't' && e.s !== 'p' && e.s !== 'g')
          report(`${label}: instant scope ${JSON.stringify(e.s)} is not t, p or g`)
        break
      case 's':
      case 'f': {
        if (typeof e.id !== 'number' && typeof e.id !== 'string') {
          report(`${label}: flow event without an id`)
          break
        }
        if (e.ph === 'f' && e.bp !== 'e')
          report(`${label}: flow end without bp "e" (it must bind to its enclosing slice)`)
        if (!ok) break
        const key = `${typeof e.cat === 'string' ? e.cat : ''}\u0000${e.id}`
        let f = flows.get(key)
        if (!f) flows.set(key, (f = { s: [], f: [] }))
        f[e.ph].push({ ts: e.ts as number, at, track })
        break
      }
    }
  })

  const eps = (t: number) => Math.max(1e-6, Math.abs(t) * 1e-12)
  for (const [track, list] of slices) {
    list.sort((a, b) => a.ts - b.ts || b.end - a.end || a.at - b.at)
    const stack: X[] = []
    for (const s of list) {
      while (stack.length && stack[stack.length - 1].end <= s.ts + eps(s.ts)) stack.pop()
      const top = stack[stack.length - 1]
      if (top && s.end > top.end + eps(top.end)) {
        report(
          `slices ${top.at} and ${s.at} on track ${track} overlap without nesting ([${top.ts}, ${top.end}] and [${s.ts}, ${s.end}] µs)`,
        )
        continue
      }
      stack.push(s)
    }
  }
  const inside = (track: string, t: number) =>
    (slices.get(track) ?? []).some((s) => s.ts - eps(s.ts) <= t && t <= s.end + eps(s.end))
  for (const [key, { s, f }] of flows) {
    const id = key.split('\u0000')[1]
    if (s.length !== 1 || f.length !== 1) {
      report(
        `flow id ${id} has ${s.length} start${s.length === 1 ? '' : 's'} and ${f.length} end${f.length === 1 ? '' : 's'} (ids must be unique per pair)`,
      )
    }
    for (const end of [...s, ...f]) {
      if (!inside(end.track, end.ts))
        report(
          `event ${end.at}: flow ${id} ${s.includes(end) ? 'start' : 'end'} at ${end.ts} µs is outside every slice on track ${end.track}`,
        )
    }
    if (s.length === 1 && f.length === 1 && f[0].ts < s[0].ts)
      report(`flow id ${id} ends (${f[0].ts} µs) before it starts (${s[0].ts} µs)`)
  }
  return problems
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
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
