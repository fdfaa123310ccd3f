import { describe, expect, it } from 'vitest'
import { LIMITS } from '../../src/shared/limits'
import { generatePreset, I32_MAX, presetsFor } from '../../src/renderer/model/presets'
import { alertText, checkThreads, createAppStore, parseFor, sumDurationError } from '../../src/renderer/model/store'

describe('input for a parallel sum', () => {
  it('offers sum presets for sums and sort presets for sorts (the seed example for both)', () => {
    expect(presetsFor('parallel-sum').map((p) => p.id)).toEqual(['seed', 'sum-range', 'sum-decimals', 'sum-i32'])
    expect(presetsFor('sleep-sort').map((p) => p.id)).not.toContain('sum-range')
  })

  it('sum presets: 1..1000, N random decimals, values near 2^31 whose sum overflows i32', () => {
    const range = parseFor(generatePreset('sum-range', 5, 5).text, 'parallel-sum')
    expect(range.errors).toEqual([])
    expect(range.values).toHaveLength(1000)
    expect(range.values.reduce((a, b) => a + b, 0)).toBe(500500)
    let k = 0
    const decimals = parseFor(
      generatePreset('sum-decimals', 40, 10, () => (k = (k * 7 + 3) % 101) / 101).text,
      'parallel-sum',
    )
    expect(decimals.values).toHaveLength(40)
    expect(decimals.values.some((v) => !Number.isInteger(v))).toBe(true)
    expect(decimals.values.every((v) => v >= 0 && v <= 10)).toBe(true)
    const big = parseFor(generatePreset('sum-i32', 1, 1).text, 'parallel-sum').values
    expect(Math.max(...big)).toBe(I32_MAX)
    expect(big.reduce((a, b) => a + b, 0)).toBeGreaterThan(2 ** 31)
    // the seed's i32 arithmetic would wrap to a negative number
    expect(big.reduce((a, b) => (a + b) | 0, 0)).toBeLessThan(0)
  })

  it('a sum reads up to a million values, a sort up to its thread cap', () => {
    const text = Array.from({ length: 20_000 }, (_, i) => i).join(' ')
    expect(parseFor(text, 'parallel-sum').errors).toEqual([])
    expect(parseFor(text, 'sleep-sort').errors[0]?.code).toBe('E_TOO_MANY')
  })

  it('switching experiments re-reads the list and keeps a preset offered by both', () => {
    const store = createAppStore()
    store.getState().setText(Array.from({ length: 20_000 }, () => 1).join(' '))
    expect(store.getState().parsed.errors).not.toEqual([])
    store.getState().setExperiment('parallel-sum')
    expect(store.getState().parsed.errors).toEqual([])
    store.getState().applyPreset('seed')
    store.getState().setExperiment('sleep-sort')
    expect(store.getState().preset).toBe('seed')
    store.getState().setExperiment('parallel-sum')
    store.getState().applyPreset('sum-i32')
    store.getState().setExperiment('sleep-sort')
    expect(store.getState().preset).toBe('custom')
  })

  it('checks the thread count', () => {
    expect(checkThreads('4')).toEqual({ threads: 4, error: null })
    expect(checkThreads('').error).toBeNull()
    expect(checkThreads('0').error).toMatch(/1 to 64/)
    expect(checkThreads('2.5').error).toMatch(/whole number/)
    expect(checkThreads(String(LIMITS.maxThreads + 1)).error).not.toBeNull()
  })

  it('names a sum that would take longer than the cap', () => {
    expect(sumDurationError(1000, 2, 1, 2, 60_000)).toBeNull()
    expect(sumDurationError(1_000_000, 2, 1, 2, 60_000)).toMatch(/500 s .* 60 s cap/)
    expect(sumDurationError(1_000_000, NaN, 1, 4, 60_000)).toMatch(/250 s/)
    expect(sumDurationError(1_000_000, 2, 0, 2, 60_000)).toBeNull()
  })

  it('the alert names a run file problem first, and a bad thread count in sum mode', () => {
    const s = createAppStore().getState()
    const base = { parsed: s.parsed, unitError: null, error: null, runAttemptError: null, capsError: null }
    expect(
      alertText(
        { ...base, fileError: { code: 'E_CORRUPT', message: 'could not open x.threadlab: checksum mismatch' } },
        () => '',
      ),
    ).toBe('could not open x.threadlab: checksum mismatch (E_CORRUPT)')
    expect(alertText({ ...base, threadsError: 'Threads bad', experiment: 'parallel-sum' }, () => '')).toBe(
      'Threads bad',
    )
    expect(alertText({ ...base, threadsError: 'Threads bad', experiment: 'sleep-sort' }, () => '')).toBe('')
  })
})
