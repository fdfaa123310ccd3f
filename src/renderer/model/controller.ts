/**
 * Drives runs: sends requests through the API, routes the batch stream into RunData (outside the
 * store) and the status stream into the store, coalescing high-rate counts to one store update per
 * frame. Knows nothing of the DOM; tests drive it with a fake API and an immediate scheduler.
 */
import type { RunStatus, SleepSortRequest, SleepSortResult, ThreadlabApi, ThreadlabErrorInfo, TimingMode } from '../../shared/api'
import { TIMING_MODES } from '../../shared/api'
import { describeErrors } from '../../shared/parse'
import { RunData } from './runData'
import { isActive, type AppStore } from './store'

export type Schedule = (cb: () => void) => void

type Terminal = { ok: true; result: SleepSortResult } | { ok: false; error: ThreadlabErrorInfo }

export class RunController {
  readonly data = new RunData()
  private pendingBatches: Float64Array[] = []
  private pendingStatus: RunStatus[] = []
  private coarseQueued = false
  private waiters: ((t: Terminal) => void)[] = []
  private disposers: (() => void)[] = []
  private compareAbort = false
  /** bumped when a newer run replaces the current one, so late answers are ignored */
  private generation = 0

  constructor(
    private readonly api: ThreadlabApi,
    private readonly store: AppStore,
    private readonly schedule: Schedule,
  ) {
    this.disposers.push(api.onBatch((b) => this.onBatch(b)))
    this.disposers.push(api.onStatus((s) => this.onStatus(s)))
  }

  dispose(): void {
    for (const d of this.disposers) d()
    this.disposers = []
  }

  async loadCapabilities(): Promise<void> {
    try {
      this.store.getState().setCaps(await this.api.capabilities())
    } catch (e) {
      this.store.getState().setCapsError((e as Error).message || 'could not reach the Threadlab host')
    }
  }

  /** Validates the input and starts a run. Resolves once the host answered the request. */
  async run(modeOverride?: TimingMode): Promise<boolean> {
    const s = this.store.getState()
    if (s.parsed.errors.length) {
      s.setRunAttemptError(null)
      return false
    }
    if (s.unitError) return false
    const mode = modeOverride ?? s.mode
    if (mode === 'realtime' && s.caps && !s.caps.realtime.allowed) {
      s.runFailed({ code: 'E_REALTIME_DENIED', message: `realtime mode is not allowed here: ${s.caps.realtime.reason ?? 'no CAP_SYS_NICE or rtprio limit'}` })
      return false
    }
    if (isActive(s.phase)) {
      // our own run is still going: say so plainly rather than replacing it behind the user's back
      s.setRunAttemptError('busy: a run is active — Cancel it first')
      return false
    }
    const request: SleepSortRequest = { experiment: 'sleep-sort', values: s.parsed.values, mode, unitMs: s.unitMs }
    const gen = ++this.generation
    this.data.reset(-1, request.values, request.unitMs)
    this.pendingBatches = []
    this.pendingStatus = []
    s.runStarting(request)
    let outcome
    try {
      outcome = await this.api.startRun(request)
    } catch (e) {
      outcome = { ok: false as const, error: { code: 'E_HOST', message: `the host did not answer: ${(e as Error).message}` } }
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
    if (!out.ok && out.error.code !== 'E_NOT_RUNNING' && out.error.code !== 'E_NO_RUN') this.store.getState().runFailed(out.error)
  }

  /** Waits for the current run's finished or failed status. */
  whenSettled(): Promise<Terminal> {
    const s = this.store.getState()
    if (s.phase === 'finished' || s.phase === 'cancelled') return Promise.resolve({ ok: true, result: s.result! })
    if (s.phase === 'failed' || s.phase === 'idle') return Promise.resolve({ ok: false, error: s.error ?? { code: 'E_IDLE', message: 'no run' } })
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
    const skipped = TIMING_MODES.filter((m) => !allowed.includes(m)).map((mode) => ({ mode, reason: s.caps?.realtime.reason ?? 'not allowed here' }))
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
      if (t.ok) this.store.getState().compareUpdate(mode, { status: t.result.cancelled ? 'cancelled' : 'done', result: t.result })
      else this.store.getState().compareUpdate(mode, { status: 'failed', error: t.error.message })
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
    return true
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
        if (st.result.experiment !== 'sleep-sort') return
        void this.finish(st.result)
        break
      case 'failed':
        this.data.finish()
        s.runFailed(st.error)
        this.settle({ ok: false, error: st.error })
        break
    }
  }

  private async finish(result: SleepSortResult): Promise<void> {
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
    this.settle({ ok: true, result })
  }

  private settle(t: Terminal): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f(t)
  }

  private queueCoarse(): void {
    if (this.coarseQueued) return
    this.coarseQueued = true
    this.schedule(() => {
      this.coarseQueued = false
      const s = this.store.getState()
      if (isActive(s.phase)) s.runProgress(this.data.eventCount)
    })
  }
}

export function inputAlert(parsedErrors: Parameters<typeof describeErrors>[0]): string {
  return describeErrors(parsedErrors)
}
