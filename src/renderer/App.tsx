import { useEffect } from 'react'
import { isMac } from './bridge'
import { ComparePanel } from './components/ComparePanel'
import { Header } from './components/Header'
import { InputPanel } from './components/InputPanel'
import { LanesView } from './components/LanesView'
import { PlaybackBar } from './components/PlaybackBar'
import { ResultPanel } from './components/ResultPanel'
import { StatsPanel } from './components/StatsPanel'
import { VectorView } from './components/VectorView'
import { useServices } from './view/context'
import { stepPlayback, togglePlay } from './view/playbackActions'

export function App() {
  const services = useServices()
  const mac = isMac()
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
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
      const typing = target && (target.tagName === 'TEXTAREA' || target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.isContentEditable)
      if (typing || e.ctrlKey || e.metaKey || e.altKey) return
      if (e.key === '.' ) { e.preventDefault(); stepPlayback(services, 1) }
      else if (e.key === ',') { e.preventDefault(); stepPlayback(services, -1) }
      else if (e.key === ' ' && target?.tagName !== 'BUTTON') { e.preventDefault(); togglePlay(services) }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [services])

  return (
    <div className="app">
      <Header />
      <div className="body">
        <aside className="left" aria-label="Input">
          <InputPanel modKey={mac ? '⌘' : 'Ctrl'} />
        </aside>
        <main className="center">
          <ComparePanel />
          <VectorView />
          <PlaybackBar />
          <LanesView />
        </main>
        <aside className="right" aria-label="Statistics">
          <ResultPanel />
          <StatsPanel />
        </aside>
      </div>
    </div>
  )
}
