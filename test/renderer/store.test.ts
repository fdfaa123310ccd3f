import { describe, expect, it } from 'vitest'
import type { SleepSortResult } from '../../src/shared/api'
import { LIMITS } from '../../src/shared/limits'
import { describeErrors } from '../../src/shared/parse'
import { SEED_EXAMPLE } from '../../src/renderer/model/presets'
import { alertText, checkUnit, createAppStore, durationError, isActive } from '../../src/renderer/model/store'
import { testCapabilities } from './helpers/caps'

const result = (over: Partial<SleepSortResult> = {}): SleepSortResult => ({
  experiment: 'sleep-sort',
  runId: 3,
  output: [1, 2],
  sorted: true,
  misplaced: 0,
  inversions: 0,
  latenessNs: { p50: 1, p99: 2, max: 3 },
  lockWaitNs: { p50: 1, p99: 2, max: 3 },
  wallMs: 5,
  threads: 2,
  mode: 'scheduled',
  unitMs: 10,
  shift: 0,
  cancelled: false,
  eventCount: 16,
  ...over,
})

describe('store: input slice', () => {
  it('starts with the seed example, scheduled mode and a 10 ms unit', () => {
    const s = createAppStore().getState()
    expect(s.text).toBe(SEED_EXAMPLE)
    expect(s.parsed.values).toEqual([5, 1, 2, 6, 8, 2, 4, 2, 3, 8, 0, 2])
    expect(s.mode).toBe('scheduled')
    expect(s.unitMs).toBe(10)
    expect(s.unitError).toBeNull()
    expect(s.phase).toBe('idle')
  })

  it('parses as the text changes and names bad tokens', () => {
    const store = createAppStore()
    store.getState().setText('5 1 abc 3')
    const s = store.getState()
    expect(s.parsed.values).toEqual([5, 1, 3])
    expect(s.preset).toBe('custom')
    expect(alertText(s, (p) => describeErrors(p.errors))).toBe('value 3: "abc" is not a number')
  })

  it('keeps the last valid unit while the box holds a bad one', () => {
    const store = createAppStore()
    store.getState().setUnitText('0.5')
    expect(store.getState().unitMs).toBe(0.5)
    store.getState().setUnitText('0.000001')
    expect(store.getState().unitError).toBeNull()
    expect(store.getState().unitMs).toBe(0.000001)
    store.getState().setUnitText('0.0000001')
    expect(store.getState().unitError).toBe('Unit (ms) must be from 0.000001 (1 ns) to 1000 (1 s), not 0.0000001')
    store.getState().setUnitText('0.5')
    expect(store.getState().unitMs).toBe(0.5)
    store.getState().setUnitText('')
    expect(store.getState().unitError).toMatch(/number/)
    expect(checkUnit('1000').error).toBeNull()
    expect(checkUnit('1000.5').error).not.toBeNull()
  })

  it('applies presets and regenerates generated ones when N changes', () => {
    const store = createAppStore()
    store.getState().applyPreset('reversed')
    expect(store.getState().parsed.values.slice(0, 3)).toEqual([99, 98, 97])
    store.getState().setN(10)
    expect(store.getState().parsed.values).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
    store.getState().applyPreset('close-call')
    expect(store.getState().parsed.values).toHaveLength(400)
    expect(store.getState().unitMs).toBe(1)
    // a fixed preset does not follow N
    store.getState().setN(20)
    expect(store.getState().parsed.values).toHaveLength(400)
  })

  it('names an over-long run before it starts', () => {
    expect(durationError([1, 2], 10, LIMITS.maxDurationMs)).toBeNull()
    expect(durationError([70_000], 1, LIMITS.maxDurationMs)).toMatch(/70 s .* 60 s cap/)
    // negative values are shifted: the span counts
    expect(durationError([-30_000, 31_000], 1, LIMITS.maxDurationMs)).toMatch(/61 s/)
  })
})

describe('store: run transitions', () => {
  it('idle → starting → running → finished', () => {
    const store = createAppStore()
    const s = () => store.getState()
    s().runStarting({ experiment: 'sleep-sort', values: [2, 1], mode: 'scheduled', unitMs: 10 })
    expect(s().phase).toBe('starting')
    expect(isActive(s().phase)).toBe(true)
    s().runStarted(3)
    expect(s().phase).toBe('running')
    expect(s().runId).toBe(3)
    s().runProgress(10)
    expect(s().events).toBe(10)
    const v = s().dataVersion
    s().runFinished(result(), 16)
    expect(s().phase).toBe('finished')
    expect(s().events).toBe(16)
    expect(s().dataVersion).toBe(v + 1)
    expect(isActive(s().phase)).toBe(false)
  })

  it('a cancelled result ends in cancelled, a failure in failed with its error', () => {
    const store = createAppStore()
    store.getState().runStarting({ experiment: 'sleep-sort', values: [1], mode: 'classic', unitMs: 1 })
    store.getState().runFinished(result({ cancelled: true }), 3)
    expect(store.getState().phase).toBe('cancelled')
    store.getState().runStarting({ experiment: 'sleep-sort', values: [1], mode: 'classic', unitMs: 1 })
    expect(store.getState().result).toBeNull()
    store.getState().runFailed({ code: 'E_BUSY', message: 'another run is active' })
    expect(store.getState().phase).toBe('failed')
    expect(alertText(store.getState(), () => '')).toBe('another run is active (E_BUSY)')
  })

  it('a late "started" does not revive a finished run', () => {
    const store = createAppStore()
    store.getState().runStarting({ experiment: 'sleep-sort', values: [1], mode: 'classic', unitMs: 1 })
    store.getState().runFinished(result(), 3)
    store.getState().runStarted(3)
    expect(store.getState().phase).toBe('finished')
  })

  it('starting a run clears the highlight and stops playback', () => {
    const store = createAppStore()
    store.getState().setHighlight({ lo: 0, hi: 1, label: 'x' })
    store.getState().setPlaying(true)
    store.getState().runStarting({ experiment: 'sleep-sort', values: [1], mode: 'classic', unitMs: 1 })
    expect(store.getState().highlight).toBeNull()
    expect(store.getState().playing).toBe(false)
  })

  it('clamps the speed to 0.01×–10×', () => {
    const store = createAppStore()
    store.getState().setSpeed(100)
    expect(store.getState().speed).toBe(10)
    store.getState().setSpeed(0)
    expect(store.getState().speed).toBe(0.01)
  })

  it('switches away from realtime when the host does not allow it', () => {
    const store = createAppStore()
    store.getState().setMode('realtime')
    store.getState().setCaps(testCapabilities({ realtime: { allowed: false, reason: 'no CAP_SYS_NICE' } }))
    expect(store.getState().mode).toBe('scheduled')
  })
})

describe('store: comparison', () => {
  it('tracks each mode and marks the unfinished ones cancelled when it ends early', () => {
    const store = createAppStore()
    store.getState().compareBegin(['classic', 'scheduled'], [{ mode: 'realtime', reason: 'denied' }])
    expect(store.getState().compare!.entries.map((e) => e.status)).toEqual(['waiting', 'waiting', 'skipped'])
    store.getState().compareUpdate('classic', { status: 'done', result: result() })
    store.getState().compareUpdate('scheduled', { status: 'running' })
    store.getState().compareEnd()
    const c = store.getState().compare!
    expect(c.active).toBe(false)
    expect(c.entries.map((e) => e.status)).toEqual(['done', 'cancelled', 'skipped'])
    store.getState().compareClose()
    expect(store.getState().compare).toBeNull()
  })
})
