#!/usr/bin/env node
// Realtime mode down to the clock's own 1 ns unit: 10,000 seeded random values (0..9,999, so
// no two distinct values share a deadline at any unit ≥ 1 ns) sorted through the addon at 1 µs,
// 100 ns, 10 ns and 1 ns, misplaced values per run. The other modes are printed beside it at the
// same units, to show what takes over from time: the kernel's timer queue plus one FIFO run queue.
// Then small realtime runs, where a backed-up FIFO queue once let stale wake-ups through: 60 seeded
// lists of 60 values in 0..59 at 20 µs and at 10 µs, how many runs had any value out of place.
//   node bench/nanoseconds.mjs                 3 runs per unit, 60 small runs per unit
//   node bench/nanoseconds.mjs --runs N        N runs per unit
//   node bench/nanoseconds.mjs --small-runs N  N small runs per unit (0: none)
// Needs the built addon and realtime permission (root, CAP_SYS_NICE or an rtprio limit).
import { createRequire } from 'node:module'
import { register } from 'tsx/cjs/api'

register()
const require = createRequire(import.meta.url)
const { loadEngine } = require('../src/service/addon.ts')
const { formatUnitMs } = require('../src/shared/units.ts')
const { randomValues } = require('../src/shared/seededRandom.ts')

const argv = process.argv.slice(2)
const at = argv.indexOf('--runs')
const RUNS = at >= 0 ? Number(argv[at + 1]) : 3
const atSmall = argv.indexOf('--small-runs')
const SMALL_RUNS = atSmall >= 0 ? Number(argv[atSmall + 1]) : 60
const SMALL_N = 60
const SMALL_UNITS_MS = [0.02, 0.01]
const N = 10_000
const UNITS_MS = [1e-3, 1e-4, 1e-5, 1e-6]

const engine = loadEngine()
const caps = engine.capabilities()
console.log(`threadlab nanoseconds bench — ${caps.cpus} CPUs, ${caps.os}, ${N} values, ${RUNS} runs per unit`)
if (!caps.realtime.allowed) {
  console.log(`realtime not allowed here: ${caps.realtime.reason}`)
  process.exit(0)
}
const values = randomValues(N, N - 1)
const modes = argv.includes('--realtime-only') ? ['realtime'] : ['realtime', 'scheduled']
console.log(`${'mode'.padEnd(10)}${UNITS_MS.map((u) => formatUnitMs(u).padStart(26)).join('')}`)
try {
  for (const mode of modes) {
    const cells = []
    for (const unitMs of UNITS_MS) {
      const misplaced = []
      for (let r = 0; r < RUNS; r++) {
        const run = engine.startSleepSort(values, { unitMs, mode, recordEvents: false }, () => {})
        misplaced.push((await run.result()).misplaced)
      }
      cells.push(`misplaced ${misplaced.join(' ')}`)
    }
    console.log(`${mode.padEnd(10)}${cells.map((c) => c.padStart(26)).join('')}`)
  }
  if (SMALL_RUNS > 0) {
    const cells = []
    for (const unitMs of SMALL_UNITS_MS) {
      let misordered = 0
      let worst = 0
      for (let r = 0; r < SMALL_RUNS; r++) {
        const small = randomValues(SMALL_N, SMALL_N - 1, r + 1)
        const run = engine.startSleepSort(small, { unitMs, mode: 'realtime', recordEvents: false }, () => {})
        const { misplaced } = await run.result()
        if (misplaced > 0) misordered++
        worst = Math.max(worst, misplaced)
      }
      cells.push(`${formatUnitMs(unitMs)}: ${misordered} of ${SMALL_RUNS} runs misordered (worst ${worst} misplaced)`)
    }
    console.log(`realtime, ${SMALL_N} values — ${cells.join('; ')}`)
  }
} finally {
  engine.shutdown()
}
