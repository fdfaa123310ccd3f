/**
 * Lanes thinner than a pixel row, as pixels: the aggregate of model/lanes.ts coloured by the
 * dominant state, fainter where that state is only a small share of the row's lanes. On screen a
 * cache keeps the last image and, while a run is live, recomputes it a few times a second (the
 * painter stretches the older image to the current window in between); an export computes it once.
 */
import { aggregateLanes, LANE_STATE_COUNT, LaneState, type Aggregate, type AggregateParams } from '../model/lanes'
import type { TimeWindow } from '../model/timeAxis'
import { STATE_RGB } from '../view/colors'
import type { Raster } from './surface'

const LIVE_RECOMPUTE_MS = 150
const BG = [17, 19, 24]
/** shares drawn in 16 steps, so an SVG export merges neighbouring pixels into few rects */
const SHARE_STEPS = 16

/** ABGR pixel per (state, share); the empty state is transparent (the plot's background shows). */
const LUT: Uint32Array = (() => {
  const lut = new Uint32Array(LANE_STATE_COUNT * 256)
  for (let s = 1; s < LANE_STATE_COUNT; s++) {
    for (let share = 0; share < 256; share++) {
      const q = Math.round((share / 255) * (SHARE_STEPS - 1)) / (SHARE_STEPS - 1)
      const k = 0.45 + 0.55 * q
      const c = [0, 1, 2].map((i) => Math.round(BG[i] + (STATE_RGB[s * 3 + i] - BG[i]) * k))
      lut[(s << 8) | share] = ((0xff << 24) >>> 0) + (c[2] << 16) + (c[1] << 8) + c[0]
    }
  }
  return lut
})()

export class LaneRaster {
  aggregate: Aggregate | null = null
  image: Raster = { cols: 0, rows: 0, pixels: new Uint32Array(0), version: 0 }
  /** the window the image was computed for */
  window: TimeWindow = { t0: 0, t1: 1 }
  private key = ''
  private at = -Infinity

  /**
   * Brings the image up to date for `p` (identified by `key`). While `live`, recomputes at most
   * every 150 ms unless the size changed. Returns true when a recompute is still due.
   */
  update(p: AggregateParams, key: string, now: number, live: boolean): boolean {
    if (key === this.key) return false
    const sizeChanged = this.image.cols !== p.cols || this.image.rows !== p.rows
    if (live && !sizeChanged && now - this.at < LIVE_RECOMPUTE_MS) return true
    this.aggregate = aggregateLanes(p, this.aggregate ?? undefined)
    this.key = key
    this.at = now
    this.window = { t0: p.t0, t1: p.t1 }
    this.paint(this.aggregate)
    return false
  }

  private paint(agg: Aggregate): void {
    const size = agg.rows * agg.cols
    const img = this.image
    if (img.pixels.length !== size) img.pixels = new Uint32Array(size)
    img.cols = agg.cols
    img.rows = agg.rows
    const px = img.pixels
    for (let i = 0; i < size; i++)
      px[i] = agg.state[i] === LaneState.Empty ? 0 : LUT[(agg.state[i] << 8) | agg.share[i]]
    img.version++
  }
}
