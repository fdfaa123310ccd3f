/**
 * Drives runs: sends requests through the API, routes the batch stream into RunData (outside the
 * store) and the status stream into the store, coalescing high-rate counts to one store update per
 * frame. Knows nothing of the DOM; tests drive it with a fake API and an immediate scheduler.
 */
import type {
  OpenFileMessage,
  Outcome,
  ParallelSumRequest,
  RunRequest,
  RunResult,
  RunStatus,
  SleepSortRequest,
  SleepSortResult,
  ThreadlabApi,
  ThreadlabErrorInfo,
  TimingMode,
} from '../../shared/api'
import { TIMING_MODES } from '../../shared/api'
import { describeErrors } from '../../shared/parse'
import { decodeRunFile, encodeRunFile, openableProblem, RUN_FILE_LIMITS, type SavedRun } from '../../shared/runfile'
import { allocateMoments } from '../../shared/momentList'
import { exportChromeTrace, toCsv } from '../../shared/trace'
import { createAnalyser, inLaterTask, type Analyse } from './analysisClient'
import { analyseSum, sortAnalysisInput } from './runAnalysis'
import { RunData } from './runData'
import {
  isRunFile,
  LIST_FILE_MAX_BYTES,
  machineFacts,
  readViewOptions,
  RUN_FILE_MAX_BYTES,
  runFileBase,
  savedRun,
  sumCsv,
} from './runFiles'
import { isActive, type AppStore } from './store'

export type Schedule = (cb: () => void) => void

/** ms between two live event counts in the store */
const PROGRESS_MS = 250

type Terminal = { ok: true; result: RunResult } | { ok: false; error: ThreadlabErrorInfo }

/** A file's contents ready to download. */
export interface Download {
  name: string
  mime: string
  data: Uint8Array | string
}

export class RunController {
  readonly data = new RunData()
  private pendingBatches: Float64Array[] = []
  private pendingStatus: RunStatus[] = []
  private coarseQueued = false
  /** when the live count last reached the store (performance.now()) */
  private progressAt = -Infinity
  private waiters: ((t: Terminal) => void)[] = []
  private disposers: (() => void)[] = []
  private compareAbort = false
  /** bumped when a newer run replaces the current one, so late answers are ignored */
  private generation = 0

  constructor(
    private readonly api: ThreadlabApi,
    private readonly store: AppStore,
    private readonly schedule: Schedule,
    /** the finished run's statistics and moments (on the page: a worker thread) */
    private readonly analyse: Analyse = createAnalyser(() => null),
  ) {
    this.disposers.push(api.onBatch((b) => this.onBatch(b)))
    this.disposers.push(api.onStatus((s) => this.onStatus(s)))
  }

  dispose(): void {
    for (const d of this.disposers) d()
    this.disposers = []
  }

  async loadCapabilities(): Promise<void> {
    const outcome = await this.api.capabilities()
    if (outcome.ok) this.store.getState().setCaps(outcome.value)
    else this.store.getState().setCapsError(outcome.error.message || 'could not reach the Threadlab host')
  }

