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

/** performance.now() instants of one export, and the cost of drawing its frames (for the bench). */
export interface VideoTimings {
  /** the recorder started (after the canvas, stream and recorder were made) */
  startedAt: number
  /** stop() was called */
  stopAt: number
  /** the recorder's stop event */
  stoppedAt: number
  /** the file was ready */
  doneAt: number
  /** frames drawn into the recording canvas, and the time spent drawing them */
  frames: number
  drawMs: number
  longestDrawMs: number
}

export interface VideoJob {
  plan: VideoPlan
  timings: VideoTimings
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
  const timings: VideoTimings = {
    startedAt: NaN,
    stopAt: NaN,
    stoppedAt: NaN,
    doneAt: NaN,
    frames: 0,
    drawMs: 0,
    longestDrawMs: 0,
  }

  const canvas = document.createElement('canvas')
  canvas.width = VIDEO_WIDTH
  canvas.height = VIDEO_HEIGHT
  const ctx = canvas.getContext('2d')!
  const stream = canvas.captureStream(VIDEO_FPS)
  const recorder = new MediaRecorder(stream, { mimeType: pickMime(), videoBitsPerSecond: 6_000_000 })
  const chunks: Blob[] = []
  // the file's header, given its Duration while the rest is still being recorded (a Blob made at
  // the end from bytes would cost the wait a copy into the browser's blob store)
  let head: Promise<Blob | string> | null = null
  recorder.ondataavailable = (e) => {
    if (!e.data.size) return
    chunks.push(e.data)
    head ??= e.data.arrayBuffer().then((b) => {
      const fixed = withDuration(new Uint8Array(b), plan.totalMs)
      return typeof fixed === 'string' ? fixed : new Blob([fixed as Uint8Array<ArrayBuffer>])
    })
  }

  let cancelled = false
  let off: (() => void) | null = null
  const wasPlaying = s.playing
  s.setPlaying(false)
  playhead.follow = false

  // The file is plan.totalMs long (its Duration). Its last frame starts one video frame before that
  // and is shown until the end, so the recorder can stop as soon as that frame is drawn: a timer
  // stops it then (not the first animation frame after, up to a frame late). The time left covers
  // making the recorder and its flush at the stop, so the export takes no longer than the video.
  const lastFrameAt = Math.max(0, plan.totalMs - 1000 / VIDEO_FPS)
  const stop = () => {
    clearTimeout(stopTimer)
    if (recorder.state !== 'recording') return
    timings.stopAt = performance.now()
    recorder.stop()
  }
  const done = new Promise<Blob | null>((resolve, reject) => {
    recorder.onerror = () => reject(new Error('the browser could not encode the video'))
    recorder.onstop = async () => {
      timings.stoppedAt = performance.now()
      off?.()
      stream.getTracks().forEach((t) => t.stop())
      if (cancelled) return resolve(null)
      resolve(await finishWebm(chunks, head, plan.totalMs))
      timings.doneAt = performance.now()
    }
  })

  const frame = (draw: () => void) => {
    const t0 = performance.now()
    draw()
    const ms = performance.now() - t0
    timings.frames++
    timings.drawMs += ms
    timings.longestDrawMs = Math.max(timings.longestDrawMs, ms)
  }
  recorder.start(250)
  const began = (timings.startedAt = performance.now())
  // the title is the first frame, drawn once the recorder runs: its text costs recorded time, not
  // time before the recording
  frame(() => drawTitle(ctx, title))
  const stopTimer = setTimeout(stop, lastFrameAt + 1)
  setPlayheadTime(playhead, controller.data.sortedTimes, plan.t0)
  // a painter added now runs after the views' painters: it copies what they just drew
  let lastNow = NaN
  off = raf.addPainter((now) => {
    const elapsed = Math.max(0, now - began)
    if (elapsed > lastFrameAt) stop()
    if (recorder.state !== 'recording') {
      if (wasPlaying) store.getState().setPlaying(false)
      return false
    }
    onProgress(Math.min(1, elapsed / plan.totalMs))
    const frameMs = Number.isFinite(lastNow) ? Math.min(100, now - lastNow) : 1000 / 60
    lastNow = now
    // the title is drawn again each frame: the canvas's stream only sends a frame when it is drawn
    if (elapsed < TITLE_MS) frame(() => drawTitle(ctx, title))
    else frame(() => composite(ctx, services, title[0]))
    if (elapsed + frameMs >= TITLE_MS) {
      // the views draw the next frame's instant, which this painter copies then: the video shows
      // each instant when the clock reaches it, not a frame later
      const next = Math.min(elapsed + frameMs, lastFrameAt)
      const t = Math.min(plan.t1, plan.t0 + Math.max(0, next - TITLE_MS) * 1e6 * plan.speed)
      setPlayheadTime(playhead, controller.data.sortedTimes, t)
    }
    return true
  })
  return {
    plan,
    timings,
    done,
    cancel: () => {
      cancelled = true
      stop()
    },
  }
}

/**
 * The recorded chunks as one WebM with its Duration: the header (EBML, Segment, Info) sits in the
 * first chunk, already rewritten while recording (`head`), and the rest are joined as they are.
 */
async function finishWebm(chunks: Blob[], head: Promise<Blob | string> | null, durationMs: number): Promise<Blob> {
  const fixed = head ? await head : 'no data'
  if (typeof fixed !== 'string') return new Blob([fixed, ...chunks.slice(1)], { type: 'video/webm' })
  // the header did not fit in the first chunk: rewrite the whole file
  const whole = new Uint8Array(await new Blob(chunks).arrayBuffer())
  const all = withDuration(whole, durationMs)
  return new Blob([typeof all === 'string' ? whole : (all as Uint8Array<ArrayBuffer>)], { type: 'video/webm' })
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
