#!/usr/bin/env node
// A live 10,000-thread sleep sort in Chromium through the web host (the real engine, real
// threads): the longest main-thread task from the click on Run until 3 s after the result, read
// with the Long Tasks API. Target: no task over 50 ms; printed as the ratio target / longest.
//
//   node bench/live-longtasks.mjs [--threads N] [--unit MS] [--runs K] [--mode scheduled|realtime|classic] [--profile] [--sched]
//
// A light Chromium trace runs alongside: for the longest task it gives the CPU time the task had
// (the rest it waited for a CPU — on a loaded machine, most of it), printed beside the load average.
// --profile records the trace with the V8 sampler on and prints, for the
// longest tasks, the functions they were made of (names read best from an unminified build:
// `THREADLAB_UNMINIFIED=1 npx electron-vite build` first);
// TRACE_OUT=file.json keeps the raw trace (it opens in Chromium's performance panel or Perfetto).
// --sched (Linux, needs `perf` and the right to trace the machine): the kernel's scheduler events
// are recorded during the runs, and for each task over 50 ms the Long Tasks API reported (with
// none, the trace's longest task) it prints how long the page's main thread ran, sat runnable in
// a CPU's queue and slept, and what each CPU ran meanwhile.
// --mode: the target is measured in scheduled mode; the others are there to compare.
// --separate-cores (a diagnostic, not the target's measurement): the web host, and so every thread
// of the run, on CPU 0; Chromium on CPU 1 — what the page does when the run's threads cannot take
// its core.
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS, ensureChromium } from '../scripts/chromium.cjs'
import { perfAvailable, recordScheduler, whereTimeWent } from './_schedWaits.mjs'
import { describeTask, longTaskBreakdown, mainThreadTasks, marksOf, TRACE_CATEGORIES } from './_traceTasks.mjs'

const ROOT = resolve(fileURLToPath(import.meta.url), '../..')
const args = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : dflt
}
const THREADS = opt('--threads', 10_000)
const UNIT_MS = opt('--unit', 0.01)
const RUNS = opt('--runs', 2)
const MODE = args.includes('--mode') ? args[args.indexOf('--mode') + 1] : 'scheduled'
if (!['scheduled', 'realtime', 'classic'].includes(MODE))
  throw new Error(`--mode ${MODE}: scheduled, realtime or classic`)
const PROFILE = args.includes('--profile')
const SEPARATE = args.includes('--separate-cores')
const SCHED = args.includes('--sched')
if (SCHED && !perfAvailable()) {
  console.error('--sched needs `perf` (Debian: apt-get install -y linux-perf)')
  process.exit(2)
}
const pin = (cpu, pid) => {
  const r = spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`--separate-cores: taskset failed: ${r.stderr || r.error}`)
}
// Chromium is launched by this process later and inherits its CPU
if (SEPARATE) pin(1, process.pid)
const TARGET_MS = 50
const AFTER_MS = 3000

// ── the web host (builds out/ when stale), on a free port with a known token ───────────────────
const token = randomBytes(16).toString('hex')
const host = spawn(process.execPath, [join(ROOT, 'scripts/web.mjs'), '--port', '0'], {
  cwd: ROOT,
  env: { ...process.env, THREADLAB_TOKEN: token },
  stdio: ['ignore', 'pipe', 'pipe'],
})
// the run's threads are made by the host's threads, and inherit their CPU
if (SEPARATE) pin(0, host.pid)
const url = await new Promise((done, fail) => {
  let out = ''
  const onData = (chunk) => {
    out += chunk
    const m = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out)
    if (m) done(m[1])
  }
  host.stdout.on('data', onData)
  host.stderr.on('data', onData)
  host.on('exit', (code) => fail(new Error(`the web host exited (${code}):\n${out}`)))
})

