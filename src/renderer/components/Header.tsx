import { useApp } from '../view/context'

export function Header() {
  const { caps, capsError, phase, source, experiment } = useApp((s) => ({
    caps: s.caps,
    capsError: s.capsError,
    phase: s.phase,
    source: s.source,
    experiment: s.request?.experiment ?? s.experiment,
  }))
  return (
    <header className="header">
      <h1>
        <svg className="logo" viewBox="0 0 16 16" aria-hidden="true">
          <path d="M2 3h9v2H2zM2 7h12v2H2zM2 11h6v2H2z" />
        </svg>
        Threadlab
      </h1>
      <span className="subtitle">
        {experiment === 'parallel-sum' ? 'parallel sum' : 'sleep sort'} on real OS threads
      </span>
      {source?.kind === 'file' && (
        <span
          className="opened-file"
          data-testid="opened-file"
          title={`saved ${source.created} by Threadlab ${source.appVersion} on ${source.machine.os}, ${source.machine.cpus} CPUs`}
        >
          <span className="muted">opened from file</span> <b>{source.name}</b>
        </span>
      )}
      <div className="facts" aria-label="Capabilities">
        {caps ? (
          <>
            <span className="fact">
              <b>{caps.cpus}</b> CPUs
            </span>
            <span className="fact">{caps.os}</span>
            <span className={`fact ${caps.realtime.allowed ? 'ok' : 'warn'}`} title={caps.realtime.reason}>
              realtime {caps.realtime.allowed ? 'allowed' : 'not allowed'}
            </span>
            {caps.timerSlackNs > 0 && (
              <span className="fact">
                timer slack {caps.timerSlackNs >= 1000 ? `${caps.timerSlackNs / 1000} µs` : `${caps.timerSlackNs} ns`}
              </span>
            )}
          </>
        ) : (
          <span className="fact muted">{capsError ? 'host unavailable' : 'connecting…'}</span>
        )}
        <span className={`phase phase-${phase}`}>{phase}</span>
      </div>
    </header>
  )
}
