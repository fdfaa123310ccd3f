/**
 * A vector rendering of the current view for `Export SVG…` (pure string building, no DOM): the top
 * view (a sleep sort's shared vector, a sum's chunk progress) at the playhead, then the lanes at
 * the current zoom window as one rect per state segment. When lanes are thinner than a pixel row
 * they are aggregated per row exactly as on screen (dominant state, fainter for a small share), so
 * 10,000 threads stay a few thousand rects.
 */
import { aggregateLanes, laneSegments, LANE_STATE_COUNT } from './lanes'
import { formatNs } from './playback'
import type { RunData } from './runData'
import { ChunkState, formatTotal } from './sumData'
import { ticks, type TimeWindow } from './timeAxis'

export interface SvgPalette {
  bg: string
  text: string
  muted: string
  grid: string
  bad: string
  /** lane state colours, index = LaneState */
  state: readonly string[]
  /** chunk colours, index = ChunkState */
  chunk: readonly string[]
  chunkTrack: string
  /** combine lane colours, index = CombineState */
  combine: readonly string[]
  tick: string
  /** value colour for t in [0, 1] */
  value(t: number): string
}

export interface SvgInput {
  data: RunData
  /** the lanes' visible time window, ns */
  window: TimeWindow
  /** sleep sort lane order (order[lane] = worker) */
  order: Uint32Array
  /** the instant the top view shows, ns */
  playheadNs: number
  /** the run ended by cancellation */
  cancelled: boolean
  title: string
  palette: SvgPalette
  width?: number
  topHeight?: number
  lanesHeight?: number
}

const TITLE_H = 26
const AXIS_H = 22
const GUTTER = 58
const MAX_LANE_H = 22
const SUM_MAX_LANE_H = 40

export function renderRunSvg(input: SvgInput): string {
  const width = Math.max(200, Math.round(input.width ?? 1200))
  const topH = Math.max(60, Math.round(input.topHeight ?? 220))
  const lanesH = Math.max(40, Math.round(input.lanesHeight ?? 480))
  const height = TITLE_H + topH + AXIS_H + lanesH + 8
  const p = input.palette
  const out: string[] = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">`,
  )
  out.push(`<rect width="${width}" height="${height}" fill="${p.bg}"/>`)
  out.push(`<text x="12" y="17" font-size="13" fill="${p.text}">${esc(input.title)}</text>`)
  const g = new Svg(out)
  if (input.data.experiment === 'parallel-sum') {
    sumTop(g, input, 0, TITLE_H, width, topH)
    sumLanes(g, input, TITLE_H + topH, width, lanesH)
  } else {
    sortTop(g, input, 0, TITLE_H, width, topH)
    sortLanes(g, input, TITLE_H + topH, width, lanesH)
  }
  out.push('</svg>')
  return out.join('\n')
}

class Svg {
  constructor(readonly out: string[]) {}
  rect(x: number, y: number, w: number, h: number, fill: string, extra = ''): void {
    this.out.push(
      `<rect x="${f2(x)}" y="${f2(y)}" width="${f2(Math.max(0, w))}" height="${f2(Math.max(0, h))}" fill="${fill}"${extra}/>`,
    )
  }
  text(x: number, y: number, s: string, fill: string, size = 11, extra = ''): void {
    this.out.push(`<text x="${f2(x)}" y="${f2(y)}" font-size="${size}" fill="${fill}"${extra}>${esc(s)}</text>`)
  }
}

// ── sleep sort ──────────────────────────────────────────────────────────────────────────────

