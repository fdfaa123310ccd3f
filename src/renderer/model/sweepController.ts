/**
 * The Sweep view's state and driver: settings, the live points of a sweep run through the host API
 * (runSweep from src/shared/sweepDriver.ts with a runOne that starts one sleep-sort run and waits for its
 * finished status), cancel through an AbortSignal, and the machine figures measured beside it.
 * Its own small vanilla store (the run store stays about the Run view); no DOM, tested with a fake
 * host like the RunController.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import type {
  Capabilities,
  RunStatus,
  SleepSortResult,
  ThreadlabApi,
  ThreadlabErrorInfo,
  TimingMode,
} from '../../shared/api'
import { TIMING_MODES } from '../../shared/api'
import { EventColumns } from '../../shared/columns'
import { LIMITS } from '../../shared/limits'
import { type MachineFigures } from '../../shared/machineFigures'
import { modesNotAllowed, runSweep, type RunOne, type SweepResult } from '../../shared/sweepDriver'
import {
  checkSweepInput,
  estimateSweepMs,
  planSweep,
  sweepPreset,
  type SweepPlan,
  type SweepPresetId,
} from '../../shared/sweepPlan'
import { emptyPoints, outcomeOf, type SweepPoint, type TrialOutcome } from '../../shared/sweepPoints'
import { sweepRecord, type SweepRecord } from '../../shared/sweepRecord'

export type Schedule = (cb: () => void) => void

export interface SweepSettings {
  preset: SweepPresetId
  fromText: string
  toText: string
  stepsText: string
  trialsText: string
  modes: TimingMode[]
}

/** Small by default: the seed's 12 values, 1 ms → 0.01 ms in 5 steps, 3 trials: a few seconds. */
export const DEFAULT_SWEEP: SweepSettings = {
  preset: 'seed',
  fromText: '1',
  toText: '0.01',
  stepsText: '5',
  trialsText: '3',
  modes: [...TIMING_MODES],
}

export type SweepPhase = 'idle' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'failed'

export interface MachineState {
  status: 'idle' | 'measuring' | 'done' | 'failed'
  figures: MachineFigures | null
  error: string | null
  /** ISO time of the last measurement */
  measuredAt: string | null
}

export interface SweepState extends SweepSettings {
  phase: SweepPhase
  plan: SweepPlan | null
  /** the list the current (or last) sweep runs */
  values: number[] | null
  /** preset of the current (or last) sweep */
  sweptPreset: SweepPresetId | null
  points: SweepPoint[]
  result: SweepResult | null
  runsDone: number
  runsPlanned: number
  /** the trial under way */
  current: { mode: TimingMode; unitMs: number; trial: number } | null
  /** a passing remark (e.g. waiting for the host's rate limit) */
  note: string | null
  error: string | null
  machine: MachineState
  set(patch: Partial<SweepSettings>): void
  toggleMode(mode: TimingMode, on: boolean): void
}

export type SweepStore = StoreApi<SweepState>

export function createSweepStore(): SweepStore {
  return createStore<SweepState>()((set) => ({
    ...DEFAULT_SWEEP,
    phase: 'idle',
    plan: null,
    values: null,
    sweptPreset: null,
    points: [],
    result: null,
    runsDone: 0,
    runsPlanned: 0,
    current: null,
    note: null,
    error: null,
    machine: { status: 'idle', figures: null, error: null, measuredAt: null },
    set: (patch) => set(patch),
    toggleMode: (mode, on) =>
      set((s) => ({ modes: TIMING_MODES.filter((m) => (m === mode ? on : s.modes.includes(m))) })),
  }))
}

export function isSweeping(phase: SweepPhase): boolean {
  return phase === 'running' || phase === 'cancelling'
}

export interface CheckedSweep {
  plan: SweepPlan
  values: number[]
  /** modes that will run (the allowed ones) */
  runModes: TimingMode[]
  notAllowed: Map<TimingMode, string>
  runs: number
  /** rough duration, ms, including the wait the host's rate limit imposes */
  estimateMs: number
  /** runs beyond the host's per-minute allowance (the sweep waits for it) */
  rateLimited: boolean
}

