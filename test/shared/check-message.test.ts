// checkMessage: the bounded walk Electron's port runs over each cloned message before reading it
// (the port itself is tested in test/contract/call-limits.test.ts).
import { describe, expect, it } from 'vitest'
import { checkMessage, MAX_FRAME_ITEMS } from '../../src/shared/frames'
import { LIMITS } from '../../src/shared/limits'

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
})