function sortTop(g: Svg, input: SvgInput, x0: number, y0: number, width: number, h: number): void {
  const d = input.data,
    p = input.palette
  const n = d.threads
  const left = x0 + 12,
    top = y0 + 22,
    bottom = y0 + h - 10
  const plotW = width - 24,
    plotH = Math.max(10, bottom - top)
  const filled = n ? d.filledAt(input.playheadNs) : 0
  let late = 0
  for (let k = 0; k < filled; k++) late += d.outOfOrder[k]
  g.text(
    left,
    y0 + 13,
    `SHARED VECTOR · ${filled.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} pushed · ${(d.prefixInversions[filled] ?? 0).toLocaleString('en-US')} inversions · ${late.toLocaleString('en-US')} after a larger value`,
    p.muted,
  )
  g.rect(left, bottom, plotW, 1, p.grid)
  if (!n) return
  const span = d.valMax - d.valMin || 1
  if (n <= 400) {
    const slotW = plotW / n
    const gap = slotW > 6 ? Math.min(3, slotW * 0.15) : 0
    for (let k = 0; k < filled; k++) {
      const v = d.values[d.slotWorker[k]]
      const t = (v - d.valMin) / span
      const bh = 6 + t * (plotH - 16)
      g.rect(left + k * slotW + gap / 2, bottom - bh, Math.max(0.5, slotW - gap), bh, p.value(t))
      if (d.outOfOrder[k]) g.rect(left + k * slotW + gap / 2, bottom + 3, Math.max(0.5, slotW - gap), 4, p.bad)
      if (slotW >= 18)
        g.text(
          left + (k + 0.5) * slotW,
          bottom - bh + 12,
          String(v),
          t > 0.6 ? '#111111' : '#ffffff',
          Math.min(12, slotW * 0.45),
          ' text-anchor="middle" font-family="ui-monospace, monospace"',
        )
    }
  } else {
    const cols = Math.max(1, Math.floor(plotW))
    for (let c = 0; c < cols; c++) {
      const a = Math.floor((c * n) / cols),
        b = Math.max(a + 1, Math.floor(((c + 1) * n) / cols))
      if (a >= filled) break
      let hi = -Infinity,
        bad = 0
      for (let k = a; k < b && k < filled; k++) {
        const v = d.values[d.slotWorker[k]]
        if (v > hi) hi = v
        bad |= d.outOfOrder[k]
      }
      const t = (hi - d.valMin) / span
      const bh = 2 + t * (plotH - 14)
      g.rect(left + c, bottom - bh, 1, bh, p.value(t))
      if (bad) g.rect(left + c, bottom + 3, 1, 4, p.bad)
    }
  }
}

function sortLanes(g: Svg, input: SvgInput, y0: number, width: number, lanesH: number): void {
  const d = input.data,
    p = input.palette
  const n = d.threads
  const left = GUTTER,
    top = y0 + AXIS_H,
    plotW = width - GUTTER - 10
  const w = input.window
  const X = (t: number) => left + ((t - w.t0) / Math.max(1, w.t1 - w.t0)) * plotW
  axis(g, input, y0, width, lanesH, 'THREADS')
  if (!n) return
  const end = d.span()[1]
  const laneH = Math.min(MAX_LANE_H, lanesH / n)
  g.out.push(
    `<clipPath id="lanes-clip"><rect x="${left}" y="${top}" width="${f2(plotW)}" height="${f2(lanesH)}"/></clipPath><g clip-path="url(#lanes-clip)">`,
  )
  if (laneH >= 1) {
    const gap = laneH >= 8 ? 2 : laneH >= 5 ? 1 : 0
    const seg = new Float64Array(30)
    for (let lane = 0; lane < n; lane++) {
      const wk = input.order[lane]
      const k = laneSegments(d.table, wk, end, seg)
      const y = top + lane * laneH + gap / 2
      for (let i = 0; i < k; i++) {
        const a = X(seg[i * 3]),
          b = X(seg[i * 3 + 1])
        if (b < left || a > left + plotW) continue
        g.rect(a, y, Math.max(0.5, b - a), laneH - gap, p.state[seg[i * 3 + 2]])
      }
      const dl = d.table.deadline[wk]
      if (laneH >= 4 && dl === dl) g.rect(X(dl) - 0.5, top + lane * laneH, 1.5, laneH, p.tick)
    }
  } else {
    const rows = Math.max(1, Math.floor(lanesH)),
      cols = Math.max(1, Math.floor(plotW))
    const agg = aggregateLanes({ table: d.table, order: input.order, rows, cols, t0: w.t0, t1: w.t1, end })
    for (let r = 0; r < rows; r++) {
      const base = r * cols
      for (let c = 0; c < cols;) {
        const s = agg.state[base + c],
          share = agg.share[base + c]
        let e = c + 1
        while (e < cols && agg.state[base + e] === s && Math.abs(agg.share[base + e] - share) < 32) e++
        if (s > 0 && s < LANE_STATE_COUNT)
          g.rect(left + c, top + r, e - c, 1, p.state[s], ` fill-opacity="${f2(0.45 + 0.55 * (share / 255))}"`)
        c = e
      }
    }
  }
  g.out.push('</g>')
  gutterLabels(g, input, top, lanesH, laneH, n)
}

