/** The page's idle work (model/idleWork.ts): idle callbacks, and the warm-up drawn off screen. */
import { installIdleWork, type WhenIdle } from '../model/idleWork'
import type { AppStore } from '../model/store'
import { CanvasSurface } from '../paint/canvasSurface'
import { TITLE_H } from '../paint/runScene'
import { paintWarmUp, WARM_UP_SIZE } from '../paint/warmUp'

/** the performance mark set once the warm-up has run */
const WARMED_MARK = 'threadlab: painters warmed'

/** After the page has had an idle moment (at most a second or two from now). */
const whenIdle: WhenIdle = (work) => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => work(), { timeout: 2000 })
  else setTimeout(work, 200)
}

/** Draws the warm-up run once on a canvas that is never attached to the page. */
function warmPainters(): void {
  const { width, topHeight, lanesHeight } = WARM_UP_SIZE
  const height = TITLE_H + topHeight + lanesHeight
  const dpr = globalThis.devicePixelRatio || 1
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(width * dpr)
  canvas.height = Math.round(height * dpr)
  const ctx = canvas.getContext('2d', { alpha: false })
  if (!ctx) return
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
  paintWarmUp(new CanvasSurface(ctx, width, height, dpr))
  // for the end-to-end test and the live benchmark: the warm-up ran, and when
  performance.mark(WARMED_MARK)
}

export function startIdleWork(store: AppStore): () => void {
  return installIdleWork(store, whenIdle, warmPainters)
}
