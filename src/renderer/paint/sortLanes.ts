/**
 * Sleep sort's thread lanes: one row per thread coloured by state over time, deadline ticks,
 * cancellations, the lateness highlight, and per-pixel-row aggregation when lanes are thinner than
 * a pixel. A pure function of (run, window, size) drawing into a Surface.
 */
import { laneSegments, LANE_STATE_COUNT, LaneState } from '../model/lanes'
import type { RunData } from '../model/runData'
import { isActive, type Phase } from '../model/store'
import type { TimeWindow } from '../model/timeAxis'
import { STATE_COLORS, THEME } from '../view/colors'
import { AXIS_H, GUTTER, GUTTER_BG, LABEL, paintAxis, paintNote, plotOf, xOf } from './axis'
import { LaneRaster } from './laneRaster'
import type { Surface } from './surface'

const MAX_LANE_H = 22
/** below this lane height (CSS px) lanes are aggregated per pixel row */
const MIN_LANE_H = 2

export interface LanesLayout {
  left: number
  top: number
  plotW: number
  lanesH: number
  laneH: number
  aggregated: boolean
  n: number
}

export const EMPTY_LAYOUT: LanesLayout = { left: 0, top: 0, plotW: 1, lanesH: 1, laneH: 1, aggregated: false, n: 0 }

export function lanesLayout(n: number, width: number, height: number, maxLaneH: number): LanesLayout {
  const plot = plotOf(width)
  const lanesH = Math.max(10, height - AXIS_H - 6)
  const laneH = n ? Math.min(maxLaneH, lanesH / n) : 0
  return { left: plot.left, top: AXIS_H, plotW: plot.width, lanesH, laneH, aggregated: n > 0 && laneH < MIN_LANE_H, n }
}

export interface SortLanesInput {
  data: RunData
  /** order[lane] = worker */
  order: Uint32Array
  phase: Phase
  /** lateness range to highlight, ns */
  highlight: { lo: number; hi: number } | null
  /** the current moment's threads, highlighted instead of the lateness range */
  focus?: ReadonlySet<number> | null
  /** the screen's cache (kept between frames); an export passes a fresh one */
  raster: LaneRaster
  /** ms, for the live recompute throttle */
  now: number
}

/** Where open steps end: the live edge, or the end of the run. */
export function laneEnd(d: RunData, phase: Phase): number {
  return isActive(phase) ? d.maxT : d.span()[1]
}

/** Draws the lanes; `pending` is true when an aggregate recompute is due (draw again soon). */
export function paintSortLanes(
  s: Surface,
  input: SortLanesInput,
  w: TimeWindow,
): { layout: LanesLayout; pending: boolean } {
  const { data: d, order, phase } = input
  const t = d.table
  const n = d.threads
  const L = lanesLayout(n, s.width, s.height, MAX_LANE_H)
  const plot = { left: L.left, width: L.plotW }
  const X = xOf(w, plot)
  s.rect(0, 0, s.width, s.height, THEME.bg)
  const empty = !n || d.eventCount === 0
  paintAxis(s, w, plot, s.height, 'THREADS', !empty)
  if (empty) {
    paintNote(
      s,
      !n
        ? 'Thread lanes appear here: one row per thread, coloured by what it is doing.'
        : phase === 'failed'
          ? 'The run did not start.'
          : phase === 'cancelled' || phase === 'finished'
            ? 'No events were recorded.'
            : 'Waiting for the first events…',
      L.left,
      L.top + 40,
    )
    return { layout: L, pending: false }
  }
  const live = isActive(phase)
  const end = laneEnd(d, phase)
  const hl = input.highlight
  const focus = input.focus
  // a moment's threads, else a lateness range from the histogram
  const isLit = focus
    ? (wk: number) => focus.has(wk)
    : hl
      ? (wk: number) => {
          const late = t.woke[wk] - t.deadline[wk]
          return late >= hl.lo && late < hl.hi
        }
      : null
  let pending = false
  s.push(0, 0, [L.left, L.top, L.plotW, L.lanesH])
  if (!L.aggregated) paintRows(s, input, L, X, end, isLit)
  else {
    const rows = Math.max(1, Math.floor(L.lanesH)),
      cols = Math.max(1, Math.floor(L.plotW))
    const r = input.raster
    const key = `${rows}x${cols}|${w.t0}|${w.t1}|${d.runId}|${order.length}|${order[0]}|${order[order.length - 1]}|${d.finished}|${d.version}`
    pending = r.update({ table: t, order, rows, cols, t0: w.t0, t1: w.t1, end }, key, input.now, live)
    // the image may be for an older window (live): place it by time
    const x0 = X(r.window.t0),
      x1 = X(r.window.t1)
    if (r.image.cols) s.raster(x0, L.top, x1 - x0, r.image.rows, r.image)
    if (isLit) {
      s.rect(L.left, L.top, L.plotW, L.lanesH, 'rgba(17,19,24,0.45)')
      for (let lane = 0; lane < n; lane++) {
        const wk = order[lane]
        if (!isLit(wk)) continue
        const a = X(t.deadline[wk]),
          b = X(t.woke[wk])
        s.rect(a, Math.floor(L.top + (lane * L.lanesH) / n), Math.max(2, b - a), 1, THEME.highlight)
      }
    }
  }
  s.pop()
  paintGutter(s, input, L, isLit)
  return { layout: L, pending }
}

