import { useEffect, useRef } from 'react'
import { DROP_MS, MUTEX_KEEP, paintSortVector } from '../paint/sortVector'
import type { Raster } from '../paint/surface'
import { useApp, useServices } from '../view/context'
import { focusKey } from '../view/focus'
import { registerTopCanvas } from '../view/exportSources'
import { useSurfaceCanvas } from '../view/useSurface'
import { SumProgressView } from './SumProgressView'

/** below this many threads new bars drop in */
const SMALL = 200

/** The top view: the shared vector of a sleep sort, or the chunk progress of a parallel sum. */
export function VectorView() {
  const experiment = useApp((s) => s.request?.experiment ?? s.experiment)
  return experiment === 'parallel-sum' ? <SumProgressView /> : <SortVectorView />
}

/**
 * The shared vector and the mutex at the playhead's instant (paint/sortVector.ts), redrawn when
 * what it shows changes, with a short drop-in animation for each new bar of a small run.
 */
function SortVectorView() {
  const { controller, playhead, store } = useServices()
  const memo = useRef({
    key: '',
    runId: -2,
    appeared: new Float64Array(0),
    lastFilled: 0,
    raster: { cols: 0, rows: 0, pixels: new Uint32Array(0), version: 0 } as Raster,
  })

  const canvasRef = useSurfaceCanvas((s, f) => {
    const d = controller.data
    const m = memo.current
    const filled = d.threads ? d.filledAt(playhead.tNs) : 0
    // redraw only when what is drawn changes: slots filled, the mutex, the size
    const mu = d.mutexAt(playhead.tNs, MUTEX_KEEP)
    const focus = store.getState().focusWorkers
    const key = `${d.runId}|${d.version}|${filled}|${mu.holder}|${mu.waiting}|${mu.waiters.join(',')}|${f.width}x${f.height}|${focusKey(focus)}`
    // drop-in animation bookkeeping (wall clock)
    if (m.runId !== d.runId || m.appeared.length !== d.threads) {
      m.runId = d.runId
      m.appeared = new Float64Array(d.threads)
      m.lastFilled = 0
    }
    if (filled > m.lastFilled) {
      // one or a few new bars drop in; a jump (scrub, big batch) appears at once
      const stamp = filled - m.lastFilled > 40 ? f.now - DROP_MS : f.now
      for (let k = m.lastFilled; k < filled; k++) m.appeared[k] = stamp
    }
    m.lastFilled = filled
    const animating = d.threads < SMALL && filled > 0 && f.now - m.appeared[filled - 1] < DROP_MS
    if (key === m.key && !animating && !f.resized) return false
    m.key = key
    paintSortVector(s, {
      data: d,
      tNs: playhead.tNs,
      drop: { appeared: m.appeared, now: f.now },
      raster: m.raster,
      focus,
      mutex: mu,
    })
    return animating
  })

  useEffect(() => (canvasRef.current ? registerTopCanvas(canvasRef.current) : undefined), [canvasRef])

  return (
    <div className="view vector-view">
      <canvas ref={canvasRef} role="img" aria-label="Shared vector and mutex at the playhead" />
    </div>
  )
}
