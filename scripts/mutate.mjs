#!/usr/bin/env node
// `npm run mutate [-- FILE...] [--full]`: mutation testing of the pure modules, one file at a time,
// each against only the tests that exercise it — StrykerJS (vitest runner) for src/shared,
// cargo-mutants for native/src/engine. Prints a score per file and fails when one is under 90%.
//
// Incremental by default: Stryker keeps reports/mutation/<file>/incremental.json and re-runs only
// the mutants whose code or covering tests changed; cargo-mutants (--iterate) skips the mutants an
// earlier run caught. `--full` starts over. Runs at the lowest CPU priority; set MUTATE_LOCK to a
// lock file to hold it (flock) during each file's run, so timing-sensitive suites never overlap it.
//
// Equivalent mutants (no observable difference) are listed with the reason in
// mutation/equivalent-mutants.json and left out of the score; one that gets killed is reported stale.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'

const MIN_SCORE = 90
const CARGO_MUTANTS = '^27'
const OUT = 'reports/mutation'

/** Each target with its related tests; the trace exporter and its rules last (the largest). Globs: vitest patterns. */
const TARGETS = [
  { file: 'src/shared/stats.ts', tests: ['test/shared/stats.test.ts'] },
  {
    file: 'src/shared/parse.ts',
    tests: ['test/shared/parse.test.ts', 'test/fuzz/parse.fuzz.test.ts', 'test/fuzz/regressions/parse-*.test.ts'],
  },
  {
    file: 'src/shared/validate.ts',
    tests: [
      'test/shared/validate*.test.ts',
      'test/fuzz/validate.fuzz.test.ts',
      'test/fuzz/regressions/validate-*.test.ts',
    ],
  },
  { file: 'src/shared/attribution.ts', tests: ['test/shared/attribution*.test.ts'] },
  {
    file: 'src/shared/runfile.ts',
    tests: [
      'test/shared/runfile*.test.ts',
      'test/fuzz/runfile.fuzz.test.ts',
      'test/fuzz/regressions/runfile-*.test.ts',
    ],
  },
  { file: 'native/src/engine/stats.rs', cargoTest: ['--lib', 'engine::stats::'] },
  // Only the validation half of the runner: the rest is threads and timing, tested by real runs.
  { file: 'native/src/engine/sleep_sort.rs', only: ' (plan|check_\\w+)( ->|$)', cargoTest: ['--test', 'plan'] },
  ...['src/shared/trace.ts', 'src/shared/traceRules.ts'].map((file) => ({
    file,
    tests: ['test/shared/trace*.test.ts', 'test/fuzz/trace.fuzz.test.ts', 'test/fuzz/regressions/trace-*.test.ts'],
  })),
]

const args = process.argv.slice(2)
const full = args.includes('--full')
/** `--report`: score the last run of each file again (after editing the equivalents) without running */
const reportOnly = args.includes('--report')
const files = args.filter((a) => !a.startsWith('--'))
const targets = files.length ? files.map(targetFor) : TARGETS
const equivalents = JSON.parse(readFileSync('mutation/equivalent-mutants.json', 'utf8'))

const rows = []
for (const t of targets) {
  console.log(`\n=== ${t.file} ===`)
  const out = join(OUT, t.file.replaceAll('/', '-'))
  mkdirSync(out, { recursive: true })
  const ran = t.file.endsWith('.rs') ? runCargoMutants(t, out) : runStryker(t, out)
  if (!ran) {
    rows.push({ file: t.file, failed: true })
    continue
  }
  const row = score(t.file, ran)
  rows.push(row)
  printFile(row)
}
printTable(rows)
process.exit(rows.every((r) => !r.failed && r.score >= MIN_SCORE) ? 0 : 1)

