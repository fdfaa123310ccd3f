import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EventKind } from '../../src/shared/events'
import { codeOf, decodeBatches, native, parallel, sleep } from './addon'

/** Exact value of a double as a BigInt numerator over 2^1074. */
function scaled(x: number): bigint {
  if (x === 0) return 0n
  const dv = new DataView(new ArrayBuffer(8))
  dv.setFloat64(0, x)
  const hi = dv.getUint32(0)
  const lo = dv.getUint32(4)
  const sign = hi >>> 31 ? -1n : 1n
  const exp = (hi >>> 20) & 0x7ff
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo)
  if (exp === 0) return sign * mant // subnormal: mant × 2^-1074
  mant |= 1n << 52n
  return sign * (mant << BigInt(exp - 1))
}
const abs = (b: bigint) => (b < 0n ? -b : b)
const ulpScaled = (x: number) => {
  const e = Math.max(Math.floor(Math.log2(Math.abs(x) || Number.MIN_VALUE)), -1022)
  return 1n << BigInt(Math.max(e - 52 + 1074, 0))
}

describe('parallel.sum', () => {
  it('matches a BigInt reference on random safe integers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.maxSafeInteger(), { maxLength: 300 }),
        fc.integer({ min: 1, max: 8 }),
        async (values, threads) => {
          const r = await parallel.sum(values, { threads })
          const expected = values.reduce((a, v) => a + BigInt(v), 0n)
          expect(r.kind).toBe('integer')
          expect(r.exact).toBe(true)
          expect(r.sumText).toBe(expected.toString())
          expect(BigInt(r.sum)).toBe(expected)
          expect(r.partialTexts.reduce((a, p) => a + BigInt(p), 0n)).toBe(expected)
          expect(r.chunkSizes.reduce((a, c) => a + c, 0)).toBe(values.length)
          expect(r.threads).toBe(Math.min(threads, Math.max(values.length, 1)))
        },
      ),
      { numRuns: 60 },
    )
  })

  it('sums 64-bit integers from a BigInt64Array exactly (i32/i64 boundaries)', async () => {
    const max = 2n ** 63n - 1n
    const min = -(2n ** 63n)
    let r = await parallel.sum(new BigInt64Array([max, max, 1n]), { threads: 2 })
    expect(r.sum).toBe(2n ** 64n - 1n)
    expect(r.sumText).toBe('18446744073709551615')
    expect(r.partials).toEqual([2n * max, 1])
    r = await parallel.sum(new BigInt64Array([min, min, min]), { threads: 3 })
    expect(r.sum).toBe(3n * min)
    r = await parallel.sum(new BigInt64Array([max, min]), { threads: 2 })
    expect(r.sum).toBe(-1)
    // i32 overflow is no overflow here
    r = await parallel.sum(new Array(10).fill(2 ** 31 - 1), { threads: 4 })
    expect(r.sum).toBe(10 * (2 ** 31 - 1))
    r = await parallel.sum([-(2 ** 31), -(2 ** 31), -1])
    expect(r.sum).toBe(-(2 ** 32) - 1)
    // past 2^53 the result becomes a bigint
    r = await parallel.sum([2 ** 53, 2 ** 53], { threads: 2 })
    expect(r.sum).toBe(2n ** 54n)
    expect(r.kind).toBe('integer')
  })

  it('sums decimals close to an exact rational reference', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), {
          minLength: 1,
          maxLength: 200,
        }),
        fc.integer({ min: 1, max: 4 }),
        async (values, threads) => {
          const arr = new Float64Array(values.map((v) => (Number.isInteger(v) ? v + 0.5 : v)))
          const r = await parallel.sum(arr, { threads })
          const exact = Array.from(arr).reduce((a, v) => a + scaled(v), 0n)
          const totalAbs = Array.from(arr).reduce((a, v) => a + abs(scaled(v)), 0n)
          expect(r.kind).toBe('decimal')
          expect(typeof r.sum).toBe('number')
          const err = abs(scaled(r.sum as number) - exact)
          // Neumaier: within a couple of ulps of the true sum, plus a term in Σ|x|·ε² for long sums
          const tol = 2n * ulpScaled(r.sum as number) + totalAbs / 2n ** 100n + 1n
          expect(err <= tol).toBe(true)
        },
      ),
      { numRuns: 80 },
    )
    const r = await parallel.sum(new Array(1000).fill(0.1), { threads: 3 })
    expect(r.sum).toBe(100)
  })

  it('handles empty and single values', async () => {
    let r = await parallel.sum([])
    expect(r).toMatchObject({ sum: 0, sumText: '0', kind: 'integer', threads: 1, chunkSizes: [0], cancelled: false })
    r = await parallel.sum([42.25], { threads: 8 })
    expect(r).toMatchObject({ sum: 42.25, kind: 'decimal', threads: 1, chunkSizes: [1] })
    r = await parallel.sum(new BigInt64Array([-7n]))
    expect(r.sum).toBe(-7)
  })

  it('streams chunk events that agree with the result', async () => {
    const values = Array.from({ length: 10_000 }, (_, i) => i)
    const batches: Float64Array[] = []
    const run = parallel.startSum(values, { threads: 4, progressEvery: 500 }, (b) => batches.push(b))
    const r = await run.result()
    const ev = decodeBatches(batches, run.runId)
    expect(r.eventCount).toBe(ev.length)
    expect(
      ev
        .filter((e) => e.kind === EventKind.ChunkStart)
        .map((e) => e.arg)
        .sort(),
    ).toEqual(r.chunkSizes.slice().sort())
    const done = ev.filter((e) => e.kind === EventKind.ChunkDone)
    expect(done.map((e) => e.arg)).toEqual(expect.arrayContaining(r.partials as number[]))
    expect(ev.filter((e) => e.kind === EventKind.ChunkProgress).length).toBe(4 * (2500 / 500 - 1))
    const combined = ev.filter((e) => e.kind === EventKind.Combined)
    expect(combined.map((e) => e.worker)).toEqual([0, 1, 2, 3])
    expect(combined[3].arg).toBe(r.sum)
    expect(r.sum).toBe((10_000 * 9_999) / 2)
  })

  it('cancels mid-sum: the workers stop before the end', async () => {
    const base = native.threadCount()
    const run = parallel.startSum(new Array(2000).fill(1), { threads: 2, unitMs: 1, progressEvery: 10 }, () => {})
    await new Promise((r) => setTimeout(r, 150))
    run.cancel()
    const r = await run.result()
    // stopped mid-way (the whole sum is 2000, about a second away), not run to the end
    expect(r.cancelled).toBe(true)
    expect(Number(r.sum)).toBeGreaterThan(0)
    expect(Number(r.sum)).toBeLessThan(2000)
    await new Promise((r) => setTimeout(r, 50))
    expect(native.threadCount()).toBeLessThanOrEqual(base)
  })

  it('rejects bad input with its code and position', async () => {
    const cases: Array<[unknown, object, string, number | undefined]> = [
      [[1, '2'], {}, 'E_NOT_A_NUMBER', 1],
      [[1, 2, NaN], {}, 'E_NOT_A_NUMBER', 2],
      [[Infinity], {}, 'E_NOT_FINITE', 0],
      [[1], { threads: 0 }, 'E_BAD_THREADS', undefined],
      [[1], { threads: 65 }, 'E_BAD_THREADS', undefined],
      [[1], { threads: 1.5 }, 'E_BAD_THREADS', undefined],
      [[1], { unitMs: -1 }, 'E_BAD_UNIT', undefined],
      [[1, 2, 3], { maxValues: 2 }, 'E_TOO_MANY', 2],
      [new Array(100).fill(1), { threads: 1, unitMs: 1000 }, 'E_DURATION_CAP', undefined],
      ['nope', {}, 'E_BAD_INPUT', undefined],
    ]
    for (const [values, options, code, position] of cases) {
      const e = await codeOf(parallel.sum(values as number[], options))
      expect([e.code, e.position]).toEqual([code, position])
      const s = await codeOf(() => parallel.startSum(values as number[], options, () => {}))
      expect(s.code).toBe(code)
    }
    expect((await parallel.sum([1, 2])).sum).toBe(3)
  })

  it('finds a bad value in a typed array in the workers, at its exact position, with its code', async () => {
    const n = 10_000_000
    const values = new Float64Array(n).fill(0.5)
    values[7_654_321] = NaN
    values[9_999_999] = Infinity
    for (const threads of [1, 2, 3]) {
      const e = await codeOf(parallel.sum(values, { threads, maxValues: n, recordEvents: false }))
      expect([e.code, e.position, threads]).toEqual(['E_NOT_A_NUMBER', 7_654_321, threads])
      expect(e.message).toContain('7654321')
    }
    values[7_654_321] = 1
    values[12_345] = -Infinity
    const e = await codeOf(parallel.sum(values, { threads: 2, maxValues: n }))
    expect([e.code, e.position]).toEqual(['E_NOT_FINITE', 12_345])
    // startSum: a bad value of a typed array rejects result() (found by a worker), same code
    const run = parallel.startSum(new Float64Array([1, 2, 3, NaN]), { threads: 2 }, () => {})
    const r = await codeOf(run.result())
    expect([r.code, r.position]).toEqual(['E_NOT_A_NUMBER', 3])
    const wrongType = await codeOf(parallel.sum(new Int32Array([1, 2]) as unknown as Float64Array))
    expect(wrongType.code).toBe('E_BAD_INPUT')
  })

  it('reads a plain Array before returning, so later changes to it are not seen', async () => {
    const values = Array.from({ length: 1000 }, (_, i) => i)
    const pending = parallel.sum(values, { threads: 2, unitMs: 0.1 })
    values.fill(1_000_000)
    expect((await pending).sum).toBe((1000 * 999) / 2)
  })

  describe('a typed array written to while the workers read it (the API forbids it; the result stays defined)', () => {
    // slow motion (2 ms per element, 200 per chunk) keeps the workers far from the end of their
    // chunks when the array is written, 20 ms into the run
    const slow = { threads: 2, unitMs: 2, recordEvents: false }

    it('a bad value written ahead of the worker is reported at its position', async () => {
      const values = new Float64Array(400).fill(1)
      const pending = codeOf(parallel.sum(values, slow))
      await sleep(20)
      values[399] = NaN
      const e = await pending
      expect([e.code, e.position]).toEqual(['E_NOT_A_NUMBER', 399])
    })

    it('values overwritten mid-run are each counted once, old or new', async () => {
      const values = new Float64Array(400).fill(1)
      const pending = parallel.sum(values, slow)
      await sleep(20)
      values.fill(0.5)
      const r = await pending
      // integer chunks turned decimal at the first 0.5 they read; every element counted as 1 or 0.5
      expect(r.kind).toBe('decimal')
      expect(r.sum as number).toBeGreaterThan(200)
      expect(r.sum as number).toBeLessThan(400)
      expect(((r.sum as number) * 2) % 1).toBe(0)
      expect(r.partials.reduce((a: number, p) => a + (p as number), 0)).toBe(r.sum)
      const ints = new BigInt64Array(400).fill(3n)
      const big = parallel.sum(ints, slow)
      await sleep(20)
      ints.fill(2n ** 62n)
      const b = await big
      expect(b.kind).toBe('integer')
      const total = BigInt(b.sum)
      expect(total > 3n * 400n && total < 400n * 2n ** 62n).toBe(true)
      expect((total - 3n * 400n) % (2n ** 62n - 3n)).toBe(0n)
    })
  })
})
