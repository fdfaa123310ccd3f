import { useEffect, useRef, useState } from 'react'
import type { SleepSortRequest, TimingMode } from '../../shared/api'
import { changedRows, type RunDiff } from '../../shared/rundiff'
import { formatDurationNs } from '../../shared/stats'
import { comparedRun, diffWithFile, showDiff } from '../model/diffSlice'
import { THEME } from '../view/colors'
import { useApp, useServices } from '../view/context'
import { readBytes } from '../view/download'

/** rows of the table before it says how many more there are */
const TABLE_ROWS = 200

/**
 * Two runs of the same input, value by value: the current run against a saved `.threadlab` file,
 * or two modes of `Compare modes`. Summary, a strip of where the orders differ, the values that
 * changed. A diff opened from a run file is shown as saved.
 */
export function DiffView() {
  const { store, controller } = useServices()
  const s = useApp((st) => ({
    diff: st.diff,
    error: st.diffError,
    compare: st.compare,
    request: st.request,
    result: st.result,
    phase: st.phase,
  }))
  const done = (s.compare?.entries ?? []).filter((e) => e.status === 'done' && e.events)
  const [modeA, setModeA] = useState<TimingMode | ''>('')
  const [modeB, setModeB] = useState<TimingMode | ''>('')
  const a = modeA || done[0]?.mode || ''
  const b = modeB || done[done.length - 1]?.mode || ''

  const diffModes = () => {
    const request = s.request as SleepSortRequest | null
    const ea = done.find((e) => e.mode === a),
      eb = done.find((e) => e.mode === b)
    if (!request || request.experiment !== 'sleep-sort' || !ea || !eb) return
    const ra = comparedRun(request, ea),
      rb = comparedRun(request, eb)
    if (ra && rb) showDiff(store, ra, rb)
  }
  const diffFile = async (file: File) => {
    const st = store.getState()
    const current =
      st.request && controller.data.finished
        ? { request: st.request, result: st.result, events: controller.data.cols }
        : null
    diffWithFile(store, current, file.name, await readBytes(file))
  }

  return (
    <div className="diff-view" aria-label="Diff">
      <div className="diff-controls">
        <label className="small">
          Compare this run with a saved run{' '}
          <input
            type="file"
            accept=".threadlab"
            aria-label="Saved run to compare"
            onChange={(e) => {
              const f = e.target.files?.[0]
              e.target.value = ''
              if (f) void diffFile(f)
            }}
          />
        </label>
        {done.length >= 2 && (
          <span className="small">
            or two compared modes:{' '}
            <select aria-label="Diff run a" value={a} onChange={(e) => setModeA(e.target.value as TimingMode)}>
              {done.map((e) => (
                <option key={e.mode}>{e.mode}</option>
              ))}
            </select>{' '}
            against{' '}
            <select aria-label="Diff run b" value={b} onChange={(e) => setModeB(e.target.value as TimingMode)}>
              {done.map((e) => (
                <option key={e.mode}>{e.mode}</option>
              ))}
            </select>{' '}
            <button type="button" onClick={diffModes}>
              Diff modes
            </button>
          </span>
        )}
      </div>
      {s.error && (
        <p className="alert shown" role="alert">
          {s.error}
        </p>
      )}
      {s.diff ? (
        <DiffResult diff={s.diff} />
      ) : (
        !s.error && (
          <p className="muted small">
            Run <b>Compare modes</b> to diff two modes, or choose a saved <code>.threadlab</code> run of the same list.
          </p>
        )
      )}
    </div>
  )
}

function DiffResult({ diff }: { diff: RunDiff }) {
  const sm = diff.summary
  const rows = changedRows(diff)
  const n = diff.values.length
  const side = (x: RunDiff['a']) => `${x.label} (${x.mode})`
  return (
    <>
      <dl className="diff-summary small" aria-label="Diff summary">
        <dt>Runs</dt>
        <dd>
          a = {side(diff.a)} · b = {side(diff.b)}
        </dd>
        <dt>Values moved</dt>
        <dd>
          {sm.moved} of {n}
        </dd>
        <dt>Orders</dt>
        <dd>
          {sm.differing === 0
            ? 'identical'
            : `differ at ${sm.differing} of ${Math.max(diff.a.output.length, diff.b.output.length)} positions`}
        </dd>
        <dt>Inversions</dt>
        <dd>
          {sm.inversionsA} → {sm.inversionsB}
        </dd>
        <dt>Causes</dt>
        <dd>
          {sm.causeChanges.length ? sm.causeChanges.map((c) => `${c.cause} ${c.a} → ${c.b}`).join(', ') : 'no change'}
        </dd>
      </dl>
      <DiffStrip diff={diff} />
      {rows.length > 0 && (
        <table className="diff-table small" aria-label="Values that changed">
          <thead>
            <tr>
              <th>value</th>
              <th>push a</th>
              <th>push b</th>
              <th>change</th>
              <th>late a</th>
              <th>late b</th>
              <th>cause a → b</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, TABLE_ROWS).map((w) => {
              const pa = diff.rows.posA[w],
                pb = diff.rows.posB[w]
              const late = (ns: number) => (Number.isFinite(ns) ? formatDurationNs(ns) : '—')
              return (
                <tr key={w}>
                  <td>{diff.values[w]}</td>
                  <td>{pa >= 0 ? pa + 1 : '—'}</td>
                  <td>{pb >= 0 ? pb + 1 : '—'}</td>
                  <td>{pa >= 0 && pb >= 0 ? (pb > pa ? `+${pb - pa}` : String(pb - pa)) : '—'}</td>
                  <td>{late(diff.rows.latenessA[w])}</td>
                  <td>{late(diff.rows.latenessB[w])}</td>
                  <td>
                    {diff.rows.causeA[w] ?? 'in place'} → {diff.rows.causeB[w] ?? 'in place'}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
      {rows.length > TABLE_ROWS && (
        <p className="muted small">… {(rows.length - TABLE_ROWS).toLocaleString()} more values changed</p>
      )}
    </>
  )
}

/** One pixel column per stretch of output positions: red where the two orders differ. */
function DiffStrip({ diff }: { diff: RunDiff }) {
  const ref = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    const c = ref.current
    const ctx = c?.getContext('2d')
    if (!c || !ctx) return
    const width = (c.width = Math.max(1, Math.round(c.getBoundingClientRect().width || 600)))
    const height = (c.height = 14)
    const positions = Math.max(1, diff.a.output.length, diff.b.output.length)
    ctx.fillStyle = '#1f2430'
    ctx.fillRect(0, 0, width, height)
    ctx.fillStyle = THEME.bad
    for (const p of diff.differAt) {
      const x = Math.floor((p / positions) * width)
      ctx.fillRect(x, 0, Math.max(1, Math.ceil(width / positions)), height)
    }
  }, [diff])
  return (
    <canvas
      ref={ref}
      className="diff-strip"
      role="img"
      aria-label={`Where the orders differ: ${diff.differAt.length} of ${Math.max(diff.a.output.length, diff.b.output.length)} positions`}
    />
  )
}
