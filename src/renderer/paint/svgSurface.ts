/**
 * The SVG back-end of the drawing interface: the `Export SVG…` file. Each primitive becomes one
 * element (a raster becomes a group of run-length rects, one per run of equal pixels in a row), so
 * the file shows exactly what the Canvas back-end draws on screen.
 */
import { MONO_FAMILY, SANS_FAMILY } from './surface'
import type { PathCommand, PathStyle, Raster, StrokeStyle, Surface, TextStyle } from './surface'

export class SvgSurface implements Surface {
  readonly pixelRatio = 1
  private readonly out: string[] = []
  private depth = 0
  private clips = 0

  constructor(
    readonly width: number,
    readonly height: number,
  ) {}

  rect(x: number, y: number, w: number, h: number, fill: string, alpha?: number): void {
    this.out.push(
      `<rect x="${n(x)}" y="${n(y)}" width="${n(Math.max(0, w))}" height="${n(Math.max(0, h))}"${paint('fill', fill, alpha)}/>`,
    )
  }

  strokeRect(x: number, y: number, w: number, h: number, style: StrokeStyle): void {
    this.out.push(
      `<rect x="${n(x)}" y="${n(y)}" width="${n(Math.max(0, w))}" height="${n(Math.max(0, h))}" fill="none"${stroke(style)}/>`,
    )
  }

  line(x1: number, y1: number, x2: number, y2: number, style: StrokeStyle): void {
    this.lines([x1, y1, x2, y2], style)
  }

  lines(segments: readonly number[], style: StrokeStyle): void {
    let d = ''
    for (let i = 0; i + 3 < segments.length; i += 4)
      d += `M${n(segments[i])},${n(segments[i + 1])}L${n(segments[i + 2])},${n(segments[i + 3])}`
    if (d) this.out.push(`<path d="${d}" fill="none"${stroke(style)}/>`)
  }

  path(commands: readonly PathCommand[], style: PathStyle): void {
    const d = commands
      .map((c) =>
        c[0] === 'Z'
          ? 'Z'
          : c[0] +
            c
              .slice(1)
              .map((v) => n(v as number))
              .join(','),
      )
      .join('')
    const fill = style.fill ? paint('fill', style.fill, style.alpha) : ' fill="none"'
    this.out.push(`<path d="${d}"${fill}${style.stroke ? stroke(style as StrokeStyle) : ''}/>`)
  }

  text(s: string, x: number, y: number, style: TextStyle): void {
    const anchor = style.align === 'center' ? 'middle' : style.align === 'right' ? 'end' : 'start'
    const baseline = style.baseline === 'top' ? 'hanging' : style.baseline === 'alphabetic' ? 'alphabetic' : 'central'
    this.out.push(
      `<text x="${n(x)}" y="${n(y)}" font-family="${style.mono ? MONO_FAMILY : SANS_FAMILY}" font-size="${n(style.size)}"${style.weight ? ` font-weight="${style.weight}"` : ''} text-anchor="${anchor}" dominant-baseline="${baseline}"${paint('fill', style.fill, style.alpha)}>${escapeXml(s)}</text>`,
    )
  }

  raster(x: number, y: number, w: number, h: number, image: Raster): void {
    const sx = w / Math.max(1, image.cols),
      sy = h / Math.max(1, image.rows)
    const px = image.pixels
    const parts: string[] = [`<g data-raster="${image.cols}x${image.rows}" transform="translate(${n(x)},${n(y)})">`]
    for (let r = 0; r < image.rows; r++) {
      const base = r * image.cols
      for (let c = 0; c < image.cols;) {
        const v = px[base + c]
        let e = c + 1
        while (e < image.cols && px[base + e] === v) e++
        // fully transparent pixels are the background: nothing to draw
        if (v >>> 24)
          parts.push(
            `<rect x="${n(c * sx)}" y="${n(r * sy)}" width="${n((e - c) * sx)}" height="${n(sy)}" fill="${abgrCss(v)}"/>`,
          )
        c = e
      }
    }
    parts.push('</g>')
    this.out.push(parts.join(''))
  }

  push(dx: number, dy: number, clip?: readonly [number, number, number, number]): void {
    this.depth++
    if (clip) {
      const id = `clip${++this.clips}`
      this.out.push(
        `<g transform="translate(${n(dx)},${n(dy)})"><clipPath id="${id}"><rect x="${n(clip[0])}" y="${n(clip[1])}" width="${n(clip[2])}" height="${n(clip[3])}"/></clipPath><g clip-path="url(#${id})">`,
      )
    } else this.out.push(`<g transform="translate(${n(dx)},${n(dy)})"><g>`)
  }

  pop(): void {
    if (this.depth === 0) return
    this.depth--
    this.out.push('</g></g>')
  }

  /** The finished SVG text. */
  toString(): string {
    const close = '</g></g>'.repeat(this.depth)
    return [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width}" height="${this.height}" viewBox="0 0 ${this.width} ${this.height}">`,
      ...this.out,
      close,
      '</svg>',
    ].join('\n')
  }
}

/** A coordinate with at most two decimals (never NaN in the file). */
function n(x: number): string {
  if (!Number.isFinite(x)) return '0'
  return String(Math.round(x * 100) / 100)
}

function paint(attr: 'fill' | 'stroke', color: string, alpha?: number): string {
  return ` ${attr}="${color}"${alpha !== undefined && alpha !== 1 ? ` ${attr}-opacity="${n(alpha)}"` : ''}`
}

function stroke(s: StrokeStyle): string {
  return `${paint('stroke', s.stroke, s.alpha)} stroke-width="${n(s.width ?? 1)}"${s.dash?.length ? ` stroke-dasharray="${s.dash.join(' ')}"` : ''}`
}

/** An ABGR pixel word as a CSS colour. */
export function abgrCss(v: number): string {
  const r = v & 0xff,
    g = (v >>> 8) & 0xff,
    b = (v >>> 16) & 0xff,
    a = (v >>> 24) & 0xff
  return a === 0xff ? `rgb(${r},${g},${b})` : `rgba(${r},${g},${b},${n(a / 255)})`
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}
