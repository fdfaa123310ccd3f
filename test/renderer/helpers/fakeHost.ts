// A host double for the renderer's controller (records requests, lets a test stream batches and
// statuses when it likes) and a synthetic parallel sum shaped like the engine's events.
import type {
  OpenFileMessage,
  ParallelSumResult,
  RunRequest,
  RunStatus,
  SleepSortResult,
  ThreadlabApi,
} from '../../../src/shared/api'
import { EventColumns } from '../../../src/shared/columns'
import { EventKind } from '../../../src/shared/events'
import { RunController } from '../../../src/renderer/model/controller'
import { createAppStore } from '../../../src/renderer/model/store'
import { synthesizeRun } from '../../../src/renderer/model/synth'
import { testCapabilities } from './caps'

export class FakeHost implements ThreadlabApi {
  batchL = new Set<(b: Float64Array) => void>()
  statusL = new Set<(s: RunStatus) => void>()
  openFileL = new Set<(f: OpenFileMessage) => void>()
  requests: RunRequest[] = []
  nextRunId = 1
  cpus = 2
  full = new Map<number, Float64Array>()
  async capabilities() {
    return { ok: true as const, value: testCapabilities({ cpus: this.cpus, os: 'test os', timerSlackNs: 50_000 }) }
  }
  async startRun(r: RunRequest) {
    this.requests.push(r)
    return { ok: true as const, value: { runId: this.nextRunId++ } }
  }
  async cancelRun() {
    return { ok: true as const, value: null }
  }
  async fetchRunEvents(runId: number) {
    const b = this.full.get(runId)
    return b ? { ok: true as const, value: b } : { ok: false as const, error: { code: 'E_NO_RUN', message: 'none' } }
  }
  async measureMachine() {
    return { ok: false as const, error: { code: 'E_UNSUPPORTED', message: 'not measured in this test' } }
  }
  onBatch(l: (b: Float64Array) => void) {
    this.batchL.add(l)
    return () => void this.batchL.delete(l)
  }
  onStatus(l: (s: RunStatus) => void) {
    this.statusL.add(l)
    return () => void this.statusL.delete(l)
  }
  batch(b: Float64Array) {
    for (const l of this.batchL) l(b)
  }
  status(s: RunStatus) {
    for (const l of this.statusL) l(s)
  }
  onOpenFile(l: (f: OpenFileMessage) => void) {
    this.openFileL.add(l)
    return () => void this.openFileL.delete(l)
  }
  /** pushes a file as Electron's main does for a command-line argument */
  openFile(f: OpenFileMessage) {
    for (const l of this.openFileL) l(f)
  }

  /** Streams a run's columns in `parts` batches, then its finished status. */
  stream(runId: number, cols: EventColumns, result: SleepSortResult | ParallelSumResult, parts = 3): void {
    const full = cols.toBatch(runId)
    this.full.set(runId, full)
    const per = Math.max(1, Math.ceil(cols.length / parts))
    for (let p = 0, from = 0; from < cols.length; p++, from += per) {
      const n = Math.min(per, cols.length - from)
      const b = new Float64Array(4 + n * 4)
      b.set([1, runId, p, n])
      b.set(full.subarray(4 + from * 4, 4 + (from + n) * 4), 4)
      this.batch(b)
    }
    this.status({ type: 'finished', runId, result })
  }

  /** Plays the last request as the engine would (a synthetic sleep sort or sum). */
  playLast(): SleepSortResult | ParallelSumResult {
    const runId = this.nextRunId - 1
    const r = this.requests[this.requests.length - 1]
    if (r.experiment === 'sleep-sort') {
      const { cols, result } = synthesizeRun(r.values, r.mode, r.unitMs, runId)
      this.stream(runId, cols, result)
      return result
    }
    const { cols, result } = synthesizeSum(r.values, r.threads ?? this.cpus, r.unitMs ?? 0, runId)
    this.stream(runId, cols, result)
    return result
  }
}

export function setup(host = new FakeHost()) {
  const store = createAppStore()
  const controller = new RunController(host, store, (cb) => cb())
  return { host, store, controller }
}

export const tick = () => new Promise((r) => setTimeout(r, 0))

/**
 * A parallel sum's events as the engine emits them: per chunk a start (arg = length), progress
 * every sixteenth (arg = done), done (arg = partial); after every chunk is done, one combined event
 * per chunk in chunk order (arg = running total). Integers only (BigInt for the exact text).
 */
export function synthesizeSum(
  values: readonly number[],
  threads: number,
  unitMs: number,
  runId = 1,
  cancelAfterNs = Infinity,
): { cols: EventColumns; result: ParallelSumResult } {
  const t = Math.max(1, Math.min(threads, values.length))
  const sizes: number[] = []
  for (let c = 0; c < t; c++) sizes.push(Math.floor(values.length / t) + (c < values.length % t ? 1 : 0))
  const cols = new EventColumns()
  const unitNs = Math.max(1000, unitMs * 1e6)
  const partials: bigint[] = []
  let at = 0
  let lastDone = 0
  let cancelled = false
  for (let c = 0; c < t; c++) {
    const len = sizes[c]
    const start = 200_000 + c * 25_000
    cols.push(EventKind.ChunkStart, c, start, len)
    const every = Math.max(1, Math.floor(len / 16))
    let acc = 0n
    let done = 0
    for (; done < len; done++) {
      const when = start + (done + 1) * unitNs
      if (when > cancelAfterNs) {
        cancelled = true
        break
      }
      acc += BigInt(values[at + done])
      if ((done + 1) % every === 0 && done + 1 < len) cols.push(EventKind.ChunkProgress, c, when + 5_000, done + 1)
    }
    partials.push(acc)
    if (done === len) {
      const end = start + len * unitNs + 9_000
      cols.push(EventKind.ChunkDone, c, end, Number(acc))
      lastDone = Math.max(lastDone, end)
    } else {
      cols.push(EventKind.ChunkProgress, c, cancelAfterNs + 3_000, done)
      lastDone = Math.max(lastDone, cancelAfterNs + 3_000)
    }
    at += len
  }
  let total = 0n
  partials.forEach((p, c) => {
    total += p
    cols.push(EventKind.Combined, c, lastDone + 40_000 + c * 2_000, Number(total))
  })
  const result: ParallelSumResult = {
    experiment: 'parallel-sum',
    runId,
    sum: String(total),
    kind: 'integer',
    partials: partials.map(String),
    threads: t,
    chunkSizes: sizes,
    wallMs: (lastDone + 60_000) / 1e6,
    exact: true,
    cancelled,
    eventCount: cols.length,
  }
  return { cols, result }
}
