/**
 * `?bench=replay`: an offline host for the replay benchmark (bench/replay.mjs) and for looking at
 * the UI without the engine. Runs are synthesised (model/synth.ts) and streamed in real time like
 * the engine's batches; `window.__threadlabBench` loads recordings, plays them and counts frames.
 * Never installed in normal use: main.tsx calls this only when the query flag is present.
 */
import type { Capabilities, RunStatus, SleepSortRequest, SleepSortResult, ThreadlabApi } from '../../shared/api'
import { summarizeRequest } from '../../shared/api'
import { EventColumns } from '../../shared/columns'
import { BATCH_HEADER, EVENT_WIDTH } from '../../shared/events'
import { LIMITS } from '../../shared/limits'
import { exposeBenchHook } from '../bridge'
import type { RunController } from '../model/controller'
import { setPlayheadTime, type Playhead } from '../model/playback'
import type { AppStore } from '../model/store'
import { synthesizeRun } from '../model/synth'
import { seededRandom } from '../../shared/seededRandom'
import type { RafScheduler } from './raf'
import type { Timeline } from '../model/timeline'
import { VIDEO_FPS, VIDEO_HEIGHT, VIDEO_WIDTH } from '../model/videoPlan'

export interface BenchDeps {
  store: AppStore
  raf: RafScheduler
  playhead: Playhead
  timeline: Timeline
  controller: () => RunController
}

export function createOfflineApi(): ThreadlabApi {
  const batchListeners = new Set<(b: Float64Array) => void>()
  const statusListeners = new Set<(s: RunStatus) => void>()
  let nextRunId = 1
  let active: { runId: number; cancel: () => void } | null = null
  const finishedRuns = new Map<number, Float64Array>()
  const emitStatus = (s: RunStatus) => statusListeners.forEach((l) => l(s))
  const caps: Capabilities = {
    cpus: 2,
    os: 'offline replay',
    realtime: { allowed: true },
    realtimeMaxThreads: LIMITS.maxValues,
    timerSlackNs: 1000,
    limits: LIMITS,
    threadBudget: { budget: LIMITS.maxValuesCeiling, inUse: 0, runs: 0, basis: 'offline replay: no threads' },
  }
  return {
    capabilities: async () => ({ ok: true, value: caps }),
    async startRun(request) {
      if (request.experiment !== 'sleep-sort')
        return { ok: false, error: { code: 'E_UNSUPPORTED', message: 'offline replay only does sleep sort' } }
      if (active) return { ok: false, error: { code: 'E_BUSY', message: 'busy: a run is already active' } }
      const runId = nextRunId++
      const { cols, result } = synthesizeRun(request.values, request.mode, request.unitMs, runId, runId * 7919)
      const t0 = cols.length ? cols.tNs[0] : 0
      const started = performance.now()
      let sent = 0,
        seq = 0,
        stopped = false
      const tick = () => {
        if (stopped) return
        const now = t0 + (performance.now() - started) * 1e6
        let upto = sent
        while (upto < cols.length && cols.tNs[upto] <= now) upto++
        if (upto > sent) {
          batchListeners.forEach((l) => l(slice(cols, runId, seq, sent, upto)))
          seq++
          sent = upto
          emitStatus({ type: 'progress', runId, events: sent, batches: seq })
        }
        if (sent >= cols.length) {
          active = null
          finishedRuns.set(runId, cols.toBatch(runId))
          emitStatus({ type: 'finished', runId, result })
          return
        }
        setTimeout(tick, 16)
      }
      active = {
        runId,
        cancel: () => {
          stopped = true
          active = null
          const partial = new EventColumns()
          partial.appendBatch(slice(cols, runId, 0, 0, sent))
          finishedRuns.set(runId, partial.toBatch(runId))
          const pushed = new Set<number>()
          let count = 0
          for (let i = 0; i < sent; i++)
            if (cols.kind[i] === 5) {
              pushed.add(cols.worker[i])
              count++
            }
          const out: SleepSortResult = {
            ...result,
            cancelled: true,
            output: result.output.slice(0, count),
            eventCount: sent,
            sorted: false,
          }
          emitStatus({ type: 'finished', runId, result: out })
        },
      }
      setTimeout(() => {
        emitStatus({ type: 'started', runId, summary: summarizeRequest(request) })
        tick()
      }, 0)
      return { ok: true, value: { runId } }
    },
    async cancelRun() {
      active?.cancel()
      return { ok: true, value: null }
    },
    async fetchRunEvents(runId) {
      const b = finishedRuns.get(runId)
      return b ? { ok: true, value: b } : { ok: false, error: { code: 'E_NO_RUN', message: `no run ${runId}` } }
    },
    async measureMachine() {
      return {
        ok: false,
        error: { code: 'E_UNSUPPORTED', message: 'the offline replay host has no machine to measure' },
      }
    },
    onBatch: (l) => {
      batchListeners.add(l)
      return () => batchListeners.delete(l)
    },
    onStatus: (l) => {
      statusListeners.add(l)
      return () => statusListeners.delete(l)
    },
    onOpenFile: () => () => {},
  }
}

