/**
 * The shared vector at an instant: one bar per slot in push order (height and colour by value),
 * slots that arrived after a larger value marked red, and the mutex card (holder and waiters).
 * 200 slots or more are drawn per device-pixel column as one raster.
 */
import type { MutexState } from '../model/mutex'
import type { RunData } from '../model/runData'
import { THEME, valueCss, valueRgb } from '../view/colors'
import { roundedRect, textWidth, type PathCommand, type Raster, type Surface } from './surface'
import { paintCard, paintTopFrame } from './topView'

const SMALL = 200
const MUTEX_W = 210
/** waiters the mutex card can show */
export const MUTEX_KEEP = 6
export const DROP_MS = 220
const SANS = { size: 11 } as const

export interface SortVectorInput {
  data: RunData
  tNs: number
  /** drop-in animation on screen: when each slot appeared (ms) and the clock now */
  drop?: { appeared: Float64Array; now: number }
  /** the current moment's threads, marked above their bars */
  focus?: ReadonlySet<number> | null
  /** the screen keeps its pixel buffer between frames */
  raster?: Raster
  /** the mutex at tNs when the caller has it already */
  mutex?: MutexState
}

export function paintSortVector(s: Surface, input: SortVectorInput): void {
  const d = input.data
  const n = d.threads
  const filled = n ? d.filledAt(input.tNs) : 0
  const { left, top, bottom, right, plotW, plotH } = paintTopFrame(s, 'SHARED VECTOR', MUTEX_W, 14)
  if (!n) {
    s.text(
      'Press Run: each thread sleeps value × unit, then locks the mutex and pushes its value here.',
      left,
      top + plotH / 2,
      { size: 13, fill: THEME.muted },
    )
    return
  }
  let outCount = 0
  for (let k = 0; k < filled; k++) outCount += d.outOfOrder[k]
  const inv = d.prefixInversions[filled] ?? 0
  const summary = `${filled.toLocaleString()} / ${n.toLocaleString()} pushed · ${inv.toLocaleString()} inversions · ${outCount.toLocaleString()} after a larger value`
  s.text(summary, left + 110, 13, { ...SANS, fill: THEME.text })
  s.rect(left, bottom, plotW, 1, THEME.grid)
  if (n < SMALL) paintSlots(s, input, filled, left, bottom, plotW, plotH)
  else {
    const image = columnsRaster(
      d,
      filled,
      Math.round(plotW * s.pixelRatio),
      Math.round(plotH * s.pixelRatio),
      s.pixelRatio,
      input.raster,
    )
    s.raster(left, top, image.cols / s.pixelRatio, image.rows / s.pixelRatio, image)
  }
  paintMutex(s, d, right + 12, top - 4, MUTEX_W - 12, plotH + 8, input.mutex ?? d.mutexAt(input.tNs, MUTEX_KEEP))
}

function paintSlots(
  s: Surface,
  input: SortVectorInput,
  filled: number,
  left: number,
  bottom: number,
  plotW: number,
  plotH: number,
): void {
  const d = input.data
  const n = d.threads
  const span = d.valMax - d.valMin || 1
  const slotW = plotW / n
  const gap = slotW > 6 ? Math.min(3, slotW * 0.15) : 0
  const bw = Math.max(1, slotW - gap)
  for (let k = 0; k < n; k++) {
    const x = left + k * slotW + gap / 2
    if (k >= filled) {
      s.strokeRect(x + 0.5, bottom - 6 + 0.5, Math.max(1, bw - 1), 5, { stroke: '#2a2f3a' })
      continue
    }
    const v = d.values[d.slotWorker[k]]
    const t = (v - d.valMin) / span
    const h = 6 + t * (plotH - 22)
    const p = input.drop ? Math.min(1, Math.max(0, (input.drop.now - input.drop.appeared[k]) / DROP_MS)) : 1
    const ease = 1 - (1 - p) * (1 - p) * (1 - p)
    const y = bottom - h - (1 - ease) * Math.min(60, plotH * 0.4)
    const alpha = 0.25 + 0.75 * ease
    s.rect(x, y, bw, h, valueCss(t), alpha)
    if (input.focus?.has(d.slotWorker[k])) s.rect(x, y - 6, bw, 4, THEME.highlight, alpha)
    if (d.outOfOrder[k]) {
      s.rect(x, bottom + 3, bw, 4, THEME.bad, alpha)
      s.strokeRect(x + 0.75, y + 0.75, bw - 1.5, h - 1.5, { stroke: THEME.bad, width: 1.5, alpha })
    }
    if (slotW >= 18)
      s.text(String(v), x - gap / 2 + slotW / 2, y + 9, {
        size: Math.min(12, slotW * 0.45),
        mono: true,
        fill: t > 0.6 ? '#111' : '#fff',
        align: 'center',
        alpha,
      })
  }
}

