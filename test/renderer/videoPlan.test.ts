// What `Export video…` encodes: which frames, showing which instant of the run, after a title
// saying what the run was. The encoding itself is checked in Chromium (e2e/moments-diff-video.spec.ts).
import { describe, expect, it } from 'vitest'
import type { RunRequest, RunResult } from '../../src/shared/api'
import {
  frameCount,
  frameInstant,
  planVideo,
  TITLE_MS,
  VIDEO_FPS,
  videoTitle,
} from '../../src/renderer/model/videoPlan'

const FRAME_MS = 1000 / VIDEO_FPS

describe('the video plan', () => {
  it('covers the lanes’ window clipped to the run, at the chosen speed, after the title', () => {
    const plan = planVideo([1e6, 81e6], { t0: 0, t1: 41e6 }, 0.1)
    expect(plan).toEqual({ t0: 1e6, t1: 41e6, speed: 0.1, replayMs: 400, totalMs: TITLE_MS + 400 })
    expect(planVideo([1e6, 81e6], null, 2).replayMs).toBe(40)
  })

  it('has a frame every 1/30 s until the title and the replay are covered, and no frame more', () => {
    const plan = (totalMs: number) => ({ t0: 0, t1: 1, speed: 1, replayMs: totalMs - TITLE_MS, totalMs })
    expect(frameCount(plan(1806))).toBe(55) // 54.18 frames' worth: the 55th covers the rest
    expect(frameCount(plan(2000))).toBe(60) // exactly 60: not a 61st frame past the end
    expect(frameCount(plan(1000 + FRAME_MS / 2))).toBe(31)
    expect(frameCount(plan(0))).toBe(1)
  })

  it('shows the title for its second, then the run from the window’s start at the chosen speed', () => {
    const plan = planVideo([0, 80e6], null, 0.1)
    const first = Math.ceil(TITLE_MS / FRAME_MS)
    for (let i = 0; i < first; i++) expect(frameInstant(plan, i)).toBeNull()
    expect(frameInstant(plan, first)).toBe(0)
    // 100 ms of video after the title is 10 ms of run at 0.1×
    expect(frameInstant(plan, first + 3)).toBeCloseTo(10e6, 0)
    const instants = Array.from({ length: frameCount(plan) - first }, (_, i) => frameInstant(plan, first + i)!)
    expect(instants.every((t, i) => i === 0 || t > instants[i - 1])).toBe(true)
    // the last frame shows the run's end, to within one frame's worth of run time
    expect(instants.at(-1)!).toBeLessThanOrEqual(80e6)
    expect(80e6 - instants.at(-1)!).toBeLessThan(FRAME_MS * 1e6 * 0.1)
  })

  it('never shows an instant past the window, even for a frame past the plan', () => {
    const plan = planVideo([0, 80e6], { t0: 10e6, t1: 20e6 }, 1)
    expect(frameInstant(plan, 1000)).toBe(20e6)
  })
})

describe('the title frame', () => {
  const request: RunRequest = { experiment: 'sleep-sort', values: [3, 1, 2], mode: 'classic', unitMs: 0.001 }
  const result = {
    experiment: 'sleep-sort',
    sorted: false,
    misplaced: 2,
    inversions: 1_234,
    cancelled: false,
  } as RunResult

  it('names the input size, the mode, the unit and the result', () => {
    expect(videoTitle(request, result)).toEqual([
      'Sleep sort of 3 values',
      'mode classic · unit 1 µs',
      '2 misplaced, 1,234 inversions',
    ])
    expect(videoTitle(request, { ...result, sorted: true } as RunResult)[2]).toBe('sorted exactly')
    expect(videoTitle(request, null)[2]).toBe('no result')
  })

  it('names a parallel sum’s size, threads and total', () => {
    const sum: RunRequest = { experiment: 'parallel-sum', values: [1, 2, 3, 4], threads: 2 }
    expect(videoTitle(sum, { experiment: 'parallel-sum', threads: 2, sum: '10' } as RunResult)).toEqual([
      'Parallel sum of 4 values',
      '2 threads',
      'sum 10',
    ])
  })
})
