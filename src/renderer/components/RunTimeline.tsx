import { useRef, useState, type KeyboardEvent } from 'react'
import { DiffView } from './DiffView'
import { LanesView } from './LanesView'
import { LockView } from './LockView'

type Tab = 'threads' | 'lock' | 'diff'
const TABS: { id: Tab; label: string }[] = [
  { id: 'threads', label: 'Threads' },
  { id: 'lock', label: 'Lock' },
  { id: 'diff', label: 'Diff' },
]

/**
 * The run's timeline, two ways: one lane per thread (LanesView, kept mounted so its zoom survives)
 * or the mutex's side of the story (LockView, built when shown), or two runs side by side (DiffView).
 */
export function RunTimeline() {
  const [tab, setTab] = useState<Tab>('threads')
  const refs = useRef<Record<Tab, HTMLButtonElement | null>>({ threads: null, lock: null, diff: null })
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return
    e.preventDefault()
    const i = TABS.findIndex((t) => t.id === tab)
    const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length].id
    setTab(next)
    refs.current[next]?.focus()
  }
  return (
    <div className="run-timeline">
      <div className="timeline-tabs" role="tablist" aria-label="Timeline" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              refs.current[t.id] = el
            }}
            type="button"
            role="tab"
            id={`timeline-tab-${t.id}`}
            aria-controls={`timeline-panel-${t.id}`}
            aria-selected={tab === t.id}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div
        className="timeline-panel"
        role="tabpanel"
        id="timeline-panel-threads"
        aria-labelledby="timeline-tab-threads"
        hidden={tab !== 'threads'}
      >
        <LanesView />
      </div>
      {tab === 'lock' && (
        <div className="timeline-panel" role="tabpanel" id="timeline-panel-lock" aria-labelledby="timeline-tab-lock">
          <LockView />
        </div>
      )}
      {tab === 'diff' && (
        <div className="timeline-panel" role="tabpanel" id="timeline-panel-diff" aria-labelledby="timeline-tab-diff">
          <DiffView />
        </div>
      )}
    </div>
  )
}
