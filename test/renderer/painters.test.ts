// The track painters through both back-ends, for runs recorded from the real engine: the Canvas
// back-end (over a recording context: what the screen and the PNG export draw) and the SVG
// back-end (the SVG export) must draw the same primitives — same tracks, labels and window.
import { beforeAll, describe, expect, it } from 'vitest'
import { parallel, sort, SEED } from '../native/addon'
import { buildLockModel } from '../../src/renderer/model/lock'
import { laneOrder } from '../../src/renderer/model/lanes'
import { RunData } from '../../src/renderer/model/runData'
import { axisTicks, ZOOM_FLOOR_NS, type TimeWindow } from '../../src/renderer/model/timeAxis'
import { Timeline } from '../../src/renderer/model/timeline'
import { plotOf } from '../../src/renderer/paint/axis'
import { LaneRaster } from '../../src/renderer/paint/laneRaster'
import { paintLockTracks } from '../../src/renderer/paint/lockTracks'
import { paintRunScene, sceneHeight, type RunScene } from '../../src/renderer/paint/runScene'
import { paintSortLanes } from '../../src/renderer/paint/sortLanes'
import type { Surface } from '../../src/renderer/paint/surface'
import { SvgSurface } from '../../src/renderer/paint/svgSurface'
import { recordingSurface, svgPrimitives } from './helpers/drawnPrimitives'

/** Records a sleep sort from the addon into the renderer's RunData, as a finished run. */
async function recordSort(values: number[], unitMs: number): Promise<RunData> {
  const batches: Float64Array[] = []
  const run = sort.startSleepSort(values, { unitMs, mode: 'scheduled' }, (b) => batches.push(Float64Array.from(b)))
  await run.result()
  const d = new RunData()
  d.reset(run.runId, values, unitMs)
  for (const b of batches) expect(d.append(b)).toBe(true)
  d.finish()
  return d
}

async function recordSum(values: number[], threads: number): Promise<RunData> {
  const batches: Float64Array[] = []
  const run = parallel.startSum(values, { threads, progressEvery: 50 }, (b) => batches.push(Float64Array.from(b)))
  await run.result()
  const d = new RunData()
  d.reset(run.runId, values, 1, 'parallel-sum', threads)
  for (const b of batches) expect(d.append(b)).toBe(true)
  d.finish()
  return d
}

function bothBackEnds(width: number, height: number, paint: (s: Surface) => void) {
  const { surface, drawn } = recordingSurface(width, height)
  paint(surface)
  const svg = new SvgSurface(width, height)
  paint(svg)
  const text = svg.toString()
  return { canvas: drawn, svg: svgPrimitives(text), text }
}

function scene(d: RunData, window: TimeWindow, title: string): RunScene {
  return {
    data: d,
    phase: 'finished',
    window,
    order: laneOrder(d.values, true),
    tNs: (window.t0 + window.t1) / 2,
    exact: null,
    highlight: null,
    title,
    width: 1000,
    topHeight: 200,
    lanesHeight: 360,
  }
}

