/**
 * The refusals validateRunRequest sends back to a client, as the person who sent the request reads
 * them: the code, the field it names, how it shows the bad value, and each limit on both sides.
 */
import { describe, expect, it } from 'vitest'
import { LIMITS } from '../../src/shared/limits'
import { validateRunRequest } from '../../src/shared/validate'

const sort = { experiment: 'sleep-sort', values: [3, 1, 2], mode: 'scheduled', unitMs: 10 }
const sum = { experiment: 'parallel-sum', values: [1, 2, 3] }

function refusal(input: unknown, options?: Parameters<typeof validateRunRequest>[1]) {
  const r = validateRunRequest(input, options)
  if (r.ok) throw new Error(`accepted ${JSON.stringify(r.value).slice(0, 200)}`)
  return r.error
}
const accepted = (input: unknown, options?: Parameters<typeof validateRunRequest>[1]) =>
  validateRunRequest(input, options).ok

describe('the experiment', () => {
  it.each([undefined, 'bogo-sort', 5, null, ['sleep-sort'], 'Sleep-Sort'])('%j is refused by name', (experiment) => {
    expect(refusal({ experiment, values: [1] })).toStrictEqual({
      code: 'E_BAD_REQUEST',
      message: 'experiment must be one of sleep-sort, parallel-sum',
    })
  })

  it('a request that cannot even be read is refused without echoing it', () => {
    const hostile = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('boom')
        },
      },
    )
    expect(refusal(hostile)).toStrictEqual({ code: 'E_BAD_REQUEST', message: 'the request could not be read' })
  })

  it('a request that is not a plain object says so', () => {
    expect(refusal('sleep-sort').message).toBe('the request must be an object')
    expect(refusal([sort]).message).toBe('the request must be an object')
    expect(refusal(new Date()).message).toBe('the request must be a plain object')
    expect(accepted(Object.assign(Object.create(null), sort))).toBe(true)
  })

  it('an unknown field is named, cut at 40 characters, with the fields allowed', () => {
    expect(refusal({ ...sort, threads: 2 }).message).toBe(
      'unknown field "threads" in a sleep-sort request (allowed: experiment, values, mode, unitMs, recordEvents, replace)',
    )
    expect(refusal({ ...sum, ['k'.repeat(45)]: 1 }).message).toBe(
      `unknown field "${'k'.repeat(40)}…" in a parallel-sum request (allowed: experiment, values, threads, unitMs, replace)`,
    )
    expect(refusal({ ...sum, ['k'.repeat(40)]: 1 }).message).toMatch(`unknown field "${'k'.repeat(40)}" in`)
    expect(refusal({ ...sum, [Symbol('s')]: 1 }).message).toMatch(/^unknown field a symbol key in a parallel-sum/)
  })
})

describe('how a bad value is shown', () => {
  it.each([
    ['boolean', true],
    ['null', null],
    ['an array', [1]],
    ['an object', { v: 1 }],
    ['the text "12"', '12'],
    [`the text "${'x'.repeat(20)}"`, 'x'.repeat(20)],
    [`the text "${'y'.repeat(20)}…"`, 'y'.repeat(21)],
    ['bigint', 10n],
  ])('a value shown as %s', (shown, bad) => {
    expect(refusal({ ...sort, values: [1, bad] })).toStrictEqual({
      code: 'E_NOT_A_NUMBER',
      message: `values[1] is ${shown}, not a number`,
      position: 1,
    })
  })

  it('names non-finite and too large values with the limit', () => {
    expect(refusal({ ...sort, values: [1, -Infinity] })).toStrictEqual({
      code: 'E_NOT_FINITE',
      message: 'values[1] is -Infinity, not a finite number',
      position: 1,
    })
    expect(refusal({ ...sort, values: [2e15], unitMs: 0.001 })).toStrictEqual({
      code: 'E_TOO_LARGE',
      message: 'values[0] is 2000000000000000, larger than 1000000000000000',
      position: 0,
    })
    expect(accepted({ ...sort, values: [1e15, -1e15], unitMs: 0.001 })).toBe(false) // the span is too long
    expect(refusal({ ...sum, values: [1, Number.MAX_VALUE, NaN] }).code).toBe('E_NOT_FINITE')
  })

  it('shows the unit and the switches it got', () => {
    expect(refusal({ ...sort, unitMs: '10' }).message).toBe('unitMs must be a finite number (got the text "10")')
    expect(refusal({ ...sort, unitMs: NaN }).message).toBe('unitMs must be a finite number (got NaN)')
    expect(refusal({ ...sort, unitMs: undefined }).message).toBe('unitMs must be a finite number (got undefined)')
    expect(refusal({ ...sort, unitMs: 1000.5 }).message).toBe('unitMs must be from 0.000001 to 1000 (got 1000.5)')
    expect(refusal({ ...sum, unitMs: -1 }).message).toBe('unitMs must be from 0 to 1000 (got -1)')
    expect(refusal({ ...sort, recordEvents: null }).message).toBe('recordEvents must be true or false (got null)')
    expect(refusal({ ...sum, replace: 'yes' }).message).toBe('replace must be true or false (got the text "yes")')
  })

  it('refuses a list that is not an array, is empty, or is over the cap (at the first value over it)', () => {
    expect(refusal({ ...sort, values: { 0: 1, length: 1 } })).toStrictEqual({
      code: 'E_BAD_REQUEST',
      message: 'values must be an array of numbers',
    })
    expect(refusal({ ...sum, values: [] })).toStrictEqual({
      code: 'E_EMPTY',
      message: 'values is empty: give at least one number',
    })
    expect(refusal({ ...sort, values: [1, 2, 3] }, { maxValues: 2 })).toStrictEqual({
      code: 'E_TOO_MANY',
      message: 'values has 3 numbers, more than the 2 allowed',
      position: 2,
    })
    expect(accepted({ ...sort, values: [1, 2] }, { maxValues: 2 })).toBe(true)
    expect(accepted({ ...sum, values: new Array(LIMITS.maxSumValues).fill(0) })).toBe(true)
  })
})

