#!/usr/bin/env node
// Native addon benchmarks, printed as ratios from one run.
//   node bench/native.mjs            full run (~3 min on 2 cores)
//   node bench/native.mjs --quick    fewer runs per cell (~1 min)
// Needs the built addon (npm run build:native).
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const native = require('../native/index.js')
const { sort, parallel } = native

const quick = process.argv.includes('--quick')
const RUNS = quick ? 5 : 20
const caps = sort.capabilities()
const modes = caps.realtime.allowed ? ['classic', 'scheduled', 'realtime'] : ['classic', 'scheduled']

let seed = 12345
const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32
const randomValues = (n, max) => Array.from({ length: n }, () => Math.floor(rand() * max))
const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : String(x))
const line = (s = '') => console.log(s)
const ms = (t0) => performance.now() - t0

line(
  `threadlab native bench — ${caps.cpus} CPUs, ${caps.os}, realtime ${caps.realtime.allowed ? 'allowed' : 'not allowed'}, node ${process.version}${quick ? ', --quick' : ''}`,
)
line()

// ---------------------------------------------------------------------------------------------
line('## Recording overhead (same 10,000 values, scheduled, 1 ms per unit, 0..1000)')
{
  const values = randomValues(10_000, 1000)
  // warm (page faults of the first pass are not the recorder's cost): best of 5
  const cost = Array.from({ length: 5 }, () => sort.recordCostBenchmark(10_000)).reduce((a, c) =>
    c.recordNs + c.packNs < a.recordNs + a.packNs ? c : a,
  )
  const rows = []
  for (const record of [false, true, false, true]) {
    const cpu0 = process.cpuUsage()
    let batches = 0
    let cbMs = 0
    const run = sort.startSleepSort(values, { unitMs: 1, mode: 'scheduled', recordEvents: record }, (b) => {
      const t = performance.now()
      batches++
      void b[3]
      cbMs += ms(t)
    })
    const r = await run.result()
    const cpu = process.cpuUsage(cpu0)
    rows.push({ record, r, cpuMs: (cpu.user + cpu.system) / 1000, batches, cbMs })
  }
  for (const { record, r, cpuMs, batches } of rows) {
    line(
      `  recording ${record ? 'on ' : 'off'}: misplaced ${r.misplaced}, wall ${fmt(r.wallMs)} ms, events ${r.eventCount}, batches ${batches}, process CPU ${fmt(cpuMs)} ms`,
    )
  }
  const on = rows.filter((x) => x.record)
  const off = rows.filter((x) => !x.record)
  const avg = (xs, f) => xs.reduce((a, x) => a + f(x), 0) / xs.length
  const events = avg(on, (x) => x.r.eventCount)
  const cpuDelta = avg(on, (x) => x.cpuMs) - avg(off, (x) => x.cpuMs)
  line(
    `  recorder: ${fmt(cost.recordNs)} ns/event to record (always on: statistics use it) + ${fmt(cost.packNs)} ns/event to drain + pack = ${fmt(cost.recordNs + cost.packNs)} ns/event (target ≤ 100)`,
  )
  line(
    `  streaming cost, whole process (CPU on − CPU off) / events: ${fmt((cpuDelta * 1e6) / events)} ns/event (includes the JS callbacks; noisy on a busy machine)`,
  )
  line(
    `  misplaced on / off: ${fmt(avg(on, (x) => x.r.misplaced))} / ${fmt(avg(off, (x) => x.r.misplaced))}; wall on / off: ${fmt(avg(on, (x) => x.r.wallMs) / avg(off, (x) => x.r.wallMs), 3)}×`,
  )
}
line()

// ---------------------------------------------------------------------------------------------
line('## Stream throughput (native thread → ThreadsafeFunction → JS callback, 4096 events/batch)')
{
  for (const total of [200_000, 2_000_000]) {
    let seen = 0
    const t0 = performance.now()
    const r = await sort.streamBenchmark(total, (b) => {
      seen += b[3]
    })
    const t = ms(t0)
    line(
      `  ${total.toLocaleString('en')} events in ${r.batches} batches: ${fmt(t)} ms → ${fmt(((seen / t) * 1000) / 1e6, 2)} M events/s (target ≥ 1)`,
    )
  }
}
line()