describe('painters draw the same primitives on Canvas and in SVG', () => {
  let seed: RunData
  let big: RunData
  let sum: RunData
  beforeAll(async () => {
    seed = await recordSort(SEED, 2)
    big = await recordSort(
      Array.from({ length: 2000 }, (_, i) => (i * 7919) % 1000),
      0.01,
    )
    sum = await recordSum(
      Array.from({ length: 3000 }, (_, i) => i),
      4,
    )
  }, 60_000)

  it('the seed run: vector, lanes, axis and title alike', () => {
    const [t0, t1] = seed.span()
    const sc = scene(seed, { t0, t1 }, 'seed <run> & "title"')
    const { canvas, svg, text } = bothBackEnds(sc.width, sceneHeight(sc), (s) => paintRunScene(s, sc))
    expect(svg).toEqual(canvas)
    expect(canvas.length).toBeGreaterThan(100)
    expect(text).not.toMatch(/NaN|undefined|Infinity/)
    expect(text).toContain('seed &lt;run&gt; &amp; &quot;title&quot;')
    // the tracks and the window: the lanes' title, every value in the gutter, the axis' labels
    const labels = canvas.filter((l) => l.startsWith('text ')).join('\n')
    expect(labels).toContain('"THREADS"')
    expect(labels).toContain('"SHARED VECTOR"')
    expect(labels).toContain('"MUTEX"')
    for (const v of new Set(SEED)) expect(labels).toContain(`"${v}"`)
    for (const { label } of axisTicks({ t0, t1 }, plotOf(sc.width).width).slice(0, -1))
      expect(labels).toContain(JSON.stringify(label))
  })

  it('2,000 threads: lanes thinner than a pixel are one raster in both, zoomed in as well', () => {
    const [t0, t1] = big.span()
    for (const window of [
      { t0, t1 },
      { t0: t1 * 0.4, t1: t1 * 0.45 },
    ]) {
      const sc = scene(big, window, 'big')
      const { canvas, svg, text } = bothBackEnds(sc.width, sceneHeight(sc), (s) => paintRunScene(s, sc))
      expect(svg).toEqual(canvas)
      expect(canvas.filter((l) => l.startsWith('raster ')).length).toBe(2) // the vector's columns and the lanes
      expect(text).not.toMatch(/NaN/)
      expect(text.length).toBeLessThan(5_000_000)
    }
  })

  it('a parallel sum: chunk progress, worker lanes and the combine lane alike', () => {
    const [t0, t1] = sum.span()
    const sc = scene(sum, { t0, t1 }, 'sum')
    const { canvas, svg } = bothBackEnds(sc.width, sceneHeight(sc), (s) => paintRunScene(s, sc))
    expect(svg).toEqual(canvas)
    const labels = canvas.filter((l) => l.startsWith('text ')).join('\n')
    for (const l of ['"WORKERS"', '"CHUNK PROGRESS"', '"combine"', '"chunk 3"']) expect(labels).toContain(l)
  })

  it('the lock view: holders, handoff arrows and the queue alike, whole run and zoomed in', () => {
    const lm = buildLockModel(seed.table, seed.span()[1])
    const a = lm.acquired[3],
      b = lm.released[6]
    for (const window of [
      { t0: seed.span()[0], t1: seed.span()[1] },
      { t0: a - (b - a) * 0.2, t1: b + (b - a) * 0.2 },
    ]) {
      const { canvas, svg } = bothBackEnds(900, 300, (s) =>
        paintLockTracks(s, { model: lm, data: seed, phase: 'finished', playheadNs: seed.span()[1] }, window),
      )
      expect(svg).toEqual(canvas)
      expect(canvas.join('\n')).toContain('"LOCK"')
    }
  })
})

describe('one timeline for lanes and lock view', () => {
  it('lanes and lock view label the same window with the same ticks, and share one zoom floor', async () => {
    const d = await recordSort(SEED, 2)
    const tl = new Timeline()
    const [lo, hi] = d.span()
    tl.bound(d.runId, lo, hi)
    // zoom far in near the end of the run: the labels must still differ from each other
    tl.show({ t0: hi - 5_000, t1: hi })
    for (let i = 0; i < 40; i++) tl.zoom(0.5, 0.9)
    expect(tl.window.t1 - tl.window.t0).toBe(ZOOM_FLOOR_NS)
    const lanes = recordingSurface(900, 300)
    paintSortLanes(
      lanes.surface,
      {
        data: d,
        order: laneOrder(d.values, true),
        phase: 'finished',
        highlight: null,
        raster: new LaneRaster(),
        now: 0,
      },
      tl.window,
    )
    const lock = recordingSurface(900, 300)
    paintLockTracks(
      lock.surface,
      { model: buildLockModel(d.table), data: d, phase: 'finished', playheadNs: 0 },
      tl.window,
    )
    const tickLabels = (drawn: string[]) => drawn.filter((l) => / left #8b93a3$/.test(l) && /^text "\d/.test(l))
    const fromLanes = tickLabels(lanes.drawn)
    expect(fromLanes.length).toBeGreaterThan(2)
    expect(tickLabels(lock.drawn)).toEqual(fromLanes)
    expect(new Set(fromLanes.map((l) => l.split('"')[1])).size).toBe(fromLanes.length)
  })

  it('widens tick labels so neighbours never repeat far from 0', () => {
    for (const at of [2e9, 7.5e8, 123_456_789]) {
      for (const span of [1_000, 10_000, 300]) {
        const labels = axisTicks({ t0: at, t1: at + span }, 900).map((t) => t.label)
        expect(labels.length).toBeGreaterThan(2)
        expect(new Set(labels).size).toBe(labels.length)
      }
    }
  })

  it('a new run fits again; a zoomed window stays inside the run', () => {
    const tl = new Timeline()
    tl.bound(1, 0, 1e6)
    tl.zoom(0.1, 0)
    tl.pan(-5)
    expect(tl.window.t0).toBeGreaterThanOrEqual(-0.05e6)
    expect(tl.fitted).toBe(false)
    tl.bound(2, 0, 2e6)
    expect(tl.fitted).toBe(true)
    expect(tl.window.t1).toBeGreaterThan(2e6)
  })
})