function gutterLabels(g: Svg, input: SvgInput, top: number, lanesH: number, laneH: number, n: number): void {
  const d = input.data,
    p = input.palette
  const every = laneH >= 10 ? 1 : Math.max(1, Math.ceil((36 / lanesH) * n))
  for (let lane = 0; lane < n; lane += every) {
    const y = laneH >= 10 ? top + lane * laneH + laneH / 2 + 4 : top + (lane * Math.min(lanesH, laneH * n)) / n + 10
    g.text(
      GUTTER - 10,
      y,
      String(d.values[input.order[lane]]),
      p.muted,
      10.5,
      ' text-anchor="end" font-family="ui-monospace, monospace"',
    )
  }
}

function axis(g: Svg, input: SvgInput, y0: number, width: number, lanesH: number, title: string): void {
  const p = input.palette
  const w = input.window
  const plotW = width - GUTTER - 10
  g.rect(0, y0, width, AXIS_H, '#14171d')
  g.text(8, y0 + 15, title, p.muted, 10.5)
  for (const t of ticks(w, Math.max(2, Math.floor(plotW / 110)))) {
    const x = GUTTER + ((t - w.t0) / Math.max(1, w.t1 - w.t0)) * plotW
    g.rect(Math.round(x), y0 + AXIS_H, 1, lanesH, p.grid)
    if (x + 60 < GUTTER + plotW + 8)
      g.text(x + 3, y0 + 15, t === 0 ? '0' : formatNs(t, 4), p.muted, 10.5, ' font-family="ui-monospace, monospace"')
  }
  // the playhead
  const px = GUTTER + ((input.playheadNs - w.t0) / Math.max(1, w.t1 - w.t0)) * plotW
  if (px >= GUTTER && px <= GUTTER + plotW)
    g.rect(px - 0.75, y0 + AXIS_H - 4, 1.5, lanesH + 4, '#ffffff', ' fill-opacity="0.8"')
}

// ── parallel sum ────────────────────────────────────────────────────────────────────────────

function sumTop(g: Svg, input: SvgInput, x0: number, y0: number, width: number, h: number): void {
  const d = input.data,
    p = input.palette,
    sum = d.sum
  const n = sum.count
  const t = input.playheadNs
  const left = x0 + 12,
    top = y0 + 22,
    bottom = y0 + h - 20
  const plotW = width - 24,
    plotH = Math.max(10, bottom - top)
  const { done, total } = sum.totalProgressAt(t)
  const folded = sum.foldedAt(t)
  const running = sum.totalAt(t)
  g.text(
    left,
    y0 + 13,
    `CHUNK PROGRESS · ${formatTotal(done)} / ${formatTotal(total)} values summed · ${folded} / ${n} partials folded · running total ${formatTotal(running)}`,
    p.muted,
  )
  g.rect(left, bottom, plotW, 1, p.grid)
  if (!n) return
  const end = d.span()[1]
  const slotW = plotW / n
  const gap = slotW > 8 ? Math.min(10, slotW * 0.2) : 0
  for (let c = 0; c < n; c++) {
    const x = left + c * slotW + gap / 2,
      w = Math.max(0.5, slotW - gap)
    const len = sum.length[c]
    const share = len > 0 ? Math.min(1, sum.progressAt(c, t) / len) : 0
    const state = sum.stateAt(c, t, end, input.cancelled)
    g.rect(x, top, w, plotH, p.chunkTrack)
    if (state !== ChunkState.Empty && share > 0) g.rect(x, bottom - share * plotH, w, share * plotH, p.chunk[state])
    if (slotW >= 34) {
      g.text(x + w / 2, bottom + 13, `chunk ${c}`, p.muted, 10.5, ' text-anchor="middle"')
      g.text(x + w / 2, top + 12, `${Math.floor(share * 100)}%`, p.text, 10.5, ' text-anchor="middle"')
      if (state === ChunkState.Done || state === ChunkState.Folded)
        g.text(
          x + w / 2,
          top + plotH / 2,
          formatTotal(sum.partial[c]),
          p.text,
          11,
          ' text-anchor="middle" font-family="ui-monospace, monospace"',
        )
    }
  }
}

