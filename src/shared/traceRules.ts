/**
 * Checks a Chrome Trace Event Format file against what real readers do with it, so that a trace
 * that passes here opens whole in them. The rules are read from the readers' own code:
 *
 * Perfetto (trace processor, JSON importer: json_trace_tokenizer, json_trace_parser, trace_sorter,
 * slice_tracker, flow_tracker):
 * - ts and dur (µs) become int64 ns: an integral double × 1000, else llround(x × 1000); events with
 *   ts < 0 are dropped; tid 0 is replaced by the pid (it lands on the process's own track); pid/tid
 *   outside uint32 become 0.
 * - Events are sorted by (ts ns, X slices longest first, then the rest in file order).
 * - Each thread track keeps a stack of slices (X, and thread-scoped instants as zero-length slices).
 *   A new slice first pops every slice that ended before it, or at its ts (unless both are
 *   zero-length); a slice that starts inside the top one and ends after it is dropped.
 * - A v1 flow (`s`/`f`, identity (id, cat, name)) binds to the top of its track's stack as it is,
 *   stale slices included; `f` without bp "e" binds to the next slice instead.
 *
 * Chrome DevTools (its trace engine, the Performance panel):
 * - Only `I` instants are read (`i` is ignored). Each thread's X slices and instants are sorted by
 *   (ts, longest first) and nested with double arithmetic: a slice that starts inside the previous
 *   one and ends after it (even by one rounding step) is left out of the thread tree.
 * - A flow event binds to the first non-flow event in file order with the same ts, pid, tid and
 *   cat; flow events are paired in file order by (cat, name, id) and its ends keyed by ts.
 *
 * The format itself: string name and ph; X has a finite dur ≥ 0; M names a process or thread
 * (non-empty args.name) or gives its sort index; C has only finite numeric args; instants are
 * thread-, process- or global-scoped.
 */

const MAX_PROBLEMS = 1000
const PHASES = new Set(['X', 'M', 'C', 'I', 's', 'f'])
const UINT32_MAX = 0xffff_ffff

interface Ev {
  at: number
  ph: string
  name: string
  cat: string | undefined
  ts: number
  dur: number
  pid: number
  tid: number
  track: string
  id: unknown
  bp: unknown
  s: unknown
}

/** Perfetto's µs → ns coercion (CoerceToTs). */
export function perfettoNs(us: number): number {
  return Number.isInteger(us) ? us * 1000 : Math.round(us * 1000)
}

const isThreadSlice = (e: Ev) => e.ph === 'X' || (e.ph === 'I' && (e.s === undefined || e.s === 't'))

/** Which flow ends bind to which event, per reader: event index of the binding (or -1). */
interface Binding {
  perfetto: Map<number, number>
  devtools: Map<number, number>
}

/**
 * Perfetto's import: returns the slices it drops (index → reason) and what each flow event binds
 * to. Only well-formed events are given (ts ≥ 0 already checked).
 */
function perfettoImport(events: Ev[], binding: Binding, report: (msg: string) => void): void {
  const key = (e: Ev) => (e.ph === 'X' ? -perfettoNs(e.dur) : 0)
  const order = events
    .map((e) => ({ e, ns: perfettoNs(e.ts), key: key(e) }))
    .sort((a, b) => a.ns - b.ns || a.key - b.key || a.e.at - b.e.at)
  const stacks = new Map<string, { at: number; ts: number; dur: number }[]>()
  for (const { e, ns } of order) {
    let stack = stacks.get(e.track)
    if (!stack) stacks.set(e.track, (stack = []))
    if (isThreadSlice(e)) {
      const dur = e.ph === 'X' ? perfettoNs(e.dur) : 0
      let dropped: number | undefined
      for (let i = stack.length - 1; i >= 0; i--) {
        const top = stack[i],
          end = top.ts + top.dur
        if (end < ns || (end === ns && !(top.dur === 0 && dur === 0))) {
          stack.pop()
          continue
        }
        if (ns < end && ns + dur > end) {
          dropped = top.at
          break
        }
      }
      if (dropped !== undefined)
        report(`event ${e.at}: Perfetto drops this slice: it starts inside slice ${dropped} and ends after it`)
      else stack.push({ at: e.at, ts: ns, dur })
    } else if (e.ph === 's' || (e.ph === 'f' && e.bp === 'e')) {
      binding.perfetto.set(e.at, stack.length ? stack[stack.length - 1].at : -1)
    }
  }
}

