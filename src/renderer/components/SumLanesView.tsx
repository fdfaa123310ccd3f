import { useRef } from 'react'
import { formatNs } from '../model/playback'
import { CHUNK_STATE_NAMES, COMBINE_STATE_NAMES, formatTotal } from '../model/sumData'
import { EMPTY_LAYOUT, laneEnd, type LanesLayout } from '../paint/sortLanes'
import { paintSumLanes } from '../paint/sumLanes'
import { useApp, useServices } from '../view/context'
import { CHUNK_LEGEND } from '../view/sumColors'
import { LanesCanvas } from './LanesCanvas'
import type { TimelineCanvas } from './TimelineCanvas'
import { TimelineToolbar, type LegendItem } from './TimelineToolbar'

const NO_ORDER = new Uint32Array(0)

/** Parallel sum: one lane per worker (its chunk's progress fills it), then the combine lane. */
export function SumLanesView() {
  const { controller, store, timeline } = useServices()
  const phase = useApp((s) => s.phase)
  const phaseRef = useRef(phase)
  phaseRef.current = phase
  const layout = useRef<LanesLayout>(EMPTY_LAYOUT)
  const memo = useRef({ key: '' })

  const paint: Parameters<typeof TimelineCanvas>[0]['paint'] = (s, f) => {
    const d = controller.data
    const span = d.span()
    const w = timeline.bound(d.runId, span[0], span[1])
    const key = `${d.version}|${phaseRef.current}|${f.width}x${f.height}|${timeline.version}|${d.runId}`
    if (key === memo.current.key && !f.resized) return false
    memo.current.key = key
    layout.current = paintSumLanes(s, { data: d, phase: phaseRef.current }, w)
    return false
  }

  const tooltip = (_x: number, y: number, tt: number): string[] | null => {
    const d = controller.data
    const L = layout.current
    if (!L.n || y < L.top || y > L.top + L.laneH * L.n || d.eventCount === 0) return null
    const lane = Math.floor((y - L.top) / L.laneH)
    if (lane < 0 || lane >= L.n) return null
    const sum = d.sum
    const ph = store.getState().phase
    if (lane >= sum.count)
      return [
        `combine · ${sum.folds.length} of ${sum.count} partials folded`,
        `at ${formatNs(tt, 4)}: ${COMBINE_STATE_NAMES[sum.combineStateAt(tt, sum.firstStart())]} · ${sum.foldedAt(tt)} folded · running total ${formatTotal(sum.totalAt(tt))}`,
      ]
    const c = lane
    const len = sum.length[c],
      done = sum.progressAt(c, tt)
    const pct = len > 0 ? ` (${Math.round((100 * done) / len)}%)` : ''
    return [
      `chunk ${c} · ${formatTotal(len)} values`,
      `started ${formatNs(sum.start[c], 4)} · done ${formatNs(sum.done[c], 4)} (took ${formatNs(sum.done[c] - sum.start[c])})`,
      `partial ${formatTotal(sum.partial[c])} · folded at ${formatNs(sum.combined[c], 4)}`,
      `at ${formatNs(tt, 4)}: ${formatTotal(done)} / ${formatTotal(len)} done${pct} · ${CHUNK_STATE_NAMES[sum.stateAt(c, tt, laneEnd(d, ph), ph === 'cancelled')]}`,
    ]
  }

  return (
    <div className="view lanes-view">
      <TimelineToolbar legendLabel="Lane states" legend={LEGEND} zoomLabels={['Zoom in', 'Zoom out']} />
      <LanesCanvas
        ariaLabel="Thread lanes: one per worker filling with its chunk’s progress, then the combine step; wheel or + − to zoom, drag or ← → to pan, click to move the playhead"
        paint={paint}
        tooltip={tooltip}
        layout={layout}
        order={() => NO_ORDER}
      />
    </div>
  )
}

const LEGEND: LegendItem[] = [
  ...CHUNK_LEGEND,
  { label: 'fold', hint: 'the instant a partial is folded into the total', swatch: 'tick' },
]