  /**
   * Validates the input and starts a run of the chosen experiment (a sleep sort in the given mode
   * when `modeOverride` is set, as the comparison does). Resolves once the host answered.
   */
  async run(modeOverride?: TimingMode): Promise<boolean> {
    const s = this.store.getState()
    const sum = s.experiment === 'parallel-sum' && modeOverride === undefined
    if (s.parsed.errors.length) {
      s.setRunAttemptError(null)
      return false
    }
    if (s.unitError) return false
    if (sum && s.threadsError) return false
    const mode = modeOverride ?? s.mode
    if (!sum && mode === 'realtime' && s.caps && !s.caps.realtime.allowed) {
      s.runFailed({
        code: 'E_REALTIME_DENIED',
        message: `realtime mode is not allowed here: ${s.caps.realtime.reason ?? 'no CAP_SYS_NICE or rtprio limit'}`,
      })
      return false
    }
    if (isActive(s.phase)) {
      // our own run is still going: say so plainly rather than replacing it behind the user's back
      s.setRunAttemptError('busy: a run is active — Cancel it first')
      return false
    }
    let request: RunRequest
    if (sum) {
      const r: ParallelSumRequest = { experiment: 'parallel-sum', values: s.parsed.values, unitMs: s.unitMs }
      if (Number.isFinite(s.threads)) r.threads = s.threads
      request = r
    } else {
      request = { experiment: 'sleep-sort', values: s.parsed.values, mode, unitMs: s.unitMs } satisfies SleepSortRequest
    }
    const gen = ++this.generation
    this.resetData(-1, request)
    this.pendingBatches = []
    this.pendingStatus = []
    s.runStarting(request)
    let outcome
    try {
      outcome = await this.api.startRun(request)
    } catch (e) {
      outcome = {
        ok: false as const,
        error: { code: 'E_HOST', message: `the host did not answer: ${(e as Error).message}` },
      }
    }
    if (gen !== this.generation) return false
    if (!outcome.ok) {
      this.store.getState().runFailed(outcome.error)
      this.settle({ ok: false, error: outcome.error })
      return false
    }
    const runId = outcome.value.runId
    this.data.runId = runId
    this.store.getState().runStarted(runId)
    for (const b of this.pendingBatches) if (b[1] === runId) this.data.append(b)
    this.pendingBatches = []
    const statuses = this.pendingStatus
    this.pendingStatus = []
    for (const st of statuses) this.onStatus(st)
    this.queueCoarse()
    return true
  }

  async cancel(): Promise<void> {
    this.compareAbort = true
    const s = this.store.getState()
    if (!isActive(s.phase)) return
    const out = await this.api.cancelRun()
    if (!out.ok && out.error.code !== 'E_NOT_RUNNING' && out.error.code !== 'E_NO_RUN')
      this.store.getState().runFailed(out.error)
  }

  private resetData(runId: number, request: RunRequest, result: RunResult | null = null): void {
    if (request.experiment === 'parallel-sum') {
      const cpus = this.store.getState().caps?.cpus ?? 1
      const chunks =
        result?.experiment === 'parallel-sum'
          ? result.threads
          : Math.min(request.threads ?? cpus, request.values.length)
      this.data.reset(runId, request.values, request.unitMs ?? 0, 'parallel-sum', chunks)
    } else {
      this.data.reset(runId, request.values, request.unitMs)
    }
  }

