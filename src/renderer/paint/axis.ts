/**
 * The time axis every timeline track shares: the plot's horizontal extent, time ↔ x, and the axis
 * band with its ticks, grid lines and widened labels. Lanes, lock view and exports all draw it here.
 */
import { axisTicks, type TimeWindow } from '../model/timeAxis'
import { THEME } from '../view/colors'
import { textWidth, type Surface } from './surface'

export const AXIS_H = 22
/** the label column left of every timeline */
export const GUTTER = 58
export const GUTTER_BG = '#14171d'
export const LABEL = { size: 10.5, mono: true } as const

/** The plot's horizontal extent in a canvas `width` px wide. */
export interface Plot {
  left: number
  width: number
}

export function plotOf(width: number): Plot {
  return { left: GUTTER, width: Math.max(10, width - GUTTER - 10) }
}

/** x of instant t. */
export function xOf(w: TimeWindow, plot: Plot): (t: number) => number {
  const scale = plot.width / Math.max(1, w.t1 - w.t0)
  return (t) => plot.left + (t - w.t0) * scale
}

/** The instant under x (CSS px from the canvas' left edge). */
export function timeAtX(w: TimeWindow, plot: Plot, x: number): number {
  return w.t0 + ((x - plot.left) / plot.width) * (w.t1 - w.t0)
}

/** The axis band, grid lines down to `bottom`, and the track's title in the gutter. */
export function paintAxis(
  s: Surface,
  w: TimeWindow,
  plot: Plot,
  bottom: number,
  title: string,
  withTicks: boolean,
): void {
  const right = plot.left + plot.width + 10
  s.rect(0, 0, right, AXIS_H, GUTTER_BG)
  const X = xOf(w, plot)
  for (const { t, label } of withTicks ? axisTicks(w, plot.width) : []) {
    const x = Math.round(X(t))
    s.rect(x, AXIS_H, 1, bottom - AXIS_H, THEME.grid)
    s.rect(x, AXIS_H - 5, 1, 5, THEME.axis)
    if (X(t) + 3 + textWidth(label, LABEL.size, true) < right - 2)
      s.text(label, X(t) + 3, AXIS_H / 2 - 1, { ...LABEL, fill: THEME.axis })
  }
  s.text(title, 8, AXIS_H / 2 - 1, { ...LABEL, fill: THEME.muted })
  s.rect(0, AXIS_H - 1, right, 1, '#2a2f3a')
}

/** A muted one-line message where a track has nothing to draw yet. */
export function paintNote(s: Surface, text: string, x: number, y: number): void {
  s.text(text, x, y, { size: 13, fill: THEME.muted })
}
