import { useMemo } from 'react'
import type { ParallelSumResult, SleepSortResult } from '../../shared/api'
import { describeChunkSizes } from '../model/sumData'
import { useApp, useServices } from '../view/context'

const LIVE_SHOWN = 300
const PARTIALS_SHOWN = 64
/** values per separately laid-out part of the result text */
const OUTPUT_PART = 500

/**
 * The run's outcome as text. Sleep sort: the vector in push order and whether it is sorted.
 * Parallel sum: the exact sum, how it was computed, and each chunk's partial.
 */
export function ResultPanel() {
  const { controller } = useServices()
  const s = useApp((st) => ({
    phase: st.phase,
    result: st.result,
    events: st.events,
    request: st.request,
    error: st.error,
    experiment: st.experiment,
  }))
  const r = s.result
  const experiment = s.request?.experiment ?? s.experiment
  let body
  if (r?.experiment === 'sleep-sort') {
    body = <SortResult r={r} />
  } else if (r?.experiment === 'parallel-sum') {
    body = <SumResult r={r} />
  } else if ((s.phase === 'starting' || s.phase === 'running') && s.request?.experiment === 'parallel-sum') {
    const { done, total } = controller.data.sum.totalProgressAt(Infinity)
    const all = total || s.request.values.length
    body = (
      <>
        <p className="output live" data-testid="output">
          …
        </p>
        <p className="muted">
          running: {done.toLocaleString()} of {all.toLocaleString()} values summed on {controller.data.sum.count || '…'}{' '}
          threads · {s.events.toLocaleString()} events
        </p>
      </>
    )
  } else if (s.phase === 'starting' || s.phase === 'running') {
    // the vector so far (re-rendered at most once a frame, as the event count changes)
    const d = controller.data
    const shown = Math.min(d.contiguous, LIVE_SHOWN)
    const sofar = Array.from({ length: shown }, (_, k) => d.values[d.slotWorker[k]]).join(', ')
    const mode = s.request?.experiment === 'sleep-sort' ? s.request.mode : ''
    body = (
      <>
        <p className="output live" data-testid="output">
          {sofar}
          {d.contiguous > shown ? ', …' : ''}
          {shown === 0 ? '…' : ''}
        </p>
        <p className="muted">
          running: {d.contiguous.toLocaleString()} of {s.request?.values.length.toLocaleString()} pushed in {mode} mode
          · {s.events.toLocaleString()} events
        </p>
      </>
    )
  } else if (s.phase === 'failed') {
    body = <p className="muted">no result: {s.error?.message}</p>
  } else {
    body = (
      <p className="muted">
        {experiment === 'parallel-sum'
          ? 'Press Run to sum these numbers on worker threads, one chunk each.'
          : 'Press Run to sort these numbers with one thread each.'}
      </p>
    )
  }
  return (
    <section aria-label="Result" className="panel result">
      <h2>Result</h2>
      {body}
    </section>
  )
}

/**
 * The pushed vector as text in parts of a few hundred values, each laid out only when scrolled
 * into view (content-visibility): 10,000 values laid out at once hold the frame showing the result
 * for tens of ms. The text is the same: the parts read back as one comma-separated list.
 */
function OutputText({ output }: { output: readonly number[] }) {
  const parts = useMemo(() => {
    const out: string[] = []
    for (let i = 0; i < output.length; i += OUTPUT_PART) {
      const last = i + OUTPUT_PART >= output.length
      out.push(output.slice(i, i + OUTPUT_PART).join(', ') + (last ? '' : ', '))
    }
    return out
  }, [output])
  return (
    <p className="output" data-testid="output">
      {parts.map((text, k) => (
        <span className="output-part" key={k}>
          {text}
        </span>
      ))}
    </p>
  )
}

function SortResult({ r }: { r: SleepSortResult }) {
  return (
    <>
      <OutputText output={r.output} />
      <p className={`verdict ${r.sorted ? 'ok' : r.cancelled && r.misplaced === 0 ? 'partial' : 'bad'}`}>
        {r.cancelled
          ? `cancelled · ${r.output.length.toLocaleString()} of ${r.threads.toLocaleString()} pushed · ${r.misplaced === 0 ? 'in order so far' : `${r.misplaced.toLocaleString()} misplaced`}`
          : r.sorted
            ? '✓ sorted'
            : `✗ not sorted · ${r.misplaced.toLocaleString()} misplaced · ${r.inversions.toLocaleString()} inversions`}
      </p>
      {r.shift !== 0 && <p className="muted small">values were shifted by {r.shift} so the smallest slept 0</p>}
    </>
  )
}

function SumResult({ r }: { r: ParallelSumResult }) {
  const wall = r.wallMs >= 1000 ? `${(r.wallMs / 1000).toFixed(2)} s` : `${r.wallMs.toFixed(1)} ms`
  return (
    <>
      <p className="output sum" data-testid="output">
        {r.sum}
      </p>
      <p className={`verdict ${r.cancelled ? 'partial' : 'ok'}`}>
        {r.cancelled
          ? 'cancelled · the sum of the values done so far'
          : r.kind === 'integer'
            ? '✓ exact integer sum'
            : '≈ compensated decimal sum'}
      </p>
      <dl className="stat-grid">
        <dt>kind</dt>
        <dd
          title={
            r.kind === 'integer'
              ? 'every value is an integer: summed exactly in 128-bit integers'
              : 'decimals: Neumaier-compensated double-precision sum'
          }
        >
          {r.kind === 'integer' ? 'integer, exact' : 'decimal, compensated'}
        </dd>
        <dt>threads</dt>
        <dd>{r.threads.toLocaleString()}</dd>
        <dt>chunk sizes</dt>
        <dd className="wrap">{describeChunkSizes(r.chunkSizes)}</dd>
        <dt>wall time</dt>
        <dd>{wall}</dd>
      </dl>
      <h3 className="sub">Partials</h3>
      <ol className="partials" aria-label="Partial sums">
        {r.partials.slice(0, PARTIALS_SHOWN).map((p, i) => (
          <li key={i}>
            <span className="muted">chunk {i}</span>
            <span className="mono">{p}</span>
          </li>
        ))}
        {r.partials.length > PARTIALS_SHOWN && (
          <li className="muted small">…and {r.partials.length - PARTIALS_SHOWN} more</li>
        )}
      </ol>
    </>
  )
}