function paintRows(
  s: Surface,
  input: SortLanesInput,
  L: LanesLayout,
  X: (t: number) => number,
  end: number,
  isLit: ((wk: number) => boolean) | null,
): void {
  const { data: d, order } = input
  const t = d.table
  const { n, laneH, top, left, plotW } = L
  const gap = laneH >= 8 ? 2 : laneH >= 5 ? 1 : 0
  const seg = new Float64Array(30)
  // grouped by state so the screen sets each colour once
  for (let st = 1; st < LANE_STATE_COUNT; st++) {
    for (let lane = 0; lane < n; lane++) {
      const wk = order[lane]
      const k = laneSegments(t, wk, end, seg)
      const y = top + lane * laneH
      const alpha = isLit ? (isLit(wk) ? 1 : 0.25) : 1
      for (let i = 0; i < k; i++) {
        if (seg[i * 3 + 2] !== st) continue
        const x0 = X(seg[i * 3]),
          x1 = X(seg[i * 3 + 1])
        if (x1 < left || x0 > left + plotW) continue
        s.rect(x0, y + gap / 2, Math.max(1, x1 - x0), laneH - gap, STATE_COLORS[st], alpha)
      }
    }
  }
  if (laneH >= 4) {
    for (let lane = 0; lane < n; lane++) {
      const dl = t.deadline[order[lane]]
      if (!(dl === dl)) continue
      const x = X(dl)
      if (x >= left && x <= left + plotW) s.rect(Math.round(x) - 0.5, top + lane * laneH, 1.5, laneH, '#e8ecf3')
    }
  }
  // cancellations are instants: a bright cap so they show at any zoom
  for (let lane = 0; lane < n; lane++) {
    const c = t.cancelled[order[lane]]
    if (c === c) s.rect(X(c) - 3, top + lane * laneH, 3, Math.max(1, laneH - 1), STATE_COLORS[LaneState.Cancelled])
  }
  if (isLit) {
    for (let lane = 0; lane < n; lane++)
      if (isLit(order[lane]))
        s.strokeRect(left + 0.5, top + lane * laneH + 0.5, plotW - 1, Math.max(1, laneH - 1), {
          stroke: THEME.highlight,
        })
  }
}

function paintGutter(s: Surface, input: SortLanesInput, L: LanesLayout, isLit: ((wk: number) => boolean) | null): void {
  const { data: d, order } = input
  const { n, laneH, top, lanesH } = L
  s.rect(0, top, GUTTER - 4, lanesH + 6, GUTTER_BG)
  const text = (lane: number, y: number, fill: string) =>
    s.text(String(d.values[order[lane]]), GUTTER - 10, y, { ...LABEL, fill, align: 'right' })
  if (!L.aggregated && laneH >= 10) {
    for (let lane = 0; lane < n; lane++)
      text(lane, top + lane * laneH + laneH / 2, isLit && isLit(order[lane]) ? THEME.highlight : THEME.muted)
    return
  }
  // a value label every ~36 px
  const every = Math.max(1, Math.ceil((36 / lanesH) * n))
  for (let lane = 0; lane < n; lane += every) text(lane, top + (lane * lanesH) / n + 6, THEME.muted)
  if (isLit)
    for (let lane = 0; lane < n; lane++)
      if (isLit(order[lane]))
        s.rect(GUTTER - 7, top + Math.floor((lane * lanesH) / n), 4, Math.max(1, lanesH / n), THEME.highlight)
}

/** The playhead and, after a run, the dimmed future: DOM overlays on screen, drawn in exports. */
export function paintPlayhead(s: Surface, L: LanesLayout, w: TimeWindow, tNs: number, finished: boolean): void {
  const px = ((tNs - w.t0) / Math.max(1, w.t1 - w.t0)) * L.plotW
  if (!L.n || px > L.plotW) return
  const x = L.left + Math.max(0, px)
  if (finished) s.rect(x, L.top, L.left + L.plotW - x, L.lanesH, 'rgba(17, 19, 24, 0.6)')
  if (px >= 0) s.rect(x - 0.75, L.top - 4, 1.5, L.lanesH + 4, THEME.playhead)
}
