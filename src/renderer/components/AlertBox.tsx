import { useMemo } from 'react'
import { LIMITS } from '../../shared/limits'
import { describeErrors } from '../../shared/parse'
import { alertText, durationError } from '../model/store'
import { useApp } from '../view/context'

/** The one `alert` element: bad tokens, unit problems, busy, realtime denied, host errors. */
export function AlertBox() {
  const s = useApp((st) => ({ parsed: st.parsed, unitError: st.unitError, error: st.error, runAttemptError: st.runAttemptError, capsError: st.capsError, unitMs: st.unitMs, caps: st.caps }))
  const text = useMemo(() => {
    const base = alertText(s, (p) => describeErrors(p.errors))
    const dur = s.parsed.errors.length ? null : durationError(s.parsed.values, s.unitMs, s.caps?.limits.maxDurationMs ?? LIMITS.maxDurationMs)
    return [base, dur].filter(Boolean).join(' · ')
  }, [s])
  return (
    <div role="alert" className={`alert${text ? ' shown' : ''}`}>
      {text}
    </div>
  )
}
