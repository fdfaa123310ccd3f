#!/usr/bin/env node
// `npm run bench`: every benchmark, each printing ratios measured in this one run.
// Pass --quick for fewer repetitions. Benchmarks are never part of `npm test`: timing is noisy here.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'

const args = process.argv.slice(2)
const only = args.find((a) => !a.startsWith('--'))
const benches = readdirSync('bench')
  .filter((f) => f.endsWith('.mjs') && !f.startsWith('_'))
  .sort()
if (!existsSync('native/index.js')) spawnSync('npm', ['run', 'build:native'], { stdio: 'inherit' })
let failed = 0
for (const file of benches) {
  if (only && !file.startsWith(only)) continue
  console.log(`\n=== bench/${file} ===`)
  const r = spawnSync(process.execPath, [`bench/${file}`, ...args.filter((a) => a.startsWith('--'))], {
    stdio: 'inherit',
  })
  if (r.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
