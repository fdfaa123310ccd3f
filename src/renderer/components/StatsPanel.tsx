import { useMemo } from 'react'
import type { ParallelSumResult } from '../../shared/api'
import { formatDurationNs } from '../../shared/stats'
import { sumTiming } from '../model/sumData'
import { useApp, useServices } from '../view/context'

/** The statistics of the run on screen: a sleep sort's order and timing, or a sum's work sharing. */
export function StatsPanel() {
  const experiment = useApp((st) => st.request?.experiment ?? st.experiment)
  return experiment === 'parallel-sum' ? <SumStatsPanel /> : <SortStatsPanel />
}

/** Order and timing statistics of the finished run, the lateness histogram and the cause sentence. */
function SortStatsPanel() {
  const { store } = useServices()
  const s = useApp((st) => ({
    result: st.result?.experiment === 'sleep-sort' ? st.result : null,
    highlight: st.highlight,
    phase: st.phase,
    missed: st.missed,
  }))
  // built off the main thread once the run finished (runAnalysis.ts); until then the result's figures
  const derived = useApp((st) => st.sortFigures)
  const r = s.result
  if (!r) {
    return (
      <section className="panel stats" aria-label="Statistics">
        <h2>Statistics</h2>
        <p className="muted small">
          {s.phase === 'running' || s.phase === 'starting'
            ? 'Collecting events…'
            : 'Statistics of the run appear here: order, lateness, lock waits and the main cause of any error.'}
        </p>
      </section>
    )
  }
  const late = derived?.late ?? r.latenessNs
  const lockWait = derived?.lockWait ?? r.lockWaitNs
  return (
    <section className="panel stats" aria-label="Statistics">
      <h2>Statistics</h2>
      {derived && (
        <p
          className={`cause ${r.sorted ? 'ok' : r.cancelled && r.misplaced === 0 ? 'partial' : 'bad'}`}
          data-testid="cause"
        >
          {derived.sentence}
        </p>
      )}
      <dl className="stat-grid">
        <dt>order</dt>
        <dd className={r.sorted ? 'ok' : r.cancelled && r.misplaced === 0 ? 'partial' : 'bad'}>
          {r.sorted
            ? 'sorted'
            : r.cancelled
              ? r.misplaced === 0
                ? 'cancelled, in order'
                : 'cancelled, not sorted'
              : 'not sorted'}
        </dd>
        <dt>misplaced</dt>
        <dd>{r.misplaced.toLocaleString()}</dd>
        <dt>inversions</dt>
        <dd>{r.inversions.toLocaleString()}</dd>
        <dt>threads</dt>
        <dd>{r.threads.toLocaleString()}</dd>
        <dt>mode · unit</dt>
        <dd>
          {r.mode} · {r.unitMs} ms
        </dd>
        <dt>wall time</dt>
        <dd>{r.wallMs >= 1000 ? `${(r.wallMs / 1000).toFixed(2)} s` : `${r.wallMs.toFixed(1)} ms`}</dd>
        <dt>events</dt>
        <dd>{r.eventCount.toLocaleString()}</dd>
      </dl>
      <h3 className="sub">Wake lateness</h3>
      <dl className="stat-grid">
        <dt>p50</dt>
        <dd>{formatDurationNs(late.p50)}</dd>
        <dt>p99</dt>
        <dd>{formatDurationNs(late.p99)}</dd>
        <dt>max</dt>
        <dd>{formatDurationNs(late.max)}</dd>
        {derived && (
          <>
            <dt>&gt; 1 unit</dt>
            <dd>
              {derived.overUnit.toLocaleString()} {derived.overUnit === 1 ? 'thread' : 'threads'}
            </dd>
          </>
        )}
      </dl>
      {derived && derived.hist.total > 0 && (
        <div className="histogram" role="group" aria-label="Lateness histogram">
          {Array.from(derived.hist.counts, (c, b) => {
            const lo = derived.hist.edges[b],
              hi = derived.hist.edges[b + 1]
            const last = b === derived.hist.counts.length - 1
            const label = `${formatDurationNs(Math.max(0, lo))}–${formatDurationNs(hi)}`
            const selected = s.highlight?.label === label
            return (
              <button
                key={b}
                type="button"
                className={`bar${selected ? ' selected' : ''}`}
                style={{ ['--h' as string]: `${c ? Math.max(4, (c / derived.hist.peak) * 100) : 0}%` }}
                aria-label={`lateness ${label}: ${c} threads`}
                aria-pressed={selected}
                title={`${label}: ${c.toLocaleString()} threads — click to light them up in the lanes`}
                disabled={c === 0}
                onClick={() => store.getState().setHighlight(selected ? null : { lo, hi: last ? Infinity : hi, label })}
              />
            )
          })}
          <div className="hist-axis">
            <span>{formatDurationNs(Math.max(0, derived.hist.edges[0]))}</span>
            <span>log scale</span>
            <span>{formatDurationNs(derived.hist.edges[derived.hist.edges.length - 1])}</span>
          </div>
        </div>
      )}
      <h3 className="sub">Mutex</h3>
      <dl className="stat-grid">
        <dt>lock wait p50</dt>
        <dd>{formatDurationNs(lockWait.p50)}</dd>
        <dt>lock wait p99</dt>
        <dd>{formatDurationNs(lockWait.p99)}</dd>
        <dt>lock wait max</dt>
        <dd>{formatDurationNs(lockWait.max)}</dd>
      </dl>
      {s.missed > 0 && (
        <p className="muted small">
          {s.missed} live batches were dropped by the host; the full run was fetched afterwards.
        </p>
      )}
    </section>
  )
}

