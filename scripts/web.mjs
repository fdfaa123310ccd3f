#!/usr/bin/env node
// `npm run web [-- --port N]`: builds the app when out/ is missing or older than its sources,
// then serves it to a browser on this machine (node out/main/webhost.js) and prints the URL to open.
// start.mjs reuses ensureBuilt() and runWebHost() when Electron cannot run.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const OUTPUTS = ['out/main/index.js', 'out/main/webhost.js', 'out/preload/index.js', 'out/renderer/index.html']
const INPUTS = ['src', 'electron.vite.config.ts', 'package.json', 'tsconfig.node.json', 'tsconfig.web.json']

function newestMtime(path) {
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = st.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

/** Why out/ must be (re)built, or null when it is current. */
export function buildReason() {
  const missing = OUTPUTS.find((f) => !existsSync(join(ROOT, f)))
  if (missing) return `${missing} is missing`
  const built = Math.min(...OUTPUTS.map((f) => statSync(join(ROOT, f)).mtimeMs))
  const changed = INPUTS.find((f) => existsSync(join(ROOT, f)) && newestMtime(join(ROOT, f)) > built)
  return changed ? `${changed} changed since the last build` : null
}

/** Builds with electron-vite when needed; exits the process when the build fails. */
export function ensureBuilt() {
  if (!existsSync(join(ROOT, 'native/index.js'))) {
    console.error(
      'The native addon is not built (native/index.js is missing). Build it with `npm run build:native` (needs Rust), then try again.',
    )
    process.exit(1)
  }
  const reason = buildReason()
  if (!reason) return
  console.log(`Building Threadlab (${reason})…`)
  const r = spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit' })
  if (r.status !== 0) {
    console.error('The build failed (see above).')
    process.exit(r.status || 1)
  }
}

/** Runs the web host in a child process with these arguments; resolves with its exit code. */
export function runWebHost(args) {
  const child = spawn(process.execPath, [join(ROOT, 'out/main/webhost.js'), ...args], { cwd: ROOT, stdio: 'inherit' })
  // Ctrl-C reaches the child through the terminal; a kill of this script is passed on.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  return new Promise((done) => child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0))))
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  ensureBuilt()
  process.exitCode = await runWebHost(process.argv.slice(2))
}
