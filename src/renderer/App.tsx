import { useEffect, useRef, useState } from 'react'
import { isMac } from './bridge'
import { ComparePanel } from './components/ComparePanel'
import { FilesPanel } from './components/FilesPanel'
import { Header } from './components/Header'
import { InputPanel } from './components/InputPanel'
import { MomentsPanel } from './components/MomentsPanel'
import { RunTimeline } from './components/RunTimeline'
import { PlaybackBar } from './components/PlaybackBar'
import { ResultPanel } from './components/ResultPanel'
import { StatsPanel } from './components/StatsPanel'
import { SweepView } from './components/SweepView'
import { ViewTabs, viewPanelId, viewTabId, type AppView } from './components/ViewTabs'
import { VectorView } from './components/VectorView'
import { useServices } from './view/context'
import { stepMoments } from './view/momentActions'
import { stepPlayback, togglePlay } from './view/playbackActions'

export function App() {
  const services = useServices()
  const mac = isMac()
  const [view, setView] = useState<AppView>('run')
  const viewRef = useRef(view)
  viewRef.current = view
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (viewRef.current === 'sweep') {
        // the Run view's keys stay with it; Escape cancels the sweep
        if (e.key === 'Escape') services.sweep.cancel()
        return
      }
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault()
        void services.controller.run()
        return
      }
      if (e.key === 'Escape') {
        void services.controller.cancel()
        return
      }
      const target = e.target as HTMLElement | null
      const typing =
        target &&
        (target.tagName === 'TEXTAREA' ||
          target.tagName === 'INPUT' ||
          target.tagName === 'SELECT' ||
          target.isContentEditable)
      if (typing || e.ctrlKey || e.metaKey || e.altKey) return
      if (e.key === '.') {
        e.preventDefault()
        stepPlayback(services, 1)
      } else if (e.key === ',') {
        e.preventDefault()
        stepPlayback(services, -1)
      } else if (e.key === 'n' || e.key === 'p') {
        e.preventDefault()
        stepMoments(services, e.key === 'n' ? 1 : -1)
      } else if (e.key === ' ' && target?.tagName !== 'BUTTON') {
        e.preventDefault()
        togglePlay(services)
      }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [services])

  return (
    <div className="app">
      <Header />
      <ViewTabs view={view} onChange={setView} />
      <div
        className="body"
        role="tabpanel"
        id={viewPanelId('run')}
        aria-labelledby={viewTabId('run')}
        hidden={view !== 'run'}
      >
        <aside className="left" aria-label="Input">
          <InputPanel modKey={mac ? '⌘' : 'Ctrl'} />
        </aside>
        <main className="center">
          <ComparePanel />
          <VectorView />
          <PlaybackBar />
          <RunTimeline />
        </main>
        <aside className="right" aria-label="Statistics">
          <FilesPanel modKey={mac ? '⌘' : 'Ctrl'} />
          <ResultPanel />
          <StatsPanel />
          <MomentsPanel />
        </aside>
      </div>
      {view === 'sweep' && <SweepView />}
    </div>
  )
}
