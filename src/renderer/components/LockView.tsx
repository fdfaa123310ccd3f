import { useEffect, useRef, useState } from 'react'
import { formatDurationNs } from '../../shared/stats'
import {
  buildLockModel,
  depthAt,
  depthColumns,
  episodeOf,
  grantsIn,
  holderAt,
  holderColumns,
  type DepthColumns,
  type HolderColumns,
  type LockModel,
} from '../model/lock'
import { formatNs } from '../model/playback'
import { isActive } from '../model/store'
import { clampWindow, fitWindow, pan, ticks, zoom, type TimeWindow } from '../model/timeAxis'
import { STATE_COLORS, THEME, valueCss } from '../view/colors'
import { LaneState } from '../model/lanes'
import { useApp, useServices } from '../view/context'
import { focusKey } from '../view/focus'
import { useCanvas, type CanvasFrame } from '../view/useCanvas'
import './lock.css'
import { listen } from '../view/listen'

const AXIS_H = 22
const GUTTER = 58
const LANE_TOP = AXIS_H + 16
const LANE_H = 26
const ARROW_H = 16
/** live runs: rebuild the model at most this often */
const LIVE_REBUILD_MS = 400
/** a wait row in detail mode, CSS px */
const ROW_H = 9
const WAIT_COLOR = STATE_COLORS[LaneState.Waiting]
const HOLD_COLOR = STATE_COLORS[LaneState.Holding]
const TABLE_ROWS = 200

interface Memo {
  runId: number
  version: number
  builtAt: number
  model: LockModel | null
  window: TimeWindow
  fitted: boolean
  key: string
  depth: DepthColumns | undefined
  holders: HolderColumns | undefined
  layout: { left: number; plotW: number; depthTop: number; depthH: number }
}

/**
 * The run's mutex over time: a lane of holders (coloured by the holder's value) with arrows from
 * each release to the next acquire, the queue of waiting threads below it (one row per waiter when
 * zoomed in, the queue depth per pixel column when zoomed out, so 10,000 threads stay readable),
 * arrival order against grant order, and the uncontended acquire cost.
 */
