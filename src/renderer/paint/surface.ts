/**
 * The small drawing interface every track painter draws into. Two back-ends implement it: Canvas 2D
 * for the screen and the PNG export (canvasSurface.ts), SVG text for the SVG export (svgSurface.ts).
 * Painters never measure text through a back-end: `textWidth` estimates it the same way for both,
 * so a layout decision (a label inside a bar or beside it) is the same on screen and in a file.
 */

export type TextAlign = 'left' | 'center' | 'right'
export type TextBaseline = 'middle' | 'top' | 'alphabetic'

export interface TextStyle {
  fill: string
  /** px */
  size: number
  mono?: boolean
  weight?: number
  align?: TextAlign
  baseline?: TextBaseline
  alpha?: number
}

export interface StrokeStyle {
  stroke: string
  width?: number
  alpha?: number
  dash?: readonly number[]
}

export interface PathStyle {
  fill?: string
  stroke?: string
  width?: number
  alpha?: number
  dash?: readonly number[]
}

/**
 * Pixels drawn as one block (lanes thinner than a pixel row, 10,000 vector slots): ABGR words as a
 * Uint32Array over ImageData uses them. `version` changes whenever the pixels do, so a back-end may
 * cache its upload.
 */
export interface Raster {
  cols: number
  rows: number
  pixels: Uint32Array
  version: number
}

/** A path as commands: M x y, L x y, Q cx cy x y, Z. Built with the helpers below. */
export type PathCommand = ['M', number, number] | ['L', number, number] | ['Q', number, number, number, number] | ['Z']

export interface Surface {
  /** CSS px */
  readonly width: number
  readonly height: number
  /** device pixels per CSS px (the SVG back-end says 1) */
  readonly pixelRatio: number
  rect(x: number, y: number, w: number, h: number, fill: string, alpha?: number): void
  strokeRect(x: number, y: number, w: number, h: number, style: StrokeStyle): void
  line(x1: number, y1: number, x2: number, y2: number, style: StrokeStyle): void
  /** many segments with one style (flows, arrows): one primitive */
  lines(segments: readonly number[], style: StrokeStyle): void
  path(commands: readonly PathCommand[], style: PathStyle): void
  text(s: string, x: number, y: number, style: TextStyle): void
  raster(x: number, y: number, w: number, h: number, image: Raster): void
  /** pushes a translation and an optional clip rectangle (in the translated space) */
  push(dx: number, dy: number, clip?: readonly [number, number, number, number]): void
  pop(): void
}

const MONO_EM = 0.6
const SANS_EM = 0.55

/** The width a label takes, estimated from its length: the same on every back-end. */
export function textWidth(s: string, size: number, mono = false): number {
  return s.length * size * (mono ? MONO_EM : SANS_EM)
}

export const MONO_FAMILY = 'ui-monospace, monospace'
export const SANS_FAMILY = 'system-ui, sans-serif'

/** A CSS font for the style (Canvas); the SVG back-end writes the same as attributes. */
export function fontOf(style: Pick<TextStyle, 'size' | 'mono' | 'weight'>): string {
  return `${style.weight ? `${style.weight} ` : ''}${style.size}px ${style.mono ? MONO_FAMILY : SANS_FAMILY}`
}

/** A rounded rectangle as a path (the mutex and combine cards). */
export function roundedRect(x: number, y: number, w: number, h: number, r: number): PathCommand[] {
  const k = Math.min(r, w / 2, h / 2)
  return [
    ['M', x + k, y],
    ['L', x + w - k, y],
    ['Q', x + w, y, x + w, y + k],
    ['L', x + w, y + h - k],
    ['Q', x + w, y + h, x + w - k, y + h],
    ['L', x + k, y + h],
    ['Q', x, y + h, x, y + h - k],
    ['L', x, y + k],
    ['Q', x, y, x + k, y],
    ['Z'],
  ]
}

/**
 * Draws `paint` into a `w` × `h` region of `s` at (dx, dy), clipped to it: the painter sees a
 * surface of the region's size (how an export stacks the top view above the lanes).
 */
export function inRegion(s: Surface, dx: number, dy: number, w: number, h: number, paint: (r: Surface) => void): void {
  s.push(dx, dy, [0, 0, w, h])
  const region: Surface = {
    width: w,
    height: h,
    pixelRatio: s.pixelRatio,
    rect: (...a) => s.rect(...a),
    strokeRect: (...a) => s.strokeRect(...a),
    line: (...a) => s.line(...a),
    lines: (...a) => s.lines(...a),
    path: (...a) => s.path(...a),
    text: (...a) => s.text(...a),
    raster: (...a) => s.raster(...a),
    push: (...a) => s.push(...a),
    pop: () => s.pop(),
  }
  paint(region)
  s.pop()
}
