/**
 * The mutex over time: a holder track (coloured by the holder's value, labels and out-of-turn
 * notches when zoomed in, the dominant holder per pixel column when zoomed out), handoff arrows
 * from each release to the next acquire, and the queue of waiting threads (a row per waiter when
 * they fit, else the depth per pixel column), with the playhead.
 */
import {
  depthColumns,
  grantsIn,
  holderColumns,
  type DepthColumns,
  type HolderColumns,
  type LockModel,
} from '../model/lock'
import { LaneState } from '../model/lanes'
import type { RunData } from '../model/runData'
import { isActive, type Phase } from '../model/store'
import type { TimeWindow } from '../model/timeAxis'
import { STATE_COLORS, THEME, valueCss } from '../view/colors'
import { AXIS_H, GUTTER, LABEL, paintAxis, paintNote, plotOf, xOf } from './axis'
import { textWidth, type PathCommand, type Surface } from './surface'

const LANE_TOP = AXIS_H + 16
const LANE_H = 26
const ARROW_H = 16
/** a wait row in detail mode, CSS px */
const ROW_H = 9
const WAIT_COLOR = STATE_COLORS[LaneState.Waiting]
const SMALL = { size: 10.5 } as const

export interface LockTracksInput {
  model: LockModel | null
  data: RunData
  phase: Phase
  playheadNs: number
  /** the current moment's threads, outlined */
  focus?: ReadonlySet<number> | null
  /** per-column buffers kept between frames on screen */
  columns?: { holders?: HolderColumns; depth?: DepthColumns }
}

export interface LockLayout {
  left: number
  plotW: number
  depthTop: number
  depthH: number
}

export function lockLayout(width: number, height: number): LockLayout {
  const plot = plotOf(width)
  const depthTop = LANE_TOP + LANE_H + ARROW_H + 6
  return { left: plot.left, plotW: plot.width, depthTop, depthH: Math.max(20, height - depthTop - 8) }
}

export function paintLockTracks(s: Surface, input: LockTracksInput, w: TimeWindow): LockLayout {
  const { model: lm, data: d, phase } = input
  const L = lockLayout(s.width, s.height)
  const { left, plotW, depthTop } = L
  const plot = { left, width: plotW }
  const X = xOf(w, plot)
  s.rect(0, 0, s.width, s.height, THEME.bg)
  paintAxis(s, w, plot, s.height, 'LOCK', !!lm && lm.count > 0)
  s.text('HOLDER', GUTTER - 8, LANE_TOP + LANE_H / 2, { ...LABEL, fill: THEME.muted, align: 'right' })
  s.text('QUEUE', GUTTER - 8, depthTop + 8, { ...LABEL, fill: THEME.muted, align: 'right' })
  if (!lm || lm.count === 0) {
    paintNote(
      s,
      d.threads === 0 && !isActive(phase)
        ? 'The lock view shows the shared mutex of a sleep-sort run: run one first.'
        : isActive(phase)
          ? 'Waiting for the first lock acquisition…'
          : 'No thread took the lock in this run.',
      left,
      LANE_TOP + LANE_H / 2,
    )
    return L
  }
  s.push(0, 0, [left, AXIS_H, plotW, s.height - AXIS_H])
  s.rect(left, LANE_TOP, plotW, LANE_H, '#171a21')
  const [g0, g1] = grantsIn(lm, w.t0, w.t1)
  const span = Math.max(1, d.valMax - d.valMin)
  const colorOf = (grant: number) => valueCss((d.values[lm.worker[grant]] - d.valMin) / span)
  const cols = Math.max(1, Math.floor(plotW))
  const columns = input.columns ?? {}
  if (g1 - g0 > plotW / 4) {
    // aggregated: per pixel column, the dominant holder's colour, as tall as the busy share
    const h = (columns.holders = holderColumns(lm, w.t0, w.t1, cols, columns.holders))
    for (let c = 0; c < cols; c++) {
      const g = h.dominant[c]
      if (g < 0) continue
      const bh = Math.max(2, h.busy[c] * LANE_H)
      s.rect(left + c, LANE_TOP + LANE_H - bh, 1, bh, colorOf(g))
    }
    s.text(`${(g1 - g0).toLocaleString()} grants in view: zoom in for holders and handoffs`, left + 4, LANE_TOP - 8, {
      ...SMALL,
      fill: THEME.muted,
    })
  } else paintGrants({ s, input, lm, w, X, L, g0, g1, colorOf })
  paintQueue({ s, input, lm, w, X, L, g0, g1, colorOf })
  const px = X(input.playheadNs)
  if (d.finished && px >= left && px <= left + plotW)
    s.rect(Math.round(px) - 0.5, AXIS_H, 1.5, s.height - AXIS_H, THEME.playhead)
  s.pop()
  return L
}

/** What the holder and queue tracks share: the model, the window and the grants in view. */
interface LockFrame {
  s: Surface
  input: LockTracksInput
  lm: LockModel
  w: TimeWindow
  X: (t: number) => number
  L: LockLayout
  /** grants in view: [g0, g1) */
  g0: number
  g1: number
  colorOf: (g: number) => string
}

