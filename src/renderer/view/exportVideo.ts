/**
 * `Export video…`: the replay of the run on screen (the vector and the lanes, at the chosen speed
 * over the lanes' window) recorded to WebM with the browser's own encoder — MediaRecorder over a
 * canvas's captureStream — after a title frame naming the input size, mode, unit and result. The
 * replay runs in real time on the page's own frame loop: each frame the playhead moves, the views
 * repaint, and the recording canvas copies them. No native dependency; the same in Electron and the
 * web host.
 */
import type { RunRequest, RunResult } from '../../shared/api'
import { formatUnitMs } from '../../shared/units'
import { setPlayheadTime } from '../model/playback'
import { withDuration } from '../model/webm'
import { THEME } from './colors'
import type { AppServices } from './context'
import { drawPlayhead } from './exportImage'
import { lanesSource, topCanvas } from './exportSources'

export const VIDEO_WIDTH = 1280
export const VIDEO_HEIGHT = 720
export const VIDEO_FPS = 30
export const TITLE_MS = 1000
const TITLE_H = 44

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

export interface VideoJob {
  plan: VideoPlan
  cancel(): void
  /** the WebM, or null when cancelled */
  done: Promise<Blob | null>
}

export function videoSupported(): boolean {
  return typeof MediaRecorder !== 'undefined' && typeof HTMLCanvasElement.prototype.captureStream === 'function'
}

function pickMime(): string {
  for (const m of ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'])
    if (MediaRecorder.isTypeSupported(m)) return m
  return 'video/webm'
}

export type VideoDeps = Pick<AppServices, 'store' | 'controller' | 'playhead' | 'raf'>

export function exportVideo(services: VideoDeps, onProgress: (share: number) => void): VideoJob {
  const { controller, store, playhead, raf } = services
  const s = store.getState()
  if (!s.request) throw new Error('there is no run to record')
  const lanes = lanesSource()
  const plan = planVideo(controller.data.span(), lanes?.window() ?? null, s.speed)
  const title = videoTitle(s.request, s.result)

  const canvas = document.createElement('canvas')
  canvas.width = VIDEO_WIDTH
  canvas.height = VIDEO_HEIGHT
  const ctx = canvas.getContext('2d')!
  const stream = canvas.captureStream(VIDEO_FPS)
  const recorder = new MediaRecorder(stream, { mimeType: pickMime(), videoBitsPerSecond: 6_000_000 })
  const chunks: Blob[] = []
  recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data)

  let cancelled = false
  let began = 0
  let off: (() => void) | null = null
  const wasPlaying = s.playing
  s.setPlaying(false)
  playhead.follow = false

  const done = new Promise<Blob | null>((resolve, reject) => {
    recorder.onerror = () => reject(new Error('the browser could not encode the video'))
    recorder.onstop = async () => {
      off?.()
      stream.getTracks().forEach((t) => t.stop())
      if (cancelled) return resolve(null)
      const raw = new Uint8Array(await new Blob(chunks).arrayBuffer())
      const fixed = withDuration(raw, performance.now() - began)
      resolve(new Blob([typeof fixed === 'string' ? raw : (fixed as Uint8Array<ArrayBuffer>)], { type: 'video/webm' }))
    }
  })

  drawTitle(ctx, title)
  recorder.start(250)
  began = performance.now()
  setPlayheadTime(playhead, controller.data.sortedTimes, plan.t0)
  // a painter added now runs after the views' painters: it copies what they just drew
  off = raf.addPainter((now) => {
    const elapsed = now - began
    if (elapsed < TITLE_MS) {
      drawTitle(ctx, title)
      onProgress(elapsed / plan.totalMs)
      return true
    }
    const t = Math.min(plan.t1, plan.t0 + (elapsed - TITLE_MS) * 1e6 * plan.speed)
    composite(ctx, services, title[0])
    onProgress(Math.min(1, elapsed / plan.totalMs))
    if (t >= plan.t1 && elapsed >= plan.totalMs) {
      if (recorder.state === 'recording') recorder.stop()
      if (wasPlaying) store.getState().setPlaying(false)
      return false
    }
    // the views draw this instant on the next frame, which this painter then copies
    setPlayheadTime(playhead, controller.data.sortedTimes, t)
    return true
  })
  return {
    plan,
    done,
    cancel: () => {
      cancelled = true
      if (recorder.state === 'recording') recorder.stop()
    },
  }
}

function drawTitle(ctx: CanvasRenderingContext2D, lines: string[]): void {
  ctx.fillStyle = THEME.bg
  ctx.fillRect(0, 0, VIDEO_WIDTH, VIDEO_HEIGHT)
  ctx.fillStyle = THEME.text
  ctx.textAlign = 'center'
  ctx.font = '600 44px system-ui, sans-serif'
  ctx.fillText(lines[0], VIDEO_WIDTH / 2, VIDEO_HEIGHT / 2 - 50)
  ctx.font = '28px system-ui, sans-serif'
  lines.slice(1).forEach((l, i) => ctx.fillText(l, VIDEO_WIDTH / 2, VIDEO_HEIGHT / 2 + 10 + i * 42))
  ctx.fillStyle = THEME.muted
  ctx.font = '18px system-ui, sans-serif'
  ctx.fillText('Threadlab', VIDEO_WIDTH / 2, VIDEO_HEIGHT - 40)
  ctx.textAlign = 'left'
}

/** The vector over the lanes, scaled into the frame below a caption, with the playhead. */
function composite(ctx: CanvasRenderingContext2D, services: VideoDeps, caption: string): void {
  ctx.fillStyle = THEME.bg
  ctx.fillRect(0, 0, VIDEO_WIDTH, VIDEO_HEIGHT)
  ctx.fillStyle = THEME.muted
  ctx.font = '18px system-ui, sans-serif'
  ctx.fillText(caption, 16, 28)
  const top = topCanvas()
  const lanes = lanesSource()?.canvas ?? null
  const parts = [top, lanes].filter((c): c is HTMLCanvasElement => !!c && c.width > 1 && c.height > 1)
  const total = parts.reduce((h, c) => h + c.height, 0)
  const width = Math.max(1, ...parts.map((c) => c.width))
  const k = Math.min(VIDEO_WIDTH / width, (VIDEO_HEIGHT - TITLE_H) / Math.max(1, total))
  let y = TITLE_H
  for (const c of parts) {
    ctx.save()
    ctx.translate((VIDEO_WIDTH - c.width * k) / 2, y)
    ctx.scale(k, k)
    ctx.drawImage(c, 0, 0)
    if (c === lanes) drawPlayhead(ctx, services, 0, c)
    ctx.restore()
    y += c.height * k
  }
}
