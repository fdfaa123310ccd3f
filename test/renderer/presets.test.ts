import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseNumberList } from '../../src/shared/parse'
import { generatePreset, PRESETS } from '../../src/renderer/model/presets'
import { seededRandom } from '../../src/shared/seededRandom'

describe('presets', () => {
  it('every preset parses cleanly, generated ones have N values', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer(),
        (n, max, seed) => {
          for (const p of PRESETS) {
            const out = generatePreset(p.id, n, max, seededRandom(seed))
            const parsed = parseNumberList(out.text)
            expect(parsed.errors).toEqual([])
            if (p.generated) expect(parsed.values).toHaveLength(n)
            if (p.id === 'random' || p.id === 'duplicates')
              expect(parsed.values.every((v) => v >= 0 && v <= max)).toBe(true)
          }
        },
      ),
      { numRuns: 40 },
    )
  })

  it('"values 1 apart" is a permutation of 0..N−1, "reversed" counts down', () => {
    const apart = parseNumberList(generatePreset('one-apart', 100, 0, seededRandom(1)).text).values
    expect([...apart].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i))
    expect(parseNumberList(generatePreset('reversed', 4, 0).text).values).toEqual([3, 2, 1, 0])
  })

  it('"close call" is 400 values reversed at 1 ms', () => {
    const out = generatePreset('close-call', 5, 5)
    const v = parseNumberList(out.text).values
    expect(v).toHaveLength(400)
    expect(v[0]).toBe(399)
    expect(v[399]).toBe(0)
    expect(out.unitMs).toBe(1)
  })
})

describe('the Numbers box parser, as the input panel uses it', () => {
  const sep = fc.constantFrom(' ', ',', '\n', ', ', '\t', ' ,\n')
  it('reads back any list of finite numbers joined by commas, spaces or newlines', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -1e9, max: 1e9 }), sep), { minLength: 1, maxLength: 100 }),
        (items) => {
          const text = items.map(([v, s]) => `${v}${s}`).join('')
          const parsed = parseNumberList(text)
          expect(parsed.errors).toEqual([])
          expect(parsed.values).toEqual(items.map(([v]) => v))
          expect(parsed.hasNegatives).toBe(items.some(([v]) => v < 0))
        },
      ),
    )
  })

  it('marks each bad token at its offsets, so the backdrop can highlight it', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 99 }).map(String),
            fc.constantFrom('abc', 'x1', '1..2', 'NaN', 'inf', '--3'),
          ),
          { minLength: 1, maxLength: 40 },
        ),
        (tokens) => {
          const text = tokens.join(' ')
          const parsed = parseNumberList(text)
          const bad = tokens.map((t, i) => [t, i] as const).filter(([t]) => !/^\d+$/.test(t))
          expect(parsed.errors.map((e) => e.position)).toEqual(bad.map(([, i]) => i))
          for (const e of parsed.errors) expect(text.slice(e.start, e.end)).toBe(e.token)
        },
      ),
    )
  })
})
