import { useEffect, useRef } from 'react'
import type { SleepSortResult } from '../../shared/api'
import { formatDurationNs } from '../../shared/stats'
import type { CompareEntry } from '../model/store'
import { valueCss, THEME } from '../view/colors'
import { useApp, useServices } from '../view/context'

/** The same list run in each allowed mode, side by side: a small vector and key stats each. */
export function ComparePanel() {
  const { store, controller } = useServices()
  const compare = useApp((s) => s.compare)
  if (!compare) return null
  return (
    <section className="compare" aria-label="Comparison">
      <div className="compare-head">
        <h2>Compare modes</h2>
        <span className="muted small">{compare.active ? 'running each mode in turn…' : 'same list, each mode'}</span>
        <span className="spacer" />
        {compare.active ? (
          <button type="button" onClick={() => void controller.cancel()}>
            Stop comparing
          </button>
        ) : (
          <button type="button" onClick={() => store.getState().compareClose()} aria-label="Close comparison">
            ✕
          </button>
        )}
      </div>
      <div className="compare-cards">
        {compare.entries.map((e) => (
          <CompareCard key={e.mode} entry={e} />
        ))}
      </div>
    </section>
  )
}

function CompareCard({ entry }: { entry: CompareEntry }) {
  const r = entry.result
  return (
    <article className={`compare-card status-${entry.status}`} aria-label={`${entry.mode} mode`}>
      <header>
        <b>{entry.mode}</b>
        <span className={`badge ${r ? (r.sorted ? 'ok' : 'bad') : ''}`}>
          {r ? (r.cancelled ? 'cancelled' : r.sorted ? 'sorted' : 'not sorted') : entry.status}
        </span>
      </header>
      <MiniVector result={r} />
      {r ? (
        <dl className="stat-grid compact">
          <dt>misplaced</dt>
          <dd>{r.misplaced.toLocaleString()}</dd>
          <dt>inversions</dt>
          <dd>{r.inversions.toLocaleString()}</dd>
          <dt title="wake lateness, 99th percentile">late p99</dt>
          <dd>{formatDurationNs(r.latenessNs.p99)}</dd>
          <dt title="lock wait, 99th percentile">lock p99</dt>
          <dd>{formatDurationNs(r.lockWaitNs.p99)}</dd>
          <dt>wall</dt>
          <dd>{r.wallMs >= 1000 ? `${(r.wallMs / 1000).toFixed(2)} s` : `${r.wallMs.toFixed(1)} ms`}</dd>
        </dl>
      ) : (
        <p className="muted small">
          {entry.error ??
            (entry.status === 'running' ? 'running…' : entry.status === 'waiting' ? 'queued' : entry.status)}
        </p>
      )}
    </article>
  )
}

function MiniVector({ result }: { result?: SleepSortResult }) {
  const ref = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    const c = ref.current
    if (!c) return
    const dpr = globalThis.devicePixelRatio || 1
    const w = c.clientWidth || 200,
      h = c.clientHeight || 60
    c.width = Math.round(w * dpr)
    c.height = Math.round(h * dpr)
    const ctx = c.getContext('2d')!
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
    ctx.fillStyle = '#14171d'
    ctx.fillRect(0, 0, w, h)
    if (!result || !result.output.length) return
    const out = result.output
    let lo = Infinity,
      hi = -Infinity
    for (const v of out) {
      if (v < lo) lo = v
      if (v > hi) hi = v
    }
    const span = hi - lo || 1
    const bw = w / out.length
    let max = -Infinity
    for (let i = 0; i < out.length; i++) {
      const t = (out[i] - lo) / span
      const bh = 2 + t * (h - 8)
      ctx.fillStyle = out[i] < max ? THEME.bad : valueCss(t)
      ctx.fillRect(i * bw, h - bh, Math.max(0.6, bw - (bw > 4 ? 1 : 0)), bh)
      if (out[i] > max) max = out[i]
    }
  }, [result])
  return (
    <canvas
      ref={ref}
      className="mini-vector"
      role="img"
      aria-label={result ? `output: ${result.sorted ? 'sorted' : 'not sorted'}` : 'no output yet'}
    />
  )
}
