/**
 * What a painter drew, as comparable lines, from either back-end: a recording Canvas 2D context
 * under the Canvas back-end, or the SVG back-end's document parsed back. Coordinates are absolute
 * (translations applied) and rounded to the SVG file's two decimals.
 */
import { CanvasSurface, type Canvas2D, type ScratchCanvas } from '../../../src/renderer/paint/canvasSurface'

const r2 = (x: number) => String(Math.round(x * 100) / 100)
const xy = (x: number, y: number) => `${r2(x)},${r2(y)}`

/** A Canvas 2D context that records the calls the Canvas back-end makes. */
class RecordingContext {
  fillStyle = ''
  strokeStyle = ''
  globalAlpha = 1
  lineWidth = 1
  font = ''
  textAlign = 'left'
  textBaseline = 'middle'
  imageSmoothingEnabled = true
  readonly drawn: string[] = []
  private dx = 0
  private dy = 0
  private stack: [number, number, number, string, string, string][] = []
  private path: string[] = []
  setLineDash(): void {}
  save(): void {
    this.stack.push([this.dx, this.dy, this.globalAlpha, this.fillStyle, this.strokeStyle, this.font])
  }
  restore(): void {
    const s = this.stack.pop()
    if (s) [this.dx, this.dy, this.globalAlpha, this.fillStyle, this.strokeStyle, this.font] = s
  }
  translate(x: number, y: number): void {
    this.dx += x
    this.dy += y
  }
  clip(): void {
    this.path = []
  }
  rect(): void {}
  beginPath(): void {
    this.path = []
  }
  moveTo(x: number, y: number): void {
    this.path.push(`M${xy(x + this.dx, y + this.dy)}`)
  }
  lineTo(x: number, y: number): void {
    this.path.push(`L${xy(x + this.dx, y + this.dy)}`)
  }
  quadraticCurveTo(cx: number, cy: number, x: number, y: number): void {
    this.path.push(`Q${xy(cx + this.dx, cy + this.dy)},${xy(x + this.dx, y + this.dy)}`)
  }
  closePath(): void {
    this.path.push('Z')
  }
  private alpha(): string {
    return this.globalAlpha === 1 ? '' : ` @${r2(this.globalAlpha)}`
  }
  fill(): void {
    this.drawn.push(`path ${this.path.join('')} fill ${this.fillStyle}${this.alpha()}`)
  }
  stroke(): void {
    this.drawn.push(`path ${this.path.join('')} stroke ${this.strokeStyle}${this.alpha()}`)
  }
  fillRect(x: number, y: number, w: number, h: number): void {
    this.drawn.push(
      `rect ${xy(x + this.dx, y + this.dy)} ${xy(Math.max(0, w), Math.max(0, h))} ${this.fillStyle}${this.alpha()}`,
    )
  }
  strokeRect(x: number, y: number, w: number, h: number): void {
    this.drawn.push(
      `frame ${xy(x + this.dx, y + this.dy)} ${xy(Math.max(0, w), Math.max(0, h))} ${this.strokeStyle}${this.alpha()}`,
    )
  }
  fillText(s: string, x: number, y: number): void {
    this.drawn.push(
      `text ${JSON.stringify(s)} ${xy(x + this.dx, y + this.dy)} ${this.textAlign} ${this.fillStyle}${this.alpha()}`,
    )
  }
  drawImage(img: { width: number; height: number }, x: number, y: number, w: number, h: number): void {
    this.drawn.push(`raster ${img.width}x${img.height} ${xy(x + this.dx, y + this.dy)}`)
    void w
    void h
  }
}

