/**
 * `Export PNG…` and `Export SVG…` of the view on screen. PNG: the top canvas and the lanes canvas
 * composited at device pixels, with the playhead and the dimmed future that the page draws as DOM
 * overlays. SVG: model/svgExport.ts at the lanes' current zoom window.
 */
import { laneOrder } from '../model/lanes'
import { isActive } from '../model/store'
import { renderRunSvg, type SvgPalette } from '../model/svgExport'
import { STATE_COLORS, THEME, valueCss } from './colors'
import type { AppServices } from './context'
import { lanesSource, topCanvas } from './exportSources'
import { CHUNK_COLORS, CHUNK_TRACK, COMBINE_COLORS, FOLD_TICK } from './sumColors'

export const SVG_PALETTE: SvgPalette = {
  bg: THEME.bg,
  text: THEME.text,
  muted: THEME.muted,
  grid: THEME.grid,
  bad: THEME.bad,
  state: STATE_COLORS,
  chunk: CHUNK_COLORS,
  chunkTrack: CHUNK_TRACK,
  combine: COMBINE_COLORS,
  tick: FOLD_TICK,
  value: valueCss,
}

/** The composited PNG, or null when no view is on screen. */
export async function exportPng(services: AppServices): Promise<Blob | null> {
  const top = topCanvas()
  const lanes = lanesSource()
  const parts = [top, lanes?.canvas].filter((c): c is HTMLCanvasElement => !!c && c.width > 1 && c.height > 1)
  if (!parts.length) return null
  const width = Math.max(...parts.map((c) => c.width))
  const height = parts.reduce((h, c) => h + c.height, 0)
  const out = document.createElement('canvas')
  out.width = width
  out.height = height
  const ctx = out.getContext('2d')
  if (!ctx) return null
  ctx.fillStyle = THEME.bg
  ctx.fillRect(0, 0, width, height)
  let y = 0
  for (const c of parts) {
    ctx.drawImage(c, 0, y)
    if (lanes && c === lanes.canvas) drawPlayhead(ctx, services, y, c)
    y += c.height
  }
  return new Promise((resolve) => out.toBlob((b) => resolve(b), 'image/png'))
}

/** The playhead line and, after a run, the dimmed future: DOM overlays on screen, pixels here. */
export function drawPlayhead(
  ctx: CanvasRenderingContext2D,
  services: Pick<AppServices, 'controller' | 'playhead' | 'store'>,
  y0: number,
  canvas: HTMLCanvasElement,
): void {
  const lanes = lanesSource()!
  const L = lanes.layout()
  const w = lanes.window()
  const cssW = canvas.getBoundingClientRect().width || canvas.width
  const dpr = canvas.width / cssW
  const px = ((services.playhead.tNs - w.t0) / Math.max(1, w.t1 - w.t0)) * L.plotW
  if (!L.n || px > L.plotW) return
  const x = (L.left + Math.max(0, px)) * dpr
  const finished = !isActive(services.store.getState().phase) && services.controller.data.finished
  ctx.save()
  if (finished) {
    ctx.fillStyle = 'rgba(17, 19, 24, 0.6)'
    ctx.fillRect(x, y0 + L.top * dpr, (L.left + L.plotW) * dpr - x, L.lanesH * dpr)
  }
  if (px >= 0) {
    ctx.fillStyle = '#ffffff'
    ctx.fillRect(x - 0.75 * dpr, y0 + (L.top - 4) * dpr, 1.5 * dpr, (L.lanesH + 4) * dpr)
  }
  ctx.restore()
}

/** The SVG text of the view on screen. */
export function exportSvg(services: AppServices, title: string): string {
  const { controller, playhead, store } = services
  const lanes = lanesSource()
  const top = topCanvas()
  const size = (c: HTMLCanvasElement | null | undefined) => {
    const r = c?.getBoundingClientRect()
    return r && r.width > 0 ? { w: r.width, h: r.height } : null
  }
  const lanesSize = size(lanes?.canvas)
  const topSize = size(top)
  const d = controller.data
  const [start, end] = d.span()
  const shown = lanes?.order()
  const order = shown && shown.length === d.threads ? shown : laneOrder(d.values, store.getState().sortByValue)
  return renderRunSvg({
    data: d,
    window: lanes?.window() ?? { t0: start, t1: end },
    order,
    playheadNs: playhead.tNs,
    cancelled: store.getState().phase === 'cancelled',
    title,
    palette: SVG_PALETTE,
    width: Math.round(Math.max(lanesSize?.w ?? 1200, topSize?.w ?? 0)),
    topHeight: Math.round(topSize?.h ?? 220),
    lanesHeight: Math.round((lanesSize?.h ?? 500) - 28),
  })
}