function targetFor(file) {
  const known = TARGETS.find((t) => t.file === file || t.file.endsWith(`/${file}`))
  if (known) return known
  if (!existsSync(file)) throw new Error(`${file}: no such file`)
  if (file.endsWith('.rs')) return { file, cargoTest: ['--lib', `engine::${basename(file, '.rs')}::`] }
  // A file without an entry: the test files that import it.
  const module = `/shared/${basename(file, '.ts')}'`
  const tests = listFiles('test').filter((f) => f.endsWith('.test.ts') && readFileSync(f, 'utf8').includes(module))
  if (tests.length === 0) throw new Error(`${file}: no test file imports it`)
  return { file, tests }
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)],
  )
}

/** Runs `cmd` at nice 19, holding MUTATE_LOCK (if set) for its duration. */
function runQuietly(cmd, cmdArgs, env = {}) {
  const lock = process.env.MUTATE_LOCK
  const argv = lock ? ['flock', lock, cmd, ...cmdArgs] : [cmd, ...cmdArgs]
  const r = spawnSync('nice', ['-n', '19', ...argv], { stdio: 'inherit', env: { ...process.env, ...env } })
  return r.status ?? 1
}

// ---- StrykerJS ----

function runStryker(t, out) {
  const env = { MUTATE_FILE: t.file, MUTATE_OUT: out, MUTATE_TESTS: t.tests.join(',') }
  if (!reportOnly) {
    const code = runQuietly('npx', ['stryker', 'run', 'mutation/stryker.config.mjs', ...(full ? ['--force'] : [])], env)
    if (code !== 0) return null
  }
  if (!existsSync(join(out, 'report.json'))) return null
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))
  const entry = Object.entries(report.files).find(([path]) => path.endsWith(t.file))
  if (!entry) return null
  const lines = entry[1].source.split('\n')
  return entry[1].mutants.map((m) => ({
    line: m.location.start.line,
    column: m.location.start.column,
    source: lines[m.location.start.line - 1].trim(),
    mutant: `${m.mutatorName}: ${(m.replacement ?? '').replace(/\s+/g, ' ')}`,
    status: strykerStatus(m.status),
  }))
}

function strykerStatus(s) {
  if (s === 'Killed' || s === 'Timeout') return 'killed'
  if (s === 'Survived' || s === 'NoCoverage') return 'survived'
  if (s === 'Ignored') return 'ignored'
  return 'error' // RuntimeError, CompileError: the mutant did not produce a test result
}

// ---- cargo-mutants ----

function ensureCargoMutants() {
  const v = spawnSync('cargo', ['mutants', '--version'], { encoding: 'utf8' })
  if (v.status === 0 && /cargo-mutants 27\./.test(v.stdout)) return true
  console.log(`installing cargo-mutants ${CARGO_MUTANTS} (once)`)
  return runQuietly('cargo', ['install', 'cargo-mutants', '--version', CARGO_MUTANTS, '--locked']) === 0
}

function runCargoMutants(t, out) {
  if (!reportOnly && !runCargo(t, out)) return null
  return readCargoOutcomes(t, out)
}

function runCargo(t, out) {
  if (!ensureCargoMutants()) return false
  if (full) rmSync(join(out, 'mutants.out'), { recursive: true, force: true })
  const iterate = existsSync(join(out, 'mutants.out', 'caught.txt')) ? ['--iterate'] : []
  const filter = t.only ? ['--re', t.only] : []
  // Exit 2 means some mutants were missed: that is a result, not a failure of the run.
  const code = runQuietly(
    'cargo',
    [
      'mutants',
      ...['--in-place', '--dir', rustTree(), '--file', t.file, ...filter, '--output', resolve(out)],
      ...['--colors', 'never', ...iterate, '--', ...t.cargoTest],
    ],
    { CARGO_TARGET_DIR: resolve('target') },
  )
  return [0, 2, 3].includes(code)
}

/**
 * A scratch copy of just the crate's sources, mutated in place there: the working tree is never
 * touched, and the build shares the project's target/ (dependencies compiled once, not per run).
 */
