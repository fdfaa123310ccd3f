/**
 * The Canvas 2D back-end of the drawing interface: the screen and the PNG export. It sets a style
 * only when it changes (a few thousand lane rects share a handful of colours) and uploads each
 * raster once per version to a scratch canvas, which drawImage then places and stretches.
 */
import { fontOf } from './surface'
import type { PathCommand, PathStyle, Raster, StrokeStyle, Surface, TextStyle } from './surface'

/** The part of a Canvas 2D context (on screen or offscreen) this back-end uses. */
export interface Canvas2D {
  fillStyle: unknown
  strokeStyle: unknown
  globalAlpha: number
  lineWidth: number
  font: string
  textAlign: string
  textBaseline: string
  imageSmoothingEnabled: boolean
  setLineDash(dash: number[]): void
  save(): void
  restore(): void
  translate(x: number, y: number): void
  beginPath(): void
  rect(x: number, y: number, w: number, h: number): void
  clip(): void
  moveTo(x: number, y: number): void
  lineTo(x: number, y: number): void
  quadraticCurveTo(cx: number, cy: number, x: number, y: number): void
  closePath(): void
  fill(): void
  stroke(): void
  fillRect(x: number, y: number, w: number, h: number): void
  strokeRect(x: number, y: number, w: number, h: number): void
  fillText(s: string, x: number, y: number): void
  createImageData(w: number, h: number): { data: Uint8ClampedArray }
  putImageData(img: never, x: number, y: number): void
  drawImage(image: never, x: number, y: number, w: number, h: number): void
}

/** A canvas a raster is uploaded to (an OffscreenCanvas in the page). */
export interface ScratchCanvas {
  width: number
  height: number
  getContext(kind: '2d'): unknown
}

type Ctx = Canvas2D
type Scratch = { canvas: ScratchCanvas; ctx: Canvas2D; version: number; image: { data: Uint8ClampedArray } | null }

const scratchFor = new WeakMap<Raster, Scratch>()

function defaultScratch(cols: number, rows: number): ScratchCanvas {
  const Offscreen = (globalThis as unknown as { OffscreenCanvas: new (w: number, h: number) => ScratchCanvas })
    .OffscreenCanvas
  return new Offscreen(cols, rows)
}

export class CanvasSurface implements Surface {
  private fill = ''
  private font = ''
  private alpha = 1

  constructor(
    readonly ctx: Ctx,
    public width: number,
    public height: number,
    public pixelRatio = 1,
    private readonly makeScratch: (cols: number, rows: number) => ScratchCanvas = defaultScratch,
  ) {}

  /** A new frame: the size may have changed and the context's state is unknown. */
  reset(width: number, height: number, pixelRatio: number): void {
    this.width = width
    this.height = height
    this.pixelRatio = pixelRatio
    this.fill = ''
    this.font = ''
    this.alpha = 1
    this.ctx.globalAlpha = 1
  }

  private setFill(fill: string, alpha = 1): void {
    if (fill !== this.fill) {
      this.ctx.fillStyle = fill
      this.fill = fill
    }
    if (alpha !== this.alpha) {
      this.ctx.globalAlpha = alpha
      this.alpha = alpha
    }
  }

  private setStroke(s: StrokeStyle | PathStyle): void {
    const ctx = this.ctx
    ctx.strokeStyle = s.stroke!
    ctx.lineWidth = s.width ?? 1
    ctx.setLineDash(s.dash ? [...s.dash] : [])
    if ((s.alpha ?? 1) !== this.alpha) {
      ctx.globalAlpha = s.alpha ?? 1
      this.alpha = s.alpha ?? 1
    }
  }

  rect(x: number, y: number, w: number, h: number, fill: string, alpha?: number): void {
    this.setFill(fill, alpha)
    this.ctx.fillRect(x, y, w, h)
  }

  strokeRect(x: number, y: number, w: number, h: number, style: StrokeStyle): void {
    this.setStroke(style)
    this.ctx.strokeRect(x, y, w, h)
  }

  line(x1: number, y1: number, x2: number, y2: number, style: StrokeStyle): void {
    this.lines([x1, y1, x2, y2], style)
  }

  lines(segments: readonly number[], style: StrokeStyle): void {
    if (segments.length < 4) return
    const ctx = this.ctx
    this.setStroke(style)
    ctx.beginPath()
    for (let i = 0; i + 3 < segments.length; i += 4) {
      ctx.moveTo(segments[i], segments[i + 1])
      ctx.lineTo(segments[i + 2], segments[i + 3])
    }
    ctx.stroke()
  }

  path(commands: readonly PathCommand[], style: PathStyle): void {
    const ctx = this.ctx
    ctx.beginPath()
    for (const c of commands) {
      if (c[0] === 'M') ctx.moveTo(c[1], c[2])
      else if (c[0] === 'L') ctx.lineTo(c[1], c[2])
      else if (c[0] === 'Q') ctx.quadraticCurveTo(c[1], c[2], c[3], c[4])
      else ctx.closePath()
    }
    if (style.fill) {
      this.setFill(style.fill, style.alpha)
      ctx.fill()
    }
    if (style.stroke) {
      this.setStroke(style)
      ctx.stroke()
    }
  }

  text(s: string, x: number, y: number, style: TextStyle): void {
    const ctx = this.ctx
    const font = fontOf(style)
    if (font !== this.font) {
      ctx.font = font
      this.font = font
    }
    ctx.textAlign = style.align ?? 'left'
    ctx.textBaseline = style.baseline ?? 'middle'
    this.setFill(style.fill, style.alpha)
    ctx.fillText(s, x, y)
  }

  raster(x: number, y: number, w: number, h: number, image: Raster): void {
    let s = scratchFor.get(image)
    if (!s || s.canvas.width !== image.cols || s.canvas.height !== image.rows) {
      const canvas = this.makeScratch(image.cols, image.rows)
      const ctx = canvas.getContext('2d') as Canvas2D | null
      if (!ctx) return
      s = { canvas, ctx, version: -1, image: null }
      scratchFor.set(image, s)
    }
    if (s.version !== image.version) {
      // one pixel buffer per scratch canvas (its size never changes): a live run uploads every frame
      const img = (s.image ??= s.ctx.createImageData(image.cols, image.rows))
      new Uint32Array(img.data.buffer).set(image.pixels)
      s.ctx.putImageData(img as never, 0, 0)
      s.version = image.version
    }
    this.ctx.imageSmoothingEnabled = false
    this.ctx.drawImage(s.canvas as never, x, y, w, h)
  }

  push(dx: number, dy: number, clip?: readonly [number, number, number, number]): void {
    const ctx = this.ctx
    ctx.save()
    ctx.translate(dx, dy)
    if (clip) {
      ctx.beginPath()
      ctx.rect(clip[0], clip[1], clip[2], clip[3])
      ctx.clip()
    }
  }

  pop(): void {
    this.ctx.restore()
    // restore brings back the saved styles: forget what we thought was set
    this.fill = ''
    this.font = ''
    this.alpha = this.ctx.globalAlpha
  }
}
