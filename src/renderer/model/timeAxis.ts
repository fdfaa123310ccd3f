/** Time-axis helpers (pure): nice tick steps, labels, zoom and pan of a [t0, t1] window in ns. */
import { formatNs } from './playback'

/** The narrowest window any timeline zooms to, ns (the lanes, the lock view and the exports alike). */
export const ZOOM_FLOOR_NS = 100

export interface TimeWindow {
  t0: number
  t1: number
}

/** A 1-2-5 step giving about `target` ticks across the window. */
export function niceStep(span: number, target: number): number {
  const raw = span / Math.max(1, target)
  const p = Math.pow(10, Math.floor(Math.log10(raw)))
  const m = raw / p
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p
}

export function ticks(w: TimeWindow, target: number): number[] {
  const step = niceStep(w.t1 - w.t0, target)
  const out: number[] = []
  for (let t = Math.ceil(w.t0 / step) * step; t <= w.t1 && out.length < 1000; t += step) out.push(t === 0 ? 0 : t)
  return out
}

export interface AxisTick {
  t: number
  label: string
}

/**
 * The ticks of an axis `plotW` px wide, about one per 110 px, labelled with enough significant digits
 * that neighbours differ even when zoomed in far from 0 (a 1 µs step near 2 s needs 7 digits).
 */
export function axisTicks(w: TimeWindow, plotW: number): AxisTick[] {
  const ts = ticks(w, Math.max(2, Math.floor(plotW / 110)))
  const step = ts.length > 1 ? ts[1] - ts[0] : 1
  const digits = Math.min(
    15,
    Math.max(4, Math.ceil(Math.log10(Math.max(Math.abs(w.t0), Math.abs(w.t1), 1) / step)) + 1),
  )
  return ts.map((t) => ({ t, label: t === 0 ? '0' : formatNs(t, digits) }))
}

/** Zooms by `factor` (< 1 zooms in) keeping the instant at `anchor` (0..1 across) in place. */
export function zoom(w: TimeWindow, factor: number, anchor: number, minSpan = ZOOM_FLOOR_NS): TimeWindow {
  const span = Math.max(minSpan, (w.t1 - w.t0) * factor)
  const at = w.t0 + (w.t1 - w.t0) * anchor
  return { t0: at - span * anchor, t1: at - span * anchor + span }
}

export function pan(w: TimeWindow, fraction: number): TimeWindow {
  const d = (w.t1 - w.t0) * fraction
  return { t0: w.t0 + d, t1: w.t1 + d }
}

/** Keeps a window inside [lo, hi] (padding allowed) without changing its span when possible. */
export function clampWindow(w: TimeWindow, lo: number, hi: number): TimeWindow {
  const span = w.t1 - w.t0
  const pad = (hi - lo) * 0.05
  if (span >= hi - lo + 2 * pad) return { t0: lo - pad, t1: hi + pad }
  let t0 = w.t0
  if (t0 < lo - pad) t0 = lo - pad
  if (t0 + span > hi + pad) t0 = hi + pad - span
  return { t0, t1: t0 + span }
}

export function fitWindow(lo: number, hi: number): TimeWindow {
  const pad = (hi - lo) * 0.02
  return { t0: lo - pad, t1: hi + pad }
}
