/**
 * The run as the image exports show it: a title, the top view (shared vector or chunk progress) at
 * the playhead, and the lanes at the timeline's window with the playhead. PNG and SVG both draw
 * this scene with the painters the screen uses, so a file shows what is on screen.
 */
import type { RunData } from '../model/runData'
import type { Phase } from '../model/store'
import type { TimeWindow } from '../model/timeAxis'
import { THEME } from '../view/colors'
import { LaneRaster } from './laneRaster'
import { paintPlayhead, paintSortLanes, type LanesLayout } from './sortLanes'
import { paintSortVector } from './sortVector'
import { paintSumLanes } from './sumLanes'
import { paintSumProgress } from './sumProgress'
import { inRegion, type Surface } from './surface'

export const TITLE_H = 26

export interface RunScene {
  data: RunData
  phase: Phase
  window: TimeWindow
  /** sleep sort lane order (order[lane] = worker) */
  order: Uint32Array
  /** the instant the top view shows, ns */
  tNs: number
  /** a finished sum's exact total */
  exact: string | null
  highlight: { lo: number; hi: number } | null
  title: string
  width: number
  topHeight: number
  lanesHeight: number
  /** the lanes' image, kept between scenes that differ only in their instant (a video's frames) */
  raster?: LaneRaster
}

export function sceneHeight(scene: RunScene): number {
  return TITLE_H + scene.topHeight + scene.lanesHeight
}

export function paintRunScene(s: Surface, scene: RunScene): void {
  const { data, width, topHeight, lanesHeight } = scene
  s.rect(0, 0, s.width, s.height, THEME.bg)
  s.text(scene.title, 12, TITLE_H / 2, { size: 13, fill: THEME.text })
  const sum = data.experiment === 'parallel-sum'
  inRegion(s, 0, TITLE_H, width, topHeight, (r) =>
    sum
      ? paintSumProgress(r, { data, tNs: scene.tNs, phase: scene.phase, exact: scene.exact })
      : paintSortVector(r, { data, tNs: scene.tNs }),
  )
  inRegion(s, 0, TITLE_H + topHeight, width, lanesHeight, (r) => {
    const layout: LanesLayout = sum
      ? paintSumLanes(r, { data, phase: scene.phase }, scene.window)
      : paintSortLanes(
          r,
          {
            data,
            order: scene.order,
            phase: scene.phase,
            highlight: scene.highlight,
            raster: scene.raster ?? new LaneRaster(),
            now: 0,
          },
          scene.window,
        ).layout
    paintPlayhead(
      r,
      layout,
      scene.window,
      scene.tNs,
      data.finished && (scene.phase === 'finished' || scene.phase === 'cancelled'),
    )
  })
}
