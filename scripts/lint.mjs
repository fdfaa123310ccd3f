#!/usr/bin/env node
// `npm run lint`: every static check, each named as it runs; the first failure stops the rest.
import { spawnSync } from 'node:child_process'

const MANIFEST = ['--manifest-path', 'native/Cargo.toml']
const steps = [
  ['ESLint (types, promises, React hooks, layers)', 'npx', ['eslint', '--max-warnings', '0', '.']],
  ['Prettier', 'npx', ['prettier', '--check', '--log-level', 'warn', '.']],
  ['rustfmt', 'cargo', ['fmt', ...MANIFEST, '--check']],
  [
    'clippy (warnings are errors)',
    'cargo',
    ['clippy', '--release', ...MANIFEST, '--all-targets', '--', '-D', 'warnings'],
  ],
  ['Rust layers (engine without napi)', process.execPath, ['scripts/rust-layers.mjs']],
]

for (const [name, cmd, args] of steps) {
  console.log(`--- lint: ${name}`)
  const r = spawnSync(cmd, args, { stdio: 'inherit' })
  if (r.status !== 0) {
    console.error(`✗ lint: ${name} failed`)
    process.exit(r.status || 1)
  }
}
console.log('✓ lint: all checks passed')
