#!/usr/bin/env node
// `npm run fuzz`: the property tests of test/fuzz with a long budget. The same files run in
// `npm test` with small defaults (about a minute in all); here FUZZ_RUNS raises every property's
// numRuns (divided by its cost, see test/fuzz/helpers/budget.ts) and FUZZ_LONG=1 lengthens the host
// tests (vanishing clients: 60 s).
//
//   npm run fuzz                          200,000 runs per cheap property, regression tests included
//   npm run fuzz -- --runs 1000000        a bigger budget
//   npm run fuzz -- --seed 1234           replay a seed fast-check printed
//   npm run fuzz -- --no-regressions      only the properties (the regression tests fail until fixed)
//   npm run fuzz -- --only parse          only test/fuzz/parse* (or --only regressions/, --only runfile…)
//   npm run fuzz -- --loop                repeat with fresh seeds until something fails (Ctrl-C stops)
//
// A failure prints fast-check's counterexample and seed; keep the case as a regression test in
// test/fuzz/regressions/.
import { spawnSync } from 'node:child_process'

const args = process.argv.slice(2)
const take = (flag) => {
  const i = args.indexOf(flag)
  if (i < 0) return undefined
  const v = args[i + 1]
  if (v === undefined || v.startsWith('--')) usage(`${flag} needs a value`)
  args.splice(i, 2)
  return v
}
const flag = (name) => {
  const i = args.indexOf(name)
  if (i < 0) return false
  args.splice(i, 1)
  return true
}
function usage(problem) {
  console.error(`${problem}\nusage: npm run fuzz -- [--runs N] [--seed S] [--no-regressions] [--only TEXT] [--loop]`)
  process.exit(2)
}

const runs = Number(take('--runs') ?? process.env.FUZZ_RUNS ?? 200_000)
if (!Number.isInteger(runs) || runs < 1) usage('--runs takes a positive whole number')
const seed = take('--seed')
if (seed !== undefined && !/^-?\d+$/.test(seed)) usage('--seed takes an integer')
const only = take('--only')
const noRegressions = flag('--no-regressions')
const loop = flag('--loop')
if (args.length) usage(`unknown arguments: ${args.join(' ')}`)

// vitest's positional filter matches file paths by substring
const vitestArgs = ['vitest', 'run', `test/fuzz/${only ?? ''}`, '--testTimeout=0', '--hookTimeout=600000']
if (noRegressions) vitestArgs.push('--exclude', 'test/fuzz/regressions/**')
const env = { ...process.env, FUZZ_RUNS: String(runs), FUZZ_LONG: '1' }
if (seed !== undefined) env.FUZZ_SEED = seed

for (let round = 1; ; round++) {
  const started = Date.now()
  console.log(
    `\n=== fuzz${loop ? ` round ${round}` : ''}: FUZZ_RUNS=${runs}${seed !== undefined ? ` FUZZ_SEED=${seed}` : ''}${noRegressions ? ', regressions excluded' : ''} ===`,
  )
  const r = spawnSync('npx', vitestArgs, { stdio: 'inherit', env })
  const code = r.status ?? 1
  console.log(
    `fuzz ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  )
  if (!loop || code !== 0 || seed !== undefined) process.exit(code)
}
