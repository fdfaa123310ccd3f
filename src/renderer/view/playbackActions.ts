/**
 * Playback commands shared by the buttons, the keyboard and the benchmark hook, and the frame task
 * that moves the playhead (following the live edge during a run, advancing at the chosen speed
 * during replay).
 */
import { advance, setPlayheadIndex, setPlayheadTime, stepBack, stepForward } from '../model/playback'
import { isActive } from '../model/store'
import type { AppServices } from './context'

export function installPlaybackLoop(services: AppServices): () => void {
  const { store, controller, playhead, raf } = services
  const offTask = raf.addTask((_now, dt) => {
    const s = store.getState()
    const d = controller.data
    if (isActive(s.phase)) {
      if (playhead.follow && playhead.tNs !== d.maxT) {
        playhead.tNs = d.maxT
        playhead.index = d.eventCount - 1
        playhead.version++
      }
      return true
    }
    if (s.playing && d.sortedTimes) {
      const [start, end] = d.span()
      const t = advance(playhead.tNs, dt, s.speed, start, end)
      setPlayheadTime(playhead, d.sortedTimes, t)
      if (t >= end) s.setPlaying(false)
      return true
    }
    return false
  })
  let lastPhase = store.getState().phase
  let lastVersion = store.getState().dataVersion
  const offStore = store.subscribe((s) => {
    if (s.phase !== lastPhase || s.dataVersion !== lastVersion) {
      const d = controller.data
      if (isActive(s.phase)) {
        playhead.follow = true
        setPlayheadTime(playhead, null, 0)
      } else if (d.finished && d.sortedTimes) {
        // a finished run shows its final state; Play replays it from the start
        playhead.follow = false
        setPlayheadTime(playhead, d.sortedTimes, d.span()[1])
      }
      lastPhase = s.phase
      lastVersion = s.dataVersion
    }
    raf.schedule()
  })
  return () => {
    offTask()
    offStore()
  }
}

export function canReplay(services: AppServices): boolean {
  const d = services.controller.data
  return d.finished && !!d.sortedTimes && d.sortedTimes.length > 0 && !isActive(services.store.getState().phase)
}

export function togglePlay(services: AppServices): void {
  if (!canReplay(services)) return
  const { store, playhead, controller } = services
  const s = store.getState()
  if (s.playing) {
    s.setPlaying(false)
    return
  }
  const [start, end] = controller.data.span()
  if (playhead.tNs >= end) setPlayheadTime(playhead, controller.data.sortedTimes, start)
  playhead.follow = false
  s.setPlaying(true)
  services.raf.schedule()
}

export function stepPlayback(services: AppServices, dir: 1 | -1): void {
  if (!canReplay(services)) return
  const { store, playhead, controller } = services
  const times = controller.data.sortedTimes!
  store.getState().setPlaying(false)
  playhead.follow = false
  // from a time between events, "forward" means the next event and "back" the current one
  let i = playhead.index
  if (dir < 0 && i >= 0 && times[i] < playhead.tNs) i = i + 1
  setPlayheadIndex(playhead, times, dir > 0 ? stepForward(times, i) : stepBack(times, i))
  services.raf.schedule()
}

export function seek(services: AppServices, tNs: number): void {
  if (!canReplay(services)) return
  const { store, playhead, controller } = services
  store.getState().setPlaying(false)
  playhead.follow = false
  const [start, end] = controller.data.span()
  setPlayheadTime(playhead, controller.data.sortedTimes, Math.min(end, Math.max(start, tNs)))
  services.raf.schedule()
}
