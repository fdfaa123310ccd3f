/**
 * The host-agnostic run service: one per client (an Electron window or a WebSocket). It implements
 * the method map's ServiceApi: its methods are the client's requests, `onBatch` / `onStatus` its
 * events. It validates every request itself (in-process callers skip the transports' checks), owns at most one run at a time, forwards the engine's
 * packed batches unchanged, and keeps every batch of the current and the last finished run so a
 * client that missed live frames can fetch them. No Electron, no sockets: the Electron glue, the
 * web host and the tests all compose it as is.
 */
import type {
  Capabilities,
  Outcome,
  ParallelSumResult,
  RunRequest,
  RunStatus,
  SleepSortResult,
  ThreadlabErrorInfo,
} from '../shared/api'
import { summarizeRequest } from '../shared/api'
import { BATCH_HEADER } from '../shared/events'
import { LIMITS } from '../shared/limits'
import { joinRecording, type Recording } from '../shared/replay'
import { validateRunRequest } from '../shared/validate'
import type { ServiceApi } from '../shared/methods'
import type { MachineFigures } from '../shared/machineFigures'
import type { Engine, EngineRun } from './addon'
import { measureMachine, type MeasureOptions } from './measure'
import { RunRate } from './run-rate'
import { parallelSumResult, sleepSortResult } from './results'

export type BatchListener = (batch: Float64Array) => void
export type StatusListener = (status: RunStatus) => void

export interface RunServiceOptions {
  /** minimum spacing of progress statuses (default 100 ms: at most 10 per second) */
  progressIntervalMs?: number
  /**
   * the host's start rate, shared by all its clients (default: one of this service's own, of
   * LIMITS.maxRunsPerMinute: right for a host with a single client)
   */
  rate?: RunRate
  /** clock for progress spacing, replaceable in tests */
  now?: () => number
  /** how measureMachine measures (default: measure.ts's defaults, about a second) */
  measure?: Omit<MeasureOptions, 'signal'>
}

interface RunRecord {
  runId: number
  request: RunRequest
  handle: EngineRun<unknown> | null
  batches: Float64Array[]
  events: number
  /** settles (never rejects) once the engine joined the run and the final status went out */
  done: Promise<void>
  finished: boolean
  progressTimer: ReturnType<typeof setTimeout> | null
  lastProgressAt: number
  reportedEvents: number
}

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value })
const err = (code: string, message: string): Outcome<never> => ({ ok: false, error: { code, message } })

export class RunService implements ServiceApi {
  private readonly batchListeners = new Set<BatchListener>()
  private readonly statusListeners = new Set<StatusListener>()
  private active: RunRecord | null = null
  private last: RunRecord | null = null
  private queue: Promise<unknown> = Promise.resolve()
  private disposed = false
  private readonly progressIntervalMs: number
  private readonly rate: RunRate
  private readonly now: () => number
  private readonly measureOptions: Omit<MeasureOptions, 'signal'>
  /** aborts a measurement in progress when the client goes away */
  private measuring: AbortController | null = null

  constructor(
    private readonly engine: Engine,
    options: RunServiceOptions = {},
  ) {
    this.progressIntervalMs = options.progressIntervalMs ?? 100
    this.now = options.now ?? Date.now
    this.rate = options.rate ?? new RunRate({ now: this.now })
    this.measureOptions = options.measure ?? {}
  }

