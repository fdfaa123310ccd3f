/**
 * What the image exports read from the views on screen: the sizes of the top canvas (shared vector
 * or chunk progress) and of the lanes canvas, the lanes' order, layout and window (the shared
 * timeline's). Each view registers itself while mounted.
 */
import type { TimeWindow } from '../model/timeAxis'
import type { LanesLayout } from '../paint/sortLanes'

export interface LanesSource {
  canvas: HTMLCanvasElement
  /** the shared timeline's window */
  window(): TimeWindow
  /** where the lanes were last drawn */
  layout(): LanesLayout
  /** lane order of a sleep sort (order[lane] = worker) */
  order(): Uint32Array
}

const sources: { top: HTMLCanvasElement | null; lanes: LanesSource | null } = { top: null, lanes: null }

export function registerTopCanvas(canvas: HTMLCanvasElement): () => void {
  sources.top = canvas
  return () => {
    if (sources.top === canvas) sources.top = null
  }
}

export function registerLanes(source: LanesSource): () => void {
  sources.lanes = source
  return () => {
    if (sources.lanes === source) sources.lanes = null
  }
}

export function topCanvas(): HTMLCanvasElement | null {
  return sources.top
}

export function lanesSource(): LanesSource | null {
  return sources.lanes
}