/** The plan of the settings, or the reason they cannot run (in words for the form). */
export function checkSweep(
  s: SweepSettings,
  caps: Pick<Capabilities, 'realtime'> | null,
  machine: MachineFigures | null,
): { ok: true; value: CheckedSweep } | { ok: false; error: string } {
  const num = (text: string) => (text.trim() === '' ? NaN : Number(text))
  const fromMs = num(s.fromText),
    toMs = num(s.toText),
    steps = num(s.stepsText),
    trials = num(s.trialsText)
  const input = { fromMs, toMs, steps, trials, modes: s.modes }
  const problem = checkSweepInput(input)
  if (problem) return { ok: false, error: wordy(problem) }
  const plan = planSweep(input)
  const values = sweepPreset(s.preset)
  let hi = 0
  for (const v of values) if (v > hi) hi = v
  const longest = hi * plan.units[0]
  if (longest > LIMITS.maxDurationMs) {
    return {
      ok: false,
      error: `at ${plan.units[0]} ms per unit the longest sleep would be ${Math.round(longest / 1000)} s, over the ${LIMITS.maxDurationMs / 1000} s cap: lower the largest unit`,
    }
  }
  const notAllowed = modesNotAllowed(plan.modes, caps ?? undefined)
  const runModes = plan.modes.filter((m) => !notAllowed.has(m))
  if (runModes.length === 0) return { ok: false, error: 'none of the chosen modes is allowed on this machine' }
  const runs = plan.units.length * plan.trials * runModes.length
  const spawn =
    machine && Number.isFinite(machine.spawnNsPerThread) && machine.spawnNsPerThread > 0
      ? machine.spawnNsPerThread
      : undefined
  let estimateMs = estimateSweepMs({ ...plan, modes: runModes }, values, spawn)
  const perMinute = LIMITS.maxRunsPerMinute
  const rateLimited = runs > perMinute
  if (rateLimited) estimateMs = Math.max(estimateMs, ((runs - perMinute) / perMinute) * 60_000)
  return { ok: true, value: { plan, values, runModes, notAllowed, runs, estimateMs, rateLimited } }
}

function wordy(problem: string): string {
  return problem
    .replace(/^fromMs/, 'From unit (ms)')
    .replace(/^toMs/, 'To unit (ms)')
    .replace(/^steps/, 'Steps')
    .replace(/^trials/, 'Trials')
}

/** One terminal status of a run this controller started. */
type Terminal = { type: 'finished'; result: SleepSortResult } | { type: 'failed'; error: ThreadlabErrorInfo }

/** Batches and statuses of the run a trial is waiting for (the host's stream carries every run). */
class RunWatch {
  runId: number | null = null
  batches: Float64Array[] = []
  missed = false
  private early: { batches: Float64Array[]; statuses: RunStatus[] } = { batches: [], statuses: [] }
  private terminal: Terminal | null = null
  private waiter: ((t: Terminal) => void) | null = null

  onBatch(b: Float64Array): void {
    if (this.runId === null) {
      if (this.early.batches.length < 10_000) this.early.batches.push(b)
    } else if (b[1] === this.runId) this.batches.push(b)
  }

  onStatus(s: RunStatus): void {
    if (this.runId === null) {
      this.early.statuses.push(s)
      return
    }
    if (s.runId !== this.runId) return
    if (s.type === 'missed') this.missed = true
    else if (s.type === 'finished' && s.result.experiment === 'sleep-sort')
      this.settle({ type: 'finished', result: s.result })
    else if (s.type === 'failed') this.settle({ type: 'failed', error: s.error })
  }

  /** The host named the run: keep what arrived for it before the answer. */
  known(runId: number): void {
    this.runId = runId
    const { batches, statuses } = this.early
    this.early = { batches: [], statuses: [] }
    for (const b of batches) this.onBatch(b)
    for (const s of statuses) this.onStatus(s)
  }

