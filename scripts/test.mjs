#!/usr/bin/env node
// `npm test`: every check and test, in the order that fails fastest. Each step is a real run on the
// real addon, real threads and a real Chromium (found or obtained by scripts/chromium.cjs). Tests
// that cannot run here are skipped visibly, with their reason, and counted in the closing summary.
// `npm test -- <step prefix>` runs one step (e.g. `npm test -- unit`).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureChromium } from './chromium.cjs'

const scratch = mkdtempSync(join(tmpdir(), 'threadlab-test-'))
const totals = { passed: 0, failed: 0, skipped: 0 }
const skippedBy = []

function count(step, { passed = 0, failed = 0, skipped = 0 }) {
  totals.passed += passed
  totals.failed += failed
  totals.skipped += skipped
  if (skipped) skippedBy.push(`${step}: ${skipped}`)
  console.log(`  ${step}: ${passed} passed, ${failed} failed, ${skipped} skipped`)
}

/** Realtime (SCHED_FIFO) is a privilege: the Rust tests that need it are `#[ignore]`d unless it is here. */
function realtimeAllowed() {
  const r = spawnSync(
    process.execPath,
    ['-e', "process.stdout.write(String(require('./native').sort.capabilities().realtime.allowed))"],
    {
      encoding: 'utf8',
    },
  )
  return r.stdout === 'true'
}

const steps = [
  // always through cargo, which rebuilds only what changed (seconds when nothing did): an addon
  // file older than the Rust sources is not in git and would test yesterday's engine
  ['addon (release build, when its sources changed)', () => run('npm', ['run', 'build:native'])],
  ['lint', () => run('npm', ['run', 'lint'])],
  ['type check', () => run('npm', ['run', 'typecheck'])],
  [
    'Rust engine tests',
    async () => {
      const extra = realtimeAllowed() ? ['--', '--include-ignored'] : []
      if (!extra.length) console.log('  realtime is not allowed here: its Rust tests stay ignored (counted as skipped)')
      let out = ''
      const code = await run(
        'cargo',
        ['test', '--release', '--manifest-path', 'native/Cargo.toml', ...extra],
        {},
        (chunk) => (out += chunk),
      )
      const sum = { passed: 0, failed: 0, skipped: 0 }
      for (const m of out.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/g)) {
        sum.passed += +m[1]
        sum.failed += +m[2]
        sum.skipped += +m[3]
      }
      count('Rust', sum)
      return code
    },
  ],
  [
    'unit and addon tests (vitest)',
    async () => {
      const file = join(scratch, 'vitest.json')
      const code = await run('npx', [
        'vitest',
        'run',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${file}`,
      ])
      if (existsSync(file)) {
        const r = JSON.parse(readFileSync(file, 'utf8'))
        count('vitest', {
          passed: r.numPassedTests,
          failed: r.numFailedTests,
          skipped: r.numPendingTests + r.numTodoTests,
        })
      }
      return code
    },
  ],
  ['build (electron-vite)', () => run('npx', ['electron-vite', 'build'])],
  [
    'end-to-end (Playwright, Chromium)',
    async () => {
      const browser = ensureChromium()
      const file = join(scratch, 'playwright.json')
      const code = await run('npx', ['playwright', 'test', '--reporter=list,json'], {
        CHROMIUM_PATH: browser.path,
        PLAYWRIGHT_JSON_OUTPUT_FILE: file,
      })
      if (existsSync(file)) {
        const s = JSON.parse(readFileSync(file, 'utf8')).stats
        count('Playwright', { passed: s.expected + s.flaky, failed: s.unexpected, skipped: s.skipped })
      }
      return code
    },
  ],
]

const only = process.argv[2]
let exit = 0
for (const [name, step] of steps) {
  if (only && !name.startsWith(only)) continue
  console.log(`\n=== ${name} ===`)
  const started = Date.now()
  const code = await step()
  if (code !== 0) {
    console.error(`\n✗ ${name} failed (exit ${code})`)
    exit = code || 1
    break
  }
  console.log(`✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
}
rmSync(scratch, { recursive: true, force: true })
console.log(`\nskipped: ${skippedBy.length ? skippedBy.join(', ') : 'none'}`)
console.log(`total: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(exit)

/** Runs a command with its output shown; `onOutput` also receives stdout (for counting). */
function run(cmd, args, env = {}, onOutput = null) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: ['inherit', onOutput ? 'pipe' : 'inherit', 'inherit'],
      env: { ...process.env, ...env },
    })
    child.stdout?.on('data', (chunk) => {
      process.stdout.write(chunk)
      onOutput(String(chunk))
    })
    child.on('close', (code) => resolve(code ?? 1))
  })
}
