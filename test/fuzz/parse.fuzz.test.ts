/**
 * Fuzzing parseNumberList (src/shared/parse.ts), the number-list parser behind the input box, file
 * loading and the CLI. It must return values and typed errors for any text — never throw, hang or
 * grow its error list without bound — and:
 * - round trip: finite numbers formatted with random separators parse back to exactly those values;
 * - every per-token error's [start, end) slice of the input is its token (E_TOO_MANY included:
 *   regressions/parse-too-many-range.test.ts), tokens hold no separator, positions strictly increase;
 * - values + token errors account for every token, in order (an independent tokenizer is the oracle);
 * - caps hold: values ≤ maxValues, |value| ≤ maxMagnitude, errors ≤ maxErrors (+ one E_TOO_MANY).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LIMITS } from '../../src/shared/limits'
import {
  MAX_MAGNITUDE,
  parseNumberList,
  type ParseOptions,
  type ParsedList,
  type TokenErrorCode,
} from '../../src/shared/parse'
import { check, same, show } from './helpers/assert'
import { fcParams, timeoutFor } from './helpers/budget'

/** Separators as the parser defines them (/[\s,;]/ on one UTF-16 unit), written out independently. */
const SEPARATORS = [
  ' ',
  ',',
  ';',
  '\n',
  '\r',
  '\t',
  '\v',
  '\f',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u200a',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
]
const isSeparator = (ch: string) => /^[\s,;]$/.test(ch)
const tokensOf = (text: string) => {
  const out: { token: string; start: number; end: number }[] = []
  const re = /[^\s,;]+/g
  for (let m = re.exec(text); m; m = re.exec(text))
    out.push({ token: m[0], start: m.index, end: m.index + m[0].length })
  return out
}

const CODES: TokenErrorCode[] = ['E_NOT_A_NUMBER', 'E_NOT_FINITE', 'E_TOO_LARGE', 'E_TOO_MANY', 'E_EMPTY', 'E_TOO_LONG']

/** Checks every invariant of one parse; throws on a violation. */
function checkInvariants(text: string, options: ParseOptions, parsed: ParsedList): void {
  const maxValues = options.maxValues ?? LIMITS.maxValues
  const maxMagnitude = options.maxMagnitude ?? MAX_MAGNITUDE
  const maxErrors = options.maxErrors ?? 200
  const { values, errors, hasNegatives } = parsed
  check(Array.isArray(values) && Array.isArray(errors), 'values and errors are arrays')
  check(values.length <= maxValues, () => `${values.length} values, over maxValues ${maxValues}`)
  for (const v of values)
    check(
      Number.isFinite(v) && Math.abs(v) <= maxMagnitude,
      () => `value ${show(v)} is not finite or over ${maxMagnitude}`,
    )
  same(
    hasNegatives,
    values.some((v) => v < 0),
    'hasNegatives',
  )
  check(errors.length <= maxErrors + 1, () => `${errors.length} errors, over maxErrors ${maxErrors} + 1`)

  let lastPosition = -1
  let lastEnd = 0
  for (const e of errors) {
    check(CODES.includes(e.code), () => `unknown code ${e.code}`)
    check(typeof e.reason === 'string' && e.reason.length > 0, 'an error without a reason')
    if (e.position === -1) {
      // whole-input errors: no token, no range, and nothing else is reported
      check(['E_EMPTY', 'E_TOO_LONG', 'E_NOT_A_NUMBER'].includes(e.code), () => `${e.code} as a whole-input error`)
      check(e.token === '' && e.start === 0 && e.end === 0, () => `whole-input error with a range: ${show(e)}`)
      check(errors.length === 1, 'a whole-input error next to others')
      continue
    }
    check(
      Number.isSafeInteger(e.position) && e.position > lastPosition,
      () => `position ${e.position} after ${lastPosition}: not strictly increasing`,
    )
    lastPosition = e.position
    check(e.token.length > 0, 'an empty token')
    check(![...e.token].some(isSeparator), () => `token ${show(e.token)} holds a separator`)
    check(
      e.start >= lastEnd && e.end > e.start && e.end <= text.length,
      () => `range [${e.start}, ${e.end}) out of order or outside the input (${text.length})`,
    )
    lastEnd = e.end
    same(text.slice(e.start, e.end), e.token, `[start, end) slice of a ${e.code} error`)
    if (e.code === 'E_TOO_MANY') {
      // it is the last error and its position is the cap
      same(e.position, maxValues, 'E_TOO_MANY position')
      check(errors[errors.length - 1] === e, 'E_TOO_MANY is not the last error')
    }
  }

  // Oracle: an independent tokenizer. Every token up to the cap is either a value (Number(token))
  // or an error at its position, in order.
  const tokens = tokensOf(text)
  if (tokens.length === 0) {
    check(
      values.length === 0 && errors.length === 1 && errors[0].code === 'E_EMPTY',
      () => `no tokens but ${show(parsed)}`,
    )
    return
  }
  const byPosition = new Map(errors.filter((e) => e.position >= 0).map((e) => [e.position, e]))
  const tooMany = errors.find((e) => e.code === 'E_TOO_MANY')
  same(
    Boolean(tooMany),
    tokens.length > maxValues,
    `E_TOO_MANY with ${tokens.length} tokens and maxValues ${maxValues}`,
  )
  const considered = Math.min(tokens.length, maxValues)
  const capped = errors.filter((e) => e.code !== 'E_TOO_MANY').length >= maxErrors
  let vi = 0
  for (let p = 0; p < considered; p++) {
    const e = byPosition.get(p)
    if (e) {
      check(
        e.token === tokens[p].token && e.start === tokens[p].start,
        () => `error at position ${p} is ${show(e)}, the token there is ${show(tokens[p])}`,
      )
      continue
    }
    const n = Number(tokens[p].token)
    const looksValid = NUMBER.test(tokens[p].token) && Number.isFinite(n) && Math.abs(n) <= maxMagnitude
    if (!looksValid) {
      // an error past maxErrors is not listed, but the token must not have become a value
      check(capped, () => `token ${show(tokens[p].token)} at position ${p} is neither a value nor an error`)
      continue
    }
    same(values[vi], n, `value for token ${show(tokens[p].token)}`)
    vi++
  }
  same(vi, values.length, 'number of values')
  if (tooMany)
    check(
      tooMany.token === tokens[maxValues].token && tooMany.start === tokens[maxValues].start,
      () => `E_TOO_MANY names ${show(tooMany)}, the first token over is ${show(tokens[maxValues])}`,
    )
}

