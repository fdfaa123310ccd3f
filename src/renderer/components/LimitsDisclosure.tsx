import { useMemo } from 'react'
import { LIMITS } from '../../shared/limits'
import { describeLimits } from '../model/limitsText'
import { useApp } from '../view/context'

/**
 * The caps every request is checked against (the host's, as capabilities() reports them; the
 * shared defaults until it answers), folded away under `Limits`.
 */
export function LimitsDisclosure() {
  const limits = useApp((st) => st.caps?.limits ?? LIMITS)
  const budget = useApp((st) => st.caps?.threadBudget)
  // the input panel re-renders on every phase change; the lines change only with the caps
  const lines = useMemo(() => describeLimits(limits, budget), [limits, budget])
  return (
    <details className="limits" role="group" aria-label="Limits">
      <summary>Limits</summary>
      <dl className="limit-list small">
        {lines.map((line) => (
          <div key={line.label} className="limit">
            <dt>{line.label}</dt>
            <dd>
              <b>{line.value}</b>
              {line.hint && <span className="muted"> · {line.hint}</span>}
            </dd>
          </div>
        ))}
      </dl>
      <p className="muted small">A request over a limit is refused, with its error code, before any thread starts.</p>
    </details>
  )
}
