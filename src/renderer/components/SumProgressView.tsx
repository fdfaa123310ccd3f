import { useEffect, useRef } from 'react'
import { isActive } from '../model/store'
import { paintSumProgress } from '../paint/sumProgress'
import { useApp, useServices } from '../view/context'
import { registerTopCanvas } from '../view/exportSources'
import { useSurfaceCanvas } from '../view/useSurface'

/**
 * A parallel sum at the playhead's instant (paint/sumProgress.ts): the workers' chunk progress and
 * the combine step, redrawn when what it shows changes.
 */
export function SumProgressView() {
  const { controller, playhead } = useServices()
  const ui = useApp((s) => ({
    exact: s.result?.experiment === 'parallel-sum' ? s.result.sum : null,
    phase: s.phase,
  }))
  const uiRef = useRef(ui)
  uiRef.current = ui
  const memo = useRef({ key: '' })

  const canvasRef = useSurfaceCanvas((s, f) => {
    const d = controller.data
    const sum = d.sum
    const t = playhead.tNs
    const { exact, phase } = uiRef.current
    // redraw when what is drawn changes: progress, states and folds at the instant, the size
    let sig = `${d.runId}|${d.version}|${sum.count}|${sum.foldedAt(t)}|${f.width}x${f.height}|${exact}|${phase}`
    const end = isActive(phase) ? d.maxT : d.span()[1]
    const cancelled = phase === 'cancelled'
    for (let c = 0; c < sum.count && c < 256; c++)
      sig += `|${sum.progressAt(c, t)}:${sum.stateAt(c, t, end, cancelled)}`
    sig += `|${sum.combineStateAt(t, sum.firstStart())}`
    if (sig === memo.current.key && !f.resized) return false
    memo.current.key = sig
    paintSumProgress(s, { data: d, tNs: t, phase, exact })
    return false
  })

  useEffect(() => (canvasRef.current ? registerTopCanvas(canvasRef.current) : undefined), [canvasRef])

  return (
    <div className="view vector-view sum-view">
      <canvas ref={canvasRef} role="img" aria-label="Chunk progress and the combine step at the playhead" />
    </div>
  )
}