/** How the work was shared: chunk timings, imbalance, the combine step and the throughput. */
function SumStatsPanel() {
  const { controller } = useServices()
  const s = useApp((st) => ({
    result: st.result?.experiment === 'parallel-sum' ? st.result : null,
    dataVersion: st.dataVersion,
    phase: st.phase,
    missed: st.missed,
    unitMs: st.request?.unitMs,
  }))
  const data = controller.data
  const timing = useMemo(
    () => (s.result && data.finished ? sumTiming(data.sum) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [s.result, s.dataVersion, data],
  )
  const r = s.result
  if (!r) {
    return (
      <section className="panel stats" aria-label="Statistics">
        <h2>Statistics</h2>
        <p className="muted small">
          {s.phase === 'running' || s.phase === 'starting'
            ? 'Collecting events…'
            : 'Statistics of the sum appear here: how evenly the chunks shared the work and what combining the partials cost.'}
        </p>
      </section>
    )
  }
  const values = r.chunkSizes.reduce((a, b) => a + b, 0)
  const perSecond = r.wallMs > 0 ? values / (r.wallMs / 1000) : NaN
  return (
    <section className="panel stats" aria-label="Statistics">
      <h2>Statistics</h2>
      <p className={`cause ${r.cancelled ? 'partial' : 'ok'}`} data-testid="cause">
        {sumSentence(r, timing)}
      </p>
      <dl className="stat-grid">
        <dt>values</dt>
        <dd>{values.toLocaleString()}</dd>
        <dt>threads</dt>
        <dd>{r.threads.toLocaleString()}</dd>
        <dt>delay / value</dt>
        <dd>{s.unitMs ? `${s.unitMs} ms` : 'none (full speed)'}</dd>
        <dt>wall time</dt>
        <dd>{r.wallMs >= 1000 ? `${(r.wallMs / 1000).toFixed(2)} s` : `${r.wallMs.toFixed(1)} ms`}</dd>
        <dt>throughput</dt>
        <dd>{Number.isFinite(perSecond) ? `${formatCount(perSecond)} values/s` : '—'}</dd>
        <dt>events</dt>
        <dd>{r.eventCount.toLocaleString()}</dd>
      </dl>
      {timing && (
        <>
          <h3 className="sub">Chunks</h3>
          <dl className="stat-grid">
            <dt>fastest</dt>
            <dd>{formatDurationNs(timing.fastest)}</dd>
            <dt>slowest</dt>
            <dd>
              {formatDurationNs(timing.slowest)}
              {timing.slowestChunk >= 0 ? ` (chunk ${timing.slowestChunk})` : ''}
            </dd>
            <dt>imbalance</dt>
            <dd>{Number.isFinite(timing.imbalance) ? `${timing.imbalance.toFixed(2)}×` : '—'}</dd>
            <dt>all chunks</dt>
            <dd>{formatDurationNs(timing.parallelNs)}</dd>
          </dl>
          <h3 className="sub">Combine</h3>
          <dl className="stat-grid">
            <dt>partials folded</dt>
            <dd>
              {data.sum.folds.length} of {timing.chunks}
            </dd>
            <dt>combine time</dt>
            <dd>{formatDurationNs(timing.combineNs)}</dd>
          </dl>
        </>
      )}
      {s.missed > 0 && (
        <p className="muted small">
          {s.missed} live batches were dropped by the host; the full run was fetched afterwards.
        </p>
      )}
    </section>
  )
}

function sumSentence(r: ParallelSumResult, t: ReturnType<typeof sumTiming> | null): string {
  const values = r.chunkSizes.reduce((a, b) => a + b, 0)
  const head = r.cancelled
    ? `Cancelled: ${r.threads} threads had summed part of ${values.toLocaleString()} values.`
    : `${values.toLocaleString()} values summed on ${r.threads} ${r.threads === 1 ? 'thread' : 'threads'}, ${r.kind === 'integer' ? 'exactly (128-bit integers, no overflow)' : 'with compensated decimals'}.`
  if (!t || !Number.isFinite(t.slowest)) return head
  const balance =
    r.threads > 1 && Number.isFinite(t.imbalance)
      ? ` The slowest chunk took ${formatDurationNs(t.slowest)}, ${t.imbalance.toFixed(2)}× the fastest;`
      : ` The chunk took ${formatDurationNs(t.slowest)};`
  return `${head}${balance} folding the partials took ${formatDurationNs(t.combineNs)}.`
}

function formatCount(x: number): string {
  if (x >= 1e9) return `${(x / 1e9).toPrecision(3)} G`
  if (x >= 1e6) return `${(x / 1e6).toPrecision(3)} M`
  if (x >= 1e3) return `${(x / 1e3).toPrecision(3)} k`
  return x.toPrecision(3)
}
