// The frame loop's canvas budget: once a frame has spent it, the canvases not yet drawn wait for
// the next frame and go first there, so no canvas starves; the other painters run every frame,
// after the canvases.
import { describe, expect, it } from 'vitest'
import { RafScheduler, CANVAS_BUDGET_MS } from '../../src/renderer/view/raf'

function loop() {
  let clock = 0
  const frames: ((now: number) => void)[] = []
  const raf = new RafScheduler(
    (cb) => frames.push(cb),
    () => clock,
  )
  const log: string[] = []
  /** a canvas painter that takes `ms` of the clock and asks for frames while `busy` */
  const canvas = (name: string, ms: number, busy = () => true) =>
    raf.addCanvasPainter(() => {
      log.push(name)
      clock += ms
      return busy()
    })
  const runFrame = () => {
    const cb = frames.shift()
    if (!cb) return false
    cb(clock)
    return true
  }
  return { raf, log, canvas, runFrame, frames }
}

describe('RafScheduler', () => {
  it('leaves the canvases after the budget to the next frame, which starts with them', () => {
    const { raf, log, canvas, runFrame } = loop()
    canvas('lanes', CANVAS_BUDGET_MS + 1)
    canvas('vector', 1)
    canvas('lock', 1)
    raf.addPainter(() => void log.push('overlay'))
    runFrame()
    expect(log.splice(0)).toEqual(['lanes', 'overlay'])
    runFrame()
    expect(log.splice(0)).toEqual(['vector', 'lock', 'lanes', 'overlay'])
    // the budget is looked at before each canvas: the first is drawn whatever it costs
    runFrame()
    expect(log.splice(0)).toEqual(['vector', 'lock', 'lanes', 'overlay'])
  })

  it('draws every canvas of a cheap frame', () => {
    const { log, canvas, runFrame } = loop()
    canvas('a', 1)
    canvas('b', 1)
    canvas('c', CANVAS_BUDGET_MS - 2)
    runFrame()
    expect(log.splice(0)).toEqual(['a', 'b', 'c'])
  })

  it('sleeps when nothing asks for another frame, and keeps a frame coming while canvases wait', () => {
    const { raf, log, canvas, runFrame, frames } = loop()
    let busy = true
    canvas('slow', CANVAS_BUDGET_MS + 1, () => busy)
    canvas('idle', 0, () => false)
    runFrame()
    expect(frames.length).toBe(1) // 'idle' was left out: another frame is due
    busy = false
    runFrame()
    expect(frames.length).toBe(0)
    expect(log).toEqual(['slow', 'idle', 'slow'])
    raf.nextFrame(() => log.push('once'))
    expect(frames.length).toBe(1)
  })
})
