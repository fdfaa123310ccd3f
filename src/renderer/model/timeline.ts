/**
 * The time window of a run, shared by every view that shows it (thread lanes, lock view, exports):
 * zooming the lanes zooms the lock view to the same window. It fits the run until the user zooms
 * or pans, and fits again when a new run arrives. Pure: the views bind input and repaint on change.
 */
import { clampWindow, fitWindow, pan, zoom, ZOOM_FLOOR_NS, type TimeWindow } from './timeAxis'

/** one + or − step */
export const ZOOM_STEP = 0.7

export class Timeline {
  window: TimeWindow = { t0: 0, t1: 1 }
  /** true while the window follows the run's whole extent */
  fitted = true
  /** changes whenever the window does, for the painters' redraw keys */
  version = 0
  private runId = Number.NaN
  private lo = 0
  private hi = 1
  private readonly listeners = new Set<() => void>()

  /**
   * The run on screen and its extent, ns. A new run fits; a fitted window follows a growing run.
   * Returns the window to draw.
   */
  bound(runId: number, lo: number, hi: number): TimeWindow {
    if (runId !== this.runId) {
      this.runId = runId
      this.fitted = true
    }
    this.lo = lo
    this.hi = hi
    if (this.fitted) this.apply(fitWindow(lo, hi))
    return this.window
  }

  /** Shows `w` (kept inside the run, never narrower than the zoom floor). */
  show(w: TimeWindow): void {
    this.fitted = false
    const span = Math.max(ZOOM_FLOOR_NS, w.t1 - w.t0)
    this.apply(clampWindow({ t0: w.t0, t1: w.t0 + span }, this.lo, this.hi))
    this.emit()
  }

  /** factor < 1 zooms in, keeping the instant at `anchor` (0..1 across) in place */
  zoom(factor: number, anchor = 0.5): void {
    this.show(zoom(this.window, factor, anchor, ZOOM_FLOOR_NS))
  }

  /** moves by `fraction` of the window (negative: earlier) */
  pan(fraction: number, from: TimeWindow = this.window): void {
    this.show(pan(from, fraction))
  }

  fit(): void {
    this.fitted = true
    this.apply(fitWindow(this.lo, this.hi))
    this.emit()
  }

  /** The instant at `fraction` (0..1) across the window. */
  at(fraction: number): number {
    return this.window.t0 + fraction * (this.window.t1 - this.window.t0)
  }

  /** Calls `fn` after every user change of the window; returns the disposer. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  private apply(w: TimeWindow): void {
    if (w.t0 === this.window.t0 && w.t1 === this.window.t1) return
    this.window = w
    this.version++
  }

  private emit(): void {
    for (const fn of this.listeners) fn()
  }
}
