// A scripted Engine for the tests that need exact control (throttling, backpressure, ordering).
// The real addon is tested through the same interface in run-service.test.ts and webhost.test.ts.
import type {
  BatchSink,
  Engine,
  EngineCapabilities,
  EngineThreadBudget,
  EngineRun,
  EngineSleepSortOptions,
  EngineSleepSortResult,
  EngineSumOptions,
  EngineSumResult,
} from '../../src/service/addon'
import { BATCH_FORMAT, BATCH_HEADER, EVENT_WIDTH, EventKind } from '../../src/shared/events'

export interface FakeScript {
  /** batches per run */
  batches: number
  /** events per batch */
  eventsPerBatch: number
  /** ms between batches (0 = every macrotask) */
  intervalMs: number
}

export function makeBatch(runId: number, seq: number, events: number, firstWorker = 0): Float64Array {
  const b = new Float64Array(BATCH_HEADER + events * EVENT_WIDTH)
  b[0] = BATCH_FORMAT
  b[1] = runId
  b[2] = seq
  b[3] = events
  for (let i = 0; i < events; i++) {
    const o = BATCH_HEADER + i * EVENT_WIDTH
    b[o] = EventKind.Spawned
    b[o + 1] = firstWorker + i
    b[o + 2] = seq * 1000 + i
    b[o + 3] = seq
  }
  return b
}

export class FakeEngine implements Engine {
  script: FakeScript = { batches: 5, eventsPerBatch: 4, intervalMs: 1 }
  /** every batch ever sent, per run */
  sent = new Map<number, Float64Array[]>()
  private live = new Set<number>()
  private nextRunId = 1
  shutdowns = 0

  startSleepSort(
    values: number[],
    options: EngineSleepSortOptions,
    onBatch: BatchSink,
  ): EngineRun<EngineSleepSortResult> {
    const bad = values.findIndex((v) => v === 13)
    if (bad >= 0) throw Object.assign(new Error(`value ${bad + 1} is unlucky`), { code: 'E_UNLUCKY', position: bad })
    return this.run(onBatch, (runId, cancelled, eventCount) => ({
      runId,
      output: cancelled ? [] : [...values].sort((a, b) => a - b),
      sorted: !cancelled,
      misplaced: 0,
      inversions: 0,
      latenessNs: { p50: 1, p99: 2, max: 3 },
      lockWaitNs: { p50: 0, p99: 0, max: 0 },
      wallMs: 1,
      threads: values.length,
      mode: options.mode,
      unitMs: options.unitMs,
      shift: 0,
      cancelled,
      eventCount,
    }))
  }

  startSum(values: number[], options: EngineSumOptions, onBatch: BatchSink): EngineRun<EngineSumResult> {
    return this.run(onBatch, (runId, cancelled, eventCount) => ({
      runId,
      sum: 2n ** 70n,
      sumText: (2n ** 70n).toString(),
      kind: 'integer',
      partials: [2n ** 69n, 2n ** 69n],
      partialTexts: [(2n ** 69n).toString(), (2n ** 69n).toString()],
      threads: options.threads ?? 2,
      chunkSizes: [Math.ceil(values.length / 2), Math.floor(values.length / 2)],
      wallMs: 1,
      exact: true,
      cancelled,
      eventCount,
    }))
  }

  private run<R>(onBatch: BatchSink, result: (runId: number, cancelled: boolean, events: number) => R): EngineRun<R> {
    const runId = this.nextRunId++
    const { batches, eventsPerBatch, intervalMs } = this.script
    const sent: Float64Array[] = []
    this.sent.set(runId, sent)
    this.live.add(runId)
    let seq = 0
    let settle!: (r: R) => void
    const done = new Promise<R>((r) => (settle = r))
    const end = (cancelled: boolean) => {
      clearInterval(timer)
      if (!this.live.delete(runId)) return
      // like the addon: the result comes after the last delivered batch
      setTimeout(() => settle(result(runId, cancelled, seq * eventsPerBatch)), 0)
    }
    const timer = setInterval(() => {
      if (seq >= batches) return end(false)
      const batch = makeBatch(runId, seq, eventsPerBatch, seq * eventsPerBatch)
      seq++
      sent.push(batch)
      onBatch(batch)
    }, intervalMs)
    return { runId, cancel: () => end(true), result: () => done }
  }

  capabilities(): EngineCapabilities {
    return {
      cpus: 2,
      os: 'fake',
      realtime: { allowed: false, reason: 'fake engine' },
      realtimeMaxThreads: 10_000,
      timerSlackNs: 50_000,
      threadBudget: this.threadBudget(),
    }
  }
  threadBudget(): EngineThreadBudget {
    return { budget: 16_000, inUse: this.live.size * 3, runs: this.live.size, basis: 'fake engine' }
  }
  activeRuns(): number {
    return this.live.size
  }
  threadCount(): number {
    return this.live.size * 3
  }
  shutdown(): void {
    this.shutdowns++
  }
}
