import { useRef, useState, type KeyboardEvent } from 'react'
import { LanesView } from './LanesView'
import { LockView } from './LockView'

type Tab = 'threads' | 'lock'
const TABS: { id: Tab; label: string }[] = [
  { id: 'threads', label: 'Threads' },
  { id: 'lock', label: 'Lock' },
]

/**
 * The run's timeline, two ways: one lane per thread (LanesView, kept mounted so its zoom survives)
 * or the mutex's side of the story (LockView, built when shown).
 */
export function RunTimeline() {
  const [tab, setTab] = useState<Tab>('threads')
  const refs = useRef<Record<Tab, HTMLButtonElement | null>>({ threads: null, lock: null })
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return
    e.preventDefault()
    const next: Tab = tab === 'threads' ? 'lock' : 'threads'
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
    </div>
  )
}
