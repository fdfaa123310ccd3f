#!/usr/bin/env node
// `npm start`: builds when needed, then opens Threadlab in Electron. Where Electron's binary is
// missing and cannot be downloaded (no access to GitHub), or there is no display, it says so
// once and serves the same app to a browser instead (the web host).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { ROOT, ensureBuilt, runWebHost } from './web.mjs'

const ELECTRON_DIR = join(ROOT, 'node_modules/electron')

/** The Electron executable when it is installed, else null. Never triggers a download. */
function installedElectron() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron')
    return existsSync(p) ? p : null
  }
  const pathFile = join(ELECTRON_DIR, 'path.txt')
  if (!existsSync(pathFile)) return null
  const exe = join(ELECTRON_DIR, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(exe) ? exe : null
}

/** Can this machine open a TCP connection to GitHub within a few seconds? */
function githubReachable(timeoutMs = 4000) {
  return new Promise((done) => {
    const socket = connect({ host: 'github.com', port: 443 })
    const finish = (ok) => {
      socket.destroy()
      done(ok)
    }
    socket.setTimeout(timeoutMs, () => finish(false))
    socket.once('connect', () => finish(true))
    socket.once('error', () => finish(false))
  })
}

/** Electron's path, downloading the binary first when possible; or the reason it is unavailable. */
async function obtainElectron() {
  const installed = installedElectron()
  if (installed) return { exe: installed }
  if (!existsSync(join(ELECTRON_DIR, 'install.js')))
    return { reason: 'the electron package is not installed (run npm install)' }
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD)
    return { reason: 'its binary is not installed and ELECTRON_SKIP_BINARY_DOWNLOAD is set' }
  if (!(await githubReachable()))
    return { reason: 'its binary is not installed and could not be obtained (no access to GitHub downloads)' }
  console.log("Downloading Electron's binary (once)…")
  const r = spawnSync(process.execPath, [join(ELECTRON_DIR, 'install.js')], {
    cwd: ROOT,
    stdio: 'inherit',
    timeout: 180_000,
  })
  const exe = installedElectron()
  return exe && r.status === 0
    ? { exe }
    : { reason: 'its binary could not be downloaded (the download failed or timed out)' }
}

/** The web host's share of our arguments: `--port N` / `--port=N` (Electron's file argument is not its business). */
function portArgs(argv) {
  const i = argv.findIndex((a) => a === '--port' || a.startsWith('--port='))
  if (i < 0) return []
  return argv[i].includes('=') ? [argv[i]] : argv.slice(i, i + 2)
}

function hasDisplay() {
  return process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
}

ensureBuilt()
const electron = hasDisplay()
  ? await obtainElectron()
  : { reason: 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)' }
if (electron.exe) {
  const child = spawn(electron.exe, ['.', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
} else {
  console.log(
    `Electron cannot run here: ${electron.reason}. Threadlab is starting its web host instead, ` +
      'which serves the same app to a browser on this machine: open the URL below (it carries a ' +
      'per-launch token), and press Ctrl-C here to stop. `npm run web -- --port N` starts the web host directly.\n',
  )
  process.exitCode = await runWebHost(portArgs(process.argv.slice(2)))
}
