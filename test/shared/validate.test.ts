import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EXPERIMENTS, TIMING_MODES, type RunRequest } from '../../src/shared/api'
import { LIMITS } from '../../src/shared/limits'
import { validateRunRequest } from '../../src/shared/validate'

const seed = [5, 1, 2, 6, 8, 2, 4, 2, 3, 8, 0, 2]
const good = { experiment: 'sleep-sort', values: seed, mode: 'scheduled', unitMs: 10 }

function error(input: unknown) {
  const r = validateRunRequest(input)
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.value).slice(0, 200)}`)
  return r.error
}

describe('validateRunRequest', () => {
  it('accepts the seed request and returns a fresh copy', () => {
    const r = validateRunRequest(good)
    expect(r).toEqual({ ok: true, value: good })
    if (r.ok) {
      expect(r.value).not.toBe(good)
      expect(r.value.values).not.toBe(seed)
    }
  })

  it('accepts the optional fields of both experiments', () => {
    expect(validateRunRequest({ ...good, recordEvents: false, replace: true }).ok).toBe(true)
    expect(validateRunRequest({ experiment: 'parallel-sum', values: [1, 2, 3] }).ok).toBe(true)
    expect(
      validateRunRequest({ experiment: 'parallel-sum', values: [1.5, -2], threads: 4, unitMs: 0, replace: false }).ok,
    ).toBe(true)
  })

  it.each([
    [null, 'E_BAD_REQUEST', /object/],
    [[good], 'E_BAD_REQUEST', /object/],
    ['sleep-sort', 'E_BAD_REQUEST', /object/],
    [{ ...good, experiment: 'bogo-sort' }, 'E_BAD_REQUEST', /experiment/],
    [{ ...good, extra: 1 }, 'E_BAD_REQUEST', /unknown field "extra"/],
    [{ ...good, threads: 2 }, 'E_BAD_REQUEST', /unknown field "threads"/],
    [{ ...good, values: 'five' }, 'E_BAD_REQUEST', /values must be an array/],
    [{ ...good, values: [] }, 'E_EMPTY', /empty/],
    [{ ...good, values: [1, '2'] }, 'E_NOT_A_NUMBER', /values\[1\]/],
    [{ ...good, values: [1, null] }, 'E_NOT_A_NUMBER', /values\[1\] is null/],
    [{ ...good, values: [NaN] }, 'E_NOT_FINITE', /values\[0\]/],
    [{ ...good, values: [1, 2, Infinity] }, 'E_NOT_FINITE', /values\[2\]/],
    [{ ...good, values: [1e16], unitMs: 0.001 }, 'E_TOO_LARGE', /values\[0\]/],
    [{ ...good, mode: 'fast' }, 'E_BAD_MODE', /mode must be one of classic, scheduled, realtime/],
    [{ ...good, mode: undefined }, 'E_BAD_MODE', /mode/],
    [{ ...good, unitMs: '10' }, 'E_BAD_UNIT', /unitMs/],
    [{ ...good, unitMs: 0 }, 'E_BAD_UNIT', /unitMs must be from/],
    [{ ...good, unitMs: 5000 }, 'E_BAD_UNIT', /unitMs/],
    [{ ...good, values: [7000], unitMs: 10 }, 'E_DURATION_CAP', /70 s/],
    [{ ...good, values: [-3000, 3001], unitMs: 10 }, 'E_DURATION_CAP', /60.01 s/],
    [{ ...good, recordEvents: 'yes' }, 'E_BAD_REQUEST', /recordEvents/],
    [{ ...good, replace: 1 }, 'E_BAD_REQUEST', /replace/],
    [{ experiment: 'parallel-sum', values: [1], threads: 0 }, 'E_BAD_THREADS', /threads/],
    [{ experiment: 'parallel-sum', values: [1], threads: 1.5 }, 'E_BAD_THREADS', /threads/],
    [{ experiment: 'parallel-sum', values: [1], threads: 65 }, 'E_BAD_THREADS', /threads/],
    [{ experiment: 'parallel-sum', values: [1], mode: 'classic' }, 'E_BAD_REQUEST', /unknown field "mode"/],
    [
      { experiment: 'parallel-sum', values: new Array(70_000).fill(1), unitMs: 1, threads: 1 },
      'E_DURATION_CAP',
      /values per thread/,
    ],
  ])('refuses %#: %j', (input, code, message) => {
    const e = error(input)
    expect(e.code).toBe(code)
    expect(e.message).toMatch(message)
  })

  it('names the position of a bad value', () => {
    const values = [...seed]
    ;(values as unknown[])[7] = 'x'
    expect(error({ ...good, values })).toMatchObject({ code: 'E_NOT_A_NUMBER', position: 7 })
  })

  it('refuses arrays over the caps before reading them', () => {
    expect(error({ ...good, values: new Array(LIMITS.maxValues + 1).fill(0) })).toMatchObject({ code: 'E_TOO_MANY' })
    expect(error({ experiment: 'parallel-sum', values: new Array(LIMITS.maxSumValues + 1).fill(0) })).toMatchObject({
      code: 'E_TOO_MANY',
    })
    // a sparse array claiming a huge length is refused without touching its elements
    const sparse: number[] = []
    sparse.length = 2 ** 32 - 1
    expect(error({ ...good, values: sparse })).toMatchObject({ code: 'E_TOO_MANY' })
    // raising maxValues works up to the ceiling only
    const many = { ...good, values: new Array(LIMITS.maxValues + 1).fill(0) }
    expect(validateRunRequest(many, { maxValues: LIMITS.maxValuesCeiling }).ok).toBe(true)
    expect(
      validateRunRequest({ ...good, values: new Array(LIMITS.maxValuesCeiling + 1).fill(0) }, { maxValues: 1e9 }).ok,
    ).toBe(false)
  })

  it('counts the default thread count for parallel-sum duration', () => {
    const req = { experiment: 'parallel-sum', values: new Array(100_000).fill(1), unitMs: 1 }
    expect(validateRunRequest(req).ok).toBe(false)
    expect(validateRunRequest(req, { cpus: 2 }).ok).toBe(true)
  })

  it('refuses hostile objects without throwing', () => {
    const getter = Object.defineProperty({ ...good }, 'values', {
      get() {
        throw new Error('boom')
      },
      enumerable: true,
    })
    expect(error(getter).code).toBe('E_BAD_REQUEST')
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('boom')
        },
        get() {
          throw new Error('boom')
        },
      },
    )
    expect(error(proxy).code).toBe('E_BAD_REQUEST')
    class Request {
      experiment = 'sleep-sort'
      values = [1]
      mode = 'classic'
      unitMs = 1
    }
    expect(error(new Request()).message).toMatch(/plain object/)
    expect(error({ ...good, [Symbol('x')]: 1 }).message).toMatch(/symbol/)
    expect(
      error(JSON.parse('{"experiment":"sleep-sort","values":[1],"mode":"classic","unitMs":1,"__proto__":{"x":1}}'))
        .message,
    ).toMatch(/unknown field "__proto__"/)
  })

  it('never throws on arbitrary JSON, and what it accepts is a valid request', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const r = validateRunRequest(value)
        if (r.ok) expectValid(r.value)
        else {
          expect(typeof r.error.code).toBe('string')
          expect(r.error.message.length).toBeGreaterThan(0)
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('never throws on request-shaped arbitrary input, and what it accepts is a valid request', () => {
    const anything = fc.oneof(
      fc.anything(),
      fc.double(),
      fc.integer(),
      fc.constantFrom(...TIMING_MODES, ...EXPERIMENTS),
    )
    const request = fc.record(
      {
        experiment: fc.oneof(fc.constantFrom(...EXPERIMENTS), anything),
        values: fc.oneof(
          fc.array(fc.double(), { maxLength: 50 }),
          fc.array(fc.integer({ min: -100, max: 100 }), { maxLength: 50 }),
          anything,
        ),
        mode: fc.oneof(fc.constantFrom(...TIMING_MODES), anything),
        unitMs: fc.oneof(fc.double({ min: 0, max: 2000 }), anything),
        threads: fc.oneof(fc.integer({ min: -2, max: 70 }), anything),
        recordEvents: fc.oneof(fc.boolean(), anything),
        replace: fc.oneof(fc.boolean(), anything),
        other: anything,
      },
      { requiredKeys: [] },
    )
    fc.assert(
      fc.property(request, (value) => {
        const r = validateRunRequest(value)
        if (r.ok) expectValid(r.value)
        else expect(r.error.code).toMatch(/^E_[A-Z_]+$/)
      }),
      { numRuns: 5000 },
    )
  })
})

function expectValid(r: RunRequest): void {
  expect(EXPERIMENTS).toContain(r.experiment)
  expect(Array.isArray(r.values)).toBe(true)
  expect(r.values.length).toBeGreaterThan(0)
  for (const v of r.values) expect(Number.isFinite(v)).toBe(true)
  if (r.experiment === 'sleep-sort') {
    expect(
      Object.keys(r).every((k) => ['experiment', 'values', 'mode', 'unitMs', 'recordEvents', 'replace'].includes(k)),
    ).toBe(true)
    expect(TIMING_MODES).toContain(r.mode)
    expect(r.unitMs).toBeGreaterThanOrEqual(LIMITS.minUnitMs)
    expect(r.unitMs).toBeLessThanOrEqual(LIMITS.maxUnitMs)
    const min = Math.min(...r.values)
    const max = Math.max(...r.values)
    expect((min < 0 ? max - min : max) * r.unitMs).toBeLessThanOrEqual(LIMITS.maxDurationMs)
  } else {
    expect(Object.keys(r).every((k) => ['experiment', 'values', 'threads', 'unitMs', 'replace'].includes(k))).toBe(true)
    if (r.threads !== undefined)
      expect(Number.isInteger(r.threads) && r.threads >= 1 && r.threads <= LIMITS.maxThreads).toBe(true)
  }
}