/** Zoomed in: each grant as a segment with its holder's value, notches, and handoff arrows. */
function paintGrants({ s, input, lm, X, L, g0, g1, colorOf }: LockFrame): void {
  const d = input.data
  const mid = LANE_TOP + LANE_H / 2
  for (let g = g0; g < g1; g++) {
    const x0 = X(lm.acquired[g]),
      x1 = X(lm.released[g])
    const wpx = Math.max(2, x1 - x0)
    s.rect(x0, LANE_TOP, wpx, LANE_H, colorOf(g))
    // a thread of the current moment
    if (input.focus?.has(lm.worker[g]))
      s.strokeRect(x0 - 1, LANE_TOP - 1, wpx + 2, LANE_H + 2, { stroke: THEME.highlight, width: 2 })
    // the holder's value: inside a wide segment, else beside a thin one when there is room
    const label = String(d.values[lm.worker[g]])
    const lw = textWidth(label, LABEL.size, true)
    const room = (g + 1 < lm.count ? X(lm.acquired[g + 1]) : L.left + L.plotW) - x0
    if (wpx >= lw + 6) s.text(label, x0 + 3, mid, { ...LABEL, fill: '#0b0d11' })
    else if (room >= wpx + lw + 6) s.text(label, x0 + wpx + 3, mid, { ...LABEL, fill: THEME.text })
    // out of turn: a red notch above the segment
    if (lm.outOfTurn[g]) {
      const c = x0 + wpx / 2
      s.path([['M', c - 4, LANE_TOP - 7], ['L', c + 4, LANE_TOP - 7], ['L', c, LANE_TOP - 1], ['Z']], {
        fill: THEME.bad,
      })
    }
  }
  // arrows from each release to the next acquire (a thread was waiting: a handoff)
  const yb = LANE_TOP + LANE_H
  const arrow = { stroke: '#e8ecf3', width: 1.2 }
  for (let g = Math.max(1, g0); g < g1; g++) {
    if (!lm.handoff[g]) continue
    const xr = X(lm.released[g - 1]),
      xa = X(lm.acquired[g])
    if (xa - xr < 3) {
      s.rect(xr, yb + 2, Math.max(1, xa - xr), 2, '#e8ecf3')
      continue
    }
    const dip = Math.min(ARROW_H - 2, 4 + (xa - xr) / 6)
    s.path(
      [
        ['M', xr, yb + 1],
        ['Q', (xr + xa) / 2, yb + 1 + dip * 2, xa, yb + 1],
      ],
      arrow,
    )
    const head: PathCommand[] = [['M', xa, yb + 1], ['L', xa - 5, yb + 4], ['L', xa - 2, yb + 7], ['Z']]
    s.path(head, { fill: '#e8ecf3' })
  }
}

/** The waiting threads: one row each when they fit, else the queue depth per pixel column. */
function paintQueue({ s, input, lm, w, X, L, g0, g1, colorOf }: LockFrame): void {
  const { left, plotW, depthTop: top, depthH: h } = L
  const columns = input.columns ?? {}
  const { t0, t1 } = w
  const cols = Math.max(1, Math.floor(plotW))
  const dc = (columns.depth = depthColumns(lm, t0, t1, cols, columns.depth))
  let peak = 0
  for (let c = 0; c < cols; c++) if (dc.max[c] > peak) peak = dc.max[c]
  s.rect(left, top, plotW, h, '#14171d')
  const note = (text: string, y: number) => s.text(text, left + 4, y, { ...LABEL, fill: THEME.muted, baseline: 'top' })
  if (peak > 0 && peak * ROW_H <= h - 16 && g1 - g0 <= plotW / 6) {
    // detail: waits of the grants in view as bars, rows assigned first-free (the queue's width)
    const rowEnd: number[] = []
    const order: number[] = []
    for (let g = 0; g < lm.count; g++) if (lm.acquired[g] >= t0 && lm.arrival[g] <= t1) order.push(g)
    order.sort((a, b) => lm.arrival[a] - lm.arrival[b] || a - b)
    note(`${peak.toLocaleString()} waiting at most · a row per waiting thread`, top + h - 14)
    for (const g of order) {
      const a = lm.arrival[g],
        q = lm.acquired[g]
      let row = rowEnd.findIndex((e) => e <= a)
      if (row < 0) {
        row = rowEnd.length
        rowEnd.push(q)
      } else rowEnd[row] = q
      const y = top + 2 + row * ROW_H
      const x0 = X(a),
        x1 = X(q)
      s.rect(x0, y, Math.max(1.5, x1 - x0), ROW_H - 3, WAIT_COLOR)
      s.rect(x1 - 1, y - 1, 2, ROW_H - 1, colorOf(g))
      const label = String(input.data.values[lm.worker[g]])
      if (x1 - x0 > textWidth(label, 9.5, true) + 6)
        s.text(label, x0 + 2, y + (ROW_H - 3) / 2, { size: 9.5, mono: true, fill: '#fff' })
    }
    return
  }
  // aggregated: the most threads waiting in each column (area), and the mean (line); a scale of
  // at least 4 threads, so a queue of one does not fill the area like a crowd
  const scaleY = (h - 14) / Math.max(4, peak)
  for (let c = 0; c < cols; c++) {
    const v = dc.max[c]
    if (!v) continue
    const bh = Math.max(1, v * scaleY)
    s.rect(left + c, top + h - bh, 1, bh, 'rgba(224,75,75,0.45)')
  }
  for (let c = 0; c < cols; c++) {
    const v = dc.mean[c]
    if (v <= 0) continue
    const bh = Math.max(1, v * scaleY)
    s.rect(left + c, top + h - bh, 1, Math.min(bh, 2), WAIT_COLOR)
  }
  note(
    peak > 0
      ? `${peak.toLocaleString()} waiting at most (per pixel: max shaded, mean line)`
      : 'nobody waited in this span',
    top + 2,
  )
}
