import { useEffect, useRef } from 'react'
import {
  aggregateLanes,
  laneOrder,
  laneSegments,
  LANE_STATE_COUNT,
  LANE_STATE_HINTS,
  LANE_STATE_NAMES,
  LaneState,
  type Aggregate,
} from '../model/lanes'
import { formatNs } from '../model/playback'
import { isActive, type HighlightRange } from '../model/store'
import { clampWindow, fitWindow, pan, ticks, zoom, type TimeWindow } from '../model/timeAxis'
import { ChunkState, CHUNK_STATE_NAMES, COMBINE_STATE_NAMES, formatTotal } from '../model/sumData'
import { LEGEND_STATES, STATE_COLORS, STATE_RGB, THEME } from '../view/colors'
import { useApp, useServices } from '../view/context'
import { focusKey } from '../view/focus'
import { registerLanes } from '../view/exportSources'
import { seek } from '../view/playbackActions'
import { CHUNK_COLORS, CHUNK_LEGEND, CHUNK_TRACK, COMBINE_COLORS, FOLD_TICK } from '../view/sumColors'
import { useCanvas, type CanvasFrame } from '../view/useCanvas'
import { listen } from '../view/listen'

const AXIS_H = 22
const GUTTER = 58
const MAX_LANE_H = 22
/** below this lane height (CSS px) lanes are aggregated per pixel row */
const MIN_LANE_H = 2
const LIVE_AGG_MS = 150
/** parallel sum: a handful of worker lanes get room for their progress fill */
const SUM_MAX_LANE_H = 40

/**
 * Pixel colour per (state, share): the dominant state's colour, fainter where it is only a small
 * share of the row's lanes. ABGR words for a Uint32Array view of ImageData.
 */
const AGG_LUT: Uint32Array = (() => {
  const lut = new Uint32Array(LANE_STATE_COUNT * 256)
  const bg = [17, 19, 24]
  for (let s = 0; s < LANE_STATE_COUNT; s++) {
    for (let share = 0; share < 256; share++) {
      const k = s === LaneState.Empty ? 0 : 0.45 + 0.55 * (share / 255)
      const c = [0, 1, 2].map((i) => Math.round(bg[i] + (STATE_RGB[s * 3 + i] - bg[i]) * k))
      lut[(s << 8) | share] = ((0xff << 24) >>> 0) + (c[2] << 16) + (c[1] << 8) + c[0]
    }
  }
  return lut
})()

interface Memo {
  key: string
  order: Uint32Array
  orderKey: string
  agg: Aggregate | null
  aggKey: string
  aggAt: number
  aggWindow: TimeWindow
  aggCanvas: HTMLCanvasElement | null
  rowMarks: Uint8Array | null
  rowMarksKey: string
  seg: Float64Array
  window: TimeWindow
  fitted: boolean
  lastSpan: [number, number]
  layout: { left: number; top: number; plotW: number; lanesH: number; laneH: number; aggregated: boolean; n: number }
}

/**
 * One lane per thread on a canvas: state colours over time, deadline ticks, lateness as the orange
 * gap from deadline to wake, the playhead, zoom and pan (wheel, drag, + − ← → keys), a hover
 * tooltip, and per-pixel-row aggregation when lanes are thinner than a pixel.
 */
