import { useEffect, useRef } from 'react'
import { useServices } from './context'

export interface CanvasFrame {
  ctx: CanvasRenderingContext2D
  /** CSS pixels */
  width: number
  height: number
  dpr: number
  now: number
  /** true when the canvas was resized since the last frame */
  resized: boolean
}

/**
 * Binds a canvas to the one rAF loop: keeps its backing store at device pixels, and calls `paint`
 * every frame the loop runs (the painter decides whether anything changed). `paint` returns true
 * to ask for another frame (animations).
 */
export function useCanvas(paint: (f: CanvasFrame) => boolean | void) {
  const { raf } = useServices()
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const paintRef = useRef(paint)
  paintRef.current = paint
  useEffect(() => {
    const canvas = canvasRef.current
    if (!canvas) return
    const ctx = canvas.getContext('2d', { alpha: false })
    if (!ctx) return
    let width = 0,
      height = 0,
      dpr = 1,
      resized = true
    const measure = () => {
      const rect = canvas.getBoundingClientRect()
      const d = globalThis.devicePixelRatio || 1
      const w = Math.max(1, Math.round(rect.width)),
        h = Math.max(1, Math.round(rect.height))
      if (w !== width || h !== height || d !== dpr) {
        width = w
        height = h
        dpr = d
        canvas.width = Math.round(w * d)
        canvas.height = Math.round(h * d)
        resized = true
        raf.schedule()
      }
    }
    const ro = new ResizeObserver(measure)
    ro.observe(canvas)
    measure()
    const off = raf.addCanvasPainter((now) => {
      if (!width) return false
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
      const again = paintRef.current({ ctx, width, height, dpr, now, resized })
      resized = false
      return again
    })
    return () => {
      off()
      ro.disconnect()
    }
  }, [raf])
  return canvasRef
}
