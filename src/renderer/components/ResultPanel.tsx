import { useApp, useServices } from '../view/context'

const LIVE_SHOWN = 300

/** The run's output as text: the vector in push order and whether it is sorted. */
export function ResultPanel() {
  const { controller } = useServices()
  const s = useApp((st) => ({ phase: st.phase, result: st.result, events: st.events, request: st.request, error: st.error }))
  const r = s.result
  let body
  if (r) {
    body = (
      <>
        <p className="output" data-testid="output">{r.output.join(', ')}</p>
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
  } else if (s.phase === 'starting' || s.phase === 'running') {
    // the vector so far (re-rendered at most once a frame, as the event count changes)
    const d = controller.data
    const shown = Math.min(d.contiguous, LIVE_SHOWN)
    const sofar = Array.from({ length: shown }, (_, k) => d.values[d.slotWorker[k]]).join(', ')
    body = (
      <>
        <p className="output live" data-testid="output">{sofar}{d.contiguous > shown ? ', …' : ''}{shown === 0 ? '…' : ''}</p>
        <p className="muted">running: {d.contiguous.toLocaleString()} of {s.request?.values.length.toLocaleString()} pushed in {s.request?.mode} mode · {s.events.toLocaleString()} events</p>
      </>
    )
  } else if (s.phase === 'failed') {
    body = <p className="muted">no result: {s.error?.message}</p>
  } else {
    body = <p className="muted">Press Run to sort these numbers with one thread each.</p>
  }
  return (
    <section aria-label="Result" className="panel result">
      <h2>Result</h2>
      {body}
    </section>
  )
}