/** DevTools' trace engine: the thread trees (reports slices left out) and flow bindings. */
function devtoolsImport(events: Ev[], binding: Binding, report: (msg: string) => void): void {
  const perTrack = new Map<string, Ev[]>()
  for (const e of events) {
    if (e.ph !== 'X' && e.ph !== 'I') continue
    let list = perTrack.get(e.track)
    if (!list) perTrack.set(e.track, (list = []))
    list.push(e)
  }
  for (const list of perTrack.values()) {
    list.sort((a, b) => a.ts - b.ts || b.ts + (b.dur || 0) - (a.ts + (a.dur || 0)))
    const stack: Ev[] = []
    for (const e of list) {
      const end = e.ts + (e.dur || 0)
      while (stack.length && e.ts >= stack[stack.length - 1].ts + (stack[stack.length - 1].dur || 0)) stack.pop()
      const parent = stack[stack.length - 1]
      if (parent && end > parent.ts + (parent.dur || 0)) {
        report(
          `event ${e.at}: DevTools leaves this slice out of its thread: it starts inside slice ${parent.at} and ends after it ([${parent.ts}, ${parent.ts + (parent.dur || 0)}] and [${e.ts}, ${end}] µs)`,
        )
        continue
      }
      stack.push(e)
    }
  }
  // flow binding: the first non-flow event in file order with the same ts, pid, tid and cat
  const first = new Map<string, number>()
  const tuple = (e: Ev) => `${e.ts}\u0000${e.pid}\u0000${e.tid}\u0000${e.cat}`
  for (const e of events) if (e.ph !== 's' && e.ph !== 'f' && !first.has(tuple(e))) first.set(tuple(e), e.at)
  for (const e of events) if (e.ph === 's' || e.ph === 'f') binding.devtools.set(e.at, first.get(tuple(e)) ?? -1)
}

/**
 * Checks a trace; returns the problems ([] if none). Strict: no tolerance that would hide an
 * overlap, a dropped event or a flow bound to the wrong slice in any reader above.
 */
export function validateChromeTrace(obj: unknown): string[] {
  const problems: string[] = []
  const report = (msg: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(msg)
    else if (problems.length === MAX_PROBLEMS) problems.push('… more problems not listed')
  }
  const list = Array.isArray(obj) ? obj : isRecord(obj) && Array.isArray(obj.traceEvents) ? obj.traceEvents : null
  if (!list) return ['the trace is neither an array of events nor an object with a traceEvents array']
  if (isRecord(obj) && obj.metadata !== undefined && !isRecord(obj.metadata))
    report('metadata is not an object (Perfetto imports a top-level metadata object)')

  const events: Ev[] = []
  list.forEach((e: unknown, at: number) => {
    const ev = checkEvent(e, at, report)
    if (ev) events.push(ev)
  })

  const binding: Binding = { perfetto: new Map(), devtools: new Map() }
  perfettoImport(events, binding, report)
  devtoolsImport(events, binding, report)
  checkFlows(events, binding, report)
  return problems
}

