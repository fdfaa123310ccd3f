/**
 * Parallel sum's worker lanes: one per chunk (its progress fills it as values are added), the
 * combine lane with a tick per fold, flows from each partial to its fold, and the partials and the
 * total written inside the lanes when there is room.
 */
import type { RunData } from '../model/runData'
import { isActive, type Phase } from '../model/store'
import { ChunkState, formatTotal } from '../model/sumData'
import type { TimeWindow } from '../model/timeAxis'
import { THEME } from '../view/colors'
import { CHUNK_COLORS, CHUNK_TRACK, COMBINE_COLORS, FOLD_TICK } from '../view/sumColors'
import { GUTTER, GUTTER_BG, LABEL, paintAxis, paintNote, xOf } from './axis'
import { lanesLayout, laneEnd, type LanesLayout } from './sortLanes'
import { textWidth, type PathCommand, type Surface } from './surface'

/** a handful of worker lanes get room for their progress fill */
const SUM_MAX_LANE_H = 40

export interface SumLanesInput {
  data: RunData
  phase: Phase
}

export function paintSumLanes(s: Surface, input: SumLanesInput, w: TimeWindow): LanesLayout {
  const { data: d, phase } = input
  const sum = d.sum
  const chunks = sum.count
  const n = chunks ? chunks + 1 : 0
  const L = lanesLayout(n, s.width, s.height, SUM_MAX_LANE_H)
  L.aggregated = false
  const { left, top, plotW, lanesH, laneH } = L
  const X = xOf(w, { left, width: plotW })
  s.rect(0, 0, s.width, s.height, THEME.bg)
  const empty = !n || d.eventCount === 0
  paintAxis(s, w, { left, width: plotW }, s.height, 'WORKERS', !empty)
  if (empty) {
    paintNote(
      s,
      !n && !isActive(phase)
        ? 'Worker lanes appear here: one per thread, filling as it sums its chunk, then the combine step.'
        : phase === 'failed'
          ? 'The run did not start.'
          : phase === 'cancelled' || phase === 'finished'
            ? 'No events were recorded.'
            : 'Waiting for the first events…',
      left,
      top + 40,
    )
    return L
  }
  const end = laneEnd(d, phase)
  const cancelled = phase === 'cancelled'
  const seg = new Float64Array(30)
  const gap = laneH >= 8 ? 3 : laneH >= 5 ? 1 : 0
  s.push(0, 0, [left, top, plotW, lanesH])
  for (let c = 0; c < chunks; c++) {
    const y = top + c * laneH + gap / 2,
      h = Math.max(1, laneH - gap)
    const k = sum.segments(c, end, cancelled, seg)
    for (let i = 0; i < k; i++) {
      const a = seg[i * 3],
        b = seg[i * 3 + 1],
        state = seg[i * 3 + 2]
      const x0 = X(a),
        x1 = X(b)
      if (x1 < left || x0 > left + plotW) continue
      s.rect(x0, y, Math.max(1, x1 - x0), h, state === ChunkState.Summing ? CHUNK_TRACK : CHUNK_COLORS[state])
      if (state === ChunkState.Summing) {
        const fill = progressFill(d, c, a, b, y, h, X)
        if (fill) s.path(fill, { fill: CHUNK_COLORS[ChunkState.Summing] })
      }
    }
  }
  // each partial flows from its chunk's end to the moment it is folded into the total
  const yc = top + chunks * laneH
  const flows: number[] = []
  for (const fold of sum.folds) {
    const done = sum.done[fold.chunk]
    if (done === done) flows.push(X(done), top + fold.chunk * laneH + laneH / 2, X(fold.t), yc + laneH / 2)
  }
  s.lines(flows, { stroke: FOLD_TICK, alpha: 0.35 })
  const kc = sum.combineSegments(sum.firstStart(), end, seg)
  for (let i = 0; i < kc; i++) {
    const x0 = X(seg[i * 3]),
      x1 = X(seg[i * 3 + 1])
    s.rect(x0, yc + gap / 2, Math.max(2, x1 - x0), Math.max(1, laneH - gap), COMBINE_COLORS[seg[i * 3 + 2]])
  }
  for (const fold of sum.folds) s.rect(Math.round(X(fold.t)) - 0.75, yc, 1.5, laneH, FOLD_TICK)
  if (laneH >= 14) {
    const right = left + plotW - 6
    // right of the mark when it fits, else just left of it (over the full bar: dark text)
    const label = (text: string, at: number, y: number, light: string, dark: string) => {
      const tw = textWidth(text, LABEL.size, true)
      if (at + 6 + tw <= right) s.text(text, at + 6, y, { ...LABEL, fill: light })
      else if (at - 6 - tw >= left + 4) s.text(text, at - 6 - tw, y, { ...LABEL, fill: dark })
    }
    for (let c = 0; c < chunks; c++) {
      const done = sum.done[c]
      if (done === done)
        label(`= ${formatTotal(sum.partial[c])}`, X(done), top + c * laneH + laneH / 2, THEME.text, '#0d0f13')
    }
    const last = sum.folds[sum.folds.length - 1]
    if (last && sum.folds.length >= chunks)
      label(`Σ ${formatTotal(last.total)}`, X(last.t), yc + laneH / 2, '#c9f5da', '#c9f5da')
  }
  s.pop()
  s.rect(0, top, GUTTER - 4, lanesH + 6, GUTTER_BG)
  const every = laneH >= 10 ? 1 : Math.max(1, Math.ceil(12 / Math.max(0.1, laneH)))
  for (let c = 0; c < chunks; c += every)
    s.text(`chunk ${c}`, GUTTER - 8, top + c * laneH + laneH / 2, { ...LABEL, fill: THEME.muted, align: 'right' })
  s.text('combine', GUTTER - 8, yc + laneH / 2, { ...LABEL, fill: THEME.text, align: 'right' })
  return L
}

/** The area under chunk c's progress steps between a and b: the bar fills as values are added. */
function progressFill(
  d: RunData,
  c: number,
  a: number,
  b: number,
  y: number,
  h: number,
  X: (t: number) => number,
): PathCommand[] | null {
  const sum = d.sum
  const len = sum.length[c]
  if (!(len > 0)) return null
  const bottom = y + h
  const times = sum.progT[c],
    done = sum.progN[c]
  const p: PathCommand[] = [['M', X(a), bottom]]
  let level = 0
  for (let i = 0; i < times.length; i++) {
    const t = times[i]
    if (t > b) break
    if (t < a) {
      level = done[i] / len
      continue
    }
    p.push(['L', X(t), bottom - level * h])
    level = Math.min(1, done[i] / len)
    p.push(['L', X(t), bottom - level * h])
  }
  p.push(['L', X(b), bottom - level * h])
  if (sum.done[c] <= b) p.push(['L', X(b), y])
  p.push(['L', X(b), bottom], ['Z'])
  return p
}
