#!/usr/bin/env node
// `npm run soak` (not part of npm test): 200 runs in a row on the real addon — sleep sorts of
// 10..10,000 values in every timing mode the machine allows (classic, scheduled, realtime) and
// parallel sums — with random cancels. Every 20 runs it prints the process's OS threads, RSS and
// open file descriptors; at the end it says whether each came back to its starting band and exits
// non-zero if one did not (or if a run misbehaved: wrong event count, rejected, left active).
//
//   npm run soak                       200 runs, a random seed (printed)
//   npm run soak -- --runs 500 --seed 42
//
// Bands: threads end within ±2 of the baseline (taken after a warm-up run); open fds within +4;
// RSS — glibc keeps freed arenas, so the test is for growth, not a return to the first figure — the
// last checkpoint is at most 48 MiB above the checkpoint after the first 40 runs (a warmed-up
// process), and at most 256 MiB above the baseline. The JS heap and external memory stay flat; the
// RSS that creeps up is glibc's per-thread malloc arenas (with MALLOC_ARENA_MAX=2 it stays flat), not
// a leak — the heap and ext columns show which side grows if that ever changes.
import { readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

const args = process.argv.slice(2)
const opt = (name, fallback) => {
  const i = args.indexOf(name)
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback
}
const RUNS = opt('--runs', 200)
const SEED = opt('--seed', Math.floor(Math.random() * 2 ** 31))
const EVERY = 20
const EVENTS_PER_THREAD = 8
const THREAD_SLACK = 2
const FD_SLACK = 4
const RSS_GROWTH_MIB = 48
const RSS_OVER_BASELINE_MIB = 256

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const native = createRequire(import.meta.url)(process.env.THREADLAB_NATIVE ?? join(root, 'native', 'index.js'))
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc')

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const rssMiB = () => process.memoryUsage.rss() / 2 ** 20
const fds = () => readdirSync('/proc/self/fd').length
let s = SEED >>> 0 || 1
const random = () => {
  s ^= s << 13
  s >>>= 0
  s ^= s >>> 17
  s ^= s << 5
  s >>>= 0
  return s / 2 ** 32
}
const pick = (list) => list[Math.floor(random() * list.length)]
/** log-uniform size in [lo, hi] */
const size = (lo, hi) => Math.round(Math.exp(Math.log(lo) + random() * (Math.log(hi) - Math.log(lo))))

async function settle() {
  // let the engine's joins and Node's handles finish, then collect what JS dropped
  for (let i = 0; i < 100 && native.activeRuns() > 0; i++) await sleep(20)
  await sleep(100)
  gc()
  await sleep(50)
}

const caps = native.sort.capabilities()
const modes = caps.realtime.allowed ? ['classic', 'scheduled', 'realtime'] : ['classic', 'scheduled']
console.log(
  `soak: ${RUNS} runs, seed ${SEED}, ${caps.cpus} CPUs, modes ${modes.join('/')}${caps.realtime.allowed ? '' : ` (realtime not allowed: ${caps.realtime.reason ?? 'no reason given'})`}, pid ${process.pid}`,
)

// Warm-up: one run of each kind starts whatever the addon and libuv start once.
await native.sort.startSleepSort([3, 1, 2], { unitMs: 1, mode: 'scheduled' }, () => {}).result()
await native.parallel.startSum([1, 2, 3], { threads: 2 }, () => {}).result()
await settle()
const baseline = { threads: native.threadCount(), rssMiB: rssMiB(), fds: fds() }
console.log(`baseline: threads ${baseline.threads}, RSS ${baseline.rssMiB.toFixed(1)} MiB, fds ${baseline.fds}`)
console.log(
  '   runs  threads  RSS MiB  heap MiB  ext MiB  fds  active  peak threads  elapsed s  (kinds since last line)',
)

const problems = []
const tally = { sort: 0, sum: 0, cancelled: 0, sorted: 0, events: 0 }
const byMode = Object.fromEntries(modes.map((m) => [m, { runs: 0, sorted: 0, cancelled: 0 }]))
const checkpoints = []
let peakThreads = baseline.threads
let sinceLine = {}
const started = Date.now()
// the peak is sampled while runs are going (a run's threads are gone by the time it resolves)
const sampler = setInterval(() => (peakThreads = Math.max(peakThreads, native.threadCount())), 10)

for (let i = 1; i <= RUNS; i++) {
  const kind = random() < 0.7 ? 'sort' : 'sum'
  const cancelAfter = random() < 0.25 ? random() * 200 : null
  let events = 0
  const onBatch = (b) => {
    events += b[3]
  }
  let label
  try {
    if (kind === 'sort') {
      const n = size(10, 10_000)
      const mode = pick(modes)
      const max = 1 + Math.floor(random() * 1000)
      // the longest sleep stays ≤ ~250 ms so 200 runs take minutes, not hours
      const unitMs = Math.max(0.001, Math.min(pick([0.001, 0.01, 0.1, 1]), 250 / max))
      const values = Array.from({ length: n }, () => Math.floor(random() * max) - (random() < 0.05 ? 20 : 0))
      label = `${mode}:${n}`
      const run = native.sort.startSleepSort(values, { unitMs, mode }, onBatch)
      if (cancelAfter !== null) setTimeout(() => run.cancel(), cancelAfter)
      const r = await run.result()
      tally.sort++
      byMode[mode].runs++
      if (r.cancelled) {
        tally.cancelled++
        byMode[mode].cancelled++
      } else {
        if (r.output.length !== n) problems.push(`run ${i} (${label}): ${r.output.length} values pushed of ${n}`)
        if (events !== n * EVENTS_PER_THREAD)
          problems.push(`run ${i} (${label}): ${events} events, expected ${n * EVENTS_PER_THREAD}`)
        if (r.sorted) {
          tally.sorted++
          byMode[mode].sorted++
        }
      }
      if (r.eventCount !== events)
        problems.push(`run ${i} (${label}): result.eventCount ${r.eventCount}, delivered ${events}`)
      if (!r.cancelled && r.threads !== n) problems.push(`run ${i} (${label}): ${r.threads} threads for ${n} values`)
    } else {
      const n = size(10, 10_000)
      const threads = 1 + Math.floor(random() * 16)
      const unitMs = random() < 0.5 ? 0 : Math.min(0.05, 200 / Math.ceil(n / Math.min(threads, n)))
      const values = Array.from({ length: n }, (_, k) => (random() < 0.5 ? k : k + 0.25))
      label = `sum:${n}/${threads}`
      const job = native.parallel.startSum(values, { threads, unitMs }, onBatch)
      if (cancelAfter !== null) setTimeout(() => job.cancel(), cancelAfter)
      const r = await job.result()
      tally.sum++
      if (r.cancelled) tally.cancelled++
      else {
        const expected = values.reduce((a, b) => a + b, 0)
        if (Math.abs(Number(r.sumText) - expected) > 1e-6 * Math.max(1, Math.abs(expected)))
          problems.push(`run ${i} (${label}): sum ${r.sumText}, expected ${expected}`)
      }
      if (r.eventCount !== events)
        problems.push(`run ${i} (${label}): result.eventCount ${r.eventCount}, delivered ${events}`)
    }
  } catch (e) {
    problems.push(`run ${i} (${label ?? kind}): ${e.code ?? ''} ${e.message}`)
  }
  tally.events += events
  const kindKey = label?.split(':')[0] ?? kind
  sinceLine[kindKey] = (sinceLine[kindKey] ?? 0) + 1
  peakThreads = Math.max(peakThreads, native.threadCount())
  if (native.activeRuns() !== 0) {
    await sleep(50)
    if (native.activeRuns() !== 0)
      problems.push(`run ${i} (${label}): activeRuns() = ${native.activeRuns()} after its result`)
  }
  if (i % EVERY === 0 || i === RUNS) {
    await settle()
    const m = process.memoryUsage()
    const c = {
      runs: i,
      threads: native.threadCount(),
      rssMiB: m.rss / 2 ** 20,
      heapMiB: m.heapUsed / 2 ** 20,
      externalMiB: m.external / 2 ** 20,
      fds: fds(),
      active: native.activeRuns(),
    }
    checkpoints.push(c)
    const kinds = Object.entries(sinceLine)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')
    sinceLine = {}
    console.log(
      `${String(c.runs).padStart(7)}  ${String(c.threads).padStart(7)}  ${c.rssMiB.toFixed(1).padStart(7)}  ${c.heapMiB.toFixed(1).padStart(8)}  ${c.externalMiB.toFixed(1).padStart(7)}  ${String(c.fds).padStart(3)}  ${String(c.active).padStart(6)}  ${String(peakThreads).padStart(12)}  ${((Date.now() - started) / 1000).toFixed(1).padStart(9)}  (${kinds})`,
    )
    peakThreads = c.threads
  }
}

clearInterval(sampler)
await settle()
const end = { threads: native.threadCount(), rssMiB: rssMiB(), fds: fds(), active: native.activeRuns() }
const warmed = checkpoints[Math.min(1, checkpoints.length - 1)]
const verdicts = [
  [
    'threads',
    Math.abs(end.threads - baseline.threads) <= THREAD_SLACK,
    `${end.threads} at the end, baseline ${baseline.threads} (band ±${THREAD_SLACK})`,
  ],
  [
    'open fds',
    end.fds <= baseline.fds + FD_SLACK,
    `${end.fds} at the end, baseline ${baseline.fds} (band +${FD_SLACK})`,
  ],
  [
    'RSS',
    end.rssMiB <= warmed.rssMiB + RSS_GROWTH_MIB && end.rssMiB <= baseline.rssMiB + RSS_OVER_BASELINE_MIB,
    `${end.rssMiB.toFixed(1)} MiB at the end, ${warmed.rssMiB.toFixed(1)} MiB after ${warmed.runs} runs (band +${RSS_GROWTH_MIB}), baseline ${baseline.rssMiB.toFixed(1)} MiB (band +${RSS_OVER_BASELINE_MIB})`,
  ],
  ['active runs', end.active === 0, `${end.active} at the end`],
  [
    'runs',
    problems.length === 0,
    problems.length === 0 ? 'every run delivered its events and result' : `${problems.length} problems`,
  ],
]
console.log(
  `\nsoak: ${tally.sort} sleep sorts, ${tally.sum} sums, ${tally.cancelled} cancelled, ${tally.events} events in ${((Date.now() - started) / 1000).toFixed(1)} s`,
)
for (const [mode, m] of Object.entries(byMode))
  console.log(
    `  ${mode}: ${m.runs} runs, ${m.cancelled} cancelled, ${m.sorted} of ${m.runs - m.cancelled} finished runs sorted exactly`,
  )
for (const p of problems.slice(0, 20)) console.log(`  problem: ${p}`)
for (const [what, ok, detail] of verdicts) console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}: ${detail}`)
const failed = verdicts.some(([, ok]) => !ok)
console.log(failed ? 'soak FAILED' : 'soak passed: threads, fds and RSS back in their bands')
native.shutdown()
process.exit(failed ? 1 : 0)
