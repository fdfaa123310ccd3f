#!/usr/bin/env node
// `npm test`: every test, in the order that fails fastest. Each step is a real run on the real
// addon, real threads and a real Chromium; nothing here is skipped silently.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chromiumPath } from './chromium.mjs'

const steps = [
  [
    'addon (release build, if missing)',
    () => (existsSync('native/index.js') && existsSync('native/index.d.ts') ? 0 : run('npm', ['run', 'build:native'])),
  ],
  ['Rust engine tests', () => run('cargo', ['test', '--release', '--manifest-path', 'native/Cargo.toml'])],
  ['type check', () => run('npm', ['run', 'typecheck'])],
  ['unit and addon tests (vitest)', () => run('npx', ['vitest', 'run'])],
  ['build (electron-vite)', () => run('npx', ['electron-vite', 'build'])],
  [
    'end-to-end (Playwright, Chromium)',
    () => {
      const chromium = chromiumPath()
      if (!chromium) {
        console.error(
          '\nThe end-to-end tests need Chromium and none was found. Install it with\n' +
            '  sudo apt-get install -y chromium        (Debian/Ubuntu; gives /usr/bin/chromium)\n' +
            'or point CHROMIUM_PATH at a Chromium or Chrome binary, then run `npm test` again.\n',
        )
        return 1
      }
      return run('npx', ['playwright', 'test'], { CHROMIUM_PATH: chromium })
    },
  ],
]

const only = process.argv[2]
for (const [name, step] of steps) {
  if (only && !name.startsWith(only)) continue
  console.log(`\n=== ${name} ===`)
  const started = Date.now()
  const code = step()
  if (code !== 0) {
    console.error(`\n✗ ${name} failed (exit ${code})`)
    process.exit(code || 1)
  }
  console.log(`✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
}

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  return r.status ?? 1
}
