#!/usr/bin/env node
// This machine's resolution per timing mode, from one run: 1,000 seeded random values swept over
// 1 ms … 1 µs (7 half-decade units), every mode, P(sorted) and mean misplaced per unit, the
// smallest unit each mode sorts reliably (≥ 99% of trials), and the ratios between them.
//   node bench/resolution.mjs            10 trials per unit (~1 min on 2 cores)
//   node bench/resolution.mjs --quick    3 trials per unit (~20 s)
//   --no-record                          run without event recording (no causes)
//   --trials N, --from MS                trials per unit; largest unit (default 1 ms, half-decades
//                                        down to 1 µs; a trial at u ms sleeps up to 999 × u ms)
// Needs the built addon (npm run build:native). TypeScript sources run through tsx's CommonJS
// hook, as bin/threadlab.mjs does.
import { createRequire } from 'node:module'
import { register } from 'tsx/cjs/api'

register()
const require = createRequire(import.meta.url)
const { loadEngine } = require('../src/service/addon.ts')
const { measureMachine } = require('../src/service/measure.ts')
const { EventColumns } = require('../src/shared/columns.ts')
const sw = {
  ...require('../src/shared/sweepPlan.ts'),
  ...require('../src/shared/sweepPoints.ts'),
  ...require('../src/shared/sweepText.ts'),
  ...require('../src/shared/sweepDriver.ts'),
  ...require('../src/shared/units.ts'),
}

const argv = process.argv.slice(2)
const flag = (name) => {
  const i = argv.indexOf(name)
  return i >= 0 ? Number(argv[i + 1]) : undefined
}
const quick = argv.includes('--quick')
const record = !argv.includes('--no-record')
const TRIALS = flag('--trials') ?? (quick ? 3 : 10)
// the largest unit, ms; 1 by default. Larger ones cost 1,000 × unit per trial (--from 10: 10 s each)
const FROM = flag('--from') ?? 1
const STEPS = 7 + Math.round(2 * Math.log10(FROM))
const THRESHOLD = 0.99

const engine = loadEngine()
const caps = engine.capabilities()
const line = (s = '') => console.log(s)
const fmtNs = (ns) => sw.formatUnitShort(ns / 1e6)
const pad = (s, n) => String(s).padStart(n)

line(
  `threadlab resolution bench — ${caps.cpus} CPUs, ${caps.os}, node ${process.version}${quick ? ', --quick' : ''}${record ? '' : ', recording off'}`,
)
line()

// ---------------------------------------------------------------------------------------------
const m = await measureMachine(engine)
line('## What shapes the numbers (measureMachine)')
line(
  `  CPUs ${m.cpus}, ${m.os}; default timer slack ${fmtNs(m.timerSlackNs)} (sorting threads of the scheduled modes use 1 ns)`,
)
line(`  realtime (SCHED_FIFO): ${m.realtime.allowed ? 'allowed' : `not allowed — ${m.realtime.reason}`}`)
line(
  `  recording one event: ${m.recordingCostNsPerEvent.toFixed(0)} ns (wall ${m.recordingWallOnMs.toFixed(2)} ms on vs ${m.recordingWallOffMs.toFixed(2)} ms off, ${m.recordingEvents} events)`,
)
line(`  spawn: ${fmtNs(m.spawnNsPerThread)} per thread (median gap, classic, ${m.spawnThreads} threads)`)
const l = m.emptySleepLatenessNs
line(`  empty-sleep lateness (${l.samples} lone sleeps): p50 ${fmtNs(l.p50)}, p99 ${fmtNs(l.p99)}, max ${fmtNs(l.max)}`)
{
  const peak = Math.max(...l.histogram.counts)
  l.histogram.counts.forEach((c, k) => {
    if (c === 0) return
    line(
      `    ${pad(fmtNs(l.histogram.edges[k]), 9)} … ${pad(fmtNs(l.histogram.edges[k + 1]), 9)}  ${'#'.repeat(Math.max(1, Math.round((c / peak) * 30)))} ${c}`,
    )
  })
}
line(`  (measured in ${m.tookMs.toFixed(0)} ms)`)
line()

// ---------------------------------------------------------------------------------------------
const values = sw.sweepPreset('random1000')
const modes = ['classic', 'scheduled', 'realtime']
const plan = sw.planSweep({ fromMs: FROM, toMs: 0.001, steps: STEPS, trials: TRIALS, modes })
line(
  `## Sweep: 1,000 random values (seeded, 0..999), ${TRIALS} trials per unit and mode, units ${plan.units.map(sw.formatUnitShort).join(', ')}`,
)