/** What a number token looks like: the design's grammar, written out here independently. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

// ---- generators -------------------------------------------------------------------------------

const separatorRun = fc.array(fc.constantFrom(...SEPARATORS), { minLength: 1, maxLength: 3 }).map((a) => a.join(''))
const optionalSeparators = fc.array(fc.constantFrom(...SEPARATORS), { maxLength: 3 }).map((a) => a.join(''))
const finite = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ min: -MAX_MAGNITUDE, max: MAX_MAGNITUDE, noNaN: true }),
  fc.double({ min: -1e-3, max: 1e-3, noNaN: true }),
  fc.constantFrom(0, -0, 5e-324, -5e-324, MAX_MAGNITUDE, -MAX_MAGNITUDE, 2 ** 49, 1e-7, 0.1, 1 / 3, 123456789.125),
)
/** Exactly round-tripping spellings of a number (Number(spelling) === v). */
const spelling = (v: number) =>
  fc.constantFrom(
    String(v),
    v.toExponential(),
    v.toExponential().toUpperCase(),
    v >= 0 && !Object.is(v, -0) ? `+${String(v)}` : String(v),
    Number.isInteger(v) && Math.abs(v) < 1e21 ? `${String(v)}.` : String(v),
    Number.isInteger(v) && v >= 0 && v < 1e21 ? `000${String(v)}` : String(v),
  )

/** Tokens: good numbers, near misses, words, exotic characters. */
const token = fc.oneof(
  { weight: 4, arbitrary: finite.chain(spelling) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'NaN',
      'nan',
      '-Infinity',
      '+inf',
      'Infinity',
      '∞',
      '-∞',
      '1e400',
      '-1e999',
      '1e16',
      '-2e15',
      '0x10',
      '1_000',
      '1e',
      '1.2.3',
      '--1',
      '+-1',
      '.',
      '-',
      'e5',
      '.e1',
      '１２',
      '٣',
      '1e+',
      '١',
      '0b1',
      '1n',
    ),
  },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 8 }).map((s) => s.replace(/[\s,;]/g, '') || 'x') },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: 'binary', minLength: 1, maxLength: 6 })
      .map((s) => s.replace(/[\s,;]/g, '') || '\ud800'),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[+-]?\d{1,30}(\.\d{0,30})?([eE][+-]?\d{1,4})?$/) },
)
const listText = fc
  .tuple(optionalSeparators, fc.array(fc.tuple(token, separatorRun), { maxLength: 60 }), optionalSeparators)
  .map(([lead, parts, trail]) => lead + parts.map(([t, s]) => t + s).join('') + trail)
