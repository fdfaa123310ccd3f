// The idle work: the warm-up run draws what a live run's first frames draw (the mutex card with a
// holder and waiters, the vector and the lanes as rasters), and the installer does it once, at
// idle, and orders the input's values there for the next run — touching nothing of the app.
import { describe, expect, it } from 'vitest'
import { mutexAt } from '../../src/renderer/model/mutex'
import { RunData, valueOrderOf } from '../../src/renderer/model/runData'
import { createAppStore } from '../../src/renderer/model/store'
import { paintWarmUp, warmUpRun, WARM_UP_SIZE } from '../../src/renderer/paint/warmUp'
import { installIdleWork } from '../../src/renderer/model/idleWork'
import { recordingSurface } from './helpers/drawnPrimitives'

describe('warm-up run', () => {
  it('draws a live run half-way: the mutex card with a holder and waiters, the vector, the aggregated lanes', () => {
    const d = warmUpRun()
    const { width, topHeight, lanesHeight } = WARM_UP_SIZE
    const { surface, drawn } = recordingSurface(width, 26 + topHeight + lanesHeight)
    paintWarmUp(surface, d)
    const texts = drawn.filter((l) => l.startsWith('text ')).join('\n')
    expect(texts).toContain('"held by"')
    expect(texts).toMatch(/"\d+ waiting"/)
    expect(texts).toMatch(/"\+\d+ more"/)
    expect(texts).toContain('"THREADS"')
    // the vector's columns and the lanes thinner than a pixel row: two rasters
    expect(drawn.filter((l) => l.startsWith('raster ')).length).toBe(2)
    // at the live edge, as a live run's frames ask
    const mu = d.mutexAt(d.maxT, 6)
    expect(mu).toEqual(mutexAt(d.table, d.maxT, 6))
    expect(mu.holder).toBeGreaterThanOrEqual(0)
    expect(mu.waiters.length).toBe(6)
  })
})

describe('idle work', () => {
  it('warms the painters once and orders the input at idle, only while installed', () => {
    const store = createAppStore()
    const queued: (() => void)[] = []
    let warmed = 0
    const dispose = installIdleWork(
      store,
      (work) => queued.push(work),
      () => warmed++,
    )
    expect(warmed).toBe(0) // nothing before the page is idle
    store.getState().setText('5 1 4 2')
    const values = store.getState().parsed.values
    for (const work of queued.splice(0)) work()
    expect(warmed).toBe(1)
    const ordered = valueOrderOf(values)
    expect(Array.from(ordered)).toEqual([1, 3, 2, 0])
    // the next run of that list takes the order computed at idle
    const d = new RunData()
    d.reset(1, values, 1)
    expect(d.valueOrder).toBe(ordered)
    // a parallel sum's values are not ordered
    store.getState().setExperiment('parallel-sum')
    store.getState().setText('9 8 7')
    expect(queued.length).toBe(0)
    store.getState().setExperiment('sleep-sort')
    dispose()
    store.getState().setText('3 2 1')
    for (const work of queued.splice(0)) work()
    expect(warmed).toBe(1)
    expect(valueOrderOf(values)).toBe(ordered)
  })
})
