import { describe, expect, it } from 'vitest'
import { deadlineTies, scaleStory, smallestGap } from '../../src/shared/scales'

describe('deadlineTies', () => {
  it('integers never tie at 1 ns, fractions closer than 1 ns of deadline do', () => {
    expect(deadlineTies([0, 1, 2, 3, 3], 1e-6)).toBe(0)
    expect(deadlineTies([0, 0.3, 0.4, 2], 1e-6)).toBe(2) // 0, 0.3 ns and 0.4 ns all round to 0
    expect(deadlineTies([0, 0.3, 0.4, 2], 1e-5)).toBe(0) // 0, 3 and 4 ns
    expect(deadlineTies([1, 2], 1e-7)).toBe(1) // below 1 ns even integers tie
    expect(deadlineTies([1, 1.2, 1.4], 1e-6)).toBe(2)
  })
})

describe('scaleStory', () => {
  it('puts the crossover where the smallest gap equals the p99 lateness', () => {
    expect(smallestGap([5, 1, 2, 6, 8, 2])).toBe(1)
    const s = scaleStory([5, 1, 2, 6, 8, 2, 4, 2, 3, 8, 0, 2], 80_000)
    expect(s.crossoverMs).toBeCloseTo(0.08, 12)
    expect(s.parts.map((p) => p.scale)).toEqual(['time', 'timer-queue', 'ties'])
    expect(s.parts[0].text).toMatch(/^Above about 80 µs, .* \(p99 80 µs\)/)
    expect(s.parts[1].text).toMatch(/^Below 80 µs, .*exact down to 1 ns/)
    expect(s.parts[2].title).toBe('It ends at 1 ns')
    expect(s.parts[2].text).toMatch(/this list has none at 1 ns/)
  })
  it('counts the ties of a list with close fractions, and works without figures', () => {
    const s = scaleStory([0.1, 0.2, 5], null)
    expect(s.crossoverMs).toBeNull()
    expect(s.tiesAtFinest).toBe(1)
    expect(s.parts[0].text).toMatch(/^At large units/)
    expect(s.parts[2].text).toMatch(/this list has 1 such pair at 1 ns/)
  })
})
