// Reads a Chromium performance trace (Tracing domain, with the V8 sampling profiler's category on)
// and says what each long main-thread task of the page was made of: the functions whose samples
// fall inside it, by inclusive and by self time. Sample times are rebuilt from each profile's
// start and its chunks' time deltas, on the same clock as the tasks.

/** Trace categories this reader needs. */
export const TRACE_CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-v8.cpu_profiler',
  'v8',
  'blink.user_timing',
]

/** The renderer's main thread (the page's, not the browser's): the one with profile samples. */
function pageMainThreads(events) {
  const mains = new Set()
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain') mains.add(`${e.pid}:${e.tid}`)
  return mains
}

/** Every profile sample of the given threads: { t (µs), stack: callFrame[] (leaf first) }. */
function samplesOf(events, threads) {
  const profiles = new Map()
  for (const e of events) {
    if (e.name === 'Profile' && threads.has(`${e.pid}:${e.tid}`))
      profiles.set(`${e.pid}:${e.id}`, { t: e.args.data.startTime, nodes: new Map(), samples: [] })
  }
  for (const e of events) {
    if (e.name !== 'ProfileChunk') continue
    const p = profiles.get(`${e.pid}:${e.id}`)
    const data = e.args?.data
    if (!p || !data) continue
    for (const n of data.cpuProfile?.nodes ?? []) p.nodes.set(n.id, n)
    const ids = data.cpuProfile?.samples ?? []
    const deltas = data.timeDeltas ?? []
    for (let i = 0; i < ids.length; i++) {
      p.t += deltas[i] ?? 0
      p.samples.push({ t: p.t, id: ids[i] })
    }
  }
  const out = []
  for (const p of profiles.values()) {
    for (const s of p.samples) {
      const stack = []
      for (let n = p.nodes.get(s.id); n; n = p.nodes.get(n.parent)) stack.push(n.callFrame)
      out.push({ t: s.t, stack })
    }
  }
  return out.sort((a, b) => a.t - b.t)
}

const frameName = (f) => {
  const file = f.url ? f.url.slice(f.url.lastIndexOf('/') + 1) : ''
  return `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`
}

/**
 * The page's main-thread tasks (outermost RunTask events) longer than `overMs` that start between
 * `fromUs` and `toUs` (trace clock), in time order, as trace events: ts and dur (wall, µs) and tdur
 * (thread time: what the task had of a CPU; the rest it waited for one).
 */
export function mainThreadTasks(traceEvents, { overMs = 0, fromUs = -Infinity, toUs = Infinity } = {}) {
  const mains = pageMainThreads(traceEvents)
  const tasks = traceEvents
    .filter(
      (e) =>
        e.ph === 'X' &&
        (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') &&
        mains.has(`${e.pid}:${e.tid}`) &&
        e.dur / 1000 > overMs &&
        e.ts >= fromUs &&
        e.ts <= toUs,
    )
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur)
  // nested RunTask events of one task: keep the outermost
  const out = []
  for (const e of tasks) {
    const last = out[out.length - 1]
    if (!last || last.pid !== e.pid || e.ts >= last.ts + last.dur) out.push(e)
  }
  return out
}

/**
 * Like mainThreadTasks, longest first, each with its top functions: { ms, cpuMs, startUs,
 * inclusive: [name, ms][], self: [name, ms][], events: [name, ms][] }.
 */
export function longTaskBreakdown(traceEvents, { overMs = 50, top = 8, fromUs = -Infinity, toUs = Infinity } = {}) {
  const mains = pageMainThreads(traceEvents)
  const tasks = mainThreadTasks(traceEvents, { overMs, fromUs, toUs })
  const samples = samplesOf(traceEvents, mains)
  // a sample stands for at most one sampling interval: a longer gap is time the thread waited for
  // a CPU (no samples are taken while it is off one), which would otherwise be charged to the
  // function it was preempted in
  const gaps = samples
    .slice(1)
    .map((s, i) => s.t - samples[i].t)
    .filter((g) => g > 0)
    .sort((a, b) => a - b)
  const interval = gaps.length ? gaps[gaps.length >> 1] : Infinity
  return tasks
    .map((task) => {
      const inside = samples.filter((s) => s.t >= task.ts && s.t < task.ts + task.dur)
      const inclusive = new Map()
      const self = new Map()
      for (let i = 0; i < inside.length; i++) {
        const next = inside[i + 1]?.t ?? task.ts + task.dur
        const ms = Math.min(next - inside[i].t, interval) / 1000
        const names = new Set(inside[i].stack.map(frameName))
        for (const n of names) inclusive.set(n, (inclusive.get(n) ?? 0) + ms)
        const leaf = inside[i].stack[0]
        if (leaf) self.set(frameName(leaf), (self.get(frameName(leaf)) ?? 0) + ms)
      }
      const rank = (m) =>
        [...m]
          .filter(([n]) => !n.startsWith('(root)') && !n.startsWith('(program)'))
          .sort((a, b) => b[1] - a[1])
          .slice(0, top)
      // what the trace itself names inside the task (GC, layout, style, paint), beside the samples
      const named = new Map()
      for (const e of traceEvents) {
        if (e.ph !== 'X' || e.pid !== task.pid || e.tid !== task.tid || e === task) continue
        if (e.ts < task.ts || e.ts + e.dur > task.ts + task.dur || e.name.endsWith('RunTask')) continue
        named.set(e.name, (named.get(e.name) ?? 0) + e.dur / 1000)
      }
      return {
        ms: task.dur / 1000,
        // thread time: what the task had of a CPU (the rest it waited for one)
        cpuMs: task.tdur === undefined ? NaN : task.tdur / 1000,
        startUs: task.ts,
        inclusive: rank(inclusive),
        self: rank(self),
        events: rank(named),
      }
    })
    .sort((a, b) => b.ms - a.ms)
}

/** Start of each user-timing mark (performance.mark) by name, trace clock, µs. */
export function marksOf(traceEvents) {
  const marks = new Map()
  for (const e of traceEvents) if (e.cat?.includes('blink.user_timing') && e.ph !== 'M') marks.set(e.name, e.ts)
  return marks
}

/** One long task's breakdown as indented lines. */
export function describeTask(task) {
  const fmt = ([n, ms]) => `${ms.toFixed(0).padStart(5)} ms  ${n}`
  return [
    `task ${task.ms.toFixed(0)} ms${Number.isNaN(task.cpuMs) ? '' : `, on a CPU ${task.cpuMs.toFixed(0)} ms`}${task.when ? ` (${task.when})` : ''}`,
    '  inclusive (sampled, on a CPU):',
    ...task.inclusive.map((x) => '    ' + fmt(x)),
    '  self:',
    ...task.self.map((x) => '    ' + fmt(x)),
    '  trace events (nested ones counted in each):',
    ...task.events.map((x) => '    ' + fmt(x)),
  ].join('\n')
}
