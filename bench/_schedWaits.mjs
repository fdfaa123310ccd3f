// Asks the kernel, not the page, where a long main-thread task's time went: `perf` records every
// context switch, wake-up and migration on the machine (on CLOCK_MONOTONIC, the clock of
// Chromium's trace), and for a task of one thread this says how long the thread ran, how long it
// sat runnable in a CPU's queue — and what that CPU ran instead — and how long it slept.
// Linux only; needs `perf` and the right to trace the whole machine (root, or perf_event_paranoid
// at -1).
import { spawn, spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createInterface } from 'node:readline'

const EVENTS = ['sched:sched_switch', 'sched:sched_waking', 'sched:sched_migrate_task']

/** Whether `perf` can be run here (not whether it may trace: that shows when recording starts). */
export function perfAvailable() {
  return spawnSync('perf', ['--version'], { encoding: 'utf8' }).status === 0
}

/**
 * Starts recording the scheduler's events into `file`; `stop()` ends the recording and resolves
 * with the events, in time order: { t (µs), cpu, kind: 'switch' | 'waking' | 'migrate', ... }.
 */
export async function recordScheduler(file) {
  const args = ['record', '-k', 'CLOCK_MONOTONIC', '-a', '-m', '32M', '-o', file, ...EVENTS.flatMap((e) => ['-e', e])]
  const perf = spawn('perf', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  perf.stderr.on('data', (d) => (err += d))
  const exited = new Promise((done) => perf.on('exit', (code) => done(code)))
  // perf prints nothing when it starts; give it a moment to open its buffers, and fail early
  const early = await Promise.race([exited, new Promise((done) => setTimeout(() => done('running'), 1000))])
  if (early !== 'running') throw new Error(`perf record exited (${early}): ${err.trim()}`)
  return {
    async stop() {
      perf.kill('SIGINT')
      await exited
      try {
        return await readEvents(file)
      } finally {
        rmSync(file, { force: true })
      }
    },
  }
}

const LINE = /^\s*(.*?)\s+(\d+)\/(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+sched:(\w+):\s+(.*)$/
const SWITCH = /prev_comm=(.*) prev_pid=(\d+) prev_prio=\d+ prev_state=(\S+) ==> next_comm=(.*) next_pid=(\d+)/
const PID = /\bpid=(\d+)/
const MIGRATE = /orig_cpu=(\d+) dest_cpu=(\d+)/

async function readEvents(file) {
  const script = spawn('perf', ['script', '-i', file, '-F', 'comm,pid,tid,cpu,time,event,trace'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const events = []
  for await (const line of createInterface({ input: script.stdout })) {
    const m = LINE.exec(line)
    if (!m) continue
    const [, , pid, , cpu, time, kind, rest] = m
    const e = { t: Number(time) * 1e6, cpu: Number(cpu), pid: Number(pid) }
    if (kind === 'sched_switch') {
      const s = SWITCH.exec(rest)
      if (!s) continue
      events.push({ ...e, kind: 'switch', prevTid: +s[2], prevState: s[3], nextComm: s[4], nextTid: +s[5] })
    } else if (kind === 'sched_waking') {
      events.push({
        ...e,
        kind: 'waking',
        tid: Number(PID.exec(rest)?.[1]),
        target: Number(/target_cpu=(\d+)/.exec(rest)?.[1]),
      })
    } else if (kind === 'sched_migrate_task') {
      const g = MIGRATE.exec(rest)
      events.push({ ...e, kind: 'migrate', tid: Number(PID.exec(rest)?.[1]), to: Number(g?.[2]) })
    }
  }
  return events
}

/**
 * Where thread `tid`'s time went between `fromUs` and `toUs`: { runMs, queuedMs, asleepMs,
 * queuedOn: Map(cpu → ms), whileQueued: Map(cpu → [name, ms][]) }. whileQueued says what every
 * CPU ran (most first; 'idle' when nothing) while the thread sat runnable in a queue: its own
 * queue's CPU shows who went first, another CPU left idle shows the thread was not moved there.
 */
export function whereTimeWent(events, { tid, fromUs, toUs }) {
  // pass 1: the thread's own states, as intervals clipped to the window
  const states = []
  let state = 'asleep'
  let queue = -1
  let since = fromUs
  const enter = (next, cpu, t) => {
    if (t > fromUs) states.push({ state, cpu: queue, from: Math.max(since, fromUs), to: Math.min(t, toUs) })
    state = next
    queue = cpu
    since = t
  }
  for (const e of events) {
    if (e.t > toUs) break
    if (e.kind === 'switch' && e.prevTid === tid) enter(e.prevState.startsWith('R') ? 'queued' : 'asleep', e.cpu, e.t)
    else if (e.kind === 'switch' && e.nextTid === tid) enter('run', e.cpu, e.t)
    else if (e.kind === 'waking' && e.tid === tid && state === 'asleep') enter('queued', e.target, e.t)
    else if (e.kind === 'migrate' && e.tid === tid && state === 'queued') enter('queued', e.to, e.t)
  }
  enter(state, queue, toUs)
  const sum = (s) => states.filter((x) => x.state === s).reduce((ms, x) => ms + (x.to - x.from) / 1000, 0)
  const queuedOn = new Map()
  for (const x of states)
    if (x.state === 'queued') queuedOn.set(x.cpu, (queuedOn.get(x.cpu) ?? 0) + (x.to - x.from) / 1000)
  // pass 2: what each CPU ran while the thread sat in a queue
  const queued = states.filter((x) => x.state === 'queued' && x.to > x.from)
  const ran = new Map()
  const current = new Map()
  const charge = (cpu, until) => {
    const c = current.get(cpu)
    if (!c) return
    for (const q of queued) {
      const overlap = Math.min(until, q.to) - Math.max(c.since, q.from)
      if (overlap <= 0) continue
      const onCpu = ran.get(cpu) ?? new Map()
      ran.set(cpu, onCpu)
      onCpu.set(c.name, (onCpu.get(c.name) ?? 0) + overlap / 1000)
    }
  }
  for (const e of events) {
    if (e.kind !== 'switch') continue
    if (e.t > toUs) break
    charge(e.cpu, e.t)
    current.set(e.cpu, { since: e.t, name: e.nextTid === 0 ? 'idle' : e.nextComm })
  }
  for (const cpu of current.keys()) charge(cpu, toUs)
  const whileQueued = new Map(
    [...ran].sort((a, b) => a[0] - b[0]).map(([cpu, m]) => [cpu, [...m].sort((a, b) => b[1] - a[1])]),
  )
  return {
    runMs: sum('run'),
    queuedMs: sum('queued'),
    asleepMs: sum('asleep'),
    queuedOn,
    whileQueued,
  }
}