  onBatch(listener: BatchListener): () => void {
    this.batchListeners.add(listener)
    return () => this.batchListeners.delete(listener)
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener)
    return () => this.statusListeners.delete(listener)
  }

  /** The id of the run in progress, or null. */
  get activeRunId(): number | null {
    return this.active?.runId ?? null
  }

  /**
   * The machine, described once per engine (every client of a host shares it), and the thread
   * budget as it is now. Instant: the transports answer it without taking an in-flight slot.
   */
  capabilities(): Outcome<Capabilities> {
    try {
      const { budget, inUse, runs, basis } = this.engine.threadBudget()
      return ok({ ...machineOf(this.engine), threadBudget: { budget, inUse, runs, basis } })
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) }
    }
  }

  /** Validates and starts a run. `input` may be anything a client sent. */
  startRun(input: unknown): Promise<Outcome<{ runId: number }>> {
    return this.serially(async () => {
      if (this.disposed) return err('E_DISPOSED', 'this client has disconnected')
      const checked = validateRunRequest(input, { cpus: this.cpuCount() })
      if (!checked.ok) return checked
      const request = checked.value
      if (this.active && !request.replace) {
        return err('E_BUSY', `run ${this.active.runId} is still going: cancel it first, or start with replace: true`)
      }
      const limited = this.rate.take()
      if (limited) return { ok: false, error: limited }
      await this.stopActive()
      return this.launch(request)
    })
  }

  /** Cancels the run in progress (if any) and resolves once its threads are joined. */
  cancelRun(): Promise<Outcome<null>> {
    return this.serially(async () => {
      await this.stopActive()
      return ok(null)
    })
  }

  /** Every batch of the current or last finished run, as one batch (seq 0): a copy, 32 bytes an event. */
  fetchRunEvents(runId: unknown): Outcome<Float64Array> {
    const found = this.recording(runId)
    if (!found.ok) return found
    const joined = joinRecording(found.value)
    if (joined.ok) return joined
    return err('E_INTERNAL', `the recorded events of run ${found.value.runId} are unreadable: ${joined.error.message}`)
  }

  /**
   * The batches recorded so far of the current or last finished run, as the engine delivered them
   * (no copy: a host that sends them one by one holds nothing more than the run already does). The
   * list is a snapshot: batches of a run still going that arrive later are not in it.
   */
  recording(runId: unknown): Outcome<Recording> {
    if (typeof runId !== 'number' || !Number.isSafeInteger(runId) || runId < 0) {
      return err('E_BAD_REQUEST', 'runId must be a non-negative whole number')
    }
    const record = [this.active, this.last].find((r) => r?.runId === runId)
    if (!record)
      return err('E_NO_SUCH_RUN', `run ${runId} is neither the current nor the last finished run of this client`)
    const batches = record.batches.slice()
    let events = 0
    for (const b of batches) if (b.length >= BATCH_HEADER) events += b[3]
    return ok({ runId, events, batches })
  }

  /**
   * Measures what shapes the numbers on this machine (src/service/measure.ts). Queued like a start, so
   * no run of this client starts while it measures; refused with E_BUSY while a run is active (its
   * threads would disturb the figures). It counts as one start against the host's rate: its ~70 runs
   * spawn fewer threads than one run of 10,000 values, and the thread budget counts each of them.
   */
  measureMachine(): Promise<Outcome<MachineFigures>> {
    return this.serially(async () => {
      if (this.disposed) return err('E_DISPOSED', 'this client has disconnected')
      if (this.active)
        return err('E_BUSY', `run ${this.active.runId} is still going: measure the machine when it has finished`)
      const limited = this.rate.take()
      if (limited) return { ok: false, error: limited }
      const abort = new AbortController()
      this.measuring = abort
      try {
        return ok(await measureMachine(this.engine, { ...this.measureOptions, signal: abort.signal }))
      } catch (e) {
        return { ok: false, error: toErrorInfo(e) }
      } finally {
        this.measuring = null
      }
    })
  }

  /** The client went away: cancel its run, wait for the threads to be joined, drop everything. */
  async dispose(): Promise<void> {
    if (this.disposed) return this.queue.then(() => undefined)
    this.disposed = true
    this.measuring?.abort()
    this.active?.handle?.cancel()
    await this.serially(() => this.stopActive())
    this.batchListeners.clear()
    this.statusListeners.clear()
    this.last = null
  }

  private cpuCount(): number | undefined {
    try {
      return machineOf(this.engine).cpus
    } catch {
      // validation then assumes one thread, the conservative choice
      return undefined
    }
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task)
    this.queue = next.catch(() => undefined)
    return next
  }

  private async stopActive(): Promise<void> {
    const run = this.active
    if (!run) return
    run.handle?.cancel()
    await run.done
  }

  private launch(request: RunRequest): Outcome<{ runId: number }> {
    const record: RunRecord = {
      runId: -1,
      request,
      handle: null,
      batches: [],
      events: 0,
      done: Promise.resolve(),
      finished: false,
      progressTimer: null,
      lastProgressAt: 0,
      reportedEvents: 0,
    }
    const sink = (batch: Float64Array) => this.onEngineBatch(record, batch)
    try {
      if (request.experiment === 'sleep-sort') {
        const options = { unitMs: request.unitMs, mode: request.mode, recordEvents: request.recordEvents ?? true }
        const handle = this.engine.startSleepSort(request.values, options, sink)
        record.handle = handle
        record.done = handle.result().then(
          (r) => this.finish(record, sleepSortResult(r)),
          (e) => this.fail(record, e),
        )
      } else {
        const options: { threads?: number; unitMs?: number } = {}
        if (request.threads !== undefined) options.threads = request.threads
        if (request.unitMs !== undefined) options.unitMs = request.unitMs
        const handle = this.engine.startSum(request.values, options, sink)
        record.handle = handle
        record.done = handle.result().then(
          (r) => this.finish(record, parallelSumResult(r)),
          (e) => this.fail(record, e),
        )
      }
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) }
    }
    record.runId = record.handle.runId
    this.active = record
    this.emitStatus({ type: 'started', runId: record.runId, summary: summarizeRequest(request) })
    return ok({ runId: record.runId })
  }

  private onEngineBatch(record: RunRecord, batch: Float64Array): void {
    record.batches.push(batch)
    if (batch.length >= BATCH_HEADER) record.events += batch[3]
    for (const listener of this.batchListeners) {
      try {
        listener(batch)
      } catch {
        // one broken listener must not stop the stream for the others
      }
    }
    if (!record.finished) this.scheduleProgress(record)
  }

  private scheduleProgress(record: RunRecord): void {
    if (record.progressTimer) return
    const wait = Math.max(0, record.lastProgressAt + this.progressIntervalMs - this.now())
    record.progressTimer = setTimeout(() => {
      record.progressTimer = null
      if (record.finished || record.events === record.reportedEvents) return
      record.lastProgressAt = this.now()
      record.reportedEvents = record.events
      this.emitStatus({ type: 'progress', runId: record.runId, events: record.events, batches: record.batches.length })
    }, wait)
    record.progressTimer.unref?.()
  }

  private settle(record: RunRecord): void {
    record.finished = true
    if (record.progressTimer) clearTimeout(record.progressTimer)
    record.progressTimer = null
    record.handle = null
    if (this.active === record) {
      this.active = null
      if (!this.disposed) this.last = record
    }
  }

  private finish(record: RunRecord, result: SleepSortResult | ParallelSumResult): void {
    this.settle(record)
    this.emitStatus({ type: 'finished', runId: record.runId, result })
  }

  private fail(record: RunRecord, e: unknown): void {
    this.settle(record)
    this.emitStatus({ type: 'failed', runId: record.runId, error: toErrorInfo(e) })
  }

  private emitStatus(status: RunStatus): void {
    for (const listener of this.statusListeners) {
      try {
        listener(status)
      } catch {
        // as for batches
      }
    }
  }
}