function rustTree() {
  const tree = resolve(OUT, 'rust-tree')
  rmSync(tree, { recursive: true, force: true })
  for (const p of [
    'Cargo.toml',
    'Cargo.lock',
    'rustfmt.toml',
    'native/Cargo.toml',
    'native/build.rs',
    'native/src',
    'native/tests',
  ])
    cpSync(p, join(tree, p), { recursive: true })
  return tree
}

function readCargoOutcomes(t, out) {
  if (!existsSync(join(out, 'mutants.out'))) return null
  const read = (name) => {
    const p = join(out, 'mutants.out', name)
    return existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean) : []
  }
  const status = [
    ...['caught.txt', 'previously_caught.txt', 'timeout.txt'].map((f) => [f, 'killed']),
    ['missed.txt', 'survived'],
    ['unviable.txt', 'error'],
  ]
  const sourceLines = readFileSync(t.file, 'utf8').split('\n')
  const seen = new Set()
  return status.flatMap(([name, s]) =>
    read(name)
      .filter((l) => (t.only ? new RegExp(t.only).test(l) : true) && !seen.has(l) && seen.add(l))
      .map((l) => {
        const m = /^[^:]+:(\d+):(\d+): (.*)$/.exec(l)
        const line = Number(m[1])
        return { line, column: Number(m[2]), source: (sourceLines[line - 1] ?? '').trim(), mutant: m[3], status: s }
      }),
  )
}

// ---- the score ----

function score(file, mutants) {
  const mine = equivalents.filter((e) => e.file === file).flatMap((e) => e.mutants)
  // by the source line's text (not its number, which moves), the column and the mutation
  const isEquivalent = (m) =>
    mine.some(([source, column, mutant]) => source === m.source && column === m.column && mutant === m.mutant)
  // an entry no surviving mutant matches any more is stale (a test kills it, or the code moved)
  const stale = mine.filter(
    ([source, column, mutant]) =>
      !mutants.some(
        (m) => m.status === 'survived' && m.source === source && m.column === column && m.mutant === mutant,
      ),
  )
  const count = (s) => mutants.filter((m) => m.status === s).length
  const equivalent = mutants.filter((m) => m.status === 'survived' && isEquivalent(m)).length
  const survivors = mutants.filter((m) => m.status === 'survived' && !isEquivalent(m))
  const killed = count('killed')
  const valid = killed + survivors.length
  return {
    file,
    mutants: mutants.filter((m) => m.status !== 'ignored').length,
    killed,
    survived: survivors.length,
    equivalent,
    errors: count('error'),
    score: valid === 0 ? 100 : (100 * killed) / valid,
    survivors,
    stale,
  }
}

function printFile(r) {
  for (const m of r.survivors) console.log(`  survived  ${r.file}:${m.line}:${m.column}  ${m.mutant}   | ${m.source}`)
  for (const [source, column, mutant] of r.stale)
    console.log(`  stale equivalent (no survivor matches): ${r.file} column ${column}  ${mutant}   | ${source}`)
  console.log(
    `${r.file}: ${r.score.toFixed(1)}% (${r.killed} killed of ${r.killed + r.survived}; ${r.equivalent} equivalent)`,
  )
}

function printTable(rs) {
  console.log('\n| file | mutants | killed | survived | equivalent | errors | score |\n|---|---|---|---|---|---|---|')
  for (const r of rs) {
    if (r.failed) console.log(`| \`${r.file}\` | the run failed | | | | | |`)
    else
      console.log(
        `| \`${r.file}\` | ${r.mutants} | ${r.killed} | ${r.survived} | ${r.equivalent} | ${r.errors} | ${r.score.toFixed(1)}% |`,
      )
  }
  console.log(
    `\nkilled includes timeouts; errors (mutants that crash the runner or do not compile) and equivalents are outside the score; target ${MIN_SCORE}%.`,
  )
}
