import { useEffect, useRef, useState } from 'react'
import { formatDurationNs } from '../../shared/stats'
import { buildLockModel, depthAt, episodeOf, grantsIn, holderAt, type LockModel } from '../model/lock'
import { LaneState } from '../model/lanes'
import { formatNs } from '../model/playback'
import { isActive } from '../model/store'
import { AXIS_H } from '../paint/axis'
import { lockLayout, paintLockTracks, type LockLayout, type LockTracksInput } from '../paint/lockTracks'
import { STATE_COLORS, THEME } from '../view/colors'
import { useApp, useServices } from '../view/context'
import { focusKey } from '../view/focus'
import { TimelineCanvas } from './TimelineCanvas'
import { TimelineToolbar, type LegendItem } from './TimelineToolbar'
import './lock.css'

/** live runs: rebuild the model at most this often */
const LIVE_REBUILD_MS = 400
const HOLD_COLOR = STATE_COLORS[LaneState.Holding]
const WAIT_COLOR = STATE_COLORS[LaneState.Waiting]
const TABLE_ROWS = 200

const LEGEND: LegendItem[] = [
  { label: 'holder (by value)', hint: 'who held the mutex, coloured by the value it pushed', swatch: 'value-ramp' },
  {
    label: 'handoff',
    hint: 'a release followed by the next acquire of a thread that was already waiting',
    swatch: 'arrow',
    mark: '↷',
  },
  { label: 'out of turn', hint: 'a grant to a thread that arrived after another one still waiting', swatch: 'notch' },
  { label: 'waiting', hint: 'threads waiting for the mutex', color: WAIT_COLOR },
]

/**
 * The run's mutex over time on the run's shared timeline (zooming the lanes zooms this view): the
 * holder track with handoff arrows and the waiting queue (paint/lockTracks.ts), arrival order
 * against grant order, and the uncontended acquire cost.
 */
export function LockView() {
  const { controller, playhead, timeline, store } = useServices()
  const ui = useApp((s) => ({ phase: s.phase, dataVersion: s.dataVersion }))
  const uiRef = useRef(ui)
  uiRef.current = ui
  const [model, setModel] = useState<LockModel | null>(null)
  const layout = useRef<LockLayout>(lockLayout(1, 1))
  const memo = useRef({
    runId: -2,
    version: -1,
    builtAt: 0,
    model: null as LockModel | null,
    key: '',
    columns: {} as NonNullable<LockTracksInput['columns']>,
  })

  /** The model of the run on screen, rebuilt when its data changed (throttled while live). */
  const currentModel = (now: number): LockModel | null => {
    const d = controller.data
    const m = memo.current
    const live = isActive(uiRef.current.phase)
    if (d.runId !== m.runId || (d.version !== m.version && (!live || now - m.builtAt >= LIVE_REBUILD_MS))) {
      m.runId = d.runId
      m.version = d.version
      m.builtAt = now
      m.model = d.threads > 0 && d.eventCount > 0 ? buildLockModel(d.table, live ? d.maxT : d.span()[1]) : null
      setModel(m.model)
    }
    return m.model
  }

  const paint: Parameters<typeof TimelineCanvas>[0]['paint'] = (s, f) => {
    const lm = currentModel(f.now)
    const m = memo.current
    const d = controller.data
    const span = d.span()
    const w = timeline.bound(d.runId, span[0], span[1])
    const phase = uiRef.current.phase
    const key = `${m.runId}|${m.version}|${f.width}x${f.height}|${timeline.version}|${playhead.tNs}|${d.finished}|${phase}|${focusKey(store.getState().focusWorkers)}`
    const pending = isActive(phase) && d.version !== m.version
    if (key === m.key && !f.resized) return pending
    m.key = key
    layout.current = paintLockTracks(
      s,
      { model: lm, data: d, phase, playheadNs: playhead.tNs, columns: m.columns, focus: store.getState().focusWorkers },
      w,
    )
    return pending
  }

  const tooltip = (_x: number, y: number, t: number): string[] | null => {
    const lm = memo.current.model
    if (!lm || lm.count === 0 || y < AXIS_H) return null
    const d = controller.data
    const w = timeline.window
    const lines = [`at ${formatNs(t, 4)}: ${depthAt(lm, t).toLocaleString()} waiting`]
    // the grant under the pointer, or the nearest one within 4 px
    let g = holderAt(lm, t)
    if (g < 0) {
      const tol = (4 / layout.current.plotW) * (w.t1 - w.t0)
      const [a, b] = grantsIn(lm, t - tol, t + tol)
      if (b > a) g = a
    }
    if (g < 0) return [...lines, 'the lock is free']
    const wk = lm.worker[g]
    lines.push(`grant ${g + 1} of ${lm.count.toLocaleString()}: thread ${wk} · value ${d.values[wk]}`)
    lines.push(
      `arrived ${ordinal(lm.arrivalRank[g] + 1)} · waited ${formatNs(lm.acquired[g] - lm.arrival[g])} · held ${formatNs(lm.released[g] - lm.acquired[g])}`,
    )
    if (lm.outOfTurn[g]) lines.push('out of turn: a thread that arrived earlier got the lock later')
    else if (lm.uncontended[g]) lines.push('uncontended: nobody else held or waited')
    if (g > 0 && lm.handoff[g])
      lines.push(`handoff ${formatNs(lm.acquired[g] - lm.released[g - 1])} after the previous release`)
    return lines
  }

  /** Shows the busy spell around a grant: its queue and the handoffs in and out of it. */
  const showGrant = (g: number) => {
    const lm = memo.current.model
    if (!lm || g < 0 || g >= lm.count) return
    const [lo, hi] = episodeOf(lm, g)
    const pad = Math.max(500, (hi - lo) * 0.15)
    timeline.show({ t0: lo - pad, t1: hi + pad })
  }
  const running = isActive(ui.phase)

  return (
    <section className="view lock-view" aria-label="Lock">
      <TimelineToolbar legendLabel="Lock legend" legend={LEGEND} zoomLabels={['Zoom lock in', 'Zoom lock out']} />
      <div className="lock-main">
        <TimelineCanvas
          className="lanes-canvas-wrap lock-canvas-wrap"
          ariaLabel="Lock timeline: the mutex's holders over time with handoff arrows, and the threads waiting for it. Wheel or + − to zoom, drag or ← → to pan"
          paint={paint}
          plot={() => ({ left: layout.current.left, width: layout.current.plotW })}
          tooltip={tooltip}
        />
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