type Machine = Omit<Capabilities, 'threadBudget'>

/** Each engine's description of the machine, read once (it costs ~65 µs; a page may ask often). */
const machines = new WeakMap<Engine, Machine>()

function machineOf(engine: Engine): Machine {
  let machine = machines.get(engine)
  if (!machine) {
    const c = engine.capabilities()
    const realtime =
      c.realtime.reason === undefined
        ? { allowed: c.realtime.allowed }
        : { allowed: c.realtime.allowed, reason: c.realtime.reason }
    machine = {
      cpus: c.cpus,
      os: c.os,
      realtime,
      realtimeMaxThreads: c.realtimeMaxThreads,
      timerSlackNs: c.timerSlackNs,
      limits: LIMITS,
    }
    machines.set(engine, machine)
  }
  return machine
}

/** Maps anything the addon throws or rejects with to the API's error shape. */
export function toErrorInfo(e: unknown): ThreadlabErrorInfo {
  const o = (typeof e === 'object' && e !== null ? e : {}) as { code?: unknown; message?: unknown; position?: unknown }
  const code = typeof o.code === 'string' && /^E_[A-Z0-9_]+$/.test(o.code) ? o.code : 'E_INTERNAL'
  const message = typeof o.message === 'string' && o.message ? o.message : String(e)
  const info: ThreadlabErrorInfo = { code, message }
  if (typeof o.position === 'number' && Number.isSafeInteger(o.position) && o.position >= 0) info.position = o.position
  return info
}
