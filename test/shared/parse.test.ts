/**
 * parseNumberList and describeErrors as the input box and the CLI show them: which code each bad
 * token gets, the reason it reads, where it is, and the one-line summary under the box.
 */
import { describe, expect, it } from 'vitest'
import { LIMITS } from '../../src/shared/limits'
import { MAX_MAGNITUDE, describeErrors, parseNumberList, type TokenError } from '../../src/shared/parse'

const codeOf = (token: string) => parseNumberList(token).errors.map((e) => e.code)
const reasonOf = (token: string) => parseNumberList(token).errors[0]?.reason

describe('parseNumberList', () => {
  it('reads numbers in every written form, split by commas, semicolons and any white space', () => {
    const r = parseNumberList(' 5,1;2\n6\t8  -2 +3 .5 4. 1e3 2E-1 ')
    expect(r).toEqual({ values: [5, 1, 2, 6, 8, -2, 3, 0.5, 4, 1000, 0.2], errors: [], hasNegatives: true })
  })

  it('says whether a value is negative (the engine will shift them all), and -0 is not', () => {
    expect(parseNumberList('1 2 3').hasNegatives).toBe(false)
    expect(parseNumberList('0 -0').hasNegatives).toBe(false)
    expect(parseNumberList('3 -0.5').hasNegatives).toBe(true)
  })

  it.each(['Infinity', 'infinity', '-Infinity', '+inf', 'INF', '∞', '-∞'])('%s is not finite', (token) => {
    expect(codeOf(token)).toEqual(['E_NOT_FINITE'])
    expect(reasonOf(token)).toBe(`"${token}" is not finite`)
  })

  it.each(['NaN', 'nan', '-NaN'])('%s is not a number', (token) => {
    expect(codeOf(token)).toEqual(['E_NOT_A_NUMBER'])
    expect(reasonOf(token)).toBe(`"${token}" is not a number`)
  })

  it.each(['in-f', 'inf-', '∞+', '+-inf', 'Infinity!'])(
    '%s, a sign or mark away from infinity, is not a number',
    (token) => {
      expect(codeOf(token)).toEqual(['E_NOT_A_NUMBER'])
    },
  )

  it.each(['abc', '0x10', '1,5e', '--1', '1e', '.', '1_000', 'infinite', 'in', 'nana', '12a'])(
    '%s is refused as not a number',
    (token) => {
      const first = parseNumberList(token).errors[0]
      expect(first.code).toBe('E_NOT_A_NUMBER')
      expect(first.reason).toMatch(/is not a number$/)
    },
  )

  it('a number too large for a double is not finite; past the magnitude cap it is too large', () => {
    expect(codeOf('1e400')).toEqual(['E_NOT_FINITE'])
    expect(reasonOf('1e400')).toBe('"1e400" is too large to be finite')
    expect(codeOf(String(MAX_MAGNITUDE))).toEqual([])
    expect(codeOf(`-${MAX_MAGNITUDE}`)).toEqual([])
    expect(codeOf('1000000000000001')).toEqual(['E_TOO_LARGE'])
    expect(codeOf('-1000000000000001')).toEqual(['E_TOO_LARGE'])
    expect(reasonOf('2e15')).toBe(`2e15 is larger than ${MAX_MAGNITUDE}`)
    expect(parseNumberList('5 11', { maxMagnitude: 10 }).errors.map((e) => e.token)).toEqual(['11'])
    expect(parseNumberList('10 -10', { maxMagnitude: 10 }).values).toEqual([10, -10])
  })

  it('shows a long bad token cut to 21 characters and an ellipsis; 24 characters are shown whole', () => {
    const long = 'x'.repeat(30)
    expect(reasonOf(long)).toBe(`"${'x'.repeat(21)}…" is not a number`)
    expect(reasonOf('y'.repeat(24))).toBe(`"${'y'.repeat(24)}" is not a number`)
    expect(reasonOf('z'.repeat(25))).toBe(`"${'z'.repeat(21)}…" is not a number`)
    expect(reasonOf(`1${'0'.repeat(400)}`)).toBe(`"1${'0'.repeat(20)}…" is too large to be finite`)
    expect(parseNumberList(long).errors[0].token).toBe(long)
  })

  it('marks each bad token with its position among the values and its place in the text', () => {
    const text = '1, x, 3\n1e999'
    expect(parseNumberList(text)).toEqual({
      values: [1, 3],
      errors: [
        { code: 'E_NOT_A_NUMBER', token: 'x', position: 1, start: 3, end: 4, reason: '"x" is not a number' },
        {
          code: 'E_NOT_FINITE',
          token: '1e999',
          position: 3,
          start: 8,
          end: 13,
          reason: '"1e999" is too large to be finite',
        },
      ],
      hasNegatives: false,
    })
  })

  it('stops at the value cap with one error on the first value over it', () => {
    const r = parseNumberList('1 2 3 4 5', { maxValues: 3 })
    expect(r.values).toEqual([1, 2, 3])
    expect(r.errors).toEqual([
      { code: 'E_TOO_MANY', token: '4', position: 3, start: 6, end: 7, reason: 'more than 3 values (value 4 onwards)' },
    ])
    expect(parseNumberList('1 2 3', { maxValues: 3 }).errors).toEqual([])
    expect(parseNumberList('1 2 3 x', { maxValues: 3 }).errors.map((e) => e.code)).toEqual(['E_TOO_MANY'])
  })

  it('uses the app-wide caps by default', () => {
    const atCap = Array.from({ length: LIMITS.maxValues }, () => '1').join(' ')
    expect(parseNumberList(atCap).errors).toEqual([])
    expect(parseNumberList(`${atCap} 2`).errors.map((e) => e.code)).toEqual(['E_TOO_MANY'])
    const bad = Array.from({ length: 250 }, () => 'x').join(' ')
    expect(parseNumberList(bad).errors).toHaveLength(200)
  })

  it('keeps at most maxErrors token errors but still reads the values after them', () => {
    const r = parseNumberList('a b c 4 d 5', { maxErrors: 2 })
    expect(r.errors.map((e) => e.token)).toEqual(['a', 'b'])
    expect(r.values).toEqual([4, 5])
  })

  it('refuses an input longer than maxChars as a whole, naming both lengths', () => {
    expect(parseNumberList('1 2 3', { maxChars: 5 }).errors).toEqual([])
    expect(parseNumberList('1 2 3 ', { maxChars: 5 })).toEqual({
      values: [],
      errors: [
        {
          code: 'E_TOO_LONG',
          token: '',
          position: -1,
          start: 0,
          end: 0,
          reason: 'the input has 6 characters, more than the 5 allowed',
        },
      ],
      hasNegatives: false,
    })
  })

  it('an empty or blank list asks for numbers; a list of only bad tokens is not empty', () => {
    for (const text of ['', '  ,; \n'])
      expect(parseNumberList(text).errors).toEqual([
        { code: 'E_EMPTY', token: '', position: -1, start: 0, end: 0, reason: 'the list is empty: type some numbers' },
      ])
    expect(codeOf('x')).toEqual(['E_NOT_A_NUMBER'])
  })

  it('refuses what is not text', () => {
    expect(parseNumberList(42 as unknown as string)).toEqual({
      values: [],
      errors: [{ code: 'E_NOT_A_NUMBER', token: '', position: -1, start: 0, end: 0, reason: 'the input is not text' }],
      hasNegatives: false,
    })
  })
})

describe('describeErrors', () => {
  const errors = parseNumberList('a 1 b c d e').errors

  it('names up to three problems by value number, then how many more', () => {
    expect(describeErrors(errors)).toBe(
      'value 1: "a" is not a number; value 3: "b" is not a number; value 4: "c" is not a number (and 2 more)',
    )
    expect(describeErrors(errors.slice(0, 3))).toBe(
      'value 1: "a" is not a number; value 3: "b" is not a number; value 4: "c" is not a number',
    )
    expect(describeErrors(errors, 1)).toBe('value 1: "a" is not a number (and 4 more)')
  })

  it('gives a whole-input problem without a value number, and nothing when there is none', () => {
    expect(describeErrors(parseNumberList('').errors)).toBe('the list is empty: type some numbers')
    const first: TokenError = { ...errors[0], position: 0 }
    expect(describeErrors([first])).toBe('value 1: "a" is not a number')
    expect(describeErrors([])).toBe('')
  })
})
