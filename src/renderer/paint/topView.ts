/**
 * The frame the top views share (shared vector, chunk progress): background, title, a plot on the
 * left and a card on the right (mutex, combine step).
 */
import { THEME } from '../view/colors'
import { roundedRect, type Surface } from './surface'

export const TOP_TITLE = { size: 11, fill: THEME.muted } as const

export interface TopFrame {
  left: number
  top: number
  bottom: number
  /** where the card begins */
  right: number
  plotW: number
  plotH: number
}

export function paintTopFrame(s: Surface, title: string, cardW: number, bottomPad: number): TopFrame {
  s.rect(0, 0, s.width, s.height, THEME.bg)
  const left = 12,
    top = 30,
    bottom = s.height - bottomPad,
    right = s.width - cardW - 12
  s.text(title, left, 13, TOP_TITLE)
  return { left, top, bottom, right, plotW: Math.max(10, right - left), plotH: Math.max(10, bottom - top) }
}

/** A rounded card with its title. */
export function paintCard(s: Surface, x: number, y: number, w: number, h: number, title: string, border: string): void {
  s.path(roundedRect(x, y, w, h, 6), { fill: '#161920', stroke: border })
  s.text(title, x + 10, y + 14, TOP_TITLE)
}