export function LockView() {
  const services = useServices()
  const { controller, raf, playhead, store } = services
  const ui = useApp((s) => ({ phase: s.phase, dataVersion: s.dataVersion }))
  const uiRef = useRef(ui)
  uiRef.current = ui
  const [model, setModel] = useState<LockModel | null>(null)
  const tooltipRef = useRef<HTMLDivElement>(null)
  const memo = useRef<Memo>({
    runId: -2,
    version: -1,
    builtAt: 0,
    model: null,
    window: { t0: 0, t1: 1 },
    fitted: true,
    key: '',
    depth: undefined,
    holders: undefined,
    layout: { left: GUTTER, plotW: 1, depthTop: 0, depthH: 1 },
  })
  const viewVersion = useRef(0)

  /** The model of the run on screen, rebuilt when its data changed (throttled while live). */
  const currentModel = (now: number): LockModel | null => {
    const d = controller.data
    const m = memo.current
    const live = isActive(uiRef.current.phase)
    if (d.runId !== m.runId || (d.version !== m.version && (!live || now - m.builtAt >= LIVE_REBUILD_MS))) {
      const first = d.runId !== m.runId
      m.runId = d.runId
      m.version = d.version
      m.builtAt = now
      m.model = d.threads > 0 && d.eventCount > 0 ? buildLockModel(d.table, live ? d.maxT : d.span()[1]) : null
      if (first) m.fitted = true
      setModel(m.model)
    }
    return m.model
  }

  const canvasRef = useCanvas((f) => {
    const lm = currentModel(f.now)
    const m = memo.current
    const d = controller.data
    if (lm && m.fitted) m.window = fitWindow(lm.start, lm.end)
    const key = `${m.runId}|${m.version}|${f.width}x${f.height}|${m.window.t0}|${m.window.t1}|${viewVersion.current}|${playhead.tNs}|${d.finished}|${focusKey(store.getState().focusWorkers)}`
    const pending = isActive(uiRef.current.phase) && d.version !== m.version
    if (key === m.key && !f.resized) return pending
    m.key = key
    draw(f, lm)
    return pending
  })

  function draw(f: CanvasFrame, lm: LockModel | null) {
    const { ctx, width, height } = f
    const focus = store.getState().focusWorkers
    const m = memo.current
    const d = controller.data
    ctx.fillStyle = THEME.bg
    ctx.fillRect(0, 0, width, height)
    const left = GUTTER,
      plotW = Math.max(10, width - GUTTER - 10)
    const depthTop = LANE_TOP + LANE_H + ARROW_H + 6
    const depthH = Math.max(20, height - depthTop - 8)
    m.layout = { left, plotW, depthTop, depthH }
    const w = m.window
    const scale = plotW / Math.max(1, w.t1 - w.t0)
    const X = (t: number) => left + (t - w.t0) * scale
    drawAxis(ctx, w, left, plotW, height, !!lm && lm.count > 0)
    ctx.font = '10.5px ui-monospace, monospace'
    ctx.textBaseline = 'middle'
    ctx.textAlign = 'right'
    ctx.fillStyle = THEME.muted
    ctx.fillText('HOLDER', GUTTER - 8, LANE_TOP + LANE_H / 2)
    ctx.fillText('QUEUE', GUTTER - 8, depthTop + 8)
    ctx.textAlign = 'left'
    if (!lm || lm.count === 0) {
      ctx.fillStyle = THEME.muted
      ctx.font = '13px system-ui, sans-serif'
      const phase = uiRef.current.phase
      ctx.fillText(
        d.threads === 0 && !isActive(phase)
          ? 'The lock view shows the shared mutex of a sleep-sort run: run one first.'
          : isActive(phase)
            ? 'Waiting for the first lock acquisition…'
            : 'No thread took the lock in this run.',
        left,
        LANE_TOP + LANE_H / 2,
      )
      return
    }
    ctx.save()
    ctx.beginPath()
    ctx.rect(left, AXIS_H, plotW, height - AXIS_H)
    ctx.clip()
    // lane background
    ctx.fillStyle = '#171a21'
    ctx.fillRect(left, LANE_TOP, plotW, LANE_H)
    const [g0, g1] = grantsIn(lm, w.t0, w.t1)
    const visible = g1 - g0
    const span = Math.max(1, d.valMax - d.valMin)
    const colorOf = (grant: number) => valueCss((d.values[lm.worker[grant]] - d.valMin) / span)
    const cols = Math.max(1, Math.floor(plotW))
    if (visible > plotW / 4) {
      // aggregated: per pixel column, the dominant holder's colour, as tall as the busy share
      m.holders = holderColumns(lm, w.t0, w.t1, cols, m.holders)
      const h = m.holders
      for (let c = 0; c < cols; c++) {
        const g = h.dominant[c]
        if (g < 0) continue
        const bh = Math.max(2, h.busy[c] * LANE_H)
        ctx.fillStyle = colorOf(g)
        ctx.fillRect(left + c, LANE_TOP + LANE_H - bh, 1, bh)
      }
      ctx.fillStyle = THEME.muted
      ctx.font = '10.5px system-ui, sans-serif'
      ctx.fillText(
        `${visible.toLocaleString()} grants in view: zoom in for holders and handoffs`,
        left + 4,
        LANE_TOP - 8,
      )
    } else {
      ctx.font = '10.5px ui-monospace, monospace'
      for (let g = g0; g < g1; g++) {
        const x0 = X(lm.acquired[g]),
          x1 = X(lm.released[g])
        const wpx = Math.max(2, x1 - x0)
        ctx.fillStyle = colorOf(g)
        ctx.fillRect(x0, LANE_TOP, wpx, LANE_H)
        if (focus?.has(lm.worker[g])) {
          // a thread of the current moment
          ctx.strokeStyle = THEME.highlight
          ctx.lineWidth = 2
          ctx.strokeRect(x0 - 1, LANE_TOP - 1, wpx + 2, LANE_H + 2)
          ctx.lineWidth = 1
        }
        // the holder's value: inside a wide segment, else beside a thin one when there is room
        const label = String(d.values[lm.worker[g]])
        const lw = ctx.measureText(label).width
        const room = (g + 1 < lm.count ? X(lm.acquired[g + 1]) : left + plotW) - x0
        if (wpx >= lw + 6) {
          ctx.fillStyle = '#0b0d11'
          ctx.fillText(label, x0 + 3, LANE_TOP + LANE_H / 2)
        } else if (room >= wpx + lw + 6) {
          ctx.fillStyle = THEME.text
          ctx.fillText(label, x0 + wpx + 3, LANE_TOP + LANE_H / 2)
        }
        if (lm.outOfTurn[g]) {
          // out of turn: a red notch above the segment
          ctx.fillStyle = THEME.bad
          ctx.beginPath()
          ctx.moveTo(x0 + wpx / 2 - 4, LANE_TOP - 7)
          ctx.lineTo(x0 + wpx / 2 + 4, LANE_TOP - 7)
          ctx.lineTo(x0 + wpx / 2, LANE_TOP - 1)
          ctx.fill()
        }
      }
      // arrows from each release to the next acquire (a thread was waiting: a handoff)
      ctx.strokeStyle = '#e8ecf3'
      ctx.fillStyle = '#e8ecf3'
      ctx.lineWidth = 1.2
      const yb = LANE_TOP + LANE_H
      for (let g = Math.max(1, g0); g < g1; g++) {
        if (!lm.handoff[g]) continue
        const xr = X(lm.released[g - 1]),
          xa = X(lm.acquired[g])
        if (xa - xr < 3) {
          ctx.fillRect(xr, yb + 2, Math.max(1, xa - xr), 2)
          continue
        }
        const dip = Math.min(ARROW_H - 2, 4 + (xa - xr) / 6)
        ctx.beginPath()
        ctx.moveTo(xr, yb + 1)
        ctx.quadraticCurveTo((xr + xa) / 2, yb + 1 + dip * 2, xa, yb + 1)
        ctx.stroke()
        ctx.beginPath()
        ctx.moveTo(xa, yb + 1)
        ctx.lineTo(xa - 5, yb + 4)
        ctx.lineTo(xa - 2, yb + 7)
        ctx.fill()
      }
    }
    drawQueue(ctx, lm, left, plotW, depthTop, depthH, X, g0, g1, colorOf)
    // the playhead
    const px = X(playhead.tNs)
    if (d.finished && px >= left && px <= left + plotW) {
      ctx.fillStyle = THEME.playhead
      ctx.fillRect(Math.round(px) - 0.5, AXIS_H, 1.5, height - AXIS_H)
    }
    ctx.restore()
  }

  /** The waiting threads: one row each when they fit, else the queue depth per pixel column. */
  function drawQueue(
    ctx: CanvasRenderingContext2D,
    lm: LockModel,
    left: number,
    plotW: number,
    top: number,
    h: number,
    X: (t: number) => number,
    g0: number,
    g1: number,
    colorOf: (g: number) => string,
  ) {
    const m = memo.current
    const w = m.window
    const cols = Math.max(1, Math.floor(plotW))
    m.depth = depthColumns(lm, w.t0, w.t1, cols, m.depth)
    const dc = m.depth
    let peak = 0
    for (let c = 0; c < cols; c++) if (dc.max[c] > peak) peak = dc.max[c]
    ctx.fillStyle = '#14171d'
    ctx.fillRect(left, top, plotW, h)
    // detail: waits of the grants in view as bars, rows assigned first-free (the queue's width)
    if (peak > 0 && peak * ROW_H <= h - 16 && g1 - g0 <= plotW / 6) {
      const rowEnd: number[] = []
      const order: number[] = []
      for (let g = 0; g < lm.count; g++) if (lm.acquired[g] >= w.t0 && lm.arrival[g] <= w.t1) order.push(g)
      order.sort((a, b) => lm.arrival[a] - lm.arrival[b] || a - b)
      const d = controller.data
      ctx.fillStyle = THEME.muted
      ctx.font = '10.5px ui-monospace, monospace'
      ctx.textBaseline = 'top'
      ctx.fillText(`${peak.toLocaleString()} waiting at most · a row per waiting thread`, left + 4, top + h - 14)
      ctx.textBaseline = 'middle'
      ctx.font = '9.5px ui-monospace, monospace'
      for (const g of order) {
        const a = lm.arrival[g],
          q = lm.acquired[g]
        let row = rowEnd.findIndex((e) => e <= a)
        if (row < 0) {
          row = rowEnd.length
          rowEnd.push(q)
        } else rowEnd[row] = q
        const y = top + 2 + row * ROW_H
        const x0 = X(a),
          x1 = X(q)
        ctx.fillStyle = WAIT_COLOR
        ctx.fillRect(x0, y, Math.max(1.5, x1 - x0), ROW_H - 3)
        ctx.fillStyle = colorOf(g)
        ctx.fillRect(x1 - 1, y - 1, 2, ROW_H - 1)
        const label = String(d.values[lm.worker[g]])
        if (x1 - x0 > ctx.measureText(label).width + 6) {
          ctx.fillStyle = '#fff'
          ctx.fillText(label, x0 + 2, y + (ROW_H - 3) / 2)
        }
      }
      return
    }
    // aggregated: the most threads waiting in each column (area), and the mean (line)
    // a scale of at least 4 threads, so a queue of one does not fill the area like a crowd
    const scaleY = (h - 14) / Math.max(4, peak)
    ctx.fillStyle = 'rgba(224,75,75,0.45)'
    for (let c = 0; c < cols; c++) {
      const v = dc.max[c]
      if (!v) continue
      const bh = Math.max(1, v * scaleY)
      ctx.fillRect(left + c, top + h - bh, 1, bh)
    }
    ctx.fillStyle = WAIT_COLOR
    for (let c = 0; c < cols; c++) {
      const v = dc.mean[c]
      if (v <= 0) continue
      const bh = Math.max(1, v * scaleY)
      ctx.fillRect(left + c, top + h - bh, 1, Math.min(bh, 2))
    }
    ctx.fillStyle = THEME.muted
    ctx.font = '10.5px ui-monospace, monospace'
    ctx.textBaseline = 'top'
    ctx.fillText(
      peak > 0
        ? `${peak.toLocaleString()} waiting at most (per pixel: max shaded, mean line)`
        : 'nobody waited in this span',
      left + 4,
      top + 2,
    )
    ctx.textBaseline = 'middle'
  }

  function drawAxis(
    ctx: CanvasRenderingContext2D,
    w: TimeWindow,
    left: number,
    plotW: number,
    height: number,
    withTicks: boolean,
  ) {
    ctx.fillStyle = '#14171d'
    ctx.fillRect(0, 0, left + plotW + 10, AXIS_H)
    ctx.font = '10.5px ui-monospace, monospace'
    ctx.textBaseline = 'middle'
    ctx.textAlign = 'left'
    const scale = plotW / Math.max(1, w.t1 - w.t0)
    const ts = withTicks ? ticks(w, Math.max(2, Math.floor(plotW / 110))) : []
    // enough digits that neighbouring labels differ when zoomed in far from 0
    const step = ts.length > 1 ? ts[1] - ts[0] : 1
    const digits = Math.min(
      12,
      Math.max(4, Math.ceil(Math.log10(Math.max(Math.abs(w.t0), Math.abs(w.t1), 1) / step)) + 1),
    )
    for (const tt of ts) {
      const x = left + (tt - w.t0) * scale
      ctx.fillStyle = THEME.grid
      ctx.fillRect(Math.round(x), AXIS_H, 1, height - AXIS_H)
      ctx.fillStyle = THEME.axis
      ctx.fillRect(Math.round(x), AXIS_H - 5, 1, 5)
      const label = tt === 0 ? '0' : formatNs(tt, digits)
      if (x + 3 + ctx.measureText(label).width < left + plotW + 8) ctx.fillText(label, x + 3, AXIS_H / 2 - 1)
    }
    ctx.fillStyle = THEME.muted
    ctx.fillText('LOCK', 8, AXIS_H / 2 - 1)
    ctx.fillStyle = '#2a2f3a'
    ctx.fillRect(0, AXIS_H - 1, left + plotW + 10, 1)
  }

  // ── interaction: wheel zoom, drag pan, keys, double-click fit, tooltip ─────────────────────────
  const setWindow = (w: TimeWindow) => {
    const m = memo.current
    const lm = m.model
    m.fitted = false
    m.window = lm ? clampWindow(w, lm.start, lm.end) : w
    viewVersion.current++
    raf.schedule()
  }
  const fit = () => {
    memo.current.fitted = true
    viewVersion.current++
    raf.schedule()
  }
  const setWindowRef = useRef(setWindow)
  setWindowRef.current = setWindow
  const fitRef = useRef(fit)
  fitRef.current = fit

  useEffect(() => {
    const canvas = canvasRef.current
    if (!canvas) return
    const m = memo.current
    const anchorOf = (clientX: number) => {
      const r = canvas.getBoundingClientRect()
      return Math.min(1, Math.max(0, (clientX - r.left - m.layout.left) / m.layout.plotW))
    }
    const onWheel = (e: WheelEvent) => {
      e.preventDefault()
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY) || e.shiftKey)
        setWindowRef.current(pan(m.window, (e.shiftKey ? e.deltaY : e.deltaX) / m.layout.plotW))
      else setWindowRef.current(zoom(m.window, Math.exp(e.deltaY * 0.0015), anchorOf(e.clientX), 100))
    }
    let drag: { x: number; w: TimeWindow } | null = null
    const onDown = (e: PointerEvent) => {
      if (e.button !== 0) return
      canvas.setPointerCapture(e.pointerId)
      drag = { x: e.clientX, w: { ...m.window } }
    }
    const onMove = (e: PointerEvent) => {
      if (drag && Math.abs(e.clientX - drag.x) > 3)
        setWindowRef.current(pan(drag.w, -(e.clientX - drag.x) / m.layout.plotW))
      showTooltip(e)
    }
    const onUp = () => {
      drag = null
    }
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return
      const k = e.key
      if (k === '+' || k === '=') setWindowRef.current(zoom(m.window, 0.7, 0.5, 100))
      else if (k === '-' || k === '_') setWindowRef.current(zoom(m.window, 1 / 0.7, 0.5, 100))
      else if (k === 'ArrowLeft') setWindowRef.current(pan(m.window, -0.1))
      else if (k === 'ArrowRight') setWindowRef.current(pan(m.window, 0.1))
      else if (k === '0' || k === 'Home') fitRef.current()
      else return
      e.preventDefault()
      e.stopPropagation()
    }
    const onLeave = () => {
      if (tooltipRef.current) tooltipRef.current.hidden = true
    }
    const onDbl = () => fitRef.current()
    // passive: false so the wheel handler may preventDefault (zoom instead of scrolling the page)
    return listen(
      canvas,
      {
        wheel: onWheel,
        pointerdown: onDown,
        pointermove: onMove,
        pointerup: onUp,
        pointerleave: onLeave,
        keydown: onKey,
        dblclick: onDbl,
      },
      { passive: false },
    )
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [raf])

  function showTooltip(e: PointerEvent) {
    const tip = tooltipRef.current
    const canvas = canvasRef.current
    const lm = memo.current.model
    if (!tip || !canvas) return
    const m = memo.current
    const r = canvas.getBoundingClientRect()
    const x = e.clientX - r.left,
      y = e.clientY - r.top
    if (!lm || lm.count === 0 || x < m.layout.left || y < AXIS_H) {
      tip.hidden = true
      return
    }
    const d = controller.data
    const t = m.window.t0 + ((x - m.layout.left) / m.layout.plotW) * (m.window.t1 - m.window.t0)
    const lines = [`at ${formatNs(t, 4)}: ${depthAt(lm, t).toLocaleString()} waiting`]
    // the grant under the pointer, or the nearest one within 4 px
    let g = holderAt(lm, t)
    if (g < 0) {
      const tol = (4 / m.layout.plotW) * (m.window.t1 - m.window.t0)
      const [a, b] = grantsIn(lm, t - tol, t + tol)
      if (b > a) g = a
    }
    if (g >= 0) {
      const wk = lm.worker[g]
      lines.push(`grant ${g + 1} of ${lm.count.toLocaleString()}: thread ${wk} · value ${d.values[wk]}`)
      lines.push(
        `arrived ${ordinal(lm.arrivalRank[g] + 1)} · waited ${formatNs(lm.acquired[g] - lm.arrival[g])} · held ${formatNs(lm.released[g] - lm.acquired[g])}`,
      )
      if (lm.outOfTurn[g]) lines.push('out of turn: a thread that arrived earlier got the lock later')
      else if (lm.uncontended[g]) lines.push('uncontended: nobody else held or waited')
      if (g > 0 && lm.handoff[g])
        lines.push(`handoff ${formatNs(lm.acquired[g] - lm.released[g - 1])} after the previous release`)
    } else {
      lines.push('the lock is free')
    }
    tip.textContent = lines.join('\n')
    tip.hidden = false
    const tw = tip.offsetWidth,
      th = tip.offsetHeight
    tip.style.left = `${Math.min(r.width - tw - 4, x + 14)}px`
    tip.style.top = `${Math.min(r.height - th - 4, y + 14)}px`
  }

  const zoomBy = (factor: number) => setWindow(zoom(memo.current.window, factor, 0.5, 100))
  /** Shows the busy spell around a grant: its queue and the handoffs in and out of it. */
  const showGrant = (g: number) => {
    const lm = memo.current.model
    if (!lm || g < 0 || g >= lm.count) return
    const [lo, hi] = episodeOf(lm, g)
    const pad = Math.max(500, (hi - lo) * 0.15)
    setWindow({ t0: lo - pad, t1: hi + pad })
  }
  const running = isActive(ui.phase)

  return (
    <section className="view lock-view" aria-label="Lock">
      <div className="lanes-toolbar">
        <ul className="legend" aria-label="Lock legend">
          <li title="who held the mutex, coloured by the value it pushed">
            <span className="swatch value-ramp" />
            holder (by value)
          </li>
          <li title="a release followed by the next acquire of a thread that was already waiting">
            <span className="swatch arrow">↷</span>handoff
          </li>
          <li title="a grant to a thread that arrived after another one still waiting">
            <span className="swatch notch" />
            out of turn
          </li>
          <li title="threads waiting for the mutex">
            <span className="swatch" style={{ background: WAIT_COLOR }} />
            waiting
          </li>
        </ul>
        <div className="lanes-tools">
          <button type="button" onClick={() => zoomBy(0.7)} aria-label="Zoom lock in" title="Zoom in (+)">
            +
          </button>
          <button type="button" onClick={() => zoomBy(1 / 0.7)} aria-label="Zoom lock out" title="Zoom out (−)">
            −
          </button>
          <button type="button" onClick={fit} title="Fit the whole run (0)">
            Fit
          </button>
        </div>
      </div>
      <div className="lock-main">
        <div className="lanes-canvas-wrap lock-canvas-wrap">
          <canvas
            ref={canvasRef}
            tabIndex={0}
            role="img"
            aria-label="Lock timeline: the mutex's holders over time with handoff arrows, and the threads waiting for it. Wheel or + − to zoom, drag or ← → to pan"
          />
          <div ref={tooltipRef} className="tooltip" hidden role="tooltip" />
        </div>
        <LockSummary model={model} running={running} onShowGrant={showGrant} />
      </div>
    </section>
  )
}

