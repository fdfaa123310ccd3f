/**
 * `Export video…`: the replay of the run on screen (the vector and the lanes, at the chosen speed
 * over the lanes' window) encoded to WebM, after a title frame naming the input size, mode, unit and
 * result. Each frame is drawn by the painters the screen and the image exports use (the scene of
 * paint/runScene.ts at the frame's instant) and handed to the browser's own encoder (WebCodecs'
 * VideoEncoder, VP9 or VP8) with its exact timestamp; Mediabunny writes the WebM (its Cues and
 * Duration included). Frames are made as fast as the encoder takes them, not at the pace of a
 * clock, so a video exports faster than it plays and every frame is there, however loaded the
 * machine. No native dependency; the same in Electron and the web host; the screen is left alone.
 */
import { BufferTarget, CanvasSource, getFirstEncodableVideoCodec, Output, WebMOutputFormat } from 'mediabunny'
import { CanvasSurface } from '../paint/canvasSurface'
import { LaneRaster } from '../paint/laneRaster'
import { paintRunScene, sceneHeight } from '../paint/runScene'
import { THEME } from './colors'
import type { AppServices } from './context'
import { currentScene } from './exportImage'
import {
  frameCount,
  frameInstant,
  planVideo,
  videoTitle,
  VIDEO_FPS,
  VIDEO_HEIGHT,
  VIDEO_WIDTH,
  type VideoPlan,
} from '../model/videoPlan'

/** The cost of one export, for the bench: ms from the call, and where the time went. */
export interface VideoTimings {
  /** the encoder was set up and took its first frame (performance.now()) */
  startedAt: number
  /** the file was ready */
  doneAt: number
  /** frames encoded, and the time spent drawing them and waiting for the encoder */
  frames: number
  drawMs: number
  longestDrawMs: number
  waitMs: number
  /** the codec the browser encoded with */
  codec: string
}

export interface VideoJob {
  plan: VideoPlan
  timings: VideoTimings
  cancel(): void
  /** the WebM, or null when cancelled */
  done: Promise<Blob | null>
}

export type VideoDeps = Pick<AppServices, 'store' | 'controller' | 'playhead' | 'timeline'>

/** A task boundary without setTimeout's 4 ms clamp: the page stays responsive between frames. */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => resolve()
    channel.port2.postMessage(null)
  })
}

export function exportVideo(services: VideoDeps, onProgress: (share: number) => void): VideoJob {
  const { controller, store } = services
  const s = store.getState()
  if (!s.request) throw new Error('there is no run to record')
  const title = videoTitle(s.request, s.result)
  // the scene as the views show it now (sizes, order, window, highlight); only its instant moves
  const scene = { ...currentScene(services, title[0]), raster: new LaneRaster() }
  const plan = planVideo(controller.data.span(), scene.window, s.speed)
  const timings: VideoTimings = {
    startedAt: NaN,
    doneAt: NaN,
    frames: 0,
    drawMs: 0,
    longestDrawMs: 0,
    waitMs: 0,
    codec: '',
  }
  let cancelled = false
  let output: Output | null = null

  const record = async (): Promise<Blob | null> => {
    const codec = await getFirstEncodableVideoCodec(['vp9', 'vp8'], { width: VIDEO_WIDTH, height: VIDEO_HEIGHT })
    if (!codec) throw new Error('this browser has no VP9 or VP8 encoder')
    timings.codec = codec
    const canvas = new OffscreenCanvas(VIDEO_WIDTH, VIDEO_HEIGHT)
    const ctx = canvas.getContext('2d', { alpha: false })
    if (!ctx) throw new Error('the browser gave no canvas to draw the frames on')
    const target = new BufferTarget()
    output = new Output({ format: new WebMOutputFormat(), target })
    // text and thin lanes: the detail matters more than motion
    const source = new CanvasSource(canvas, { codec, bitrate: 6_000_000, keyFrameInterval: 2, contentHint: 'detail' })
    output.addVideoTrack(source, { frameRate: VIDEO_FPS })
    await output.start()
    const frames = frameCount(plan)
    const sceneH = sceneHeight(scene)
    const k = Math.min(VIDEO_WIDTH / scene.width, VIDEO_HEIGHT / sceneH)
    let drawn: 'title' | number | null = null
    let lastYield = performance.now()
    for (let i = 0; i < frames; i++) {
      if (cancelled) break
      const t = frameInstant(plan, i)
      const began = performance.now()
      // a title frame is drawn once; the next ones encode the same picture
      if (t === null ? drawn !== 'title' : drawn !== t) {
        if (t === null) drawTitle(ctx, title)
        else drawScene(ctx, { ...scene, tNs: t }, k, sceneH)
        drawn = t ?? 'title'
      }
      const drewAt = performance.now()
      timings.drawMs += drewAt - began
      timings.longestDrawMs = Math.max(timings.longestDrawMs, drewAt - began)
      if (i === 0) timings.startedAt = began
      // resolves when the encoder can take more: its backpressure paces the loop
      await source.add(i / VIDEO_FPS, 1 / VIDEO_FPS)
      timings.waitMs += performance.now() - drewAt
      timings.frames++
      onProgress((i + 1) / frames)
      if (performance.now() - lastYield > 8) {
        await yieldToPage()
        lastYield = performance.now()
      }
    }
    if (cancelled) {
      await output.cancel()
      return null
    }
    source.close()
    await output.finalize()
    timings.doneAt = performance.now()
    return new Blob([target.buffer!], { type: 'video/webm' })
  }

  const done = record().catch(async (e: unknown) => {
    await output?.cancel().catch(() => {})
    if (cancelled) return null
    throw new Error(`the browser could not encode the video: ${(e as Error).message}`, { cause: e })
  })
  return {
    plan,
    timings,
    done,
    cancel: () => {
      cancelled = true
    },
  }
}

type Ctx = OffscreenCanvasRenderingContext2D

function drawTitle(ctx: Ctx, lines: string[]): void {
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

/** The scene (title line, top view, lanes with the playhead) scaled by k and centred in the frame. */
function drawScene(ctx: Ctx, scene: Parameters<typeof paintRunScene>[1], k: number, sceneH: number): void {
  ctx.setTransform(1, 0, 0, 1, 0, 0)
  ctx.fillStyle = THEME.bg
  ctx.fillRect(0, 0, VIDEO_WIDTH, VIDEO_HEIGHT)
  ctx.setTransform(k, 0, 0, k, (VIDEO_WIDTH - scene.width * k) / 2, (VIDEO_HEIGHT - sceneH * k) / 2)
  paintRunScene(new CanvasSurface(ctx, scene.width, sceneH, k), scene)
  ctx.setTransform(1, 0, 0, 1, 0, 0)
}