/** Per device-pixel column: the largest value pushed into its slots, red on top if one came late. */
function columnsRaster(d: RunData, filled: number, cols: number, rows: number, dpr: number, reuse?: Raster): Raster {
  const img = reuse ?? { cols: 0, rows: 0, pixels: new Uint32Array(0), version: 0 }
  cols = Math.max(1, cols)
  rows = Math.max(1, rows)
  if (img.pixels.length !== cols * rows) img.pixels = new Uint32Array(cols * rows)
  img.cols = cols
  img.rows = rows
  const px = img.pixels
  px.fill(0)
  const n = d.threads
  const span = d.valMax - d.valMin || 1
  const rgb = [0, 0, 0]
  for (let c = 0; c < cols; c++) {
    const a = Math.floor((c * n) / cols)
    const b = Math.max(a + 1, Math.floor(((c + 1) * n) / cols))
    if (a >= filled) break
    let hi = -Infinity,
      bad = 0
    for (let k = a; k < b && k < filled; k++) {
      const v = d.values[d.slotWorker[k]]
      if (v > hi) hi = v
      bad |= d.outOfOrder[k]
    }
    const t = (hi - d.valMin) / span
    valueRgb(t, rgb)
    const color = (0xff000000 | (rgb[2] << 16) | (rgb[1] << 8) | rgb[0]) >>> 0
    const h = Math.round(2 * dpr + t * (rows - 14 * dpr))
    for (let y = rows - h; y < rows; y++) px[y * cols + c] = color
    if (bad) for (let y = Math.max(0, rows - h - 3 * dpr); y < rows - h; y++) px[y * cols + c] = 0xff5d5dff
  }
  img.version++
  return img
}

function paintMutex(s: Surface, d: RunData, x: number, y: number, w: number, h: number, mu: MutexState): void {
  const span = d.valMax - d.valMin || 1
  paintCard(s, x, y, w, h, 'MUTEX', '#2a2f3a')
  // padlock: a shackle over a body
  const lx = x + w - 26,
    ly = y + 8
  const lock = mu.holder >= 0 ? '#3fcf78' : '#5d6677'
  const shackle: PathCommand[] = [
    ['M', lx + 3.5, ly + 6],
    ['Q', lx + 3.5, ly + 1.5, lx + 8, ly + 1.5],
    ['Q', lx + 12.5, ly + 1.5, lx + 12.5, ly + 6],
  ]
  s.path(shackle, { stroke: lock, width: 2 })
  s.rect(lx + 2, ly + 6, 12, 9, lock)
  if (mu.holder >= 0) {
    const v = d.values[mu.holder]
    s.text('held by', x + 10, y + 36, { size: 12, fill: THEME.text })
    chip(s, x + 58, y + 27, String(v), valueCss((v - d.valMin) / span))
    s.text(`thread ${mu.holder}`, x + 10, y + 54, { ...SANS, fill: THEME.muted })
  } else s.text('free', x + 10, y + 36, { size: 12, fill: THEME.muted })
  if (h <= 80) return
  s.text(`${mu.waiting.toLocaleString()} waiting`, x + 10, y + 76, {
    size: 12,
    fill: mu.waiting ? '#e04b4b' : THEME.muted,
  })
  let cx = x + 10
  let cy = y + 86
  for (const wk of mu.waiters) {
    const v = d.values[wk]
    const cw = chipWidth(String(v))
    if (cx + cw > x + w - 8) {
      cx = x + 10
      cy += 22
    }
    if (cy + 18 > y + h) break
    chip(s, cx, cy, String(v), valueCss((v - d.valMin) / span))
    cx += cw + 4
  }
  if (mu.waiting > mu.waiters.length && cy + 40 < y + h)
    s.text(`+${(mu.waiting - mu.waiters.length).toLocaleString()} more`, x + 10, cy + 32, {
      ...SANS,
      fill: THEME.muted,
    })
}

function chipWidth(text: string): number {
  return Math.max(22, textWidth(text, 11, true) + 10)
}

function chip(s: Surface, x: number, y: number, text: string, color: string): void {
  const w = chipWidth(text)
  s.path(roundedRect(x, y, w, 18, 4), { fill: color })
  s.text(text, x + w / 2, y + 9.5, { size: 11, mono: true, fill: '#0d0f13', align: 'center' })
}
