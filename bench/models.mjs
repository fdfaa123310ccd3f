#!/usr/bin/env node
// The renderer's per-frame models of a real 10,000-thread run, timed here rather than in unit tests
// (a timed assertion on a noisy machine fails for reasons that are not the code's): the lane image
// aggregated onto 500 × 1,200 pixels, the lock model, and its queue-depth columns for 800 pixels.
// Each is printed as a ratio to its budget: a frame (the depth columns are recomputed on every zoom
// or pan) or a long task's 50 ms (the lock model is built once per run when the Lock view opens; the
// whole lane image at once is what an export computes, the screen computes it in bands per frame).
// The verdict reads the CPU time of the process (wall time on this shared machine includes the time
// other processes held the cores); both are printed.
//   node bench/models.mjs [--quick]
import { loadavg } from 'node:os'
import { createRequire } from 'node:module'
import { register } from 'tsx/cjs/api'
import { time as timeReps } from './_timing.mjs'

register()
const require = createRequire(import.meta.url)
const REPS = process.argv.includes('--quick') ? 5 : 21
const N = 10_000
const { loadEngine } = require('../src/service/addon.ts')
const { EventColumns } = require('../src/shared/columns.ts')
const { buildThreadTable, laneOrder } = require('../src/shared/threads.ts')
const { randomValues } = require('../src/shared/seededRandom.ts')
const { aggregateLanes } = require('../src/renderer/model/lanes.ts')
const { buildLockModel, depthColumns } = require('../src/renderer/model/lock.ts')

/** Median wall and CPU ms of `fn` over REPS calls, after one warm-up call; and its last output. */
const time = (fn) => (fn(), timeReps(fn, REPS))

// one real run: 10,000 threads of the addon, classic at 10 µs, so the lock queue is deep
const engine = loadEngine()
const batches = []
let result
try {
  const run = engine.startSleepSort(randomValues(N, N - 1), { unitMs: 0.01, mode: 'classic' }, (b) =>
    batches.push(Float64Array.from(b)),
  )
  result = await run.result()
} finally {
  engine.shutdown()
}
const events = EventColumns.fromBatches(batches)
const table = buildThreadTable(events, N)
let end = 0
for (let i = 0; i < events.length; i++) end = Math.max(end, events.tNs[i])
console.log(
  `threadlab models bench — ${N.toLocaleString()} threads from the addon (${events.length.toLocaleString()} events, ${result.misplaced} misplaced); median of ${REPS}; load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
)

let failed = false
function report(name, { ms, cpuMs }, budgetMs, what) {
  const ok = cpuMs <= budgetMs
  failed ||= !ok
  console.log(
    `  ${name.padEnd(26)} CPU ${cpuMs.toFixed(2).padStart(6)} ms (wall ${ms.toFixed(2)} ms) · ratio to the ${budgetMs} ms budget (${what}) ${(budgetMs / cpuMs).toFixed(1)} ${ok ? '✓' : '✗'}`,
  )
}

const start = Math.min(...table.spawned.filter(Number.isFinite))
const order = laneOrder(table.deadline, true)
const lanes = time(() => aggregateLanes({ table, order, rows: 500, cols: 1200, t0: start, t1: end, end }))
report('lanes on 500 × 1,200 px', lanes, 50, 'a long task')
const model = time(() => buildLockModel(table))
report('lock model', model, 50, 'a long task')
const depth = time(() => depthColumns(model.out, start, end, 800))
report('lock depth, 800 columns', depth, 16, 'one frame')
console.log(`  (deepest queue ${model.out.maxDepth.toLocaleString()} threads)`)
process.exit(failed ? 1 : 0)