const anyText = fc.oneof(
  listText,
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({
    unit: fc.constantFrom('1', '2', '.', 'e', '-', '+', ' ', ',', ';', '\n', 'x', '\u00a0'),
    maxLength: 200,
  }),
)
const options: fc.Arbitrary<ParseOptions> = fc.record(
  {
    maxValues: fc.integer({ min: 0, max: 80 }),
    maxMagnitude: fc.constantFrom(MAX_MAGNITUDE, 1000, 1, 0, Number.MAX_VALUE),
    maxChars: fc.integer({ min: 0, max: 400 }),
    maxErrors: fc.integer({ min: 0, max: 10 }),
  },
  { requiredKeys: [] },
)

describe('parseNumberList (fuzz)', () => {
  it(
    'round trip: finite numbers with random separators parse back to the same values',
    () => {
      fc.assert(
        fc.property(
          optionalSeparators,
          fc.array(
            finite.chain((v) => fc.tuple(fc.constant(v), spelling(v), separatorRun)),
            { minLength: 1, maxLength: 300 },
          ),
          (lead, items) => {
            const text = lead + items.map(([, s, sep]) => s + sep).join('')
            const parsed = parseNumberList(text)
            expect(parsed.errors).toEqual([])
            // -0 stays -0 only when spelled "-0…"; compare as the spelling reads
            expect(parsed.values).toEqual(items.map(([, s]) => Number(s)))
            expect(parsed.values.every((v, i) => v === items[i][0])).toBe(true)
            expect(parsed.hasNegatives).toBe(parsed.values.some((v) => v < 0))
            checkInvariants(text, {}, parsed)
          },
        ),
        fcParams(400, 3),
      )
    },
    timeoutFor(400, 3, 3),
  )

  it(
    'any text, any options: typed result, never throws, every invariant holds',
    () => {
      fc.assert(
        fc.property(anyText, options, (text, opts) => {
          const parsed = parseNumberList(text, opts)
          const maxChars = opts.maxChars ?? LIMITS.maxInputChars
          if (text.length > maxChars) {
            expect(parsed.values).toEqual([])
            expect(parsed.errors.map((e) => e.code)).toEqual(['E_TOO_LONG'])
            return
          }
          checkInvariants(text, opts, parsed)
        }),
        fcParams(3000),
      )
    },
    timeoutFor(3000, 1, 1),
  )

  it(
    'list-shaped text with default options',
    () => {
      fc.assert(
        fc.property(listText, (text) => checkInvariants(text, {}, parseNumberList(text))),
        fcParams(2000),
      )
    },
    timeoutFor(2000),
  )

  it('refuses what is not text without throwing', () => {
    for (const x of [null, undefined, 42, {}, [], ['1'], Symbol('s'), 10n, new String('1 2')]) {
      const parsed = parseNumberList(x as never)
      expect(parsed.values).toEqual([])
      expect(parsed.errors).toHaveLength(1)
      expect(parsed.errors[0]).toMatchObject({ code: 'E_NOT_A_NUMBER', position: -1 })
    }
  })

  it('is linear and bounded on adversarial inputs', () => {
    const cases: [string, string, (p: ParsedList) => void][] = [
      ['1 MB of "1,"', '1,'.repeat(500_000), (p) => expect(p.errors.map((e) => e.code)).toEqual(['E_TOO_MANY'])],
      ['one 4 MB token of digits', '9'.repeat(4_000_000), (p) => expect(p.errors[0].code).toBe('E_NOT_FINITE')],
      [
        'one 4 MB near-number',
        '1'.repeat(2_000_000) + 'e' + '2'.repeat(2_000_000) + 'x',
        (p) => expect(p.errors[0].code).toBe('E_NOT_A_NUMBER'),
      ],
      ['4 MB of separators', ' ,;\n'.repeat(1_000_000), (p) => expect(p.errors[0].code).toBe('E_EMPTY')],
      [
        '100,000 bad tokens',
        'x '.repeat(100_000),
        (p) => expect(p.errors.map((e) => e.code)).toEqual([...Array(200).fill('E_NOT_A_NUMBER'), 'E_TOO_MANY']),
      ],
      [
        'regex-hostile token',
        '1'.repeat(100_000) + '.' + '1'.repeat(100_000) + 'e+' + '1'.repeat(100_000) + '.',
        (p) => expect(p.errors[0].code).toBe('E_NOT_A_NUMBER'),
      ],
      [
        'input just over the character cap',
        ' '.repeat(LIMITS.maxInputChars + 1),
        (p) => expect(p.errors[0].code).toBe('E_TOO_LONG'),
      ],
    ]
    for (const [what, text, check] of cases) {
      const t0 = performance.now()
      const parsed = parseNumberList(text)
      const ms = performance.now() - t0
      check(parsed)
      expect(parsed.errors.length, what).toBeLessThanOrEqual(201)
      expect(ms, `${what} took ${ms.toFixed(0)} ms`).toBeLessThan(2000)
    }
  })
})
