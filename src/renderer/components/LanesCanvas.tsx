import { useEffect, useRef, type RefObject } from 'react'
import { isActive } from '../model/store'
import type { LanesLayout } from '../paint/sortLanes'
import { useApp, useServices } from '../view/context'
import { registerLanes } from '../view/exportSources'
import { seek } from '../view/playbackActions'
import { TimelineCanvas, type TimelineCanvasProps } from './TimelineCanvas'

/**
 * The lanes of a run (threads of a sort, workers of a sum) on the shared timeline: a click moves
 * the playhead, the playhead is a DOM overlay, and the exports read this canvas' size and order.
 */
export function LanesCanvas(
  props: Pick<TimelineCanvasProps, 'ariaLabel' | 'paint' | 'tooltip'> & {
    layout: RefObject<LanesLayout>
    order(): Uint32Array
  },
) {
  const services = useServices()
  const { timeline } = services
  const { layout, order } = props
  return (
    <TimelineCanvas
      ariaLabel={props.ariaLabel}
      paint={props.paint}
      plot={() => ({ left: layout.current.left, width: layout.current.plotW })}
      tooltip={props.tooltip}
      onClick={(t) => seek(services, t)}
      onCanvas={(canvas) =>
        registerLanes({ canvas, order, window: () => timeline.window, layout: () => layout.current })
      }
    >
      <PlayheadOverlay layout={layout} />
    </TimelineCanvas>
  )
}

/**
 * The lanes' playhead line and dimmed future as DOM overlays moved by transform every frame, so a
 * replay does not repaint the lanes canvas (exports draw the same marks with paintPlayhead).
 */
function PlayheadOverlay({ layout }: { layout: RefObject<LanesLayout> }) {
  const { raf, controller, playhead, timeline } = useServices()
  const phase = useApp((s) => s.phase)
  const phaseRef = useRef(phase)
  phaseRef.current = phase
  const overlayRef = useRef<HTMLDivElement>(null)
  const lineRef = useRef<HTMLDivElement>(null)
  const futureRef = useRef<HTMLDivElement>(null)
  useEffect(() => {
    let last = ''
    let lastGeometry = ''
    return raf.addPainter(() => {
      const L = layout.current
      const d = controller.data
      const overlay = overlayRef.current,
        line = lineRef.current,
        future = futureRef.current
      if (!overlay || !line || !future || !L) return false
      const live = isActive(phaseRef.current)
      const w = timeline.window
      const px = ((playhead.tNs - w.t0) / Math.max(1, w.t1 - w.t0)) * L.plotW
      const show = L.n > 0 && d.eventCount > 0
      const key = `${px.toFixed(2)}|${L.left}|${L.top}|${L.plotW}|${L.lanesH}|${show}|${live}|${d.finished}`
      if (key === last) return false
      last = key
      const geometry = `${L.left}|${L.top}|${L.plotW}|${L.lanesH}`
      if (geometry !== lastGeometry) {
        lastGeometry = geometry
        overlay.style.left = `${L.left}px`
        overlay.style.top = `${L.top - 8}px`
        overlay.style.width = `${L.plotW}px`
        overlay.style.height = `${L.lanesH + 8}px`
      }
      line.style.display = show && px >= 0 && px <= L.plotW ? 'block' : 'none'
      line.style.transform = `translateX(${px}px)`
      future.style.display = show && !live && d.finished && px < L.plotW ? 'block' : 'none'
      future.style.transform = `translateX(${Math.max(0, px)}px)`
      return false
    })
  }, [raf, controller, playhead, timeline, layout])
  return (
    <div ref={overlayRef} className="lanes-overlay" aria-hidden="true">
      <div ref={futureRef} className="future" />
      <div ref={lineRef} className="playhead-line" />
    </div>
  )
}
