/**
 * REGRESSION (src/shared/parse.ts, parseNumberList): the E_TOO_MANY error's range runs to the end
 * of the input (`end: text.length`) while its `token` is only the first token over the cap, so
 * `text.slice(start, end) !== token` — unlike every other per-token error, and against the rule
 * that each error's [start, end) is its token (what the UI marks in place).
 *
 *   parseNumberList('1 2 3 4', { maxValues: 2 }).errors
 *   → [{ code: 'E_TOO_MANY', token: '3', position: 2, start: 4, end: 7 }]   slice(4, 7) = '3 4'
 *
 * Expected: end = start + token.length (4 → 5). Found by parse.fuzz.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { parseNumberList } from '../../../src/shared/parse'

describe('regression: E_TOO_MANY range', () => {
  it("the E_TOO_MANY error's [start, end) slice is its token", () => {
    const text = '1 2 3 4'
    const [error] = parseNumberList(text, { maxValues: 2 }).errors
    expect(error).toMatchObject({ code: 'E_TOO_MANY', token: '3', position: 2, start: 4 })
    expect(text.slice(error.start, error.end)).toBe(error.token)
  })

  it('also at the default cap of 10,000 values', () => {
    const text = Array.from({ length: 10_002 }, (_, i) => i).join(',')
    const error = parseNumberList(text).errors.find((e) => e.code === 'E_TOO_MANY')!
    expect(error.token).toBe('10000')
    expect(text.slice(error.start, error.end)).toBe(error.token)
  })
})