/** The format rules of one event; returns it when readers can place it. */
function checkEvent(e: unknown, at: number, report: (msg: string) => void): Ev | null {
  if (!isRecord(e)) {
    report(`event ${at} is not an object`)
    return null
  }
  const label = `event ${at} (${typeof e.ph === 'string' ? e.ph : '?'} ${JSON.stringify(typeof e.name === 'string' ? e.name : '?')})`
  let ok = true
  const bad = (msg: string) => {
    report(`${label}: ${msg}`)
    ok = false
  }
  if (typeof e.name !== 'string') bad('no name')
  if (typeof e.ph !== 'string') {
    report(`${label}: no ph`)
    return null
  }
  if (e.ph === 'i') {
    report(`${label}: instant phase "i" is not read by DevTools: use "I"`)
    return null
  }
  if (!PHASES.has(e.ph)) {
    report(`${label}: unsupported phase ${JSON.stringify(e.ph)}`)
    return null
  }
  if (typeof e.ts !== 'number' || !Number.isFinite(e.ts)) bad('ts is not a finite number')
  else if (e.ts < 0) bad(`ts ${e.ts} is negative (Perfetto drops it)`)
  for (const k of ['pid', 'tid'] as const) {
    const v = e[k]
    if (!Number.isInteger(v)) bad(`${k} is not an integer`)
    else if ((v as number) <= 0 || (v as number) > UINT32_MAX)
      bad(`${k} ${v} is not in 1..2^32-1 (Perfetto maps tid 0 to the pid, out-of-range ids to 0)`)
  }
  if (e.cat !== undefined && typeof e.cat !== 'string') bad('cat is not a string')
  const args = isRecord(e.args) ? e.args : null
  switch (e.ph) {
    case 'X':
      if (typeof e.dur !== 'number' || !Number.isFinite(e.dur) || e.dur < 0) bad('dur is not a finite number ≥ 0')
      break
    case 'M':
      if (e.name === 'process_name' || e.name === 'thread_name') {
        if (!args || typeof args.name !== 'string' || args.name === '')
          bad('metadata without a non-empty string args.name')
      } else if (e.name === 'process_sort_index' || e.name === 'thread_sort_index') {
        if (!args || typeof args.sort_index !== 'number' || !Number.isFinite(args.sort_index))
          bad('metadata without a numeric args.sort_index')
      } else bad('unknown metadata name')
      break
    case 'C': {
      const vals = args ? Object.values(args) : []
      if (vals.length === 0) bad('counter without args')
      else if (!vals.every((v) => typeof v === 'number' && Number.isFinite(v)))
        bad('counter args must all be finite numbers')
      break
    }
    case 'I':
      if (e.s !== undefined && e.s !== 't' && e.s !== 'p' && e.s !== 'g')
        bad(`instant scope ${JSON.stringify(e.s)} is not t, p or g`)
      break
    case 's':
    case 'f':
      if (!Number.isSafeInteger(e.id) || (e.id as number) < 0) bad('flow event without a non-negative integer id')
      if (typeof e.cat !== 'string') bad('flow event without a cat (it binds to a slice of the same cat)')
      if (e.ph === 'f' && e.bp !== 'e') bad('flow end without bp "e" (it must bind to the slice it ends in)')
      break
  }
  if (!ok) return null
  return {
    at,
    ph: e.ph,
    name: e.name as string,
    cat: e.cat as string | undefined,
    ts: e.ts as number,
    dur: (e.dur as number) ?? 0,
    pid: e.pid as number,
    tid: e.tid as number,
    track: `${e.pid}:${e.tid}`,
    id: e.id,
    bp: e.bp,
    s: e.s,
  }
}

/**
 * Flows: one `s` then one `f` per (cat, name, id), the end strictly later, and each end bound by
 * both readers to the same X slice, which starts at the flow's ts and has its cat.
 */
function checkFlows(events: Ev[], binding: Binding, report: (msg: string) => void): void {
  const byAt = new Map(events.map((e) => [e.at, e]))
  const flows = new Map<string, { s: Ev[]; f: Ev[] }>()
  for (const e of events) {
    if (e.ph !== 's' && e.ph !== 'f') continue
    const key = `${e.cat}\u0000${e.name}\u0000${e.id}`
    let f = flows.get(key)
    if (!f) flows.set(key, (f = { s: [], f: [] }))
    f[e.ph].push(e)
  }
  for (const { s, f } of flows.values()) {
    const id = (s[0] ?? f[0]).id
    if (s.length !== 1 || f.length !== 1) {
      report(
        `flow id ${id} has ${s.length} start${s.length === 1 ? '' : 's'} and ${f.length} end${f.length === 1 ? '' : 's'} (each (cat, name, id) must be one pair)`,
      )
      continue
    }
    if (f[0].at < s[0].at || f[0].ts <= s[0].ts)
      report(`flow id ${id} must start before it ends, in time and in file order (${s[0].ts} → ${f[0].ts} µs)`)
    for (const end of [s[0], f[0]]) {
      const what = `event ${end.at}: flow ${id} ${end.ph === 's' ? 'start' : 'end'} at ${end.ts} µs`
      const p = byAt.get(binding.perfetto.get(end.at) ?? -1)
      const d = byAt.get(binding.devtools.get(end.at) ?? -1)
      if (!p || p.ph !== 'X' || p.ts !== end.ts || p.cat !== end.cat)
        report(`${what} binds in Perfetto to ${describe(p)}, not to an X slice of cat ${end.cat} starting there`)
      else if (d !== p) report(`${what} binds in DevTools to ${describe(d)}, not to slice ${p.at} as in Perfetto`)
    }
  }
}

const describe = (e: Ev | undefined) =>
  e ? `event ${e.at} (${e.ph} ${JSON.stringify(e.name)} at ${e.ts} µs)` : 'nothing'

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}
