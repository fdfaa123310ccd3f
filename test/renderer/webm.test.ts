import { describe, expect, it } from 'vitest'
import { readWebmInfo, withDuration } from '../../src/renderer/model/webm'

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
