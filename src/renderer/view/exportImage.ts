/**
 * `Export PNG…` and `Export SVG…` of the view on screen: the same scene (paint/runScene.ts) drawn
 * by the same painters as the screen, through the Canvas back-end for the PNG and the SVG back-end
 * for the SVG, at the size of the views on screen and the shared timeline's window.
 */
import { laneOrder } from '../model/lanes'
import { CanvasSurface } from '../paint/canvasSurface'
import { paintRunScene, sceneHeight, type RunScene } from '../paint/runScene'
import { SvgSurface } from '../paint/svgSurface'
import type { AppServices } from './context'
import { lanesSource, topCanvas } from './exportSources'

/** The scene on screen: what the views show, at their sizes (CSS px). */
export function currentScene(
  services: Pick<AppServices, 'controller' | 'playhead' | 'store' | 'timeline'>,
  title: string,
): RunScene {
  const { controller, playhead, store, timeline } = services
  const d = controller.data
  const lanes = lanesSource()
  const size = (c: HTMLCanvasElement | null | undefined) => {
    const r = c?.getBoundingClientRect()
    return r && r.width > 0 ? { w: r.width, h: r.height } : null
  }
  const lanesSize = size(lanes?.canvas)
  const topSize = size(topCanvas())
  const shown = lanes?.order()
  const state = store.getState()
  const span = d.span()
  return {
    data: d,
    phase: state.phase,
    window: timeline.bound(d.runId, span[0], span[1]),
    order: shown && shown.length === d.threads ? shown : laneOrder(d.values, state.sortByValue),
    tNs: playhead.tNs,
    exact: state.result?.experiment === 'parallel-sum' ? state.result.sum : null,
    highlight: state.highlight,
    title,
    width: Math.round(Math.max(lanesSize?.w ?? 1200, topSize?.w ?? 0)),
    topHeight: Math.round(topSize?.h ?? 220),
    lanesHeight: Math.round(lanesSize?.h ?? 500),
  }
}

/** The PNG at device pixels, or null when the page cannot make one. */
export async function exportPng(services: AppServices, title: string): Promise<Blob | null> {
  if (!topCanvas() && !lanesSource()) return null
  const scene = currentScene(services, title)
  const dpr = globalThis.devicePixelRatio || 1
  const height = sceneHeight(scene)
  const out = document.createElement('canvas')
  out.width = Math.round(scene.width * dpr)
  out.height = Math.round(height * dpr)
  const ctx = out.getContext('2d')
  if (!ctx) return null
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
  paintRunScene(new CanvasSurface(ctx, scene.width, height, dpr), scene)
  return new Promise((resolve) => out.toBlob((b) => resolve(b), 'image/png'))
}

/** The SVG text of the view on screen. */
export function exportSvg(services: AppServices, title: string): string {
  const scene = currentScene(services, title)
  const s = new SvgSurface(scene.width, sceneHeight(scene))
  paintRunScene(s, scene)
  return s.toString()
}
