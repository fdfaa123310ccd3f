#!/usr/bin/env node
// Run files at scale: one sleep sort of 10,000 random values in 0..999 at 0.01 ms units
// (scheduled, 10,000 threads), saved with encodeRunFile and opened with decodeRunFile.
// Prints the file's size per event, its ratio to the raw events (count × 4 numbers × 8 bytes),
// and the encode / decode times (median of several encodes/decodes of that one run).
// Usage: node bench/files.mjs [--quick]
import { createRequire } from 'node:module'
import { register } from 'tsx/cjs/api'

register()
const require = createRequire(import.meta.url)
const { sort, shutdown } = require('../native/index.js')
const { EventColumns } = require('../src/shared/columns.ts')
const { encodeRunFile, decodeRunFile, canonicalJson } = require('../src/shared/runfile.ts')
const { buildThreadTable } = require('../src/shared/threads.ts')
const { percentiles, latenessArray } = require('../src/shared/stats.ts')

const quick = process.argv.includes('--quick')
const N = 10_000
const REPS = quick ? 3 : 7

// a fixed-seed generator, so every bench run sorts the same values
let seed = 0x2545f491
const random = () => (seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32
const values = Array.from({ length: N }, () => Math.floor(random() * 1000))

const caps = sort.capabilities()
const cols = new EventColumns(N * 10)
const t0 = performance.now()
const run = sort.startSleepSort(values, { unitMs: 0.01, mode: 'scheduled', recordEvents: true }, (batch) => {
  const e = cols.appendBatch(batch)
  if (e) throw new Error(e.message)
})
const r = await run.result()
const runMs = performance.now() - t0
shutdown()

const saved = {
  request: { experiment: 'sleep-sort', values, mode: 'scheduled', unitMs: 0.01, recordEvents: true },
  result: { experiment: 'sleep-sort', ...r, output: Array.from(r.output) },
  machine: { cpus: caps.cpus, os: caps.os, timerSlackNs: caps.timerSlackNs, realtimeAllowed: caps.realtime.allowed },
  created: new Date().toISOString(),
  appVersion: require('../package.json').version,
  events: cols,
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
let bytes
const encodeMs = []
for (let i = 0; i < REPS; i++) {
  const s = performance.now()
  bytes = encodeRunFile(saved)
  encodeMs.push(performance.now() - s)
}
let decoded
const decodeMs = []
for (let i = 0; i < REPS; i++) {
  const s = performance.now()
  decoded = decodeRunFile(bytes)
  decodeMs.push(performance.now() - s)
}
if (!decoded.ok) throw new Error(`decode failed: ${decoded.error.message}`)

// the reopened run must be the same run
const back = decoded.value
let same = back.events.length === cols.length && canonicalJson(back.result) === canonicalJson(saved.result)
for (let i = 0; same && i < cols.length; i++) {
  same =
    back.events.kind[i] === cols.kind[i] &&
    back.events.worker[i] === cols.worker[i] &&
    Object.is(back.events.tNs[i], cols.tNs[i]) &&
    Object.is(back.events.arg[i], cols.arg[i])
}
const lateBefore = percentiles(latenessArray(buildThreadTable(cols, N)))
const lateAfter = percentiles(latenessArray(buildThreadTable(back.events, N)))
same &&= JSON.stringify(lateBefore) === JSON.stringify(lateAfter)

const events = cols.length
const raw = events * 4 * 8
const headerBytes = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true)
const fmt = (x, d = 2) => x.toFixed(d)
console.log(
  `run: ${N} threads, ${events} events, ${r.misplaced} misplaced, wall ${fmt(r.wallMs, 0)} ms (${fmt(runMs, 0)} ms with collection), ${caps.cpus} CPUs`,
)
console.log(
  `file: ${bytes.length} bytes (header ${headerBytes} B JSON with input + output, events ${bytes.length - headerBytes - 24} B deflated)`,
)
console.log(
  `size per event:        ${fmt(bytes.length / events)} B  (events only: ${fmt((bytes.length - headerBytes - 24) / events)} B)`,
)
console.log(`size vs raw events:    ${fmt(bytes.length / raw, 3)}  (raw = ${events} × 4 × 8 = ${raw} B)`)
console.log(
  `encode: ${fmt(median(encodeMs))} ms (${fmt((median(encodeMs) * 1e6) / events, 0)} ns/event)   decode: ${fmt(median(decodeMs))} ms (${fmt((median(decodeMs) * 1e6) / events, 0)} ns/event)   median of ${REPS}`,
)
console.log(`round trip identical (events, result, lateness p50/p99/max): ${same ? 'yes' : 'NO'}`)
if (!same) process.exitCode = 1
