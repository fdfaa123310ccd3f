import { describe, expect, it } from 'vitest'
import { readWebmInfo, WebmFrameWalk, withDuration } from '../../src/renderer/model/webm'

/** The shape Chromium's MediaRecorder writes: EBML header, a Segment of unknown size, Info without Duration. */
function liveWebm(scale = [0x0f, 0x42, 0x40]): Uint8Array {
  const ebml = [0x1a, 0x45, 0xdf, 0xa3, 0x84, 0x42, 0x86, 0x81, 0x01]
  const segment = [0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
  const timecodeScale = [0x2a, 0xd7, 0xb1, 0x80 | scale.length, ...scale]
  const muxingApp = [0x4d, 0x80, 0x82, 0x43, 0x68]
  const info = [
    0x15,
    0x49,
    0xa9,
    0x66,
    0x80 | (timecodeScale.length + muxingApp.length),
    ...timecodeScale,
    ...muxingApp,
  ]
  const tracks = [0x16, 0x54, 0xae, 0x6b, 0x80]
  const cluster = [0x1f, 0x43, 0xb6, 0x75, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xe7, 0x81, 0x00]
  return Uint8Array.from([...ebml, ...segment, ...info, ...tracks, ...cluster])
}

describe('withDuration', () => {
  it('adds the Duration a live recording lacks, keeping everything after Info', () => {
    const live = liveWebm()
    expect(readWebmInfo(live)).toEqual({ timecodeScale: 1_000_000, durationMs: null })
    const fixed = withDuration(live, 3350.5)
    if (typeof fixed === 'string') throw new Error(fixed)
    expect(readWebmInfo(fixed)).toEqual({ timecodeScale: 1_000_000, durationMs: 3350.5 })
    expect(Array.from(fixed.subarray(0, 4))).toEqual([0x1a, 0x45, 0xdf, 0xa3])
    // tracks and cluster follow unchanged
    expect(Array.from(fixed.subarray(fixed.length - 20))).toEqual(Array.from(live.subarray(live.length - 20)))
  })

  it('rewrites an existing Duration in place, and honours another timecode scale', () => {
    const once = withDuration(liveWebm([0x01, 0xe8, 0x48]), 1000) as Uint8Array // 125,000 ns ticks
    expect(readWebmInfo(once)).toEqual({ timecodeScale: 125_000, durationMs: 1000 })
    const twice = withDuration(once, 2000) as Uint8Array
    expect(twice.length).toBe(once.length)
    expect((readWebmInfo(twice) as { durationMs: number }).durationMs).toBe(2000)
  })

  it('refuses what is not a WebM file', () => {
    expect(withDuration(new Uint8Array([1, 2, 3]), 1)).toBe('not a WebM file (no EBML header)')
    expect(readWebmInfo(new Uint8Array(0))).toBe('not a WebM file (no EBML header)')
  })
})

describe('WebmFrameWalk', () => {
  /** A SimpleBlock (or a Block) of track 1 at `relative` ticks from its Cluster, with some frame bytes. */
  const block = (relative: number, id = 0xa3) => [
    id,
    0x87,
    0x81,
    (relative >> 8) & 0xff,
    relative & 0xff,
    0x80,
    1,
    2,
    3,
  ]
  /** liveWebm's file (its first Cluster at 0, unknown size) with frames, then a sized Cluster at 1000. */
  function recorded(scale?: number[]): Uint8Array {
    const first = [...block(0), ...block(33), ...block(67)]
    const group = [0xa0, 0x80 | 9, ...block(-5, 0xa1)] // a BlockGroup holding a Block, 5 ticks before its Cluster
    const second = [0xe7, 0x82, 0x03, 0xe8, ...block(0), ...group, ...block(40)]
    const cluster = [0x1f, 0x43, 0xb6, 0x75, 0x80 | second.length, ...second]
    return Uint8Array.from([...liveWebm(scale), ...first, ...cluster])
  }

  it('finds the last frame: its Cluster Timecode plus its relative timecode, in TimecodeScale ticks', () => {
    const walk = new WebmFrameWalk()
    walk.push(recorded())
    expect(walk.error).toBeNull()
    expect(walk.frames).toBe(6)
    expect(walk.lastFrameMs).toBe(1040)
    const fine = new WebmFrameWalk() // 125,000 ns ticks
    fine.push(recorded([0x01, 0xe8, 0x48]))
    expect(fine.lastFrameMs).toBe(130)
  })

  it('reads the same whatever the chunks the recorder hands over', () => {
    const bytes = recorded()
    for (const size of [1, 2, 3, 5, 7, 13]) {
      const walk = new WebmFrameWalk()
      for (let at = 0; at < bytes.length; at += size) walk.push(bytes.subarray(at, at + size))
      expect([walk.frames, walk.lastFrameMs, walk.error]).toEqual([6, 1040, null])
    }
  })

  it('has no last frame before the first, and says where the bytes stop being EBML', () => {
    const walk = new WebmFrameWalk()
    walk.push(liveWebm())
    expect([walk.frames, walk.lastFrameMs]).toEqual([0, null])
    walk.push(new Uint8Array(12))
    expect(walk.error).toBe('no element header at byte 0 of the unread data')
  })
})
