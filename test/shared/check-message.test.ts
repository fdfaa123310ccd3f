// checkMessage: the bounded walk Electron's port runs over each cloned message before reading it
// (the port itself is tested in test/contract/call-limits.test.ts).
import { describe, expect, it } from 'vitest'
import { checkMessage, MAX_FRAME_ITEMS } from '../../src/shared/frames'
import { LIMITS } from '../../src/shared/limits'
import { validateRunRequest } from '../../src/shared/validate'

const request = (params: unknown) => ({ id: 1, method: 'startRun', params })

describe('checkMessage', () => {
  it('measures a request: numbers 8 bytes, strings and keys 2 a character', () => {
    const r = checkMessage(request({ values: [1, 2, 3] }))
    // "id" 4 + 8, "method" 12 + "startRun" 16, "params" 12, "values" 12 + three numbers 24
    expect(r).toEqual({ ok: true, bytes: 88 })
    expect(checkMessage(7)).toEqual({ ok: true, bytes: 8 })
  })

  it('refuses a fourth level, whatever it holds', () => {
    expect(checkMessage(request({ values: [[1]] }))).toMatchObject({ ok: false, error: { code: 'E_TOO_DEEP' } })
    expect(checkMessage(request({ values: [{}] }))).toMatchObject({ ok: false, error: { code: 'E_TOO_DEEP' } })
    expect(checkMessage(request({ values: [1] })).ok).toBe(true)
  })

  it('counts the elements of Maps, Sets and arrays, and the bytes of typed arrays and strings', () => {
    const many = new Set(Array.from({ length: MAX_FRAME_ITEMS + 1 }, (_, i) => i))
    expect(checkMessage(request(many))).toMatchObject({ ok: false, error: { code: 'E_TOO_LARGE' } })
    const bytes = new Float64Array(LIMITS.maxMessageBytes / 8 + 1)
    expect(checkMessage(request({ values: bytes }))).toMatchObject({ ok: false, error: { code: 'E_TOO_LARGE' } })
    const text = 'x'.repeat(LIMITS.maxMessageBytes / 2)
    expect(checkMessage(request({ experiment: text }))).toMatchObject({ ok: false, error: { code: 'E_TOO_LARGE' } })
    expect(checkMessage(request({ values: new Float64Array(1000) }))).toMatchObject({ ok: true })
  })

  it('sizes the largest request the contract allows, as the port receives it (time printed, not asserted)', () => {
    // a structured clone, like the message Electron hands main
    const largest = structuredClone(
      request({ experiment: 'parallel-sum', values: new Array(LIMITS.maxSumValues).fill(0.5), threads: 2 }),
    )
    checkMessage(largest)
    const t0 = performance.now()
    const r = checkMessage(largest)
    const walkMs = performance.now() - t0
    const t1 = performance.now()
    validateRunRequest(largest.params, { cpus: 2 })
    const validateMs = performance.now() - t1
    expect(r.ok && r.bytes).toBeGreaterThan(8 * LIMITS.maxSumValues)
    console.log(
      `a 1,000,000-value request: checkMessage ${walkMs.toFixed(1)} ms, the validator after it ${validateMs.toFixed(1)} ms`,
    )
  })
})