const runOne = async (mode, unitMs, { signal }) => {
  const batches = []
  const run = engine.startSleepSort(values, { unitMs, mode, recordEvents: record }, (b) => batches.push(b))
  const stop = () => run.cancel()
  signal.addEventListener('abort', stop, { once: true })
  try {
    const result = await run.result()
    return sw.outcomeOf(values, result, record ? EventColumns.fromBatches(batches) : undefined)
  } finally {
    signal.removeEventListener('abort', stop)
  }
}

const controller = new AbortController()
process.once('SIGINT', () => controller.abort())
let done = 0
const total = plan.units.length * plan.trials * plan.modes.length
const result = await sw.runSweep(plan, values, runOne, {
  signal: controller.signal,
  capabilities: caps,
  threshold: THRESHOLD,
  onPoint: () => {
    done++
    if (process.stderr.isTTY) process.stderr.write(`\r  ${done}/${total} trials`)
  },
})
if (process.stderr.isTTY) process.stderr.write('\r\x1b[K')
line(`  (${(result.elapsedMs / 1000).toFixed(1)} s${result.cancelled ? ', CANCELLED: partial results' : ''})`)
line()

const cell = (p) => {
  if (p.status === 'not-allowed') return 'not allowed'
  if (p.status === 'failed') return `failed: ${p.code ?? ''}`
  if (p.trials === 0) return '—'
  return `${(p.pSorted * 100).toFixed(0)}% / ${p.meanMisplaced < 10 ? p.meanMisplaced.toFixed(1) : p.meanMisplaced.toFixed(0)}`
}
const W = 13
line(`  P(sorted) / mean misplaced (of 1,000)`)
line(`  ${'mode'.padEnd(10)}${plan.units.map((u) => pad(sw.formatUnitShort(u), W)).join('')}`)
for (const mode of modes) {
  const row = plan.units.map((_, u) => pad(cell(result.points[sw.pointIndex(plan, mode, u)]), W)).join('')
  line(`  ${mode.padEnd(10)}${row}`)
}
if (record) {
  line()
  line('  main cause of the misplaced values (share of them)')
  const short = {
    'spawn-offset': 'spawn',
    'timer-lateness': 'timer',
    'lock-handoff': 'lock',
    tie: 'tie',
    cancelled: 'cancel',
    unknown: 'unknown',
  }
  for (const mode of modes) {
    const row = plan.units.map((_, u) => {
      const p = result.points[sw.pointIndex(plan, mode, u)]
      if (!p.misplacedSum) return pad(p.trials ? '—' : '', W)
      const [cause, n] = Object.entries(p.causeSums).sort((a, b) => b[1] - a[1])[0]
      return pad(`${short[cause]} ${((n / p.misplacedSum) * 100).toFixed(0)}%`, W)
    })
    line(`  ${mode.padEnd(10)}${row.join('')}`)
  }
}
for (const { mode, reason } of result.notAllowed) line(`  ${mode}: not allowed — ${reason}`)
line()

// ---------------------------------------------------------------------------------------------
line(`## Resolution (smallest unit with P(sorted) ≥ ${THRESHOLD * 100}% there and at every larger unit)`)
const res = Object.fromEntries(result.resolutions.map((r) => [r.mode, r]))
for (const r of result.resolutions) line(`  ${r.mode.padEnd(10)} ${sw.describeResolution(r)}`)
if (result.resolutions.some((r) => r.kind === 'coarser-than-tested')) {
  line(
    `  (a mode not reliable at ${sw.formatUnitShort(plan.units[0])} needs larger units to pin down: --from 10 adds 3.16 ms and 10 ms, ~10 s per trial)`,
  )
}
line()
line('## Ratios between the resolutions')
const ratio = (a, b) => {
  const q = sw.resolutionRatio(res[a], res[b])
  const sym = { about: '≈', 'at-least': '≥', 'at-most': '≤', unknown: '?' }[q.kind]
  const text =
    q.ratio === null
      ? 'n/a (a mode was not measured)'
      : q.kind === 'unknown'
        ? `unknown: ${a} ${sw.describeResolution(res[a]).split(' (')[0]}, ${b} ${sw.describeResolution(res[b]).split(' (')[0]} — both outside the units tested`
        : `${sym} ${Number(q.ratio.toPrecision(3))}×`
  line(`  ${`${a} / ${b}`.padEnd(22)} ${text}`)
}
ratio('classic', 'scheduled')
ratio('scheduled', 'realtime')
line(
  '  (≈: both resolutions inside the units tested, good to one half-decade step; ≥ / ≤: one lies outside them, the true ratio is at least / at most this)',
)

setTimeout(() => process.exit(0), 2000).unref()
