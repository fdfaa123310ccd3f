/**
 * What the image exports read from the views on screen: the top canvas (shared vector or chunk
 * progress), the lanes canvas and the lanes' current zoom window and layout. Each view registers
 * itself while mounted.
 */
import type { TimeWindow } from '../model/timeAxis'

export interface LanesLayout {
  left: number
  top: number
  plotW: number
  lanesH: number
  laneH: number
  n: number
}

export interface LanesSource {
  canvas: HTMLCanvasElement
  window(): TimeWindow
  /** lane order of a sleep sort (order[lane] = worker) */
  order(): Uint32Array
  layout(): LanesLayout
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