const browser = await chromium.launch({ executablePath: ensureChromium().path, args: CHROMIUM_ARGS })
let failed = false
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  // every long task from page load on, with its start time on the page's clock
  await page.addInitScript(() => {
    globalThis.__longTasks = []
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) globalThis.__longTasks.push({ start: e.startTime, ms: e.duration })
    }).observe({ type: 'longtask', buffered: true })
  })
  await page.goto(url)
  await page.getByRole('spinbutton', { name: 'N', exact: true }).fill(String(THREADS))
  await page.getByRole('spinbutton', { name: 'Max value' }).fill(String(THREADS))
  await page.getByRole('combobox', { name: 'Preset' }).selectOption({ label: 'random (N, range)' })
  await page.getByRole('combobox', { name: 'Mode' }).selectOption(MODE)
  await page.getByRole('spinbutton', { name: 'Unit (ms)' }).fill(String(UNIT_MS))
  console.log(
    `live ${THREADS.toLocaleString()}-thread sleep sort (${MODE}, ${UNIT_MS} ms per unit) in Chromium, 1440×900, ${RUNS} runs${SEPARATE ? ' · diagnostic: the host and the run on CPU 0, Chromium on CPU 1' : ''}`,
  )
  let worst = 0
  // the Long Tasks API's tasks over the target, each with its run's click on the page's clock
  const apiLong = []
  const loadAtStart = loadavg()[0]
  // the app warms its painters (fonts, code) once while idle: say whether that was before Run
  const warmedBefore = await page.evaluate(() => performance.getEntriesByName('threadlab: painters warmed').length > 0)
  console.log(`  painters warmed before the first Run: ${warmedBefore ? 'yes' : 'no'}`)
  await browser.startTracing(page, { categories: PROFILE ? TRACE_CATEGORIES : ['toplevel', 'blink.user_timing'] })
  const sched = SCHED ? await recordScheduler(join(tmpdir(), `threadlab-sched-${process.pid}.data`)) : null
  for (let run = 1; run <= RUNS; run++) {
    const clickedAt = await page.evaluate((r) => performance.mark(`run ${r}: click`).startTime, run)
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await page.getByRole('button', { name: 'Cancel' }).waitFor({ state: 'visible' })
    await page.waitForFunction(() => document.querySelector('.header .phase')?.textContent === 'finished', null, {
      timeout: 300_000,
      polling: 50,
    })
    const resultAt = await page.evaluate((r) => performance.mark(`run ${r}: result`).startTime, run)
    // the result on screen, read from the DOM: a role locator resolves accessible names over the
    // whole page on the page's main thread (17 ms of CPU a poll, measured), a task the app never runs
    await page.waitForFunction(
      () => /sorted/.test(document.querySelector('section[aria-label="Result"]')?.textContent ?? ''),
      null,
      { polling: 50 },
    )
    await page.waitForTimeout(AFTER_MS)
    const tasks = await page.evaluate(
      ([from, to]) => globalThis.__longTasks.filter((t) => t.start + t.ms >= from && t.start <= to),
      [clickedAt, resultAt + AFTER_MS],
    )
    const longest = tasks.reduce((m, t) => Math.max(m, t.ms), 0)
    worst = Math.max(worst, longest)
    const over = tasks.filter((t) => t.ms > TARGET_MS).length
    for (const t of tasks) if (t.ms > TARGET_MS) apiLong.push({ ...t, run, clickedAt })
    console.log(
      `  run ${run}: result after ${((resultAt - clickedAt) / 1000).toFixed(1)} s · ${tasks.length} long tasks (> 50 ms: ${over}) · longest ${longest.toFixed(0)} ms`,
    )
  }
  const raw = await browser.stopTracing()
  const schedEvents = sched ? await sched.stop() : null
  if (process.env.TRACE_OUT) writeFileSync(process.env.TRACE_OUT, raw)
  const trace = JSON.parse(raw.toString('utf8'))
  const events = trace.traceEvents ?? trace
  // the measured windows on the trace clock: each run's click until 3 s after its result
  const marks = [...marksOf(events)].filter(([n]) => n.startsWith('run ')).sort((a, b) => a[1] - b[1])
  const windows = []
  for (let run = 1; run <= RUNS; run++) {
    const from = marks.find(([n]) => n === `run ${run}: click`)?.[1]
    const to = marks.find(([n]) => n === `run ${run}: result`)?.[1]
    if (from !== undefined && to !== undefined) windows.push({ fromUs: from, toUs: to + AFTER_MS * 1000 })
  }
  const measured = windows.flatMap((w) => mainThreadTasks(events, w))
  const longest = measured.reduce((m, t) => (!m || t.dur > m.dur ? t : m), null)
  const busiest = measured.reduce((m, t) => (!m || (t.tdur ?? 0) > (m.tdur ?? 0) ? t : m), null)
  const ms = (us) => (us === undefined ? '?' : (us / 1000).toFixed(0))
  if (longest)
    console.log(
      `  trace: longest task ${ms(longest.dur)} ms, of it on a CPU ${ms(longest.tdur)} ms; the most CPU time of any task ${ms(busiest.tdur)} ms (${ms(busiest.dur)} ms long) · load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`,
    )
  if (PROFILE) {
    const tasks = windows
      .flatMap((w) => longTaskBreakdown(events, { ...w, overMs: TARGET_MS }))
      .sort((a, b) => b.ms - a.ms)
    // each task placed against the nearest earlier mark (click or result of a run)
    const place = (t) => {
      const mark = marks.filter(([, ts]) => ts <= t.startUs).pop()
      if (mark) t.when = `${((t.startUs - mark[1]) / 1000).toFixed(0)} ms after ${mark[0]}`
      return t
    }
    tasks.forEach(place)
    console.log(`  ${tasks.length} main-thread tasks over ${TARGET_MS} ms in the trace; the longest eight:`)
    for (const t of tasks.slice(0, 8)) console.log(describeTask(t).replace(/^/gm, '  '))
    // what a task costs on a loaded machine is its CPU time stretched by the wait for a CPU: the
    // tasks with the most CPU time are the ones to shorten
    const busiest = [...measured].sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0)).slice(0, 3)
    console.log(`  the three tasks with the most CPU time:`)
    for (const b of busiest) {
      const [t] = longTaskBreakdown(events, { overMs: 0, fromUs: b.ts, toUs: b.ts })
      if (t) console.log(describeTask(place(t)).replace(/^/gm, '  '))
    }
  }
  if (schedEvents) {
    // The target's tasks are the Long Tasks API's; each is placed on the trace's clock (that of
    // perf's events too) through its run's click mark. With none over the target, the trace's
    // longest task.
    const mainTid = events.find((e) => e.name === 'run 1: click')?.tid
    const onTraceClock = (t) => {
      const offsetUs = marks.find(([n]) => n === `run ${t.run}: click`)[1] - t.clickedAt * 1000
      return { fromUs: t.start * 1000 + offsetUs, toUs: (t.start + t.ms) * 1000 + offsetUs }
    }
    const tasks = apiLong.length
      ? apiLong.map(onTraceClock)
      : longest
        ? [{ fromUs: longest.ts, toUs: longest.ts + longest.dur }]
        : []
    console.log(
      `  the kernel's view (perf sched events) of ${apiLong.length ? `the ${apiLong.length} tasks over ${TARGET_MS} ms` : "the trace's longest task"}:`,
    )
    for (const t of tasks) {
      const w = whereTimeWent(schedEvents, { tid: mainTid, ...t })
      const queues = [...w.queuedOn].map(([cpu, q]) => `CPU ${cpu} ${q.toFixed(0)} ms`).join(', ')
      // a millisecond of slack before it: the page's clock is coarser than the trace's
      const inTrace = mainThreadTasks(events, { fromUs: t.fromUs - 1000, toUs: t.toUs }).reduce(
        (m, e) => Math.max(m, e.dur),
        0,
      )
      console.log(
        `  task ${ms(t.toUs - t.fromUs)} ms (the trace's longest task in it: ${ms(inTrace)} ms): ran ${w.runMs.toFixed(0)} ms, runnable in a queue ${w.queuedMs.toFixed(0)} ms (${queues || '-'}), asleep ${w.asleepMs.toFixed(0)} ms`,
      )
      for (const [cpu, names] of w.whileQueued) {
        const top = names.slice(0, 4).map(([name, q]) => `${name} ${q.toFixed(0)} ms`)
        console.log(`    meanwhile CPU ${cpu} ran: ${top.join(', ')}`)
      }
    }
  }
  const ratio = worst > 0 ? TARGET_MS / worst : Infinity
  console.log(
    `  longest main-thread task ${worst.toFixed(0)} ms; ratio target / longest: ${ratio === Infinity ? '∞ (no long task)' : ratio.toFixed(2)} ${worst <= TARGET_MS ? '✓' : '✗'}`,
  )
  if (worst > TARGET_MS) failed = true
  for (const e of errors) console.error(`pageerror: ${e}`)
  if (errors.length) failed = true
} finally {
  await browser.close()
  host.kill('SIGTERM')
}
process.exit(failed ? 1 : 0)
