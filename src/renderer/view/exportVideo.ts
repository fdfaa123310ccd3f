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
import { WebmFrameWalk, withDuration } from '../model/webm'
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
  const ctx = canvas.getContext('2d', { alpha: false })!
  const stream = canvas.captureStream(VIDEO_FPS)
  const recorder = new MediaRecorder(stream, { mimeType: pickMime(), videoBitsPerSecond: 6_000_000 })
  const chunks: Blob[] = []
  // each chunk read as it comes, in order, and followed to the last frame's timestamp, off the path
  // from stop to file. The chunks up to the first frame hold the header (Info), rewritten at the end
  // with the Duration (Chromium's first chunk is a single byte)
  const walk = new WebmFrameWalk()
  const head: Uint8Array[] = []
  let read: Promise<unknown> = Promise.resolve()
  recorder.ondataavailable = (e) => {
    if (!e.data.size) return
    chunks.push(e.data)
    const bytes = e.data.arrayBuffer()
    read = Promise.all([bytes, read]).then(([b]) => {
      const chunk = new Uint8Array(b)
      if (!walk.frames) head.push(chunk)
      walk.push(chunk)
      if (ending && (walk.lastFrameMs ?? -Infinity) >= lastFrameAt - 500 / VIDEO_FPS) stop()
    })
  }

  let cancelled = false
  let off: (() => void) | null = null
  const wasPlaying = s.playing
  s.setPlaying(false)
  playhead.follow = false

  // The video is planned plan.totalMs long. Its last frame starts one video frame before that and is
  // shown until the end, so the recording can end as soon as that frame is drawn: a timer ends it
  // then (not the first animation frame after, up to a frame late).
  const lastFrameAt = Math.max(0, plan.totalMs - 1000 / VIDEO_FPS)
  let stopTimer: ReturnType<typeof setTimeout> | undefined
  // The encoder lags the page, more so under load, and frames still in it at stop() are lost (the
  // file came out 70-180 ms short): once the page has drawn the last frame, it goes on being drawn
  // and the recorder flushed each frame until the file holds a frame at the planned last instant
  // (or a second has passed)
  let ending = false
  const end = () => {
    if (ending) return
    ending = true
    clearTimeout(stopTimer)
    stopTimer = setTimeout(stop, 1000)
  }
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
      try {
        await read
        resolve(finishWebm(chunks, head, walk))
      } catch (e) {
        reject(e)
      }
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
  timings.startedAt = performance.now()
  // the title is the first frame, drawn once the recorder runs: its text costs recorded time, not
  // time before the recording
  frame(() => drawTitle(ctx, title))
  // the recording's clock starts at its first frame, shown at the first animation frame: the plan
  // is timed from then (timed from start() the file came out up to 135 ms short under load)
  let began = NaN
  setPlayheadTime(playhead, controller.data.sortedTimes, plan.t0)
  // a painter added now runs after the views' painters: it copies what they just drew
  let lastNow = NaN
  off = raf.addPainter((now) => {
    if (Number.isNaN(began)) {
      began = now
      stopTimer = setTimeout(end, began + lastFrameAt + 1 - performance.now())
    }
    const elapsed = Math.max(0, now - began)
    if (elapsed > lastFrameAt) end()
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
    if (ending) recorder.requestData()
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
 * The recorded chunks as one WebM whose Duration is what was recorded: the last frame's timestamp
 * plus one frame. The header (EBML, Segment, Info) sits in the first chunks (`head`, their bytes):
 * only they are rewritten; the other chunks are joined as the recorder made them.
 */
function finishWebm(chunks: Blob[], head: Uint8Array[], walk: WebmFrameWalk): Blob {
  const last = walk.lastFrameMs
  if (walk.error || last === null) throw new Error(`the recording has no readable frames (${walk.error ?? 'none'})`)
  const bytes = new Uint8Array(head.reduce((n, c) => n + c.length, 0))
  head.reduce((at, c) => (bytes.set(c, at), at + c.length), 0)
  const fixed = withDuration(bytes, last + 1000 / VIDEO_FPS)
  if (typeof fixed === 'string') throw new Error(`the recording could not be given its length: ${fixed}`)
  return new Blob([fixed as Uint8Array<ArrayBuffer>, ...chunks.slice(head.length)], { type: 'video/webm' })
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
