import { useEffect, useRef } from 'react'
import { ChunkState, CombineState, COMBINE_STATE_NAMES, formatTotal } from '../model/sumData'
import { isActive } from '../model/store'
import { THEME } from '../view/colors'
import { useApp, useServices } from '../view/context'
import { registerTopCanvas } from '../view/exportSources'
import { CHUNK_COLORS, CHUNK_TRACK, COMBINE_COLORS } from '../view/sumColors'
import { useCanvas, type CanvasFrame } from '../view/useCanvas'

const COMBINE_W = 230

/**
 * A parallel sum at the playhead's instant: one bar per worker filled to the share of its chunk
 * done (coloured by its state), and the combine step (partials folded, running total, and the
 * exact sum once every partial is in).
 */
export function SumProgressView() {
  const { controller, playhead } = useServices()
  const ui = useApp((s) => ({
    exact: s.result?.experiment === 'parallel-sum' ? s.result.sum : null,
    phase: s.phase,
    threads: s.threads,
    cpus: s.caps?.cpus ?? 0,
  }))
  const uiRef = useRef(ui)
  uiRef.current = ui
  const memo = useRef({ key: '' })

  const canvasRef = useCanvas((f) => {
    const d = controller.data
    const sum = d.sum
    const t = playhead.tNs
    // redraw when what is drawn changes: progress, states and folds at the instant, the size
    let sig = `${d.runId}|${d.version}|${sum.count}|${sum.foldedAt(t)}|${f.width}x${f.height}|${uiRef.current.exact}|${uiRef.current.phase}`
    const end = isActive(uiRef.current.phase) ? d.maxT : d.span()[1]
    const cancelled = uiRef.current.phase === 'cancelled'
    for (let c = 0; c < sum.count && c < 256; c++)
      sig += `|${sum.progressAt(c, t)}:${sum.stateAt(c, t, end, cancelled)}`
    sig += `|${sum.combineStateAt(t, sum.firstStart())}`
    if (sig === memo.current.key && !f.resized) return false
    memo.current.key = sig
    draw(f)
    return false
  })

  useEffect(() => (canvasRef.current ? registerTopCanvas(canvasRef.current) : undefined), [canvasRef])

  function draw({ ctx, width, height }: CanvasFrame) {
    const d = controller.data
    const sum = d.sum
    const { exact, phase } = uiRef.current
    const t = playhead.tNs
    const end = isActive(phase) ? d.maxT : d.span()[1]
    const cancelled = phase === 'cancelled'
    ctx.fillStyle = THEME.bg
    ctx.fillRect(0, 0, width, height)
    const left = 12,
      top = 30,
      bottom = height - 22
    const right = width - COMBINE_W - 12
    const plotW = Math.max(10, right - left),
      plotH = Math.max(10, bottom - top)
    ctx.font = '11px system-ui, sans-serif'
    ctx.textBaseline = 'middle'
    ctx.textAlign = 'left'
    ctx.fillStyle = THEME.muted
    ctx.fillText('CHUNK PROGRESS', left, 13)
    const n = sum.count
    if (!n || d.eventCount === 0) {
      ctx.font = '13px system-ui, sans-serif'
      ctx.fillText(
        isActive(phase)
          ? 'Starting the workers…'
          : 'Press Run: each worker thread sums one chunk of the list, then the partial sums are folded into the total.',
        left,
        top + plotH / 2,
      )
      return
    }
    const { done, total } = sum.totalProgressAt(t)
    const folded = sum.foldedAt(t)
    ctx.fillStyle = THEME.text
    ctx.fillText(
      `${formatTotal(done)} / ${formatTotal(total)} values summed · ${folded} / ${n} partials folded`,
      left + 120,
      13,
    )
    ctx.fillStyle = THEME.grid
    ctx.fillRect(left, bottom, plotW, 1)
    const slotW = plotW / n
    const gap = slotW > 8 ? Math.min(10, slotW * 0.2) : 0
    const labelled = slotW >= 34
    for (let c = 0; c < n; c++) {
      const x = left + c * slotW + gap / 2
      const w = Math.max(1, slotW - gap)
      const len = sum.length[c]
      const share = len > 0 ? Math.min(1, sum.progressAt(c, t) / len) : 0
      const state = sum.stateAt(c, t, end, cancelled)
      ctx.fillStyle = CHUNK_TRACK
      ctx.fillRect(x, top, w, plotH)
      if (state !== ChunkState.Empty) {
        const h = Math.max(share > 0 ? 2 : 0, share * plotH)
        ctx.fillStyle = CHUNK_COLORS[state]
        ctx.fillRect(x, bottom - h, w, h)
      }
      if (labelled) {
        ctx.textAlign = 'center'
        ctx.font = '10.5px ui-monospace, monospace'
        ctx.fillStyle = THEME.muted
        ctx.fillText(`chunk ${c}`, x + w / 2, bottom + 11)
        ctx.fillStyle = share > 0.85 ? '#0d0f13' : THEME.text
        const pct = `${Math.floor(share * 100)}%`
        ctx.fillText(pct, x + w / 2, share > 0.85 ? top + 10 : Math.max(top + 10, bottom - share * plotH - 9))
        if (state === ChunkState.Done || state === ChunkState.Folded) {
          const text = formatTotal(sum.partial[c])
          if (ctx.measureText(text).width < w - 6) {
            ctx.fillStyle = state === ChunkState.Done ? '#2b1d05' : THEME.text
            ctx.fillText(text, x + w / 2, top + plotH / 2)
          }
        }
        ctx.textAlign = 'left'
      }
    }
    drawCombine(ctx, right + 12, top - 4, COMBINE_W - 12, plotH + 8, t, exact)
  }

  function drawCombine(
    ctx: CanvasRenderingContext2D,
    x: number,
    y: number,
    w: number,
    h: number,
    t: number,
    exact: string | null,
  ) {
    const sum = controller.data.sum
    const state = sum.combineStateAt(t, sum.firstStart())
    ctx.fillStyle = '#161920'
    ctx.strokeStyle = state === CombineState.Folding ? COMBINE_COLORS[CombineState.Folding] : '#2a2f3a'
    ctx.beginPath()
    ctx.roundRect(x, y, w, h, 6)
    ctx.fill()
    ctx.stroke()
    ctx.font = '11px system-ui, sans-serif'
    ctx.textAlign = 'left'
    ctx.fillStyle = THEME.muted
    ctx.fillText('COMBINE', x + 10, y + 14)
    ctx.fillStyle =
      state === CombineState.Ready
        ? '#8fe0ae'
        : state === CombineState.Folding
          ? COMBINE_COLORS[CombineState.Folding]
          : THEME.text
    ctx.font = '12px system-ui, sans-serif'
    ctx.fillText(COMBINE_STATE_NAMES[state], x + 10, y + 34)
    const folded = sum.foldedAt(t)
    ctx.fillStyle = THEME.muted
    ctx.font = '11px system-ui, sans-serif'
    ctx.fillText(`${folded} of ${sum.count} partials folded`, x + 10, y + 52)
    if (h < 80) return
    const ready = state === CombineState.Ready
    const totalText = ready && exact !== null ? exact : formatTotal(sum.totalAt(t))
    ctx.fillStyle = THEME.muted
    ctx.fillText(ready ? 'sum' : 'running total', x + 10, y + 74)
    ctx.fillStyle = ready ? '#c9f5da' : THEME.text
    let size = 17
    ctx.font = `600 ${size}px ui-monospace, monospace`
    while (size > 9 && ctx.measureText(totalText).width > w - 20) {
      size--
      ctx.font = `600 ${size}px ui-monospace, monospace`
    }
    ctx.fillText(totalText, x + 10, y + 94)
  }

  return (
    <div className="view vector-view sum-view">
      <canvas ref={canvasRef} role="img" aria-label="Chunk progress and the combine step at the playhead" />
    </div>
  )
}