// ---------------------------------------------------------------------------------------------
line('## Engine vs bare std-only seed loop (same 1,000 values, 1 ms per unit; wall ratio, target ≤ 1.2×)')
{
  const values = randomValues(1000, 1000)
  const f64 = new Float64Array(values)
  const reps = quick ? 2 : 4
  const bare = []
  const eng = { classic: [], scheduled: [] }
  for (let i = 0; i < reps; i++) {
    bare.push((await sort.bareSleepSort(f64, 1)).wallMs)
    for (const mode of ['classic', 'scheduled']) {
      eng[mode].push((await sort.sleepSort(values, { unitMs: 1, mode, recordEvents: false })).wallMs)
    }
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  line(`  bare seed: ${fmt(med(bare))} ms (median of ${reps})`)
  for (const mode of ['classic', 'scheduled']) {
    line(`  engine ${mode}: ${fmt(med(eng[mode]))} ms → ${fmt(med(eng[mode]) / med(bare), 3)}× bare`)
  }
}
line()

// ---------------------------------------------------------------------------------------------
line('## Cancellable sleep vs clock_nanosleep (1 ns slack, lateness of 1,000 sleeps of 1 ms and of 100 µs)')
{
  for (const us of [1000, 100]) {
    const a = sort.sleepAccuracyBenchmark(quick ? 300 : 1000, us)
    const p = (x) => `p50 ${fmt(x.p50 / 1000)} µs, p99 ${fmt(x.p99 / 1000)} µs, max ${fmt(x.max / 1000)} µs`
    line(
      `  ${us} µs — futex wait (cancellable): ${p(a.futex)}; clock_nanosleep: ${p(a.nanosleep)}; p50 ratio ${fmt(a.futex.p50 / a.nanosleep.p50, 2)}×`,
    )
  }
}
line()

// ---------------------------------------------------------------------------------------------
line(`## Resolution: ${RUNS} runs of 1,000 random values in 0..1000 per cell — % sorted exactly / mean misplaced`)
{
  const units = [
    ['1 ms', 1],
    ['100 µs', 0.1],
    ['10 µs', 0.01],
    ['1 µs', 0.001],
  ]
  line(`  | mode | ${units.map((u) => u[0]).join(' | ')} |`)
  line(`  |---|${units.map(() => '---').join('|')}|`)
  for (const mode of modes) {
    const cells = []
    for (const [, unitMs] of units) {
      let exact = 0
      let misplaced = 0
      for (let i = 0; i < RUNS; i++) {
        const r = await sort.sleepSort(randomValues(1000, 1000), { unitMs, mode, recordEvents: false })
        if (r.sorted) exact++
        misplaced += r.misplaced
      }
      cells.push(`${Math.round((100 * exact) / RUNS)}% / ${fmt(misplaced / RUNS)}`)
    }
    line(`  | ${mode} | ${cells.join(' | ')} |`)
  }
}
line()

// ---------------------------------------------------------------------------------------------
line('## Parallel sum of 10^7 numbers, full speed (speed-up vs a plain sequential Rust loop)')
{
  const n = 10_000_000
  const ints = new Float64Array(n)
  const decs = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    ints[i] = Math.floor(rand() * 2 ** 40) - 2 ** 39
    decs[i] = rand() * 1000 - 500
  }
  const threadsList = [...new Set([1, 2, caps.cpus])]
  for (const [name, data] of [
    ['integers (exact i128)', ints],
    ['decimals (Neumaier)', decs],
  ]) {
    const seqs = []
    for (let i = 0; i < 3; i++) seqs.push(parallel.sequentialSumBaseline(data).wallMs)
    const seq = Math.min(...seqs)
    const cells = []
    let check = ''
    for (const threads of threadsList) {
      const ts = []
      for (let i = 0; i < 3; i++) {
        const r = await parallel.sum(data, { threads, recordEvents: false, maxValues: n })
        ts.push(r.wallMs)
        check = r.sumText
      }
      const t = Math.min(...ts)
      cells.push(`${threads} thread${threads > 1 ? 's' : ''}: ${fmt(t, 2)} ms (${fmt(seq / t, 2)}×)`)
    }
    line(`  ${name}: sequential ${fmt(seq, 2)} ms; ${cells.join('; ')}  [sum ${check}]`)
  }
}
line()
line(
  `load average at end: ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
)