  settled(timeoutMs: number): Promise<Terminal> {
    if (this.terminal) return Promise.resolve(this.terminal)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null
        resolve({
          type: 'failed',
          error: {
            code: 'E_TIMEOUT',
            message: `run ${this.runId} did not finish within ${Math.round(timeoutMs / 1000)} s`,
          },
        })
      }, timeoutMs)
      this.waiter = (t) => {
        clearTimeout(timer)
        resolve(t)
      }
    })
  }

  private settle(t: Terminal): void {
    if (this.terminal) return
    this.terminal = t
    const w = this.waiter
    this.waiter = null
    w?.(t)
  }
}

const codeError = (e: ThreadlabErrorInfo) => Object.assign(new Error(e.message), { code: e.code })

export class SweepController {
  readonly store: SweepStore = createSweepStore()
  private abort: AbortController | null = null
  private watch: RunWatch | null = null
  private disposers: (() => void)[] = []
  private pendingPoints = new Map<number, SweepPoint>()
  private flushQueued = false
  /** ms to wait before asking again when the host's rate limit refuses a run */
  retryMs = 1000

  constructor(
    private readonly api: ThreadlabApi,
    private readonly caps: () => Capabilities | null,
    private readonly schedule: Schedule = (cb) => cb(),
  ) {
    this.disposers.push(api.onBatch((b) => this.watch?.onBatch(b)))
    this.disposers.push(api.onStatus((s) => this.watch?.onStatus(s)))
  }

  dispose(): void {
    this.abort?.abort()
    for (const d of this.disposers) d()
    this.disposers = []
  }

  /** Measures the machine unless it was measured (or is being measured) already. */
  ensureMeasured(): void {
    const m = this.store.getState().machine
    if (m.status === 'idle') void this.measure()
  }

  async measure(): Promise<void> {
    const s = this.store.getState()
    if (s.machine.status === 'measuring' || isSweeping(s.phase)) return
    this.setMachine({ status: 'measuring', error: null })
    let outcome
    try {
      outcome = await this.api.measureMachine()
    } catch (e) {
      outcome = {
        ok: false as const,
        error: { code: 'E_HOST', message: `the host did not answer: ${(e as Error).message}` },
      }
    }
    if (outcome.ok)
      this.setMachine({ status: 'done', figures: outcome.value, error: null, measuredAt: new Date().toISOString() })
    else this.setMachine({ status: 'failed', error: `${outcome.error.message} (${outcome.error.code})` })
  }

  /** Runs the sweep of the current settings; resolves when it ended (done, cancelled or failed). */
  async run(): Promise<void> {
    const s = this.store.getState()
    if (isSweeping(s.phase)) return
    const checked = checkSweep(s, this.caps(), s.machine.figures)
    if (!checked.ok) {
      this.store.setState({ error: checked.error })
      return
    }
    const { plan, values, runs } = checked.value
    const abort = new AbortController()
    this.abort = abort
    this.pendingPoints.clear()
    this.store.setState({
      phase: 'running',
      plan,
      values,
      sweptPreset: s.preset,
      points: emptyPoints(plan),
      result: null,
      runsDone: 0,
      runsPlanned: runs,
      current: null,
      note: null,
      error: null,
    })
    let fatal: string | null = null
    const runOne: RunOne = async (mode, unitMs, ctx) => {
      this.store.setState({ current: { mode, unitMs, trial: ctx.trial } })
      try {
        return await this.trial(mode, unitMs, ctx.values, ctx.signal)
      } catch (e) {
        const code = (e as { code?: string }).code
        if (code === 'E_BUSY' || code === 'E_CONNECTION_CLOSED' || code === 'E_HOST_DOWN' || code === 'E_DISPOSED') {
          // nothing else can run: stop the sweep rather than fail every remaining point
          fatal = (e as Error).message
          abort.abort()
        }
        throw e
      } finally {
        this.store.setState((st) => ({ runsDone: st.runsDone + 1 }))
      }
    }
    let result: SweepResult
    try {
      result = await runSweep(plan, values, runOne, {
        signal: abort.signal,
        capabilities: this.caps() ?? undefined,
        onPoint: (p, i) => this.queuePoint(p, i),
      })
    } catch (e) {
      this.flushPoints()
      this.abort = null
      this.store.setState({
        phase: 'failed',
        error: `the sweep stopped: ${(e as Error).message}`,
        current: null,
        note: null,
      })
      return
    }
    this.flushPoints()
    this.abort = null
    this.store.setState({
      phase: fatal ? 'failed' : result.cancelled ? 'cancelled' : 'done',
      result,
      points: result.points,
      current: null,
      note: null,
      error: fatal ? `the sweep stopped: ${fatal}` : null,
    })
  }