function LockSummary({
  model,
  running,
  onShowGrant,
}: {
  model: LockModel | null
  running: boolean
  onShowGrant: (g: number) => void
}) {
  const { controller } = useServices()
  if (!model || model.count === 0) {
    return (
      <aside className="lock-side">
        <p className="muted small">{running ? 'Collecting lock events…' : 'No lock acquisitions yet.'}</p>
      </aside>
    )
  }
  const d = controller.data
  const rows = Math.min(TABLE_ROWS, model.count)
  return (
    <aside className="lock-side">
      <p className="lock-headline">
        <b>{model.count.toLocaleString()}</b> {model.count === 1 ? 'acquisition' : 'acquisitions'}
        {running ? ' so far' : ''}
      </p>
      <figure className="arrival-grant" aria-label="Arrival order against grant order">
        <ArrivalGrantPlot model={model} />
        <figcaption className="small">
          Arrival vs grant order: <b>{model.overtakes.toLocaleString()}</b>{' '}
          {model.overtakes === 1 ? 'overtake' : 'overtakes'}
          {model.outOfTurnCount > 0 && (
            <>
              {' '}
              ({model.outOfTurnCount.toLocaleString()} {model.outOfTurnCount === 1 ? 'grant' : 'grants'} out of turn)
            </>
          )}
          {model.overtakes === 0 && ' — first come, first served'}
        </figcaption>
      </figure>
      <dl className="stat-grid compact">
        <dt title="median of lock-acquired − lock-wait over acquisitions where nobody else held or waited for the lock (includes recording both events)">
          uncontended acquire
        </dt>
        <dd>
          {Number.isNaN(model.uncontendedCostNs) ? '—' : formatDurationNs(model.uncontendedCostNs)}{' '}
          <span className="muted">({model.uncontendedCount.toLocaleString()})</span>
        </dd>
        <dt>max waiting</dt>
        <dd>{model.maxDepth.toLocaleString()}</dd>
        <dt title="median next acquire − release when the next thread was already waiting">handoff p50</dt>
        <dd>
          {Number.isNaN(model.handoffNs) ? '—' : formatDurationNs(model.handoffNs)}{' '}
          <span className="muted">({model.handoffCount.toLocaleString()})</span>
        </dd>
        <dt>hold p50</dt>
        <dd>{Number.isNaN(model.holdNs) ? '—' : formatDurationNs(model.holdNs)}</dd>
        {model.neverGranted > 0 && (
          <>
            <dt>never got it</dt>
            <dd>{model.neverGranted.toLocaleString()}</dd>
          </>
        )}
      </dl>
      <table className="grant-table" aria-label="Grants in order">
        <thead>
          <tr>
            <th>grant</th>
            <th>value</th>
            <th title="place in arrival order">arrived</th>
            <th>waited</th>
            <th>held</th>
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: rows }, (_, g) => (
            <tr key={g} className={model.outOfTurn[g] ? 'out-of-turn' : undefined}>
              <td>
                <button
                  type="button"
                  className="link"
                  aria-label={`Show grant ${g + 1}`}
                  title="zoom the lock timeline to this grant's queue"
                  onClick={() => onShowGrant(g)}
                >
                  {g + 1}
                </button>
              </td>
              <td>{d.values[model.worker[g]]}</td>
              <td>{model.arrivalRank[g] + 1}</td>
              <td>{formatNs(model.acquired[g] - model.arrival[g])}</td>
              <td>{formatNs(model.released[g] - model.acquired[g])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {model.count > rows && <p className="muted small">…and {(model.count - rows).toLocaleString()} more grants</p>}
    </aside>
  )
}

/** One dot per grant: x = place in arrival order, y = place in grant order; the diagonal is FIFO. */
function ArrivalGrantPlot({ model }: { model: LockModel }) {
  const ref = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    const c = ref.current
    if (!c) return
    const dpr = globalThis.devicePixelRatio || 1
    const size = c.clientWidth || 150
    c.width = Math.round(size * dpr)
    c.height = Math.round(size * dpr)
    const ctx = c.getContext('2d')
    if (!ctx) return
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
    ctx.fillStyle = '#14171d'
    ctx.fillRect(0, 0, size, size)
    const pad = 16,
      inner = size - pad - 6
    const n = model.count
    const P = (rank: number) => (n > 1 ? (rank / (n - 1)) * inner : inner / 2)
    ctx.strokeStyle = '#2f3542'
    ctx.lineWidth = 1
    ctx.strokeRect(pad + 0.5, 6.5, inner, inner)
    ctx.strokeStyle = '#4a5366'
    ctx.setLineDash([3, 3])
    ctx.beginPath()
    ctx.moveTo(pad, 6 + inner)
    ctx.lineTo(pad + inner, 6)
    ctx.stroke()
    ctx.setLineDash([])
    const dot = n > 2000 ? 1 : n > 200 ? 2 : 4
    for (let g = 0; g < n; g++) {
      ctx.fillStyle = model.outOfTurn[g] ? THEME.bad : HOLD_COLOR
      const x = pad + P(model.arrivalRank[g]),
        y = 6 + inner - P(g)
      ctx.fillRect(x - dot / 2, y - dot / 2, dot, dot)
    }
    ctx.fillStyle = THEME.muted
    ctx.font = '9.5px ui-monospace, monospace'
    ctx.textBaseline = 'alphabetic'
    ctx.fillText('arrival →', pad + 2, size - 2)
    ctx.save()
    ctx.translate(10, 6 + inner - 2)
    ctx.rotate(-Math.PI / 2)
    ctx.fillText('grant →', 0, 0)
    ctx.restore()
  }, [model])
  return (
    <canvas
      ref={ref}
      className="arrival-grant-plot"
      role="img"
      aria-label={`Arrival order against grant order: ${model.count} grants, ${model.overtakes} overtakes; dots off the diagonal went out of turn`}
    />
  )
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')
  return `${n.toLocaleString()}${s}`
}