/** A Canvas back-end over a recording context, `width` × `height` CSS px. */
export function recordingSurface(width: number, height: number): { surface: CanvasSurface; drawn: string[] } {
  const ctx = new RecordingContext()
  const scratch = (cols: number, rows: number) =>
    ({
      width: cols,
      height: rows,
      getContext: () => ({
        createImageData: (w: number, h: number) => ({ data: new Uint8ClampedArray(w * h * 4) }),
        putImageData: () => {},
      }),
    }) as ScratchCanvas
  const surface = new CanvasSurface(ctx as unknown as Canvas2D, width, height, 1, scratch)
  return { surface, drawn: ctx.drawn }
}

const attr = (tag: string, name: string) => tag.match(new RegExp(`\\s${name}="([^"]*)"`))?.[1]
const unescape = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e as string]!)

/** The SVG back-end's output as the same lines. */
export function svgPrimitives(svg: string): string[] {
  const out: string[] = []
  const offsets: [number, number][] = [[0, 0]]
  let dx = 0,
    dy = 0
  let skipRaster = 0
  const re = /<(\/?)(g|rect|text|path|clipPath)\b([^>]*?)(\/?)>(?:([^<]*)<\/text>)?/g
  for (const m of svg.matchAll(re)) {
    const [, closing, name, rest, selfClosing, textBody] = m
    if (name === 'clipPath') {
      if (!closing) skipRaster++
      else skipRaster--
      continue
    }
    if (name === 'g') {
      if (closing) {
        const o = offsets.pop()!
        ;[dx, dy] = offsets[offsets.length - 1]
        void o
        if (skipRaster > 0 && o[0] === Infinity) skipRaster--
        continue
      }
      const raster = attr(rest, 'data-raster')
      const t = attr(rest, 'transform')?.match(/translate\(([-\d.]+),([-\d.]+)\)/)
      const nx = dx + (t ? Number(t[1]) : 0),
        ny = dy + (t ? Number(t[2]) : 0)
      if (raster) {
        out.push(`raster ${raster} ${xy(nx, ny)}`)
        skipRaster++
        offsets.push([Infinity, Infinity])
        continue
      }
      offsets.push([nx, ny])
      dx = nx
      dy = ny
      continue
    }
    if (skipRaster > 0 || closing) continue
    void selfClosing
    const fillOp = attr(rest, 'fill-opacity') ?? attr(rest, 'stroke-opacity')
    const a = fillOp ? ` @${fillOp}` : ''
    if (name === 'rect') {
      const x = Number(attr(rest, 'x')) + dx,
        y = Number(attr(rest, 'y')) + dy
      const size = xy(Number(attr(rest, 'width')), Number(attr(rest, 'height')))
      if (attr(rest, 'fill') === 'none') out.push(`frame ${xy(x, y)} ${size} ${attr(rest, 'stroke')}${a}`)
      else out.push(`rect ${xy(x, y)} ${size} ${attr(rest, 'fill')}${a}`)
    } else if (name === 'text') {
      const x = Number(attr(rest, 'x')) + dx,
        y = Number(attr(rest, 'y')) + dy
      const align = { start: 'left', middle: 'center', end: 'right' }[attr(rest, 'text-anchor') ?? 'start']
      out.push(`text ${JSON.stringify(unescape(textBody ?? ''))} ${xy(x, y)} ${align} ${attr(rest, 'fill')}${a}`)
    } else if (name === 'path') {
      const d = (attr(rest, 'd') ?? '').replace(/([MLQ])([^MLQZ]+)/g, (_, op: string, nums: string) => {
        const v = nums.split(',').map(Number)
        const pts: string[] = []
        for (let i = 0; i + 1 < v.length; i += 2) pts.push(xy(v[i] + dx, v[i + 1] + dy))
        return op + pts.join(',')
      })
      const fill = attr(rest, 'fill')
      // a path with several subpaths of lines is the Canvas back-end's one stroke of many segments
      if (fill && fill !== 'none') out.push(`path ${d} fill ${fill}${a}`)
      if (attr(rest, 'stroke')) out.push(`path ${d} stroke ${attr(rest, 'stroke')}${a}`)
    }
  }
  return out
}