  /** Cancels the sweep: the run under way is cancelled and not counted. */
  cancel(): void {
    if (!this.abort || this.abort.signal.aborted) return
    this.store.setState({ phase: 'cancelling' })
    this.abort.abort()
  }

  /** The sweep as saved (the last one, with the machine figures), or null before any sweep ended. */
  record(savedAt = new Date()): SweepRecord | null {
    const s = this.store.getState()
    if (!s.result || !s.values) return null
    return sweepRecord(s.result, s.values, s.machine.figures, { preset: s.sweptPreset ?? 'custom', savedAt })
  }

  private setMachine(patch: Partial<MachineState>): void {
    this.store.setState((s) => ({ machine: { ...s.machine, ...patch } }))
  }

  private queuePoint(p: SweepPoint, i: number): void {
    this.pendingPoints.set(i, p)
    if (this.flushQueued) return
    this.flushQueued = true
    this.schedule(() => this.flushPoints())
  }

  private flushPoints(): void {
    this.flushQueued = false
    if (!this.pendingPoints.size) return
    const points = this.store.getState().points.slice()
    for (const [i, p] of this.pendingPoints) points[i] = p
    this.pendingPoints.clear()
    this.store.setState({ points })
  }

  /** One trial: start the run, cancel it when the signal fires, wait for its end, score it. */
  private async trial(
    mode: TimingMode,
    unitMs: number,
    values: readonly number[],
    signal: AbortSignal,
  ): Promise<TrialOutcome> {
    const watch = new RunWatch()
    this.watch = watch
    try {
      let started
      for (;;) {
        if (signal.aborted) return { sorted: false, misplaced: 0, cancelled: true }
        try {
          started = await this.api.startRun({
            experiment: 'sleep-sort',
            values: [...values],
            mode,
            unitMs,
            recordEvents: true,
          })
        } catch (e) {
          started = {
            ok: false as const,
            error: { code: 'E_HOST', message: `the host did not answer: ${(e as Error).message}` },
          }
        }
        if (started.ok || started.error.code !== 'E_RATE_LIMIT') break
        this.store.setState({ note: `the host allows ${LIMITS.maxRunsPerMinute} runs a minute: waiting for it…` })
        await sleep(this.retryMs, signal)
      }
      if (this.store.getState().note) this.store.setState({ note: null })
      if (!started.ok) throw codeError(started.error)
      const runId = started.value.runId
      watch.known(runId)
      const onAbort = () => void this.api.cancelRun().catch(() => {})
      signal.addEventListener('abort', onAbort, { once: true })
      if (signal.aborted) onAbort() // cancelled while the start was on its way
      let end: Terminal
      try {
        let hi = 0
        for (const v of values) if (v > hi) hi = v
        end = await watch.settled(hi * unitMs + 30_000)
      } finally {
        signal.removeEventListener('abort', onAbort)
      }
      if (end.type === 'failed') throw codeError(end.error)
      const result = end.result
      if (result.cancelled || result.misplaced === 0) return outcomeOf(values, result)
      return outcomeOf(values, result, await this.eventsOf(watch, result))
    } finally {
      if (this.watch === watch) this.watch = null
    }
  }

  /** The run's events: the live batches when complete, else the host's copy; undefined when neither. */
  private async eventsOf(watch: RunWatch, result: SleepSortResult): Promise<EventColumns | undefined> {
    if (!watch.missed) {
      try {
        const cols = EventColumns.fromBatches(watch.batches)
        if (cols.length >= result.eventCount && cols.missedBatches === 0) return cols
      } catch {
        // fall through to the host's copy
      }
    }
    try {
      const all = await this.api.fetchRunEvents(result.runId)
      if (all.ok) return EventColumns.fromBatches([all.value])
    } catch {
      // the causes stay unknown
    }
    return undefined
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
