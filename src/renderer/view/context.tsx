import { createContext, useContext } from 'react'
import { useStore } from 'zustand'
import { useShallow } from 'zustand/react/shallow'
import type { RunController } from '../model/controller'
import type { Playhead } from '../model/playback'
import type { AppState, AppStore } from '../model/store'
import type { SweepController } from '../model/sweepController'
import type { Timeline } from '../model/timeline'
import type { RafScheduler } from './raf'

export interface AppServices {
  store: AppStore
  controller: RunController
  playhead: Playhead
  raf: RafScheduler
  /** the run's time window, shared by the lanes, the lock view and the exports */
  timeline: Timeline
  /** the Sweep view's driver and its own store */
  sweep: SweepController
}

export const ServicesContext = createContext<AppServices | null>(null)

export function useServices(): AppServices {
  const s = useContext(ServicesContext)
  if (!s) throw new Error('ServicesContext missing')
  return s
}

/** Selects from the store; object/array selections are compared shallowly. */
export function useApp<T>(selector: (s: AppState) => T): T {
  const { store } = useServices()
  return useStore(store, useShallow(selector))
}
