import { useRef, type KeyboardEvent } from 'react'
import { useStore } from 'zustand'
import { isSweeping } from '../model/sweepController'
import { useServices } from '../view/context'

export type AppView = 'run' | 'sweep'

const TABS: { id: AppView; label: string }[] = [
  { id: 'run', label: 'Run' },
  { id: 'sweep', label: 'Sweep' },
]

export const viewTabId = (v: AppView) => `view-tab-${v}`
export const viewPanelId = (v: AppView) => `view-panel-${v}`

/** The top-level view switch: one run at a time, or the sweep experiment. Arrow keys move between tabs. */
export function ViewTabs({ view, onChange }: { view: AppView; onChange: (v: AppView) => void }) {
  const { sweep } = useServices()
  const sweeping = useStore(sweep.store, (s) => isSweeping(s.phase))
  const refs = useRef<Record<AppView, HTMLButtonElement | null>>({ run: null, sweep: null })
  const onKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === view)
    const next =
      e.key === 'ArrowRight'
        ? TABS[(i + 1) % TABS.length]
        : e.key === 'ArrowLeft'
          ? TABS[(i + TABS.length - 1) % TABS.length]
          : e.key === 'Home'
            ? TABS[0]
            : e.key === 'End'
              ? TABS[TABS.length - 1]
              : null
    if (!next) return
    e.preventDefault()
    onChange(next.id)
    refs.current[next.id]?.focus()
  }
  return (
    <div className="view-tabs" role="tablist" aria-label="View" onKeyDown={onKey}>
      {TABS.map((t) => (
        <button
          key={t.id}
          ref={(el) => {
            refs.current[t.id] = el
          }}
          type="button"
          role="tab"
          id={viewTabId(t.id)}
          aria-controls={viewPanelId(t.id)}
          aria-selected={view === t.id}
          tabIndex={view === t.id ? 0 : -1}
          onClick={() => onChange(t.id)}
        >
          {t.label}
        </button>
      ))}
      {sweeping && view !== 'sweep' && <span className="tab-note">a sweep is running</span>}
    </div>
  )
}
