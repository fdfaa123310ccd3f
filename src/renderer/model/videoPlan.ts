/**
 * What `Export video…` encodes (view/exportVideo.ts): the window and speed it covers, its frames
 * (one every 1/30 s) and the run instant each shows, and the title frame's lines. Pure: numbers in,
 * numbers and text out.
 */
import type { RunRequest, RunResult } from '../../shared/api'
import { formatUnitMs } from '../../shared/units'

export const VIDEO_WIDTH = 1280
export const VIDEO_HEIGHT = 720
export const VIDEO_FPS = 30
export const TITLE_MS = 1000

export interface VideoPlan {
  /** ns, the lanes' window clipped to the run */
  t0: number
  t1: number
  speed: number
  /** wall-clock length of the replay part, ms */
  replayMs: number
  /** title + replay, ms */
  totalMs: number
}

/** What the recording will cover: the window shown, at the chosen speed, after the title. */
export function planVideo(span: [number, number], window: { t0: number; t1: number } | null, speed: number): VideoPlan {
  const t0 = Math.max(span[0], window?.t0 ?? span[0])
  const t1 = Math.min(span[1], window?.t1 ?? span[1])
  const replayMs = Math.max(0, t1 - t0) / 1e6 / speed
  return { t0, t1, speed, replayMs, totalMs: TITLE_MS + replayMs }
}

/** The title frame's lines: input size, mode, unit and result. */
export function videoTitle(request: RunRequest, result: RunResult | null): string[] {
  const n = request.values.length.toLocaleString('en-US')
  if (request.experiment === 'parallel-sum') {
    const threads = result?.experiment === 'parallel-sum' ? result.threads : (request.threads ?? '?')
    const sum = result?.experiment === 'parallel-sum' ? `sum ${result.sum}` : 'no result'
    return [`Parallel sum of ${n} values`, `${threads} threads`, sum]
  }
  const r = result?.experiment === 'sleep-sort' ? result : null
  const verdict = !r
    ? 'no result'
    : r.sorted
      ? 'sorted exactly'
      : `${r.misplaced.toLocaleString('en-US')} misplaced, ${r.inversions.toLocaleString('en-US')} inversions${r.cancelled ? ' (cancelled)' : ''}`
  return [`Sleep sort of ${n} values`, `mode ${request.mode} · unit ${formatUnitMs(request.unitMs)}`, verdict]
}

/** Frame i is shown from i / VIDEO_FPS s: enough frames to cover the title and the replay. */
export function frameCount(plan: VideoPlan): number {
  return Math.max(1, Math.ceil((plan.totalMs * VIDEO_FPS) / 1000 - 1e-9))
}

/** The run instant frame `i` shows (ns), or null while the title is on. */
export function frameInstant(plan: VideoPlan, i: number): number | null {
  const ms = (i * 1000) / VIDEO_FPS
  if (ms < TITLE_MS) return null
  return Math.min(plan.t1, plan.t0 + (ms - TITLE_MS) * 1e6 * plan.speed)
}
