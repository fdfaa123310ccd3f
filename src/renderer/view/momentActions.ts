/** Going to a moment: the playhead moves there and its threads light up (buttons and n / p). */
import { momentAt, stepMoment } from '../../shared/moments'
import type { AppServices } from './context'
import { seek } from './playbackActions'

export function goToMoment(services: AppServices, index: number): void {
  const list = services.store.getState().moments
  const m = list && momentAt(list, index)
  if (!m) return
  services.store.getState().goToMoment(index)
  seek(services, m.tNs)
}

/** n (dir 1) / p (dir −1): the next or previous moment from the one shown (or from the playhead). */
export function stepMoments(services: AppServices, dir: 1 | -1): void {
  const s = services.store.getState()
  if (!s.moments) return
  const next = stepMoment(s.moments, s.momentCursor, services.playhead.tNs, dir)
  if (next >= 0) goToMoment(services, next)
}
