#!/usr/bin/env node
// Replay of a recorded 10,000-thread sleep-sort run in Chromium: frames per second while the
// renderer plays it back (vector + lanes + stats on screen). Target: ≥ 55 fps.
//
// The run is recorded from the native addon when it is built (scheduled mode, 0.01 ms unit, the
// real engine's events), otherwise synthesised in the page. The built renderer (out/renderer) is
// served by a tiny static server and opened with `?bench=replay`, which installs an offline host
// and `window.__threadlabBench` (never present in normal use).
//
//   node bench/replay.mjs [--quick] [--threads N] [--seconds S]
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { extname, join, normalize, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS, ensureChromium } from '../scripts/chromium.cjs'

const ROOT = resolve(fileURLToPath(import.meta.url), '../..')
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const opt = (name, dflt) => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : dflt
}
const THREADS = opt('--threads', 10_000)
const SECONDS = opt('--seconds', quick ? 3 : 6)
const TARGET_FPS = 55

// ── 1. the built renderer ───────────────────────────────────────────────────────────────────────
const rendererDir = join(ROOT, 'out/renderer')
if (!existsSync(join(rendererDir, 'index.html'))) {
  console.log('building the renderer (out/renderer is missing)…')
  const r = spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit' })
  if (r.status !== 0) process.exit(1)
}

// ── 2. a recorded run ───────────────────────────────────────────────────────────────────────────
async function record() {
  const addonPath = join(ROOT, 'native/index.js')
  if (!existsSync(addonPath)) return null
  const { sort } = createRequire(import.meta.url)(addonPath)
  let seed = 12345
  const rnd = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296
  const values = Array.from({ length: THREADS }, () => Math.floor(rnd() * (THREADS + 1)))
  const request = { experiment: 'sleep-sort', values, mode: 'scheduled', unitMs: 0.01 }
  const batches = []
  const started = Date.now()
  const run = sort.startSleepSort(values, { unitMs: request.unitMs, mode: request.mode }, (b) =>
    batches.push(Float64Array.from(b)),
  )
  const result = await run.result()
  let events = 0
  for (const b of batches) events += b[3]
  const all = new Float64Array(4 + events * 4)
  all.set([1, result.runId, 0, events])
  let at = 4
  for (const b of batches) {
    all.set(b.subarray(4, 4 + b[3] * 4), at)
    at += b[3] * 4
  }
  console.log(
    `recorded ${THREADS.toLocaleString()} threads from the addon: ${events.toLocaleString()} events in ${batches.length} batches, ${((Date.now() - started) / 1000).toFixed(1)} s, ${result.misplaced} misplaced`,
  )
  return { request, batch: Array.from(all), result: { experiment: 'sleep-sort', ...result } }
}

// ── 3. static server for out/renderer ──────────────────────────────────────────────────────────
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
}
function serve() {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '')
    const file = join(rendererDir, path === '/' ? 'index.html' : path)
    if (!file.startsWith(rendererDir) || !existsSync(file)) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
    res.end(readFileSync(file))
  })
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)))
}

// ── 4. replay in Chromium and count frames ──────────────────────────────────────────────────────
const executablePath = ensureChromium().path
const recording = await record().catch((e) => {
  console.log(`recording from the addon failed (${e.message}); synthesising the run in the page`)
  return null
})
const server = await serve()
const url = `http://127.0.0.1:${server.address().port}/?bench=replay`
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS })
let failed = false
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  page.on('pageerror', (e) => {
    failed = true
    console.error(`pageerror: ${e.message}`)
  })
  await page.goto(url)
  await page.waitForFunction(() => window.__threadlabBench?.ready === true)
  const events = recording
    ? await page.evaluate(
        ({ request, batch, result }) => (window.__threadlabBench.load(request, batch, result) ? batch[3] : -1),
        recording,
      )
    : await page.evaluate((n) => window.__threadlabBench.synth(n, 'scheduled', 0.01, n), THREADS)
  if (events < 0) throw new Error('the page refused the recording')
  await page.waitForTimeout(500)
  const source = recording ? 'recorded' : 'synthetic'
  console.log(
    `replay of ${THREADS.toLocaleString()} threads (${Number(events).toLocaleString()} events, ${source}), 1440×900, vector + lanes + stats on screen`,
  )
  // the whole run (spawning, sleeping, pushing), then the sleep phase alone (from the epoch:
  // slots fill and the mutex changes every frame)
  for (const [label, fromNs] of [
    ['whole run', undefined],
    ['from the epoch', 0],
  ]) {
    const speed = await page.evaluate(([s, from]) => window.__threadlabBench.play(s, from), [SECONDS + 1, fromNs])
    await page.waitForTimeout(300)
    const fps = await page.evaluate((ms) => window.__threadlabBench.measure(ms), SECONDS * 1000)
    const state = await page.evaluate(() => window.__threadlabBench.state())
    console.log(
      `  ${label.padEnd(15)} at ${speed.toPrecision(2)}×: ${fps.fps.toFixed(1)} fps (${fps.frames} frames in ${fps.seconds.toFixed(1)} s) · p95 frame ${fps.p95FrameMs.toFixed(1)} ms · longest ${fps.longestFrameMs.toFixed(1)} ms${state.playing ? '' : ' · (replay ended early)'}`,
    )
    console.log(
      `  ${''.padEnd(15)} ratio to the ${TARGET_FPS} fps target: ${(fps.fps / TARGET_FPS).toFixed(2)} ${fps.fps >= TARGET_FPS ? '✓' : '✗'}`,
    )
    if (fps.fps < TARGET_FPS) failed = true
    if (process.env.BENCH_SCREENSHOT)
      await page.screenshot({
        path: process.env.BENCH_SCREENSHOT.replace(/\.png$/, `-${fromNs === undefined ? 'run' : 'epoch'}.png`),
      })
  }
} finally {
  await browser.close()
  server.close()
}
process.exit(failed ? 1 : 0)
