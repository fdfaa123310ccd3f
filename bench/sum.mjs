#!/usr/bin/env node
// Parallel sum as a Node user sees it: from the call to the resolved promise, side by side in one
// run with what they would write instead (a plain JS loop, a Neumaier-compensated JS loop) and
// with the addon's own sequential baseline. Ratios are "JS loop time / this time": ≥ 1 means at
// least as fast as the plain loop.
//   node bench/sum.mjs            9 rounds per cell
//   node bench/sum.mjs --quick    5 rounds per cell
// Needs the built addon (npm run build:native).
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'

const require = createRequire(import.meta.url)
const { parallel } = require('../native/index.js')

const quick = process.argv.includes('--quick')
const ROUNDS = quick ? 5 : 9
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : String(x))
const line = (s = '') => console.log(s)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

let seed = 12345
const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32

function jsLoop(a) {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]
  return s
}

function jsNeumaier(a) {
  let s = 0
  let c = 0
  for (let i = 0; i < a.length; i++) {
    const x = a[i]
    const t = s + x
    if (Math.abs(s) >= Math.abs(x)) c += s - t + x
    else c += x - t + s
    s = t
  }
  return s + c
}

/** Every contender once per round (interleaved, so machine load hits them alike); medians. */
async function race(contenders) {
  const times = contenders.map(() => [])
  const extra = contenders.map(() => [])
  for (const c of contenders) await c.run() // warm up: JIT, page faults, thread stacks
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, c] of contenders.entries()) {
      const t0 = performance.now()
      const out = await c.run()
      times[i].push(performance.now() - t0)
      if (out?.wallMs !== undefined) extra[i].push(out.wallMs)
    }
  }
  return contenders.map((c, i) => ({
    name: c.name,
    ms: median(times[i]),
    wallMs: extra[i].length ? median(extra[i]) : undefined,
  }))
}

line(`threadlab parallel-sum bench — ${os.cpus().length} CPUs, node ${process.version}, ${ROUNDS} rounds, medians`)
line(
  `load average at start: ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
)
line()

const rows = []
for (const n of [1_000_000, 10_000_000]) {
  const doubles = new Float64Array(n)
  const integers = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    doubles[i] = rand() * 1000 - 500
    integers[i] = Math.floor(rand() * 2 ** 40) - 2 ** 39
  }
  for (const [kind, data] of [
    ['doubles', doubles],
    ['integers', integers],
  ]) {
    const options = (threads) => ({ threads, recordEvents: false, maxValues: n })
    const results = await race([
      { name: 'JS loop', run: () => jsLoop(data) },
      { name: 'JS Neumaier loop', run: () => jsNeumaier(data) },
      { name: 'sequentialSumBaseline', run: () => parallel.sequentialSumBaseline(data) },
      { name: 'parallel.sum, 1 thread', run: () => parallel.sum(data, options(1)) },
      { name: 'parallel.sum, 2 threads', run: () => parallel.sum(data, options(2)) },
    ])
    const js = results[0].ms
    const r2 = await parallel.sum(data, options(2))
    let check
    if (kind === 'integers') {
      let exact = 0n
      for (let i = 0; i < n; i++) exact += BigInt(data[i])
      check = r2.sumText === exact.toString() ? `exact (${r2.sumText})` : `NOT EXACT: ${r2.sumText} vs ${exact}`
    } else {
      check = `kind ${r2.kind}, |sum − JS Neumaier| = ${Math.abs(r2.sum - jsNeumaier(data)).toExponential(1)}`
    }
    line(`## ${n.toLocaleString('en')} ${kind} (Float64Array) — ${check}`)
    for (const r of results) {
      const wall = r.wallMs !== undefined ? `   [engine wallMs ${fmt(r.wallMs)}]` : ''
      line(`  ${r.name.padEnd(24)} ${fmt(r.ms).padStart(8)} ms   JS loop / this = ${fmt(js / r.ms)}×${wall}`)
    }
    rows.push({ n, kind, js, results })
    line()
  }
}

// ---------------------------------------------------------------------------------------------
line("## Fixed cost: 1,000 doubles, call → resolved promise vs the engine's wallMs (spawn, join, promise hop)")
{
  const data = new Float64Array(1000).map(() => rand())
  for (const threads of [1, 2]) {
    const [r] = await race([{ name: `${threads}`, run: () => parallel.sum(data, { threads, recordEvents: false }) }])
    line(
      `  ${threads} thread${threads > 1 ? 's' : ''}: ${fmt(r.ms, 3)} ms call → result, engine wallMs ${fmt(r.wallMs, 3)}`,
    )
  }
}
line()

// ---------------------------------------------------------------------------------------------
line('## Memory: RSS growth on the JS thread while summing 10,000,000 doubles (80 MB)')
{
  const n = 10_000_000
  const data = new Float64Array(n).map(() => rand())
  const rss = () => process.memoryUsage.rss()
  // the kernel's peak-RSS mark (VmHWM) can be reset by writing 5 to clear_refs (Linux)
  const resetPeak = () => {
    try {
      writeFileSync('/proc/self/clear_refs', '5')
      return true
    } catch {
      return false
    }
  }
  const peak = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) * 1024
  const measure = async (what) => {
    globalThis.gc?.()
    const canPeak = resetPeak()
    const before = rss()
    const pending = what()
    const afterCall = rss()
    await pending
    const afterResult = rss()
    const peakGrowth = canPeak ? peak() - before : NaN
    return { call: afterCall - before, result: afterResult - before, peak: peakGrowth }
  }
  const mb = (b) => `${fmt(b / 2 ** 20, 1)} MB`
  await parallel.sum(data, { threads: 2, recordEvents: false, maxValues: n })
  for (const [name, what] of [
    ['parallel.sum, 2 threads', () => parallel.sum(data, { threads: 2, recordEvents: false, maxValues: n })],
    ['control: data.slice() (a copy)', async () => data.slice()],
  ]) {
    const m = await measure(what)
    line(
      `  ${name.padEnd(32)} growth at return of the call ${mb(m.call)}, at the result ${mb(m.result)}, peak ${mb(m.peak)} → peak / input ${fmt(m.peak / (n * 8), 3)}`,
    )
  }
}
line()

line('## Targets')
for (const { n, kind, js, results } of rows) {
  if (n !== 10_000_000) continue
  const two = results.find((r) => r.name === 'parallel.sum, 2 threads')
  const target = kind === 'doubles' ? 'JS loop / this ≥ 1.0' : 'this / JS loop ≤ 1.2'
  const value = kind === 'doubles' ? `${fmt(js / two.ms)}×` : `${fmt(two.ms / js)}×`
  line(`  10^7 ${kind}, 2 threads, call → result: ${value} (${target})`)
}
line(
  `load average at end: ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
)