export function LanesView() {
  const services = useServices()
  const { controller, playhead, store, raf } = services
  const ui = useApp((s) => ({
    sortByValue: s.sortByValue,
    highlight: s.highlight,
    focus: s.focusWorkers,
    phase: s.phase,
    experiment: s.request?.experiment ?? s.experiment,
  }))
  const uiRef = useRef(ui)
  uiRef.current = ui
  const tooltipRef = useRef<HTMLDivElement>(null)
  const memo = useRef<Memo>({
    key: '',
    order: new Uint32Array(0),
    orderKey: '',
    agg: null,
    aggKey: '',
    aggAt: 0,
    aggWindow: { t0: 0, t1: 1 },
    aggCanvas: null,
    rowMarks: null,
    rowMarksKey: '',
    seg: new Float64Array(30),
    window: { t0: 0, t1: 1 },
    fitted: true,
    lastSpan: [0, 1],
    layout: { left: GUTTER, top: AXIS_H, plotW: 1, lanesH: 1, laneH: 1, aggregated: false, n: 0 },
  })
  const viewVersion = useRef(0)

  const canvasRef = useCanvas((f) => {
    const d = controller.data
    const m = memo.current
    const { sortByValue, highlight, phase, focus } = uiRef.current
    const live = isActive(phase)
    const span = d.span()
    if (m.fitted) m.window = fitWindow(span[0], span[1])
    m.lastSpan = span
    const orderKey = `${d.runId}|${d.threads}|${sortByValue}|${d.finished}`
    if (orderKey !== m.orderKey) {
      m.order = laneOrder(d.values, sortByValue)
      m.orderKey = orderKey
    }
    const key = `${d.version}|${live}|${f.width}x${f.height}|${m.window.t0}|${m.window.t1}|${orderKey}|${highlight?.lo}|${highlight?.hi}|${focusKey(focus)}|${viewVersion.current}`
    if (key === m.key && !f.resized) return false
    const pending = draw(f, live, highlight, focus)
    // a pending recompute must redraw on a later frame even if nothing else changed
    m.key = pending ? '' : key
    return pending
  })

  /** Draws everything; returns true when an aggregate recompute is pending (draw again soon). */
  function draw(
    f: CanvasFrame,
    live: boolean,
    highlight: HighlightRange | null,
    focus: ReadonlySet<number> | null,
  ): boolean {
    if (controller.data.experiment === 'parallel-sum') {
      drawSum(f, live)
      return false
    }
    const { ctx, width, height } = f
    const d = controller.data
    const m = memo.current
    const t = d.table
    ctx.fillStyle = THEME.bg
    ctx.fillRect(0, 0, width, height)
    const n = d.threads
    const left = GUTTER,
      top = AXIS_H,
      plotW = Math.max(10, width - GUTTER - 10),
      lanesH = Math.max(10, height - AXIS_H - 6)
    const laneH = n ? Math.min(MAX_LANE_H, lanesH / n) : 0
    const aggregated = n > 0 && laneH < MIN_LANE_H
    m.layout = { left, top, plotW, lanesH, laneH, aggregated, n }
    const w = m.window
    const scale = plotW / Math.max(1, w.t1 - w.t0)
    const X = (tt: number) => left + (tt - w.t0) * scale
    drawAxis(ctx, w, left, plotW, height, n > 0 && d.eventCount > 0)
    if (!n || d.eventCount === 0) {
      ctx.fillStyle = THEME.muted
      ctx.font = '13px system-ui, sans-serif'
      ctx.textBaseline = 'middle'
      const phase = uiRef.current.phase
      ctx.fillText(
        !n
          ? 'Thread lanes appear here: one row per thread, coloured by what it is doing.'
          : phase === 'failed'
            ? 'The run did not start.'
            : phase === 'cancelled' || phase === 'finished'
              ? 'No events were recorded.'
              : 'Waiting for the first events…',
        left,
        top + 40,
      )
      return false
    }
    const end = live ? d.maxT : m.lastSpan[1]
    // a moment's threads, else a lateness range from the histogram
    const isLit = focus
      ? (wk: number) => focus.has(wk)
      : highlight
        ? (wk: number) => {
            const l = t.woke[wk] - t.deadline[wk]
            return l >= highlight.lo && l < highlight.hi
          }
        : null

    let pending = false
    ctx.save()
    ctx.beginPath()
    ctx.rect(left, top, plotW, lanesH)
    ctx.clip()
    if (!aggregated) {
      const gap = laneH >= 8 ? 2 : laneH >= 5 ? 1 : 0
      const seg = m.seg
      // one fillStyle per state: group by state, lanes inside
      for (let s = 1; s < LANE_STATE_COUNT; s++) {
        ctx.fillStyle = STATE_COLORS[s]
        for (let lane = 0; lane < n; lane++) {
          const wk = m.order[lane]
          const k = laneSegments(t, wk, end, seg)
          const y = top + lane * laneH
          if (isLit) ctx.globalAlpha = isLit(wk) ? 1 : 0.25
          for (let i = 0; i < k; i++) {
            if (seg[i * 3 + 2] !== s) continue
            const x0 = X(seg[i * 3]),
              x1 = X(seg[i * 3 + 1])
            if (x1 < left || x0 > left + plotW) continue
            ctx.fillRect(x0, y + gap / 2, Math.max(1, x1 - x0), laneH - gap)
          }
        }
      }
      ctx.globalAlpha = 1
      // deadline ticks
      if (laneH >= 4) {
        ctx.fillStyle = '#e8ecf3'
        for (let lane = 0; lane < n; lane++) {
          const wk = m.order[lane]
          const dl = t.deadline[wk]
          if (!(dl === dl)) continue
          const x = X(dl)
          if (x < left || x > left + plotW) continue
          ctx.fillRect(Math.round(x) - 0.5, top + lane * laneH, 1.5, laneH)
        }
      }
      // cancellations are instants: a bright cap so they show at any zoom
      ctx.fillStyle = STATE_COLORS[LaneState.Cancelled]
      for (let lane = 0; lane < n; lane++) {
        const c = t.cancelled[m.order[lane]]
        if (c === c) ctx.fillRect(X(c) - 3, top + lane * laneH, 3, Math.max(1, laneH - 1))
      }
      if (isLit) {
        ctx.strokeStyle = THEME.highlight
        ctx.lineWidth = 1
        for (let lane = 0; lane < n; lane++) {
          if (!isLit(m.order[lane])) continue
          ctx.strokeRect(left + 0.5, top + lane * laneH + 0.5, plotW - 1, Math.max(1, laneH - 1))
        }
      }
    } else {
      pending = drawAggregate(ctx, f, live, end, left, top, plotW, lanesH)
      if (isLit) drawAggregateHighlights(ctx, isLit, left, top, plotW, lanesH, X)
    }
    // the playhead and the dimmed future are DOM overlays moved by transform (see below), so
    // replay does not repaint this canvas every frame
    ctx.restore()
    drawGutter(ctx, laneH, aggregated, top, lanesH, n, isLit)
    return pending
  }

  /** Parallel sum: one lane per worker (its chunk's progress fills it), then the combine lane. */
  function drawSum(f: CanvasFrame, live: boolean) {
    const { ctx, width, height } = f
    const d = controller.data
    const m = memo.current
    const sum = d.sum
    ctx.fillStyle = THEME.bg
    ctx.fillRect(0, 0, width, height)
    const chunks = sum.count
    const n = chunks ? chunks + 1 : 0
    const left = GUTTER,
      top = AXIS_H,
      plotW = Math.max(10, width - GUTTER - 10),
      lanesH = Math.max(10, height - AXIS_H - 6)
    const laneH = n ? Math.min(SUM_MAX_LANE_H, lanesH / n) : 0
    m.layout = { left, top, plotW, lanesH, laneH, aggregated: false, n }
    const w = m.window
    const scale = plotW / Math.max(1, w.t1 - w.t0)
    const X = (tt: number) => left + (tt - w.t0) * scale
    drawAxis(ctx, w, left, plotW, height, n > 0 && d.eventCount > 0, 'WORKERS')
    if (!n || d.eventCount === 0) {
      ctx.fillStyle = THEME.muted
      ctx.font = '13px system-ui, sans-serif'
      ctx.textBaseline = 'middle'
      const phase = uiRef.current.phase
      ctx.fillText(
        !n && !live
          ? 'Worker lanes appear here: one per thread, filling as it sums its chunk, then the combine step.'
          : phase === 'failed'
            ? 'The run did not start.'
            : phase === 'cancelled' || phase === 'finished'
              ? 'No events were recorded.'
              : 'Waiting for the first events…',
        left,
        top + 40,
      )
      return
    }
    const end = live ? d.maxT : m.lastSpan[1]
    const cancelled = uiRef.current.phase === 'cancelled'
    const seg = m.seg
    const gap = laneH >= 8 ? 3 : laneH >= 5 ? 1 : 0
    ctx.save()
    ctx.beginPath()
    ctx.rect(left, top, plotW, lanesH)
    ctx.clip()
    for (let c = 0; c < chunks; c++) {
      const y = top + c * laneH + gap / 2,
        h = Math.max(1, laneH - gap)
      const k = sum.segments(c, end, cancelled, seg)
      for (let i = 0; i < k; i++) {
        const a = seg[i * 3],
          b = seg[i * 3 + 1],
          state = seg[i * 3 + 2]
        const x0 = X(a),
          x1 = X(b)
        if (x1 < left || x0 > left + plotW) continue
        ctx.fillStyle = state === ChunkState.Summing ? CHUNK_TRACK : CHUNK_COLORS[state]
        ctx.fillRect(x0, y, Math.max(1, x1 - x0), h)
        if (state === ChunkState.Summing) drawProgressFill(ctx, c, a, b, y, h, X)
      }
    }
    // each partial flows from its chunk's end to the moment it is folded into the total
    const yc = top + chunks * laneH
    ctx.strokeStyle = 'rgba(232,236,243,0.35)'
    ctx.lineWidth = 1
    ctx.beginPath()
    for (const fold of sum.folds) {
      const c = fold.chunk,
        done = sum.done[c]
      if (!(done === done)) continue
      ctx.moveTo(X(done), top + c * laneH + laneH / 2)
      ctx.lineTo(X(fold.t), yc + laneH / 2)
    }
    ctx.stroke()
    const runStart = sum.firstStart()
    const kc = sum.combineSegments(runStart, end, seg)
    for (let i = 0; i < kc; i++) {
      const x0 = X(seg[i * 3]),
        x1 = X(seg[i * 3 + 1])
      ctx.fillStyle = COMBINE_COLORS[seg[i * 3 + 2]]
      ctx.fillRect(x0, yc + gap / 2, Math.max(2, x1 - x0), Math.max(1, laneH - gap))
    }
    ctx.fillStyle = FOLD_TICK
    for (const fold of sum.folds) ctx.fillRect(Math.round(X(fold.t)) - 0.75, yc, 1.5, laneH)
    // labels inside lanes when there is room: each partial after its chunk, the total after the last fold
    if (laneH >= 14) {
      ctx.font = '10.5px ui-monospace, monospace'
      ctx.textBaseline = 'middle'
      ctx.textAlign = 'left'
      const right = left + plotW - 6
      // right of the mark when it fits, else just left of it (over the full bar: dark text)
      const label = (text: string, at: number, y: number, light: string, dark: string) => {
        const w = ctx.measureText(text).width
        if (at + 6 + w <= right) {
          ctx.fillStyle = light
          ctx.fillText(text, at + 6, y)
        } else if (at - 6 - w >= left + 4) {
          ctx.fillStyle = dark
          ctx.fillText(text, at - 6 - w, y)
        }
      }
      for (let c = 0; c < chunks; c++) {
        const done = sum.done[c]
        if (done === done)
          label(`= ${formatTotal(sum.partial[c])}`, X(done), top + c * laneH + laneH / 2, THEME.text, '#0d0f13')
      }
      const last = sum.folds[sum.folds.length - 1]
      if (last && sum.folds.length >= chunks)
        label(`Σ ${formatTotal(last.total)}`, X(last.t), yc + laneH / 2, '#c9f5da', '#c9f5da')
    }
    ctx.restore()
    // gutter
    ctx.fillStyle = '#14171d'
    ctx.fillRect(0, top, GUTTER - 4, lanesH + 6)
    ctx.font = '10.5px ui-monospace, monospace'
    ctx.textBaseline = 'middle'
    ctx.textAlign = 'right'
    const every = laneH >= 10 ? 1 : Math.max(1, Math.ceil(12 / Math.max(0.1, laneH)))
    for (let c = 0; c < chunks; c += every) {
      ctx.fillStyle = THEME.muted
      ctx.fillText(`chunk ${c}`, GUTTER - 8, top + c * laneH + laneH / 2)
    }
    ctx.fillStyle = THEME.text
    ctx.fillText('combine', GUTTER - 8, yc + laneH / 2)
    ctx.textAlign = 'left'
  }

  /** The area under chunk c's progress steps between a and b: the bar fills as values are added. */
  function drawProgressFill(
    ctx: CanvasRenderingContext2D,
    c: number,
    a: number,
    b: number,
    y: number,
    h: number,
    X: (t: number) => number,
  ) {
    const sum = controller.data.sum
    const len = sum.length[c]
    if (!(len > 0)) return
    const bottom = y + h
    const times = sum.progT[c],
      done = sum.progN[c]
    ctx.fillStyle = CHUNK_COLORS[ChunkState.Summing]
    ctx.beginPath()
    ctx.moveTo(X(a), bottom)
    let level = 0
    for (let i = 0; i < times.length; i++) {
      const t = times[i]
      if (t > b) break
      if (t < a) {
        level = done[i] / len
        continue
      }
      ctx.lineTo(X(t), bottom - level * h)
      level = Math.min(1, done[i] / len)
      ctx.lineTo(X(t), bottom - level * h)
    }
    if (sum.done[c] <= b) {
      ctx.lineTo(X(b), bottom - level * h)
      ctx.lineTo(X(b), y)
    } else ctx.lineTo(X(b), bottom - level * h)
    ctx.lineTo(X(b), bottom)
    ctx.closePath()
    ctx.fill()
  }

  function drawAxis(
    ctx: CanvasRenderingContext2D,
    w: TimeWindow,
    left: number,
    plotW: number,
    height: number,
    withTicks: boolean,
    title = 'THREADS',
  ) {
    ctx.fillStyle = '#14171d'
    ctx.fillRect(0, 0, left + plotW + 10, AXIS_H)
    ctx.font = '10.5px ui-monospace, monospace'
    ctx.textBaseline = 'middle'
    ctx.textAlign = 'left'
    const scale = plotW / Math.max(1, w.t1 - w.t0)
    const ts = withTicks ? ticks(w, Math.max(2, Math.floor(plotW / 110))) : []
    for (const tt of ts) {
      const x = left + (tt - w.t0) * scale
      ctx.fillStyle = THEME.grid
      ctx.fillRect(Math.round(x), AXIS_H, 1, height - AXIS_H)
      ctx.fillStyle = THEME.axis
      ctx.fillRect(Math.round(x), AXIS_H - 5, 1, 5)
      const label = tt === 0 ? '0' : formatNs(tt, 4)
      if (x + 3 + ctx.measureText(label).width < left + plotW + 8) ctx.fillText(label, x + 3, AXIS_H / 2 - 1)
    }
    ctx.fillStyle = THEME.muted
    ctx.fillText(title, 8, AXIS_H / 2 - 1)
    ctx.fillStyle = '#2a2f3a'
    ctx.fillRect(0, AXIS_H - 1, left + plotW + 10, 1)
  }

  function drawAggregate(
    ctx: CanvasRenderingContext2D,
    f: CanvasFrame,
    live: boolean,
    end: number,
    left: number,
    top: number,
    plotW: number,
    lanesH: number,
  ): boolean {
    const d = controller.data
    const m = memo.current
    const rows = Math.max(1, Math.floor(lanesH)),
      cols = Math.max(1, Math.floor(plotW))
    const w = m.window
    const aggKey = `${rows}x${cols}|${w.t0}|${w.t1}|${m.orderKey}|${d.finished}|${d.version}`
    let pending = false
    if (aggKey !== m.aggKey) {
      const sizeChanged = !m.agg || m.agg.rows !== rows || m.agg.cols !== cols
      // while live, recompute a few times a second and stretch the last image in between
      if (!live || sizeChanged || f.now - m.aggAt >= LIVE_AGG_MS) {
        m.agg = aggregateLanes(
          { table: d.table, order: m.order, rows, cols, t0: w.t0, t1: w.t1, end },
          m.agg ?? undefined,
        )
        m.aggKey = aggKey
        m.aggAt = f.now
        m.aggWindow = { ...w }
        paintAggregate(m)
      } else {
        pending = true
      }
    }
    if (!m.aggCanvas) return pending
    // the cached image may be for an older window (live): place it by time
    const aw = m.aggWindow
    const scale = plotW / Math.max(1, w.t1 - w.t0)
    const x0 = left + (aw.t0 - w.t0) * scale
    const x1 = left + (aw.t1 - w.t0) * scale
    ctx.imageSmoothingEnabled = false
    ctx.drawImage(m.aggCanvas, x0, top, x1 - x0, rows)
    return pending
  }

  function paintAggregate(m: Memo) {
    const agg = m.agg!
    if (!m.aggCanvas) m.aggCanvas = document.createElement('canvas')
    const c = m.aggCanvas
    if (c.width !== agg.cols || c.height !== agg.rows) {
      c.width = agg.cols
      c.height = agg.rows
    }
    const g = c.getContext('2d')!
    const img = g.createImageData(agg.cols, agg.rows)
    const px = new Uint32Array(img.data.buffer)
    const size = agg.rows * agg.cols
    const lut = AGG_LUT
    for (let i = 0; i < size; i++) px[i] = lut[(agg.state[i] << 8) | agg.share[i]]
    g.putImageData(img, 0, 0)
  }

  function drawAggregateHighlights(
    ctx: CanvasRenderingContext2D,
    isLit: (w: number) => boolean,
    left: number,
    top: number,
    plotW: number,
    lanesH: number,
    X: (t: number) => number,
  ) {
    const d = controller.data
    const m = memo.current
    const n = m.order.length
    ctx.fillStyle = 'rgba(17,19,24,0.45)'
    ctx.fillRect(left, top, plotW, lanesH)
    ctx.fillStyle = THEME.highlight
    for (let lane = 0; lane < n; lane++) {
      const wk = m.order[lane]
      if (!isLit(wk)) continue
      const y = top + (lane * lanesH) / n
      const x0 = X(d.table.deadline[wk]),
        x1 = X(d.table.woke[wk])
      ctx.fillRect(x0, Math.floor(y), Math.max(2, x1 - x0), 1)
    }
  }

  function drawGutter(
    ctx: CanvasRenderingContext2D,
    laneH: number,
    aggregated: boolean,
    top: number,
    lanesH: number,
    n: number,
    isLit: ((w: number) => boolean) | null,
  ) {
    const d = controller.data
    const m = memo.current
    ctx.fillStyle = '#14171d'
    ctx.fillRect(0, top, GUTTER - 4, lanesH + 6)
    ctx.font = '10.5px ui-monospace, monospace'
    ctx.textBaseline = 'middle'
    ctx.textAlign = 'right'
    if (!aggregated && laneH >= 10) {
      for (let lane = 0; lane < n; lane++) {
        const wk = m.order[lane]
        ctx.fillStyle = isLit && isLit(wk) ? THEME.highlight : THEME.muted
        ctx.fillText(String(d.values[wk]), GUTTER - 10, top + lane * laneH + laneH / 2)
      }
    } else {
      // a value label every ~36 px
      const every = Math.max(1, Math.ceil((36 / lanesH) * n))
      for (let lane = 0; lane < n; lane += every) {
        const wk = m.order[lane]
        ctx.fillStyle = THEME.muted
        ctx.fillText(String(d.values[wk]), GUTTER - 10, top + (lane * lanesH) / n + 6)
      }
      if (isLit) {
        ctx.fillStyle = THEME.highlight
        for (let lane = 0; lane < n; lane++)
          if (isLit(m.order[lane]))
            ctx.fillRect(GUTTER - 7, top + Math.floor((lane * lanesH) / n), 4, Math.max(1, lanesH / n))
      }
    }
    ctx.textAlign = 'left'
  }

  // ── the playhead: a line and a dimmed future, positioned by transform every frame ─────────────
  const overlayRef = useRef<HTMLDivElement>(null)
  const lineRef = useRef<HTMLDivElement>(null)
  const futureRef = useRef<HTMLDivElement>(null)
  useEffect(() => {
    let last = ''
    let lastGeometry = ''
    return raf.addPainter(() => {
      const m = memo.current
      const L = m.layout
      const d = controller.data
      const overlay = overlayRef.current,
        line = lineRef.current,
        future = futureRef.current
      if (!overlay || !line || !future) return false
      const live = isActive(uiRef.current.phase)
      const w = m.window
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
      const inside = show && px >= 0 && px <= L.plotW
      line.style.display = inside ? 'block' : 'none'
      line.style.transform = `translateX(${px}px)`
      future.style.display = show && !live && d.finished && px < L.plotW ? 'block' : 'none'
      future.style.transform = `translateX(${Math.max(0, px)}px)`
      return false
    })
  }, [raf, controller, playhead])

  // ── interaction: wheel zoom, drag pan, click to seek, keys, tooltip ───────────────────────────
  useEffect(() => {
    const canvas = canvasRef.current
    if (!canvas) return
    const m = memo.current
    const setWindow = (w: TimeWindow) => {
      m.fitted = false
      m.window = clampWindow(w, m.lastSpan[0], m.lastSpan[1])
      viewVersion.current++
      raf.schedule()
    }
    const anchorOf = (clientX: number) => {
      const r = canvas.getBoundingClientRect()
      return Math.min(1, Math.max(0, (clientX - r.left - m.layout.left) / m.layout.plotW))
    }
    const onWheel = (e: WheelEvent) => {
      e.preventDefault()
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY) || e.shiftKey) {
        setWindow(pan(m.window, ((e.shiftKey ? e.deltaY : e.deltaX) / m.layout.plotW) * 1))
      } else {
        setWindow(zoom(m.window, Math.exp(e.deltaY * 0.0015), anchorOf(e.clientX)))
      }
    }
    let drag: { x: number; w: TimeWindow; moved: boolean } | null = null
    const onDown = (e: PointerEvent) => {
      if (e.button !== 0) return
      canvas.setPointerCapture(e.pointerId)
      drag = { x: e.clientX, w: { ...m.window }, moved: false }
    }
    const onMove = (e: PointerEvent) => {
      if (drag) {
        const dx = e.clientX - drag.x
        if (Math.abs(dx) > 3) drag.moved = true
        if (drag.moved) setWindow(pan(drag.w, -dx / m.layout.plotW))
      }
      showTooltip(e)
    }
    const onUp = (e: PointerEvent) => {
      if (drag && !drag.moved) {
        const r = canvas.getBoundingClientRect()
        const x = e.clientX - r.left
        if (x >= m.layout.left)
          seek(services, m.window.t0 + ((x - m.layout.left) / m.layout.plotW) * (m.window.t1 - m.window.t0))
      }
      drag = null
    }
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return
      const k = e.key
      if (k === '+' || k === '=') setWindow(zoom(m.window, 0.7, 0.5))
      else if (k === '-' || k === '_') setWindow(zoom(m.window, 1 / 0.7, 0.5))
      else if (k === 'ArrowLeft') setWindow(pan(m.window, -0.1))
      else if (k === 'ArrowRight') setWindow(pan(m.window, 0.1))
      else if (k === '0' || k === 'Home') fit()
      else return
      e.preventDefault()
      e.stopPropagation()
    }
    const onLeave = () => {
      if (tooltipRef.current) tooltipRef.current.hidden = true
    }
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
        dblclick: fit,
      },
      { passive: false },
    )
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [raf, services])

  // the image exports read the canvas and the current zoom window
  useEffect(() => {
    const canvas = canvasRef.current
    if (!canvas) return
    const m = memo.current
    return registerLanes({ canvas, window: () => m.window, order: () => m.order, layout: () => m.layout })
  }, [canvasRef])

  function fit() {
    memo.current.fitted = true
    viewVersion.current++
    raf.schedule()
  }

  function zoomBy(factor: number) {
    const m = memo.current
    m.fitted = false
    m.window = clampWindow(zoom(m.window, factor, 0.5), m.lastSpan[0], m.lastSpan[1])
    viewVersion.current++
    raf.schedule()
  }

  function showTooltip(e: PointerEvent) {
    const tip = tooltipRef.current
    const canvas = canvasRef.current
    if (!tip || !canvas) return
    const m = memo.current
    const d = controller.data
    const L = m.layout
    const r = canvas.getBoundingClientRect()
    const x = e.clientX - r.left,
      y = e.clientY - r.top
    if (
      !L.n ||
      x < L.left ||
      y < L.top ||
      y > L.top + (L.aggregated ? L.lanesH : L.laneH * L.n) ||
      d.eventCount === 0
    ) {
      tip.hidden = true
      return
    }
    const tt = m.window.t0 + ((x - L.left) / L.plotW) * (m.window.t1 - m.window.t0)
    const end = isActive(store.getState().phase) ? d.maxT : m.lastSpan[1]
    const lines: string[] = []
    if (d.experiment === 'parallel-sum') {
      const lane = Math.floor((y - L.top) / L.laneH)
      if (lane < 0 || lane >= L.n) {
        tip.hidden = true
        return
      }
      sumTooltip(lines, lane, tt, end)
      tip.textContent = lines.join('\n')
      tip.hidden = false
      const tw = tip.offsetWidth,
        th = tip.offsetHeight
      tip.style.left = `${Math.min(r.width - tw - 4, x + 14)}px`
      tip.style.top = `${Math.min(r.height - th - 4, y + 14)}px`
      return
    }
    let lane: number
    if (L.aggregated) {
      const row = Math.floor(y - L.top)
      const first = Math.floor((row * L.n) / L.lanesH),
        last = Math.max(first + 1, Math.floor(((row + 1) * L.n) / L.lanesH))
      const counts = new Array(LANE_STATE_COUNT).fill(0)
      for (let l = first; l < last && l < L.n; l++) counts[stateAt(d, m.order[l], tt, end)]++
      const count = Math.min(L.n, last) - first
      lines.push(
        count > 1
          ? `lanes ${(first + 1).toLocaleString()}–${Math.min(L.n, last).toLocaleString()} of ${L.n.toLocaleString()} (${count} per pixel row)`
          : `lane ${(first + 1).toLocaleString()} of ${L.n.toLocaleString()} (lanes thinner than a pixel row)`,
      )
      lines.push(
        `at ${formatNs(tt, 4)}: ` +
          counts
            .map((c, s) => (c && s ? `${c} ${LANE_STATE_NAMES[s as LaneState]}` : ''))
            .filter(Boolean)
            .join(', '),
      )
      lane = first
    } else {
      lane = Math.floor((y - L.top) / L.laneH)
    }
    if (lane < 0 || lane >= L.n) {
      tip.hidden = true
      return
    }
    const wk = m.order[lane]
    const t = d.table
    const late = t.woke[wk] - t.deadline[wk]
    const wait = t.lockAcquired[wk] - t.lockWait[wk]
    lines.push(`thread ${wk} · value ${d.values[wk]}${t.index[wk] >= 0 ? ` · slot ${t.index[wk]}` : ''}`)
    lines.push(`deadline ${formatNs(t.deadline[wk], 4)} · woke ${formatNs(t.woke[wk], 4)}`)
    lines.push(`lateness ${formatNs(late)} · lock wait ${formatNs(wait)}`)
    if (!L.aggregated) lines.push(`at ${formatNs(tt, 4)}: ${LANE_STATE_NAMES[stateAt(d, wk, tt, end)]}`)
    tip.textContent = lines.join('\n')
    tip.hidden = false
    const tw = tip.offsetWidth,
      th = tip.offsetHeight
    tip.style.left = `${Math.min(r.width - tw - 4, x + 14)}px`
    tip.style.top = `${Math.min(r.height - th - 4, y + 14)}px`
  }

  function sumTooltip(lines: string[], lane: number, tt: number, end: number) {
    const sum = controller.data.sum
    const cancelled = store.getState().phase === 'cancelled'
    if (lane < sum.count) {
      const c = lane
      const len = sum.length[c],
        done = sum.progressAt(c, tt)
      lines.push(`chunk ${c} · ${formatTotal(len)} values`)
      lines.push(
        `started ${formatNs(sum.start[c], 4)} · done ${formatNs(sum.done[c], 4)} (took ${formatNs(sum.done[c] - sum.start[c])})`,
      )
      lines.push(`partial ${formatTotal(sum.partial[c])} · folded at ${formatNs(sum.combined[c], 4)}`)
      const pct = len > 0 ? ` (${Math.round((100 * done) / len)}%)` : ''
      lines.push(
        `at ${formatNs(tt, 4)}: ${formatTotal(done)} / ${formatTotal(len)} done${pct} · ${CHUNK_STATE_NAMES[sum.stateAt(c, tt, end, cancelled)]}`,
      )
    } else {
      lines.push(`combine · ${sum.folds.length} of ${sum.count} partials folded`)
      lines.push(
        `at ${formatNs(tt, 4)}: ${COMBINE_STATE_NAMES[sum.combineStateAt(tt, sum.firstStart())]} · ${sum.foldedAt(tt)} folded · running total ${formatTotal(sum.totalAt(tt))}`,
      )
    }
  }

  function stateAt(d: typeof controller.data, wk: number, tt: number, end: number): LaneState {
    const seg = memo.current.seg
    const k = laneSegments(d.table, wk, end, seg)
    let s: LaneState = LaneState.Empty
    for (let i = 0; i < k; i++) if (seg[i * 3] <= tt && tt <= seg[i * 3 + 1]) s = seg[i * 3 + 2] as LaneState
    return s
  }

  return (
    <div className="view lanes-view">
      <div className="lanes-toolbar">
        {ui.experiment === 'parallel-sum' ? (
          <ul className="legend" aria-label="Lane states">
            {CHUNK_LEGEND.map((s) => (
              <li key={s.label} title={s.hint}>
                <span className="swatch" style={{ background: s.color }} />
                {s.label}
              </li>
            ))}
            <li title="the instant a partial is folded into the total">
              <span className="swatch tick" />
              fold
            </li>
          </ul>
        ) : (
          <ul className="legend" aria-label="Lane states">
            {LEGEND_STATES.map((s) => (
              <li key={s} title={LANE_STATE_HINTS[s]}>
                <span className="swatch" style={{ background: STATE_COLORS[s] }} />
                {LANE_STATE_NAMES[s]}
              </li>
            ))}
            <li title="the instant the thread should wake">
              <span className="swatch tick" />
              deadline
            </li>
          </ul>
        )}
        <div className="lanes-tools">
          {ui.experiment !== 'parallel-sum' && (
            <button
              type="button"
              aria-pressed={ui.sortByValue}
              onClick={() => store.getState().setSortByValue(!ui.sortByValue)}
              title="Lanes sorted by value when on, in spawn order when off"
            >
              Sort by value
            </button>
          )}
          <button type="button" onClick={() => zoomBy(0.7)} aria-label="Zoom in" title="Zoom in (+)">
            +
          </button>
          <button type="button" onClick={() => zoomBy(1 / 0.7)} aria-label="Zoom out" title="Zoom out (−)">
            −
          </button>
          <button type="button" onClick={fit} title="Fit the whole run (0)">
            Fit
          </button>
          {ui.highlight && (
            <button
              type="button"
              className="chip-button"
              onClick={() => store.getState().setHighlight(null)}
              title="Clear the highlight"
            >
              lateness {ui.highlight.label} ✕
            </button>
          )}
        </div>
      </div>
      <div className="lanes-canvas-wrap">
        <canvas
          ref={canvasRef}
          tabIndex={0}
          role="img"
          aria-label={
            ui.experiment === 'parallel-sum'
              ? 'Thread lanes: one per worker filling with its chunk’s progress, then the combine step; wheel or + − to zoom, drag or ← → to pan, click to move the playhead'
              : 'Thread lanes: wheel or + − to zoom, drag or ← → to pan, click to move the playhead'
          }
        />
        <div ref={overlayRef} className="lanes-overlay" aria-hidden="true">
          <div ref={futureRef} className="future" />
          <div ref={lineRef} className="playhead-line" />
        </div>
        <div ref={tooltipRef} className="tooltip" hidden role="tooltip" />
      </div>
    </div>
  )
}
