import { useRef } from 'react'
import {
  laneOrder,
  laneSegments,
  LANE_STATE_COUNT,
  LANE_STATE_HINTS,
  LANE_STATE_NAMES,
  LaneState,
} from '../model/lanes'
import { formatNs } from '../model/playback'
import type { RunData } from '../model/runData'
import { LaneRaster } from '../paint/laneRaster'
import { EMPTY_LAYOUT, laneEnd, paintSortLanes, type LanesLayout } from '../paint/sortLanes'
import { LEGEND_STATES, STATE_COLORS } from '../view/colors'
import { useApp, useServices } from '../view/context'
import { focusKey } from '../view/focus'
import { LanesCanvas } from './LanesCanvas'
import { SumLanesView } from './SumLanesView'
import type { TimelineCanvas } from './TimelineCanvas'
import { TimelineToolbar, type LegendItem } from './TimelineToolbar'

/** time the lane image may take per frame (ms): a frame draws other canvases too (view/raf.ts) */
const LANE_RASTER_BUDGET_MS = 4

/** The run's lanes: one per thread for a sleep sort, one per worker for a parallel sum. */
export function LanesView() {
  const experiment = useApp((s) => s.request?.experiment ?? s.experiment)
  return experiment === 'parallel-sum' ? <SumLanesView /> : <SortLanesView />
}

/**
 * One lane per thread: state colours over time, deadline ticks, lateness as the orange gap from
 * deadline to wake, the playhead, the shared timeline's zoom and pan, a hover tooltip, and
 * per-pixel-row aggregation when lanes are thinner than a pixel.
 */
function SortLanesView() {
  const { controller, store, timeline } = useServices()
  const ui = useApp((s) => ({
    sortByValue: s.sortByValue,
    highlight: s.highlight,
    focus: s.focusWorkers,
    phase: s.phase,
  }))
  const uiRef = useRef(ui)
  uiRef.current = ui
  const layout = useRef<LanesLayout>(EMPTY_LAYOUT)
  const memo = useRef({
    key: '',
    order: new Uint32Array(0) as Uint32Array,
    /** what the order was taken from: the run's order by value, and whether sorted by it */
    orderOf: null as Uint32Array | null,
    byValue: false,
    orderVersion: 0,
    // 10,000 lanes aggregate in a few ms on a quiet machine; on a busy one the work spreads over frames
    raster: new LaneRaster(LANE_RASTER_BUDGET_MS),
  })

  const paint: Parameters<typeof TimelineCanvas>[0]['paint'] = (s, f) => {
    const d = controller.data
    const m = memo.current
    const { sortByValue, highlight, phase, focus } = uiRef.current
    const span = d.span()
    const w = timeline.bound(d.runId, span[0], span[1])
    // the values, so their order, stay the same for the whole run (and from run to run of one list)
    if (d.valueOrder !== m.orderOf || sortByValue !== m.byValue) {
      m.order = sortByValue ? d.valueOrder : laneOrder(d.values, false)
      m.orderOf = d.valueOrder
      m.byValue = sortByValue
      m.orderVersion++
    }
    const key = `${d.runId}|${d.version}|${phase}|${f.width}x${f.height}|${timeline.version}|${m.orderVersion}|${highlight?.lo}|${highlight?.hi}|${focusKey(focus)}`
    if (key === m.key && !f.resized) return false
    const { layout: L, pending } = paintSortLanes(
      s,
      { data: d, order: m.order, phase, highlight, focus, raster: m.raster, now: f.now },
      w,
    )
    layout.current = L
    // a pending recompute must redraw on a later frame even if nothing else changed
    m.key = pending ? '' : key
    return pending
  }

  const tooltip = (_x: number, y: number, tt: number): string[] | null => {
    const d = controller.data
    const L = layout.current
    const order = memo.current.order
    if (!L.n || y < L.top || y > L.top + (L.aggregated ? L.lanesH : L.laneH * L.n) || d.eventCount === 0) return null
    const end = laneEnd(d, store.getState().phase)
    const lines: string[] = []
    let lane: number
    if (L.aggregated) {
      const row = Math.floor(y - L.top)
      const first = Math.floor((row * L.n) / L.lanesH),
        last = Math.max(first + 1, Math.floor(((row + 1) * L.n) / L.lanesH))
      const counts = new Array(LANE_STATE_COUNT).fill(0)
      for (let l = first; l < last && l < L.n; l++) counts[stateAt(d, order[l], tt, end)]++
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
    } else lane = Math.floor((y - L.top) / L.laneH)
    if (lane < 0 || lane >= L.n) return null
    const wk = order[lane]
    const t = d.table
    lines.push(`thread ${wk} · value ${d.values[wk]}${t.index[wk] >= 0 ? ` · slot ${t.index[wk]}` : ''}`)
    lines.push(`deadline ${formatNs(t.deadline[wk], 4)} · woke ${formatNs(t.woke[wk], 4)}`)
    lines.push(
      `lateness ${formatNs(t.woke[wk] - t.deadline[wk])} · lock wait ${formatNs(t.lockAcquired[wk] - t.lockWait[wk])}`,
    )
    if (!L.aggregated) lines.push(`at ${formatNs(tt, 4)}: ${LANE_STATE_NAMES[stateAt(d, wk, tt, end)]}`)
    return lines
  }

  return (
    <div className="view lanes-view">
      <TimelineToolbar
        legendLabel="Lane states"
        legend={LEGEND}
        zoomLabels={['Zoom in', 'Zoom out']}
        before={
          <button
            type="button"
            aria-pressed={ui.sortByValue}
            onClick={() => store.getState().setSortByValue(!ui.sortByValue)}
            title="Lanes sorted by value when on, in spawn order when off"
          >
            Sort by value
          </button>
        }
        after={
          ui.highlight && (
            <button
              type="button"
              className="chip-button"
              onClick={() => store.getState().setHighlight(null)}
              title="Clear the highlight"
            >
              lateness {ui.highlight.label} ✕
            </button>
          )
        }
      />
      <LanesCanvas
        ariaLabel="Thread lanes: wheel or + − to zoom, drag or ← → to pan, click to move the playhead"
        paint={paint}
        tooltip={tooltip}
        layout={layout}
        order={() => memo.current.order}
      />
    </div>
  )
}

const LEGEND: LegendItem[] = [
  ...LEGEND_STATES.map((s) => ({ label: LANE_STATE_NAMES[s], hint: LANE_STATE_HINTS[s], color: STATE_COLORS[s] })),
  { label: 'deadline', hint: 'the instant the thread should wake', swatch: 'tick' },
]

const seg = new Float64Array(30)
function stateAt(d: RunData, wk: number, tt: number, end: number): LaneState {
  const k = laneSegments(d.table, wk, end, seg)
  let s: LaneState = LaneState.Empty
  for (let i = 0; i < k; i++) if (seg[i * 3] <= tt && tt <= seg[i * 3 + 1]) s = seg[i * 3 + 2] as LaneState
  return s
}