function sumLanes(g: Svg, input: SvgInput, y0: number, width: number, lanesH: number): void {
  const d = input.data,
    p = input.palette,
    sum = d.sum
  const chunks = sum.count
  const left = GUTTER,
    top = y0 + AXIS_H,
    plotW = width - GUTTER - 10
  const w = input.window
  const X = (t: number) => left + ((t - w.t0) / Math.max(1, w.t1 - w.t0)) * plotW
  axis(g, input, y0, width, lanesH, 'WORKERS')
  if (!chunks) return
  const end = d.span()[1]
  const laneH = Math.min(SUM_MAX_LANE_H, lanesH / (chunks + 1))
  const gap = laneH >= 8 ? 3 : laneH >= 5 ? 1 : 0
  const seg = new Float64Array(30)
  g.out.push(
    `<clipPath id="lanes-clip"><rect x="${left}" y="${top}" width="${f2(plotW)}" height="${f2(lanesH)}"/></clipPath><g clip-path="url(#lanes-clip)">`,
  )
  for (let c = 0; c < chunks; c++) {
    const y = top + c * laneH + gap / 2,
      h = Math.max(0.5, laneH - gap)
    const k = sum.segments(c, end, input.cancelled, seg)
    for (let i = 0; i < k; i++) {
      const a = seg[i * 3],
        b = seg[i * 3 + 1],
        state = seg[i * 3 + 2]
      g.rect(X(a), y, Math.max(0.5, X(b) - X(a)), h, state === ChunkState.Summing ? p.chunkTrack : p.chunk[state])
      if (state === ChunkState.Summing) progressPath(g, input, c, a, b, y, h, X)
    }
  }
  const yc = top + chunks * laneH
  for (const f of sum.folds) {
    const done = sum.done[f.chunk]
    if (done === done)
      g.out.push(
        `<line x1="${f2(X(done))}" y1="${f2(top + f.chunk * laneH + laneH / 2)}" x2="${f2(X(f.t))}" y2="${f2(yc + laneH / 2)}" stroke="${p.tick}" stroke-opacity="0.35"/>`,
      )
  }
  const k = sum.combineSegments(sum.firstStart(), end, seg)
  for (let i = 0; i < k; i++)
    g.rect(
      X(seg[i * 3]),
      yc + gap / 2,
      Math.max(1, X(seg[i * 3 + 1]) - X(seg[i * 3])),
      Math.max(0.5, laneH - gap),
      p.combine[seg[i * 3 + 2]],
    )
  for (const f of sum.folds) g.rect(X(f.t) - 0.75, yc, 1.5, laneH, p.tick)
  g.out.push('</g>')
  for (let c = 0; c < chunks; c++)
    g.text(
      GUTTER - 8,
      top + c * laneH + laneH / 2 + 4,
      `chunk ${c}`,
      p.muted,
      10.5,
      ' text-anchor="end" font-family="ui-monospace, monospace"',
    )
  g.text(
    GUTTER - 8,
    yc + laneH / 2 + 4,
    'combine',
    p.text,
    10.5,
    ' text-anchor="end" font-family="ui-monospace, monospace"',
  )
}

function progressPath(
  g: Svg,
  input: SvgInput,
  c: number,
  a: number,
  b: number,
  y: number,
  h: number,
  X: (t: number) => number,
): void {
  const sum = input.data.sum
  const len = sum.length[c]
  if (!(len > 0)) return
  const bottom = y + h
  const pts: string[] = [`M${f2(X(a))},${f2(bottom)}`]
  let level = 0
  const times = sum.progT[c],
    done = sum.progN[c]
  for (let i = 0; i < times.length; i++) {
    const t = times[i]
    if (t > b) break
    if (t < a) {
      level = done[i] / len
      continue
    }
    pts.push(`L${f2(X(t))},${f2(bottom - level * h)}`)
    level = Math.min(1, done[i] / len)
    pts.push(`L${f2(X(t))},${f2(bottom - level * h)}`)
  }
  pts.push(`L${f2(X(b))},${f2(bottom - level * h)}`)
  if (sum.done[c] <= b) pts.push(`L${f2(X(b))},${f2(y)}`)
  pts.push(`L${f2(X(b))},${f2(bottom)}Z`)
  g.out.push(`<path d="${pts.join('')}" fill="${input.palette.chunk[ChunkState.Summing]}"/>`)
}

/** A coordinate with at most two decimals. */
function f2(x: number): string {
  if (!Number.isFinite(x)) return '0'
  return String(Math.round(x * 100) / 100)
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}
