/**
 * Work the page does while it is idle so that pressing Run does not pay for it: warming the
 * painters once (the page draws a synthetic run on a detached canvas: view/idleWork.ts), and the
 * order by value of the list in the input, computed after each edit (RunData takes it from
 * valueOrderOf for a run of that list, and the lanes sorted by value use it).
 */
import { valueOrderOf } from './runData'
import type { AppStore } from './store'

export type WhenIdle = (work: () => void) => void

/** Starts the idle work; returns a disposer. */
export function installIdleWork(store: AppStore, idle: WhenIdle, warm: () => void): () => void {
  let disposed = false
  idle(() => {
    if (!disposed) warm()
  })
  let asked: unknown = null
  const orderAtIdle = () => {
    const s = store.getState()
    // a parallel sum's values are never ordered (a sum may have a million)
    if (s.experiment !== 'sleep-sort' || s.parsed.values === asked) return
    const values = s.parsed.values
    asked = values
    idle(() => {
      if (!disposed && store.getState().parsed.values === values) valueOrderOf(values)
    })
  }
  orderAtIdle()
  const off = store.subscribe(orderAtIdle)
  return () => {
    disposed = true
    off()
  }
}
