/**
 * A parallel sum at an instant: one bar per worker filled to the share of its chunk done (coloured
 * by its state), and the combine card (partials folded, running total, the exact sum once ready).
 */
import type { RunData } from '../model/runData'
import { isActive, type Phase } from '../model/store'
import { ChunkState, CombineState, COMBINE_STATE_NAMES, formatTotal } from '../model/sumData'
import { THEME } from '../view/colors'
import { CHUNK_COLORS, CHUNK_TRACK, COMBINE_COLORS } from '../view/sumColors'
import { textWidth, type Surface } from './surface'
import { paintCard, paintTopFrame } from './topView'

const COMBINE_W = 230
const SANS = { size: 11 } as const
const MONO = { size: 10.5, mono: true, align: 'center' } as const

export interface SumProgressInput {
  data: RunData
  tNs: number
  phase: Phase
  /** the engine's exact sum once the run finished (text: it may pass 2^53) */
  exact: string | null
}

export function paintSumProgress(s: Surface, input: SumProgressInput): void {
  const { data: d, tNs: t, phase } = input
  const sum = d.sum
  const end = isActive(phase) ? d.maxT : d.span()[1]
  const cancelled = phase === 'cancelled'
  const { left, top, bottom, right, plotW, plotH } = paintTopFrame(s, 'CHUNK PROGRESS', COMBINE_W, 22)
  const n = sum.count
  if (!n || d.eventCount === 0) {
    s.text(
      isActive(phase)
        ? 'Starting the workers…'
        : 'Press Run: each worker thread sums one chunk of the list, then the partial sums are folded into the total.',
      left,
      top + plotH / 2,
      { size: 13, fill: THEME.muted },
    )
    return
  }
  const { done, total } = sum.totalProgressAt(t)
  s.text(
    `${formatTotal(done)} / ${formatTotal(total)} values summed · ${sum.foldedAt(t)} / ${n} partials folded`,
    left + 120,
    13,
    { ...SANS, fill: THEME.text },
  )
  s.rect(left, bottom, plotW, 1, THEME.grid)
  const slotW = plotW / n
  const gap = slotW > 8 ? Math.min(10, slotW * 0.2) : 0
  for (let c = 0; c < n; c++) {
    const x = left + c * slotW + gap / 2
    const w = Math.max(1, slotW - gap)
    const len = sum.length[c]
    const share = len > 0 ? Math.min(1, sum.progressAt(c, t) / len) : 0
    const state = sum.stateAt(c, t, end, cancelled)
    s.rect(x, top, w, plotH, CHUNK_TRACK)
    if (state !== ChunkState.Empty) {
      const h = Math.max(share > 0 ? 2 : 0, share * plotH)
      s.rect(x, bottom - h, w, h, CHUNK_COLORS[state])
    }
    if (slotW < 34) continue
    s.text(`chunk ${c}`, x + w / 2, bottom + 11, { ...MONO, fill: THEME.muted })
    const full = share > 0.85
    s.text(`${Math.floor(share * 100)}%`, x + w / 2, full ? top + 10 : Math.max(top + 10, bottom - share * plotH - 9), {
      ...MONO,
      fill: full ? '#0d0f13' : THEME.text,
    })
    if (state === ChunkState.Done || state === ChunkState.Folded) {
      const text = formatTotal(sum.partial[c])
      if (textWidth(text, MONO.size, true) < w - 6)
        s.text(text, x + w / 2, top + plotH / 2, { ...MONO, fill: state === ChunkState.Done ? '#2b1d05' : THEME.text })
    }
  }
  paintCombine(s, input, right + 12, top - 4, COMBINE_W - 12, plotH + 8)
}

function paintCombine(s: Surface, input: SumProgressInput, x: number, y: number, w: number, h: number): void {
  const { data: d, tNs: t, exact } = input
  const sum = d.sum
  const state = sum.combineStateAt(t, sum.firstStart())
  const folding = COMBINE_COLORS[CombineState.Folding]
  paintCard(s, x, y, w, h, 'COMBINE', state === CombineState.Folding ? folding : '#2a2f3a')
  s.text(COMBINE_STATE_NAMES[state], x + 10, y + 34, {
    size: 12,
    fill: state === CombineState.Ready ? '#8fe0ae' : state === CombineState.Folding ? folding : THEME.text,
  })
  s.text(`${sum.foldedAt(t)} of ${sum.count} partials folded`, x + 10, y + 52, { ...SANS, fill: THEME.muted })
  if (h < 80) return
  const ready = state === CombineState.Ready
  const totalText = ready && exact !== null ? exact : formatTotal(sum.totalAt(t))
  s.text(ready ? 'sum' : 'running total', x + 10, y + 74, { ...SANS, fill: THEME.muted })
  // the largest size up to 17 px that fits the card
  let size = 17
  while (size > 9 && textWidth(totalText, size, true) > w - 20) size--
  s.text(totalText, x + 10, y + 94, { size, mono: true, weight: 600, fill: ready ? '#c9f5da' : THEME.text })
}
