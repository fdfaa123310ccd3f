import { useEffect, useRef, type ReactNode } from 'react'
import { ZOOM_STEP } from '../model/timeline'
import type { Plot } from '../paint/axis'
import type { CanvasSurface } from '../paint/canvasSurface'
import { useServices } from '../view/context'
import { bindTimeline, placeTooltip } from '../view/timelineInput'
import type { CanvasFrame } from '../view/useCanvas'
import { useSurfaceCanvas } from '../view/useSurface'

export interface TimelineCanvasProps {
  ariaLabel: string
  className?: string
  /** draws a frame when something changed; returns true to ask for another frame */
  paint(s: CanvasSurface, f: CanvasFrame): boolean | void
  /** the plot's horizontal extent, CSS px */
  plot(): Plot
  /** the tooltip's lines for the pointer at (x, y) over instant t, or null for none */
  tooltip(x: number, y: number, t: number): string[] | null
  /** a click without drag at instant t */
  onClick?(t: number): void
  /** the canvas once mounted (the exports read its size); returns a disposer */
  onCanvas?(canvas: HTMLCanvasElement): () => void
  /** overlays drawn by the page above the canvas */
  children?: ReactNode
}

/**
 * A canvas on the run's shared timeline: the window, wheel / drag / keys and the tooltip are the
 * timeline's, the picture is the caller's painter. Every timeline view is one of these.
 */
export function TimelineCanvas(props: TimelineCanvasProps) {
  const { timeline, raf } = useServices()
  const propsRef = useRef(props)
  propsRef.current = props
  const tooltipRef = useRef<HTMLDivElement>(null)
  const canvasRef = useSurfaceCanvas((s, f) => propsRef.current.paint(s, f))

  // a change of the shared window (from this view or another) repaints
  useEffect(() => timeline.subscribe(() => raf.schedule()), [timeline, raf])

  useEffect(() => {
    const canvas = canvasRef.current
    if (!canvas) return
    const p = () => propsRef.current
    const off = bindTimeline(canvas, timeline, {
      plot: () => p().plot(),
      onClick: (t) => p().onClick?.(t),
      onHover: (at) => {
        const tip = tooltipRef.current
        if (!tip) return
        const plot = p().plot()
        const lines =
          at && at.x >= plot.left ? p().tooltip(at.x, at.y, timeline.at((at.x - plot.left) / plot.width)) : null
        const r = canvas.getBoundingClientRect()
        placeTooltip(tip, at ?? { x: 0, y: 0 }, r, lines)
      },
    })
    const unregister = p().onCanvas?.(canvas)
    return () => {
      off()
      unregister?.()
    }
  }, [canvasRef, timeline])

  return (
    <div className={props.className ?? 'lanes-canvas-wrap'}>
      <canvas ref={canvasRef} tabIndex={0} role="img" aria-label={props.ariaLabel} />
      {props.children}
      <div ref={tooltipRef} className="tooltip" hidden role="tooltip" />
    </div>
  )
}

/** The + − Fit buttons of a timeline toolbar (they act on the shared window). */
export function TimelineZoomButtons({ inLabel, outLabel }: { inLabel: string; outLabel: string }) {
  const { timeline } = useServices()
  return (
    <>
      <button type="button" onClick={() => timeline.zoom(ZOOM_STEP)} aria-label={inLabel} title="Zoom in (+)">
        +
      </button>
      <button type="button" onClick={() => timeline.zoom(1 / ZOOM_STEP)} aria-label={outLabel} title="Zoom out (−)">
        −
      </button>
      <button type="button" onClick={() => timeline.fit()} title="Fit the whole run (0)">
        Fit
      </button>
    </>
  )
}