function slice(cols: EventColumns, runId: number, seq: number, from: number, to: number): Float64Array {
  const n = to - from
  const out = new Float64Array(BATCH_HEADER + n * EVENT_WIDTH)
  out[0] = 1
  out[1] = runId
  out[2] = seq
  out[3] = n
  for (let i = 0; i < n; i++) {
    const o = BATCH_HEADER + i * EVENT_WIDTH
    out[o] = cols.kind[from + i]
    out[o + 1] = cols.worker[from + i]
    out[o + 2] = cols.tNs[from + i]
    out[o + 3] = cols.arg[from + i]
  }
  return out
}

export interface VideoReport {
  wallMs: number
  /** ms from the call to the first frame taken by the encoder, and to the finished file */
  setupMs: number
  doneAtMs: number
  /** time spent drawing frames and waiting for the encoder to take them */
  drawMs: number
  longestDrawMs: number
  waitMs: number
  codec: string
  plannedMs: number
  /** frames encoded */
  frames: number
  /** the file, base64 (its length is read by the browser's own demuxer, outside the app) */
  base64: string
  width: number
  height: number
  fps: number
}

export interface FpsReport {
  fps: number
  frames: number
  seconds: number
  p95FrameMs: number
  longestFrameMs: number
}

/** Publishes `window.__threadlabBench`. */
export function installBenchHook(deps: BenchDeps): void {
  const { store, raf, playhead } = deps
  exposeBenchHook({
    ready: true,
    /** synthesises a run of n random values in the page and shows it as finished */
    synth(n: number, mode: SleepSortRequest['mode'] = 'scheduled', unitMs = 0.01, maxValue = n): number {
      const rnd = seededRandom(n)
      const values = Array.from({ length: n }, () => Math.floor(rnd() * (maxValue + 1)))
      const { cols, result } = synthesizeRun(values, mode, unitMs, 1)
      deps.controller().loadRecording({ experiment: 'sleep-sort', values, mode, unitMs }, cols.toBatch(1), result)
      return cols.length
    },
    /** shows a recorded run: its request, one full batch (numbers) and its result */
    load(request: SleepSortRequest, batch: ArrayLike<number>, result: SleepSortResult): boolean {
      return deps.controller().loadRecording(request, Float64Array.from(batch), result)
    },
    /**
     * Plays at a speed chosen so the replay lasts about `seconds`, from the start of the run or
     * from `fromNs` (e.g. 0, the epoch: every frame then pushes into the vector).
     */
    play(seconds = 5, fromNs?: number): number {
      const d = deps.controller().data
      const [first, end] = d.span()
      const start = fromNs === undefined ? first : Math.max(first, Math.min(end, fromNs))
      const speed = (end - start) / 1e6 / (seconds * 1000)
      store.getState().setSpeed(speed)
      setPlayheadTime(playhead, d.sortedTimes, start)
      playhead.follow = false
      store.setState({ speed, playing: true })
      raf.schedule()
      return speed
    },
    /** counts animation frames for `ms` milliseconds */
    async measure(ms = 5000): Promise<FpsReport> {
      raf.frames = []
      raf.recordFrames = true
      raf.schedule()
      await new Promise((r) => setTimeout(r, ms))
      raf.recordFrames = false
      const f = raf.frames
      const gaps = f
        .slice(1)
        .map((t, i) => t - f[i])
        .sort((a, b) => a - b)
      const seconds = f.length > 1 ? (f[f.length - 1] - f[0]) / 1000 : ms / 1000
      return {
        fps: (f.length - 1) / seconds,
        frames: f.length,
        seconds,
        p95FrameMs: gaps.length ? gaps[Math.floor(gaps.length * 0.95)] : NaN,
        longestFrameMs: gaps.length ? gaps[gaps.length - 1] : NaN,
      }
    },
    /** `Export video…` of the run on screen, at `speed` (default: the speed chosen) */
    async video(speed?: number): Promise<VideoReport> {
      if (speed !== undefined) store.getState().setSpeed(speed)
      const began = performance.now()
      const { exportVideo } = await import('./exportVideo')
      const job = exportVideo({ store, playhead, timeline: deps.timeline, controller: deps.controller() }, () => {})
      const blob = await job.done
      const wallMs = performance.now() - began
      const bytes = new Uint8Array(await blob!.arrayBuffer())
      let binary = ''
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
      const t = job.timings
      return {
        wallMs,
        setupMs: t.startedAt - began,
        doneAtMs: t.doneAt - began,
        drawMs: t.drawMs,
        longestDrawMs: t.longestDrawMs,
        waitMs: t.waitMs,
        codec: t.codec,
        plannedMs: job.plan.totalMs,
        frames: t.frames,
        base64: btoa(binary),
        width: VIDEO_WIDTH,
        height: VIDEO_HEIGHT,
        fps: VIDEO_FPS,
      }
    },
    state: () => {
      const s = store.getState()
      return { phase: s.phase, playing: s.playing, events: s.events, playheadNs: playhead.tNs }
    },
  })
}
