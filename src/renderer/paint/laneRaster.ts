/**
 * Lanes thinner than a pixel row, as pixels: the aggregate of model/lanes.ts coloured by the
 * dominant state, fainter where that state is only a small share of the row's lanes. On screen a
 * cache keeps the last image and, while a run is live, recomputes it a few times a second (the
 * painter stretches the older image to the current window in between). A recompute may be given a
 * time budget per frame: it then fills a second buffer a band of rows at a time over as many
 * frames as it needs and shows it whole, so 10,000 lanes never hold one frame for long. An export
 * has no budget and computes the image at once.
 */
import { aggregateLanes, LANE_STATE_COUNT, LaneState, type Aggregate, type AggregateParams } from '../model/lanes'
import type { TimeWindow } from '../model/timeAxis'
import { STATE_RGB } from '../view/colors'
import type { Raster } from './surface'

const LIVE_RECOMPUTE_MS = 150
/** rows computed between two looks at the clock */
const BAND_ROWS = 8
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

interface Job {
  p: AggregateParams
  key: string
  /** when it started (ms, the caller's clock), for the live throttle */
  startedAt: number
  /** rows [0, next) are done */
  next: number
}

export class LaneRaster {
  /** the image on screen */
  image: Raster = { cols: 0, rows: 0, pixels: new Uint32Array(0), version: 0 }
  /** the window the image was computed for */
  window: TimeWindow = { t0: 0, t1: 1 }
  private key = ''
  private at = -Infinity
  private job: Job | null = null
  /** the aggregate and pixels a job fills; swapped with the image's when it completes */
  private back: Aggregate | null = null
  private backPixels: Uint32Array = new Uint32Array(0)

  /**
   * @param budgetMs time a recompute may take per call to `update` (Infinity: all at once)
   * @param clock ms, read between bands of rows
   */
  constructor(
    private readonly budgetMs = Infinity,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /**
   * Brings the image up to date for `p` (identified by `key`). While `live`, recomputes at most
   * every 150 ms unless the size changed, and a recompute in progress finishes before the next
   * starts; otherwise a new key restarts it. Returns true when more work is due (call again on a
   * later frame).
   */
  update(p: AggregateParams, key: string, now: number, live: boolean): boolean {
    if (key === this.key) {
      this.job = null
      return false
    }
    const sizeChanged = this.image.cols !== p.cols || this.image.rows !== p.rows
    if (!this.job) {
      if (live && !sizeChanged && now - this.at < LIVE_RECOMPUTE_MS) return true
      this.job = { p, key, startedAt: now, next: 0 }
    } else if (this.job.key !== key && (!live || this.job.p.rows !== p.rows || this.job.p.cols !== p.cols)) {
      this.job = { p, key, startedAt: now, next: 0 }
    }
    if (!this.advance(this.job)) return true
    this.show(this.job)
    this.job = null
    return this.key !== key
  }

  /** Computes bands of rows until the job is done or the budget is spent; true when done. */
  private advance(job: Job): boolean {
    const { rows, cols } = job.p
    const size = rows * cols
    if (this.backPixels.length !== size) this.backPixels = new Uint32Array(size)
    const started = this.budgetMs === Infinity ? 0 : this.clock()
    while (job.next < rows) {
      const to = Math.min(rows, job.next + BAND_ROWS)
      this.back = aggregateLanes(job.p, this.back ?? undefined, job.next, to)
      colour(this.back, this.backPixels, job.next * cols, to * cols)
      job.next = to
      if (job.next < rows && this.budgetMs !== Infinity && this.clock() - started >= this.budgetMs) return false
    }
    return true
  }

  /** The finished job's pixels become the image. */
  private show(job: Job): void {
    const img = this.image
    const shown = img.pixels
    img.pixels = this.backPixels
    this.backPixels = shown
    img.cols = job.p.cols
    img.rows = job.p.rows
    img.version++
    this.key = job.key
    this.at = job.startedAt
    this.window = { t0: job.p.t0, t1: job.p.t1 }
  }
}

/** Pixels [from, to) of the aggregate through the colour table. */
function colour(agg: Aggregate, px: Uint32Array, from: number, to: number): void {
  const state = agg.state,
    share = agg.share
  for (let i = from; i < to; i++) px[i] = state[i] === LaneState.Empty ? 0 : LUT[(state[i] << 8) | share[i]]
}