describe('limits, each on both sides', () => {
  it('the unit: from 1 ns (0.000001 ms) to 1000 ms for sleep sort, from 0 for the sum', () => {
    expect(accepted({ ...sort, values: [1], unitMs: LIMITS.minUnitMs })).toBe(true)
    expect(accepted({ ...sort, values: [1], unitMs: LIMITS.maxUnitMs })).toBe(true)
    expect(accepted({ ...sort, values: [1], unitMs: 0.0000009 })).toBe(false)
    expect(accepted({ ...sum, unitMs: 0 })).toBe(true)
    expect(accepted({ ...sum, unitMs: LIMITS.maxUnitMs })).toBe(true)
    expect(accepted({ ...sum, unitMs: 1000.001 })).toBe(false)
  })

  it('a run exactly as long as the cap is accepted, a little longer is refused in seconds', () => {
    expect(accepted({ ...sort, values: [6000], unitMs: 10 })).toBe(true)
    expect(accepted({ ...sort, values: [-1000, 5000], unitMs: 10 })).toBe(true)
    expect(refusal({ ...sort, values: [6123.45], unitMs: 10 })).toStrictEqual({
      code: 'E_DURATION_CAP',
      message: 'the run would last 61.23 s (largest value × unitMs), more than the 60 s allowed',
    })
    expect(refusal({ ...sort, values: [-1000, 5001], unitMs: 10 }).message).toMatch(/^the run would last 60.01 s /)
  })

  it('the sum’s duration is the values one thread handles × the unit', () => {
    const ones = (n: number) => new Array(n).fill(1)
    expect(accepted({ ...sum, values: ones(60_000), unitMs: 1, threads: 1 })).toBe(true)
    expect(refusal({ ...sum, values: ones(60_001), unitMs: 1, threads: 1 })).toStrictEqual({
      code: 'E_DURATION_CAP',
      message: 'the run would last 60 s (values per thread × unitMs), more than the 60 s allowed',
    })
    expect(refusal({ ...sum, values: ones(120_003), unitMs: 1, threads: 2 }).message).toMatch(/last 60 s/)
    expect(accepted({ ...sum, values: ones(120_000), unitMs: 1, threads: 2 })).toBe(true)
    // the machine's cores are the default, and never more threads than values
    expect(accepted({ ...sum, values: ones(120_000), unitMs: 1 }, { cpus: 2 })).toBe(true)
    expect(accepted({ ...sum, values: ones(120_000), unitMs: 1 }, { cpus: 1 })).toBe(false)
    expect(accepted({ ...sum, values: ones(3), unitMs: 1000, threads: 64 })).toBe(true)
  })

  it('threads: a whole number from 1 to 64', () => {
    expect(accepted({ ...sum, threads: 1 })).toBe(true)
    expect(accepted({ ...sum, threads: LIMITS.maxThreads })).toBe(true)
    expect(refusal({ ...sum, threads: '2' })).toStrictEqual({
      code: 'E_BAD_THREADS',
      message: 'threads must be a whole number from 1 to 64',
    })
  })

  it('gives back zero for a negative zero unit or value', () => {
    const r = validateRunRequest({ ...sort, values: [-0, 1], unitMs: 1 })
    expect(r.ok && Object.is(r.value.values[0], 0)).toBe(true)
    const s = validateRunRequest({ ...sum, unitMs: -0 })
    expect(s.ok && s.value.experiment === 'parallel-sum' && Object.is(s.value.unitMs, 0)).toBe(true)
  })

  it('keeps the optional switches it was given, and only those', () => {
    expect(validateRunRequest({ ...sort, recordEvents: false, replace: true })).toStrictEqual({
      ok: true,
      value: { ...sort, recordEvents: false, replace: true },
    })
    expect(validateRunRequest({ ...sum, threads: 2, unitMs: 1, replace: false })).toStrictEqual({
      ok: true,
      value: { ...sum, threads: 2, unitMs: 1, replace: false },
    })
    expect(validateRunRequest(sum)).toStrictEqual({ ok: true, value: sum })
  })
})
