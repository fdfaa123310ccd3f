import { useEffect, useRef } from 'react'
import { mutexAt, type MutexState } from '../model/mutex'
import { valueCss, valueRgb, THEME } from '../view/colors'
import { useApp, useServices } from '../view/context'
import { focusKey } from '../view/focus'
import { registerTopCanvas } from '../view/exportSources'
import { useCanvas, type CanvasFrame } from '../view/useCanvas'
import { SumProgressView } from './SumProgressView'

const SMALL = 200
const DROP_MS = 220
const MUTEX_W = 210

/** The top view: the shared vector of a sleep sort, or the chunk progress of a parallel sum. */
export function VectorView() {
  const experiment = useApp((s) => s.request?.experiment ?? s.experiment)
  return experiment === 'parallel-sum' ? <SumProgressView /> : <SortVectorView />
}

/**
 * The shared vector at the playhead's instant: one bar per slot in push order (height and colour by
 * value), bars that arrived after a larger value marked red, and the mutex (holder and waiters).
 * Canvas for every size; N ≥ 200 is drawn per pixel column into an ImageData.
 */
function SortVectorView() {
  const { controller, playhead, store } = useServices()
  const memo = useRef({
    key: '',
    runId: -2,
    dataVersion: -1,
    appeared: new Float64Array(0),
    lastFilled: 0,
    image: null as ImageData | null,
    col: new Uint8Array(3),
  })

  const canvasRef = useCanvas((f) => {
    const d = controller.data
    const m = memo.current
    const filled = d.threads ? d.filledAt(playhead.tNs) : 0
    // redraw only when what is drawn changes: slots filled, the mutex, the size
    const mu = mutexAt(d.table, playhead.tNs, 6)
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
    draw(f, filled, mu, focus)
    return animating
  })

  function draw(
    { ctx, width, height, dpr, now }: CanvasFrame,
    filled: number,
    mu: MutexState,
    focus: ReadonlySet<number> | null,
  ) {
    const d = controller.data
    const m = memo.current
    ctx.fillStyle = THEME.bg
    ctx.fillRect(0, 0, width, height)
    const n = d.threads
    const left = 12,
      top = 30,
      bottom = height - 14
    const right = width - MUTEX_W - 12
    const plotW = Math.max(10, right - left),
      plotH = Math.max(10, bottom - top)
    ctx.font = '11px system-ui, sans-serif'
    ctx.textBaseline = 'middle'
    ctx.fillStyle = THEME.muted
    ctx.fillText('SHARED VECTOR', left, 13)
    if (!n) {
      ctx.fillStyle = THEME.muted
      ctx.font = '13px system-ui, sans-serif'
      ctx.fillText(
        'Press Run: each thread sleeps value × unit, then locks the mutex and pushes its value here.',
        left,
        top + plotH / 2,
      )
      return
    }
    let outCount = 0
    for (let k = 0; k < filled; k++) outCount += d.outOfOrder[k]
    const inv = d.prefixInversions[filled] ?? 0
    ctx.fillStyle = THEME.text
    const summary = `${filled.toLocaleString()} / ${n.toLocaleString()} pushed · ${inv.toLocaleString()} inversions · ${outCount.toLocaleString()} after a larger value`
    ctx.fillText(summary, left + 110, 13)
    // baseline
    ctx.fillStyle = THEME.grid
    ctx.fillRect(left, bottom, plotW, 1)
    const span = d.valMax - d.valMin || 1
    if (n < SMALL) {
      const slotW = plotW / n
      const gap = slotW > 6 ? Math.min(3, slotW * 0.15) : 0
      for (let k = 0; k < n; k++) {
        const x = left + k * slotW
        if (k >= filled) {
          ctx.strokeStyle = '#2a2f3a'
          ctx.strokeRect(x + gap / 2 + 0.5, bottom - 6 + 0.5, Math.max(1, slotW - gap - 1), 5)
          continue
        }
        const w = d.slotWorker[k]
        const v = d.values[w]
        const t = (v - d.valMin) / span
        const h = 6 + t * (plotH - 22)
        const p = Math.min(1, Math.max(0, (now - m.appeared[k]) / DROP_MS))
        const ease = 1 - (1 - p) * (1 - p) * (1 - p)
        const dy = (1 - ease) * -Math.min(60, plotH * 0.4)
        ctx.globalAlpha = 0.25 + 0.75 * ease
        ctx.fillStyle = valueCss(t)
        ctx.fillRect(x + gap / 2, bottom - h + dy, Math.max(1, slotW - gap), h)
        if (focus?.has(w)) {
          // the current moment's threads
          ctx.fillStyle = THEME.highlight
          ctx.fillRect(x + gap / 2, bottom - h + dy - 6, Math.max(1, slotW - gap), 4)
        }
        if (d.outOfOrder[k]) {
          ctx.fillStyle = THEME.bad
          ctx.fillRect(x + gap / 2, bottom + 3, Math.max(1, slotW - gap), 4)
          ctx.strokeStyle = THEME.bad
          ctx.lineWidth = 1.5
          ctx.strokeRect(x + gap / 2 + 0.75, bottom - h + dy + 0.75, Math.max(1, slotW - gap) - 1.5, h - 1.5)
          ctx.lineWidth = 1
        }
        if (slotW >= 18) {
          ctx.fillStyle = t > 0.6 ? '#111' : '#fff'
          ctx.textAlign = 'center'
          ctx.font = `${Math.min(12, slotW * 0.45)}px ui-monospace, monospace`
          ctx.fillText(String(v), x + slotW / 2, bottom - h + dy + 9)
          ctx.textAlign = 'left'
        }
        ctx.globalAlpha = 1
      }
    } else {
      const cols = Math.max(1, Math.round(plotW * dpr)),
        rows = Math.max(1, Math.round(plotH * dpr))
      if (!m.image || m.image.width !== cols || m.image.height !== rows) m.image = new ImageData(cols, rows)
      const px = new Uint32Array(m.image.data.buffer)
      px.fill(0xff181311) // THEME.bg as ABGR
      const rgb = m.col
      for (let c = 0; c < cols; c++) {
        const a = Math.floor((c * n) / cols)
        const b = Math.max(a + 1, Math.floor(((c + 1) * n) / cols))
        if (a >= filled) break
        let hi = -Infinity,
          bad = 0
        for (let k = a; k < b && k < filled; k++) {
          const v = d.values[d.slotWorker[k]]
          if (v > hi) hi = v
          bad |= d.outOfOrder[k]
        }
        const t = (hi - d.valMin) / span
        valueRgb(t, rgb)
        const color = 0xff000000 | (rgb[2] << 16) | (rgb[1] << 8) | rgb[0]
        const h = Math.round(2 * dpr + t * (rows - 14 * dpr))
        for (let y = rows - h; y < rows; y++) px[y * cols + c] = color
        if (bad) {
          const red = 0xff5d5dff
          for (let y = Math.max(0, rows - h - 3 * dpr); y < rows - h; y++) px[y * cols + c] = red
        }
      }
      ctx.save()
      ctx.setTransform(1, 0, 0, 1, 0, 0)
      ctx.putImageData(m.image, Math.round(left * dpr), Math.round(top * dpr))
      ctx.restore()
    }
    drawMutex(ctx, right + 12, top - 4, MUTEX_W - 12, plotH + 8, mu)
  }

  function drawMutex(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, mu: MutexState) {
    const d = controller.data
    const span = d.valMax - d.valMin || 1
    ctx.fillStyle = '#161920'
    ctx.strokeStyle = '#2a2f3a'
    roundRect(ctx, x, y, w, h, 6)
    ctx.fill()
    ctx.stroke()
    ctx.font = '11px system-ui, sans-serif'
    ctx.fillStyle = THEME.muted
    ctx.textAlign = 'left'
    ctx.fillText('MUTEX', x + 10, y + 14)
    // padlock
    const lx = x + w - 26,
      ly = y + 8
    ctx.strokeStyle = mu.holder >= 0 ? '#3fcf78' : '#5d6677'
    ctx.lineWidth = 2
    ctx.beginPath()
    ctx.arc(lx + 8, ly + 6, 4.5, Math.PI, 0)
    ctx.stroke()
    ctx.fillStyle = mu.holder >= 0 ? '#3fcf78' : '#5d6677'
    ctx.fillRect(lx + 2, ly + 6, 12, 9)
    ctx.lineWidth = 1
    ctx.fillStyle = THEME.text
    ctx.font = '12px system-ui, sans-serif'
    if (mu.holder >= 0) {
      const v = d.values[mu.holder]
      ctx.fillText('held by', x + 10, y + 36)
      chip(ctx, x + 58, y + 27, String(v), valueCss((v - d.valMin) / span))
      ctx.fillStyle = THEME.muted
      ctx.font = '11px system-ui, sans-serif'
      ctx.fillText(`thread ${mu.holder}`, x + 10, y + 54)
    } else {
      ctx.fillStyle = THEME.muted
      ctx.fillText('free', x + 10, y + 36)
    }
    if (h > 80) {
      ctx.fillStyle = mu.waiting ? '#e04b4b' : THEME.muted
      ctx.font = '12px system-ui, sans-serif'
      ctx.fillText(`${mu.waiting.toLocaleString()} waiting`, x + 10, y + 76)
      let cx = x + 10
      let cy = y + 86
      for (const wk of mu.waiters) {
        const v = d.values[wk]
        const cw = chipWidth(ctx, String(v))
        if (cx + cw > x + w - 8) {
          cx = x + 10
          cy += 22
        }
        if (cy + 18 > y + h) break
        chip(ctx, cx, cy, String(v), valueCss((v - d.valMin) / span))
        cx += cw + 4
      }
      if (mu.waiting > mu.waiters.length && cy + 40 < y + h) {
        ctx.fillStyle = THEME.muted
        ctx.font = '11px system-ui, sans-serif'
        ctx.fillText(`+${(mu.waiting - mu.waiters.length).toLocaleString()} more`, x + 10, cy + 32)
      }
    }
  }

  useEffect(() => (canvasRef.current ? registerTopCanvas(canvasRef.current) : undefined), [canvasRef])

  return (
    <div className="view vector-view">
      <canvas ref={canvasRef} role="img" aria-label="Shared vector and mutex at the playhead" />
    </div>
  )
}

function chipWidth(ctx: CanvasRenderingContext2D, text: string): number {
  ctx.font = '11px ui-monospace, monospace'
  return Math.max(22, ctx.measureText(text).width + 10)
}

function chip(ctx: CanvasRenderingContext2D, x: number, y: number, text: string, color: string) {
  const w = chipWidth(ctx, text)
  ctx.fillStyle = color
  roundRect(ctx, x, y, w, 18, 4)
  ctx.fill()
  ctx.fillStyle = '#0d0f13'
  ctx.textAlign = 'center'
  ctx.fillText(text, x + w / 2, y + 9.5)
  ctx.textAlign = 'left'
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number) {
  ctx.beginPath()
  ctx.roundRect(x, y, w, h, r)
}