  /** Waits for the current run's finished or failed status. */
  whenSettled(): Promise<Terminal> {
    const s = this.store.getState()
    if (s.phase === 'finished' || s.phase === 'cancelled') return Promise.resolve({ ok: true, result: s.result! })
    if (s.phase === 'failed' || s.phase === 'idle')
      return Promise.resolve({ ok: false, error: s.error ?? { code: 'E_IDLE', message: 'no run' } })
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  /** Runs the current list in every allowed mode, one after another. */
  async compareModes(): Promise<void> {
    const s = this.store.getState()
    if (s.parsed.errors.length || s.unitError || isActive(s.phase)) {
      if (isActive(s.phase)) s.setRunAttemptError('busy: a run is active — Cancel it first')
      return
    }
    const allowed = TIMING_MODES.filter((m) => m !== 'realtime' || !s.caps || s.caps.realtime.allowed)
    const skipped = TIMING_MODES.filter((m) => !allowed.includes(m)).map((mode) => ({
      mode,
      reason: s.caps?.realtime.reason ?? 'not allowed here',
    }))
    s.compareBegin(allowed, skipped)
    this.compareAbort = false
    for (const mode of allowed) {
      if (this.compareAbort) break
      this.store.getState().compareUpdate(mode, { status: 'running' })
      const started = await this.run(mode)
      if (!started) {
        const err = this.store.getState().error
        this.store.getState().compareUpdate(mode, { status: 'failed', error: err?.message ?? 'did not start' })
        if (err?.code === 'E_BUSY') break
        continue
      }
      const t = await this.whenSettled()
      if (t.ok && t.result.experiment === 'sleep-sort')
        this.store.getState().compareUpdate(mode, {
          status: t.result.cancelled ? 'cancelled' : 'done',
          result: t.result,
          events: this.data.cols,
        })
      else
        this.store
          .getState()
          .compareUpdate(mode, { status: 'failed', error: t.ok ? 'not a sleep sort' : t.error.message })
    }
    this.store.getState().compareEnd()
  }

  /** Shows a recorded run (one full batch and its result) as if it had just finished. */
  loadRecording(request: SleepSortRequest, batch: Float64Array, result: SleepSortResult): boolean {
    this.generation++
    const s = this.store.getState()
    s.runStarting(request)
    this.data.reset(result.runId, request.values, request.unitMs)
    if (!this.data.replaceAll(batch)) {
      s.runFailed({ code: 'E_BATCH', message: 'the recording is not a valid event batch' })
      return false
    }
    this.data.finish()
    this.store.getState().runStarted(result.runId)
    this.store.getState().runFinished(result, this.data.eventCount)
    this.analyseFinished(result)
    return true
  }

  // ── run files and exports ──────────────────────────────────────────────────────────────────

  /** True when the run on screen can be saved: it finished or was cancelled, with a result. */
  canSave(): boolean {
    const s = this.store.getState()
    return (s.phase === 'finished' || s.phase === 'cancelled') && !!s.request && !!s.result && this.data.finished
  }

  /** True when the run on screen has events to export (any run that is over). */
  canExport(): boolean {
    const s = this.store.getState()
    return !!s.request && !isActive(s.phase) && this.data.finished && this.data.eventCount > 0
  }

  /** The run on screen as a .threadlab file, or an error naming why it cannot be saved. */
  saveRun(): Outcome<Download> {
    const s = this.store.getState()
    if (!this.canSave() || !s.request)
      return { ok: false, error: { code: 'E_NO_RUN', message: 'there is no finished run to save' } }
    if (this.data.eventCount > RUN_FILE_LIMITS.maxEvents) {
      return {
        ok: false,
        error: {
          code: 'E_TOO_LARGE',
          message: `the run has ${this.data.eventCount} events; a run file holds at most ${RUN_FILE_LIMITS.maxEvents}`,
        },
      }
    }
    const source = s.source
    const run = savedRun({
      request: s.request,
      result: s.result,
      events: this.data.cols,
      // an opened run keeps the facts of the machine it was made on
      machine: source?.kind === 'file' ? source.machine : machineFacts(s.caps),
      created: source?.created ?? new Date().toISOString(),
      options: { speed: s.speed, sortByValue: s.sortByValue },
    })
    // the comparison on screen goes with the run it was made for
    if (s.diff && s.diff.values.length === s.request.values.length) run.diff = s.diff
    try {
      return {
        ok: true,
        value: { name: this.fileBase() + '.threadlab', mime: 'application/x-threadlab-run', data: encodeRunFile(run) },
      }
    } catch (e) {
      return { ok: false, error: { code: 'E_TOO_LARGE', message: (e as Error).message } }
    }
  }

  /** Chrome Trace JSON of the run on screen (Perfetto, chrome://tracing). */
  exportTrace(): Outcome<Download> {
    const s = this.store.getState()
    if (!this.canExport() || !s.request)
      return { ok: false, error: { code: 'E_NO_RUN', message: 'there is no run to export' } }
    const trace = exportChromeTrace({
      request: s.request,
      result: s.result,
      events: this.data.cols,
      sortByValue: s.sortByValue,
    })
    return {
      ok: true,
      value: { name: this.fileBase() + '.trace.json', mime: 'application/json', data: JSON.stringify(trace) },
    }
  }

  /** Per-thread CSV of a sleep sort, per-chunk CSV of a parallel sum. */
  exportCsv(): Outcome<Download> {
    const s = this.store.getState()
    if (!this.canExport() || !s.request)
      return { ok: false, error: { code: 'E_NO_RUN', message: 'there is no run to export' } }
    const csv =
      s.request.experiment === 'sleep-sort' ? toCsv(this.data.table, s.request.values) : sumCsv(this.data.sum, s.result)
    return { ok: true, value: { name: this.fileBase() + '.csv', mime: 'text/csv', data: csv } }
  }

  /** `<experiment>-<mode>-<date>` of the run on screen, for every download's name. */
  fileBase(): string {
    const s = this.store.getState()
    if (!s.request) return 'threadlab-run'
    return runFileBase(s.request, s.result, s.source?.created ?? new Date().toISOString())
  }

  /**
   * Opens a run file's bytes: on success the opened run replaces the one on screen and replays
   * like a live run that just finished; on failure the alert names the problem and the run on
   * screen is left exactly as it was.
   */
  openRunBytes(name: string, bytes: Uint8Array): boolean {
    if (bytes.length > RUN_FILE_MAX_BYTES) {
      return this.refuseFile(name, {
        code: 'E_TOO_LARGE',
        message: `the file is ${Math.round(bytes.length / 2 ** 20)} MiB, more than the ${RUN_FILE_MAX_BYTES / 2 ** 20} MiB a run file may be`,
      })
    }
    const decoded = decodeRunFile(bytes)
    if (!decoded.ok) return this.refuseFile(name, decoded.error)
    return this.openRun(decoded.value, name)
  }

  /**
   * Opens a file the host handed over (named on Electron's command line): a run file (by name or
   * magic bytes) opens as a run, anything else becomes the number list; a file main could not read
   * is refused with its reason. Either way a refusal leaves the run on screen as it was.
   */
  openHostFile(file: OpenFileMessage): boolean {
    if ('error' in file) return this.refuseFile(file.name, file.error)
    if (isRunFile(file.name, file.bytes)) return this.openRunBytes(file.name, file.bytes)
    if (file.bytes.length > LIST_FILE_MAX_BYTES) {
      return this.refuseFile(file.name, {
        code: 'E_TOO_LARGE',
        message: `the file is ${Math.round(file.bytes.length / 1e6)} MB: too big for a number list`,
      })
    }
    const st = this.store.getState()
    st.setText(new TextDecoder().decode(file.bytes))
    st.setFileError(null)
    return true
  }

  /** Records why a file was not opened; touches nothing else. */
  refuseFile(name: string, error: ThreadlabErrorInfo): false {
    this.store.getState().setFileError({ code: error.code, message: `could not open ${name}: ${error.message}` })
    return false
  }

  /** Shows a decoded run (see openRunBytes). */
  openRun(run: SavedRun, name: string): boolean {
    const s = this.store.getState()
    if (isActive(s.phase))
      return this.refuseFile(name, { code: 'E_BUSY', message: 'a run is active — Cancel it before opening a run file' })
    const problem = openableProblem(run)
    if (problem) return this.refuseFile(name, problem)
    this.generation++
    this.pendingBatches = []
    this.pendingStatus = []
    const runId = run.result?.runId ?? 0
    s.runStarting(run.request, {
      kind: 'file',
      name,
      created: run.created,
      machine: run.machine,
      appVersion: run.appVersion,
    })
    this.resetData(runId, run.request, run.result)
    this.data.adopt(run.events)
    this.data.finish()
    const st = this.store.getState()
    st.runStarted(runId)
    if (run.result) {
      st.runFinished(run.result, this.data.eventCount)
      this.analyseFinished(run.result)
    } else st.runFailed({ code: 'E_NO_RESULT', message: 'the saved run has no result: it failed before finishing' })
    st.setDiff(run.diff ?? null)
    this.applyOpenedInput(run)
    this.settle(
      run.result
        ? { ok: true, result: run.result }
        : { ok: false, error: { code: 'E_NO_RESULT', message: 'no result' } },
    )
    return true
  }

  /** The opened run's request becomes the input, so Run repeats it; its view settings come back. */
  private applyOpenedInput(run: SavedRun): void {
    const st = this.store.getState()
    const r = run.request
    st.setExperiment(r.experiment)
    // a sum of a million values is not worth a 7 MB textarea: keep the list typed so far then
    if (r.values.length <= 100_000) st.setText(r.values.join(' '))
    if (r.experiment === 'sleep-sort') {
      st.setMode(r.mode)
      st.setUnitText(String(r.unitMs))
    } else {
      if (r.unitMs !== undefined) st.setUnitText(String(r.unitMs))
      const threads = run.result?.experiment === 'parallel-sum' ? run.result.threads : r.threads
      if (threads !== undefined) st.setThreadsText(String(threads))
    }
    const view = readViewOptions(run.options)
    if (view.speed !== undefined) st.setSpeed(view.speed)
    if (view.sortByValue !== undefined) st.setSortByValue(view.sortByValue)
  }

  private onBatch(batch: Float64Array): void {
    const s = this.store.getState()
    if (s.phase === 'starting' && this.data.runId < 0) {
      if (this.pendingBatches.length < 10_000) this.pendingBatches.push(batch)
      return
    }
    if (batch[1] !== this.data.runId || this.data.finished) return
    if (this.data.append(batch)) this.queueCoarse()
  }

  private onStatus(st: RunStatus): void {
    const s = this.store.getState()
    if (s.phase === 'starting' && this.data.runId < 0) {
      this.pendingStatus.push(st)
      return
    }
    if (st.runId !== this.data.runId) return
    switch (st.type) {
      case 'started':
        s.runStarted(st.runId)
        break
      case 'progress':
        this.queueCoarse()
        break
      case 'missed':
        s.runMissed(st.droppedBatches)
        break
      case 'finished':
        if (st.result.experiment !== this.data.experiment) return
        void this.finish(st.result)
        break
      case 'failed':
        this.data.finish()
        s.runFailed(st.error)
        this.settle({ ok: false, error: st.error })
        break
    }
  }

  private async finish(result: RunResult): Promise<void> {
    const gen = this.generation
    const d = this.data
    if (d.cols.missedBatches > 0 || this.store.getState().missed > 0 || d.eventCount < result.eventCount) {
      try {
        const all = await this.api.fetchRunEvents(result.runId)
        if (gen !== this.generation) return
        if (all.ok) d.replaceAll(all.value)
      } catch {
        /* keep what arrived live */
      }
    }
    d.finish()
    this.store.getState().runFinished(result, d.eventCount)
    this.analyseFinished(result)
    this.settle({ ok: true, result })
  }

  /**
   * The statistics and moments of the run that just finished, built after the frame that shows
   * the result (a sleep sort's on a worker thread); dropped when another run replaced it meanwhile.
   */
  private analyseFinished(result: RunResult): void {
    const request = this.store.getState().request
    if (!request) return
    const gen = this.generation
    const current = () => gen === this.generation && this.store.getState().result === result
    const input = sortAnalysisInput(this.data, request, result)
    const data = this.data
    // even the copy to the worker waits for a later task: the task showing the result has enough to do
    const analysis = input ? inLaterTask(() => input).then((i) => this.analyse(i)) : inLaterTask(() => analyseSum(data))
    analysis.then(
      (a) => {
        if (current()) this.store.getState().setAnalysis(a)
      },
      (e: Error) => {
        if (!current()) return
        console.error(`the run's statistics and moments could not be built: ${e.message}`)
        this.store.getState().setAnalysis({ figures: null, moments: allocateMoments(0), groups: [] })
      },
    )
  }

  private settle(t: Terminal): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f(t)
  }

  /**
   * The live event count reaches the store in a frame, at most every PROGRESS_MS: each update
   * re-renders the result panel and lays the page out again, work a frame of a 10,000-thread run
   * cannot spare 60 times a second (the canvases read the counts themselves, every frame).
   */
  private queueCoarse(): void {
    if (this.coarseQueued) return
    this.coarseQueued = true
    const update = () =>
      this.schedule(() => {
        this.coarseQueued = false
        this.progressAt = performance.now()
        const s = this.store.getState()
        if (isActive(s.phase)) s.runProgress(this.data.eventCount)
      })
    const wait = this.progressAt + PROGRESS_MS - performance.now()
    if (wait > 0) setTimeout(update, wait)
    else update()
  }
}

export function inputAlert(parsedErrors: Parameters<typeof describeErrors>[0]): string {
  return describeErrors(parsedErrors)
}
