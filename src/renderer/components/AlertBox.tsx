import { useMemo } from 'react'
import { LIMITS } from '../../shared/limits'
import { describeErrors } from '../../shared/parse'
import { alertText, durationError, sumDurationError } from '../model/store'
import { useApp } from '../view/context'

/** The one `alert` element: bad tokens, unit problems, busy, realtime denied, host errors, run files. */
export function AlertBox() {
  const s = useApp((st) => ({
    parsed: st.parsed,
    unitError: st.unitError,
    error: st.error,
    runAttemptError: st.runAttemptError,
    capsError: st.capsError,
    unitMs: st.unitMs,
    caps: st.caps,
    experiment: st.experiment,
    threads: st.threads,
    threadsError: st.threadsError,
    fileError: st.fileError,
  }))
  const text = useMemo(() => {
    const base = alertText(s, (p) => describeErrors(p.errors))
    const cap = s.caps?.limits.maxDurationMs ?? LIMITS.maxDurationMs
    const dur = s.parsed.errors.length
      ? null
      : s.experiment === 'parallel-sum'
        ? sumDurationError(s.parsed.values.length, s.threads, s.unitMs, s.caps?.cpus ?? 1, cap)
        : durationError(s.parsed.values, s.unitMs, cap)
    return [base, dur].filter(Boolean).join(' · ')
  }, [s])
  return (
    <div role="alert" className={`alert${text ? ' shown' : ''}`}>
      {text}
    </div>
  )
}
