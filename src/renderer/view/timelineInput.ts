/**
 * Input on a timeline canvas, written once for every timeline view: wheel zooms at the pointer
 * (horizontal or shift+wheel pans), drag pans, a click without drag seeks, + − ← → 0 Home zoom,
 * pan and fit from the keyboard, double-click fits; hover reports the pointer for the tooltip.
 */
import type { Timeline } from '../model/timeline'
import { ZOOM_STEP } from '../model/timeline'
import type { Plot } from '../paint/axis'
import { listen } from './listen'

export interface TimelineHooks {
  /** the plot's extent in CSS px of the canvas (it depends on the canvas' size) */
  plot(): Plot
  /** a click that did not drag, at instant t */
  onClick?(t: number): void
  /** the pointer at (x, y) CSS px in the canvas, or null when it left */
  onHover(at: { x: number; y: number } | null): void
}

/** Binds the canvas to the timeline; returns the disposer. */
export function bindTimeline(canvas: HTMLCanvasElement, timeline: Timeline, hooks: TimelineHooks): () => void {
  const local = (e: MouseEvent) => {
    const r = canvas.getBoundingClientRect()
    return { x: e.clientX - r.left, y: e.clientY - r.top }
  }
  const fraction = (x: number) => {
    const p = hooks.plot()
    return (x - p.left) / p.width
  }
  const onWheel = (e: WheelEvent) => {
    e.preventDefault()
    if (Math.abs(e.deltaX) > Math.abs(e.deltaY) || e.shiftKey)
      timeline.pan((e.shiftKey ? e.deltaY : e.deltaX) / hooks.plot().width)
    else timeline.zoom(Math.exp(e.deltaY * 0.0015), Math.min(1, Math.max(0, fraction(local(e).x))))
  }
  let drag: { x: number; from: typeof timeline.window; moved: boolean } | null = null
  const onDown = (e: PointerEvent) => {
    if (e.button !== 0) return
    canvas.setPointerCapture(e.pointerId)
    drag = { x: e.clientX, from: { ...timeline.window }, moved: false }
  }
  const onMove = (e: PointerEvent) => {
    if (drag) {
      const dx = e.clientX - drag.x
      if (Math.abs(dx) > 3) drag.moved = true
      if (drag.moved) timeline.pan(-dx / hooks.plot().width, drag.from)
    }
    hooks.onHover(local(e))
  }
  const onUp = (e: PointerEvent) => {
    if (drag && !drag.moved && hooks.onClick) {
      const { x } = local(e)
      if (x >= hooks.plot().left) hooks.onClick(timeline.at(fraction(x)))
    }
    drag = null
  }
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return
    const k = e.key
    if (k === '+' || k === '=') timeline.zoom(ZOOM_STEP)
    else if (k === '-' || k === '_') timeline.zoom(1 / ZOOM_STEP)
    else if (k === 'ArrowLeft') timeline.pan(-0.1)
    else if (k === 'ArrowRight') timeline.pan(0.1)
    else if (k === '0' || k === 'Home') timeline.fit()
    else return
    e.preventDefault()
    e.stopPropagation()
  }
  // passive: false so the wheel handler may preventDefault (zoom instead of scrolling the page)
  return listen(
    canvas,
    {
      wheel: onWheel,
      pointerdown: onDown,
      pointermove: onMove,
      pointerup: onUp,
      pointerleave: () => hooks.onHover(null),
      keydown: onKey,
      dblclick: () => timeline.fit(),
    },
    { passive: false },
  )
}

/** Shows `lines` in the tooltip next to (x, y), kept inside a box `width` × `height`; null hides it. */
export function placeTooltip(
  tip: HTMLElement,
  at: { x: number; y: number },
  box: { width: number; height: number },
  lines: string[] | null,
): void {
  if (!lines || !lines.length) {
    tip.hidden = true
    return
  }
  tip.textContent = lines.join('\n')
  tip.hidden = false
  tip.style.left = `${Math.min(box.width - tip.offsetWidth - 4, at.x + 14)}px`
  tip.style.top = `${Math.min(box.height - tip.offsetHeight - 4, at.y + 14)}px`
}
