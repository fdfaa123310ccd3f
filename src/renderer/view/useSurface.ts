import { useRef } from 'react'
import { CanvasSurface } from '../paint/canvasSurface'
import { useCanvas, type CanvasFrame } from './useCanvas'

/**
 * A canvas in the rAF loop drawn through the Canvas back-end of the drawing interface: `paint`
 * gets a surface sized to the canvas (CSS px) and returns true to ask for another frame.
 */
export function useSurfaceCanvas(paint: (s: CanvasSurface, f: CanvasFrame) => boolean | void) {
  const surface = useRef<CanvasSurface | null>(null)
  return useCanvas((f) => {
    let s = surface.current
    if (!s || s.ctx !== f.ctx) s = surface.current = new CanvasSurface(f.ctx, f.width, f.height, f.dpr)
    else s.reset(f.width, f.height, f.dpr)
    return paint(s, f)
  })
}
