/**
 * Fuzzing validateRunRequest (src/shared/validate.ts), the gate for every request from an untrusted
 * side. For any input — arbitrary JSON, arbitrary JS values, request-shaped near misses, hostile
 * proxies and getters — it must return an Outcome and never throw. Beyond that:
 * - an independent model of the documented rules (written here from DESIGN.md, api.ts and
 *   limits.ts) agrees on accept vs refuse, and a refusal's code names one of the real problems;
 * - an accepted request respects every cap, is a fresh plain object (no shared arrays), has no -0,
 *   and validates again — also after a JSON round trip — to an equal value;
 * - the native engine accepts what the validator accepts (no E_DURATION_CAP / E_TOO_LARGE / … at
 *   the boundary from the two layers rounding differently).
 */
import { existsSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addonPath, loadEngine } from '../../src/service/addon'
import { TIMING_MODES, type RunRequest } from '../../src/shared/api'
import { LIMITS } from '../../src/shared/limits'
import { MAX_MAGNITUDE } from '../../src/shared/parse'
import { validateRunRequest, type RequestErrorCode, type ValidateOptions } from '../../src/shared/validate'
import { check, deepSame, same, show } from './helpers/assert'
import { fcParams, runs, timeoutFor } from './helpers/budget'

const SLEEP_KEYS = ['experiment', 'values', 'mode', 'unitMs', 'recordEvents', 'replace']
const SUM_KEYS = ['experiment', 'values', 'threads', 'unitMs', 'replace']

type Problem = RequestErrorCode

/**
 * The rules, independently: every problem an input has (empty when it is a valid request). Reading
 * the input may throw (hostile objects); the caller treats that as "refuse with E_BAD_REQUEST".
 */
function problemsOf(input: unknown, options: ValidateOptions): Set<Problem> {
  const p = new Set<Problem>()
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return p.add('E_BAD_REQUEST')
  const proto = Object.getPrototypeOf(input)
  if (proto !== Object.prototype && proto !== null) return p.add('E_BAD_REQUEST')
  const o = input as Record<string, unknown>
  if (o.experiment !== 'sleep-sort' && o.experiment !== 'parallel-sum') return p.add('E_BAD_REQUEST')
  const sleep = o.experiment === 'sleep-sort'
  const allowed = sleep ? SLEEP_KEYS : SUM_KEYS
  if (Reflect.ownKeys(o).some((k) => typeof k !== 'string' || !allowed.includes(k))) p.add('E_BAD_REQUEST')
  const v = o.values
  const cap = sleep ? Math.min(options.maxValues ?? LIMITS.maxValues, LIMITS.maxValuesCeiling) : LIMITS.maxSumValues
  let values: number[] | null = null
  if (!Array.isArray(v)) p.add('E_BAD_REQUEST')
  else if (v.length === 0) p.add('E_EMPTY')
  else if (v.length > cap) p.add('E_TOO_MANY')
  else {
    values = []
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i]
      if (typeof x !== 'number') p.add('E_NOT_A_NUMBER')
      else if (!Number.isFinite(x)) p.add('E_NOT_FINITE')
      else if (sleep && Math.abs(x) > MAX_MAGNITUDE) p.add('E_TOO_LARGE')
      else values.push(x)
    }
    if (values.length !== v.length) values = null
  }
  const bool = (x: unknown) => x === undefined || typeof x === 'boolean'
  if (!bool(o.replace)) p.add('E_BAD_REQUEST')
  const finiteIn = (x: unknown, min: number, max: number): x is number =>
    typeof x === 'number' && Number.isFinite(x) && x >= min && x <= max
  if (sleep) {
    if (!(TIMING_MODES as readonly unknown[]).includes(o.mode)) p.add('E_BAD_MODE')
    if (!finiteIn(o.unitMs, LIMITS.minUnitMs, LIMITS.maxUnitMs)) p.add('E_BAD_UNIT')
    else if (values) {
      const min = Math.min(...values)
      const max = Math.max(...values)
      // the engine shifts negatives so the smallest sleeps 0: the longest sleep is the span
      if ((min < 0 ? max - min : max) * o.unitMs > LIMITS.maxDurationMs) p.add('E_DURATION_CAP')
    }
    if (!bool(o.recordEvents)) p.add('E_BAD_REQUEST')
  } else {
    const threadsOk =
      o.threads === undefined ||
      (typeof o.threads === 'number' && Number.isInteger(o.threads) && o.threads >= 1 && o.threads <= LIMITS.maxThreads)
    if (!threadsOk) p.add('E_BAD_THREADS')
    if (o.unitMs !== undefined) {
      if (!finiteIn(o.unitMs, 0, LIMITS.maxUnitMs)) p.add('E_BAD_UNIT')
      else if (values && threadsOk) {
        const threads = Math.max(1, Math.min((o.threads as number | undefined) ?? options.cpus ?? 1, values.length))
        if (Math.ceil(values.length / threads) * o.unitMs > LIMITS.maxDurationMs) p.add('E_DURATION_CAP')
      }
    }
  }
  return p
}

/** Every property of an accepted request, checked without the validator. */
function checkAccepted(input: unknown, value: RunRequest, options: ValidateOptions): void {
  check(Object.getPrototypeOf(value) === Object.prototype, 'the accepted request is not a plain object')
  check(value !== input, 'the accepted request is the input object itself')
  check(value.values !== (input as { values: unknown }).values, 'the accepted values are the input array itself')
  const allowed = value.experiment === 'sleep-sort' ? SLEEP_KEYS : SUM_KEYS
  for (const k of Reflect.ownKeys(value))
    check(typeof k === 'string' && allowed.includes(k), () => `unexpected key ${String(k)}`)
  for (const k of Object.keys(value))
    check((value as unknown as Record<string, unknown>)[k] !== undefined, () => `key ${k} is present but undefined`)
  const vals = value.values
  check(Array.isArray(vals) && vals.length >= 1, 'no values')
  const cap =
    value.experiment === 'sleep-sort'
      ? Math.min(options.maxValues ?? LIMITS.maxValues, LIMITS.maxValuesCeiling)
      : LIMITS.maxSumValues
  check(vals.length <= cap, () => `${vals.length} values over the cap ${cap}`)
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < vals.length; i++) {
    const x = vals[i]
    check(typeof x === 'number' && Number.isFinite(x) && !Object.is(x, -0), () => `values[${i}] = ${show(x)}`)
    same(
      x,
      (input as { values: unknown[] }).values[i] === 0 ? 0 : (input as { values: unknown[] }).values[i],
      `values[${i}] copied`,
    )
    if (x < min) min = x
    if (x > max) max = x
  }
  if (value.experiment === 'sleep-sort') {
    check(Math.abs(min) <= MAX_MAGNITUDE && Math.abs(max) <= MAX_MAGNITUDE, 'a value over the magnitude cap')
    check(TIMING_MODES.includes(value.mode), 'bad mode')
    check(value.unitMs >= LIMITS.minUnitMs && value.unitMs <= LIMITS.maxUnitMs, 'unitMs out of range')
    check((min < 0 ? max - min : max) * value.unitMs <= LIMITS.maxDurationMs, 'over the duration cap')
  } else {
    if (value.threads !== undefined)
      check(
        Number.isInteger(value.threads) && value.threads >= 1 && value.threads <= LIMITS.maxThreads,
        'threads out of range',
      )
    if (value.unitMs !== undefined)
      check(
        value.unitMs >= 0 && value.unitMs <= LIMITS.maxUnitMs && !Object.is(value.unitMs, -0),
        () => `unitMs ${show(value.unitMs)} out of range or -0`,
      )
  }
  // validates again, to the same value; also after a JSON round trip (the IPC/WebSocket path)
  for (const again of [value, JSON.parse(JSON.stringify(value))]) {
    const r = validateRunRequest(again, options)
    check(r.ok, () => `an accepted request is refused on re-validation: ${show(r)}`)
    check(deepSame(r.value, value), () => `re-validation gives ${show(r.value)}, not ${show(value)}`)
  }
}

function checkOne(input: unknown, options: ValidateOptions = {}): void {
  let outcome
  try {
    outcome = validateRunRequest(input, options)
  } catch (e) {
    throw new Error(`validateRunRequest threw: ${(e as Error).message}`, { cause: e })
  }
  check(typeof outcome === 'object' && outcome !== null && typeof outcome.ok === 'boolean', 'not an Outcome')
  let problems: Set<Problem> | null
  try {
    problems = problemsOf(input, options)
  } catch {
    problems = null // the input cannot be read: it must be refused
  }
  if (outcome.ok) {
    check(
      problems !== null && problems.size === 0,
      () => `accepted, but the rules say ${show(problems && [...problems])}`,
    )
    checkAccepted(input, outcome.value, options)
    return
  }
  const { code, message, position } = outcome.error
  check(typeof message === 'string' && message.length > 0, 'a refusal without a message')
  if (problems === null) {
    same(code, 'E_BAD_REQUEST', 'code for an unreadable input')
    return
  }
  check(problems.size > 0, () => `refused with ${code} (${message}), but the rules find nothing wrong`)
  check(
    problems.has(code as Problem),
    () => `refused with ${code} (${message}), but the problems are ${[...problems!].join(', ')}`,
  )
  if (position !== undefined) {
    check(Number.isSafeInteger(position) && position >= 0, 'bad position')
    const values = (input as { values: unknown[] }).values
    if (code === 'E_TOO_MANY') check(position < values.length, 'E_TOO_MANY position past the end')
    else {
      const x = values[position]
      check(
        typeof x !== 'number' || !Number.isFinite(x) || Math.abs(x) > MAX_MAGNITUDE,
        () => `position ${position} names a good value ${show(x)}`,
      )
    }
  }
}

// ---- generators -------------------------------------------------------------------------------

/** built once: arrays at and over the caps (tests the cap, not the generator) */
const BIG_ARRAYS = [LIMITS.maxValues, LIMITS.maxValues + 1, LIMITS.maxValuesCeiling + 1].map((n) =>
  new Array<number>(n).fill(1),
)
const edgeNumber = fc.constantFrom(
  0,
  -0,
  1,
  -1,
  0.001,
  0.0009999,
  1000,
  1000.0000001,
  60_000,
  60_000.000001,
  1e15,
  -1e15,
  1e15 + 2,
  2 ** 53,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  NaN,
  Infinity,
  -Infinity,
)
const numberish = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -1000, max: 100_000 }) },
  { weight: 3, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }) },
  { weight: 1, arbitrary: edgeNumber },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.double(),
      fc.string({ maxLength: 3 }),
      fc.constant(null),
      fc.boolean(),
      fc.constant(undefined),
      fc.bigInt(),
      fc.array(fc.integer(), { maxLength: 1 }),
    ),
  },
)
const valuesArb = fc.oneof(
  { weight: 8, arbitrary: fc.array(numberish, { minLength: 0, maxLength: 24 }) },
  { weight: 2, arbitrary: fc.array(fc.integer({ min: -100, max: 100 }), { minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(...BIG_ARRAYS) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constant('1 2 3'),
      fc.constant(null),
      fc.constant({ 0: 1, length: 1 }),
      fc.constant(new Float64Array([1, 2])),
      // eslint-disable-next-line no-sparse-arrays -- a hole is the input under test
      fc.constant([1, , 3]),
    ),
  },
)
const unitArb = fc.oneof(
  fc.double({ min: 0, max: 1000, noNaN: true }),
  fc.constantFrom(0.001, 1, 10, 100, 1000),
  edgeNumber,
  fc.constant('10'),
  fc.constant(undefined),
)
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 3 })
const extraKeys = fc.dictionary(
  fc.constantFrom('extra', 'threads', 'mode', 'recordEvents', '__proto__', 'constructor', 'toString', ''),
  fc.jsonValue(),
  { maxKeys: 1 },
)

const sleepSortish = fc
  .record(
    {
      experiment: fc.constant('sleep-sort'),
      values: valuesArb,
      mode: fc.oneof(
        fc.constantFrom('classic', 'scheduled', 'realtime'),
        fc.constantFrom('Classic', '', 'fifo', 1, null),
      ),
      unitMs: unitArb,
      recordEvents: maybe(fc.oneof(fc.boolean(), fc.constantFrom(0, 'true', null))),
      replace: maybe(fc.oneof(fc.boolean(), fc.constantFrom(1, 'false'))),
    },
    { requiredKeys: ['experiment', 'values'] },
  )
  .chain((r) =>
    fc.tuple(fc.constant(r), fc.oneof({ weight: 5, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: extraKeys })),
  )
  .map(([r, extra]) => ({ ...r, ...extra }))
const parallelSumish = fc
  .record(
    {
      experiment: fc.constant('parallel-sum'),
      values: fc.oneof(
        valuesArb,
        fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()), {
          minLength: 1,
          maxLength: 40,
        }),
      ),
      threads: maybe(fc.oneof(fc.integer({ min: -1, max: 70 }), fc.constantFrom(1.5, NaN, '2', null))),
      unitMs: maybe(unitArb),
      replace: maybe(fc.oneof(fc.boolean(), fc.constant('yes'))),
    },
    { requiredKeys: ['experiment', 'values'] },
  )
  .chain((r) =>
    fc.tuple(fc.constant(r), fc.oneof({ weight: 5, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: extraKeys })),
  )
  .map(([r, extra]) => ({ ...r, ...extra }))
const optionsArb: fc.Arbitrary<ValidateOptions> = fc.record(
  { maxValues: fc.integer({ min: 1, max: 60_000 }), cpus: fc.integer({ min: 1, max: 16 }) },
  { requiredKeys: [] },
)

/** Objects that fight back: throwing traps and getters, lying proxies, odd prototypes. */
function hostile(kind: number, base: Record<string, unknown>): unknown {
  switch (kind) {
    case 0:
      return new Proxy(base, {
        getPrototypeOf: () => {
          throw new Error('proto trap')
        },
      })
    case 1:
      return new Proxy(base, {
        ownKeys: () => {
          throw new Error('ownKeys trap')
        },
      })
    case 2:
      return new Proxy(base, {
        get: (t, k) =>
          k === 'values'
            ? (() => {
                throw new Error('get trap')
              })()
            : Reflect.get(t, k),
      })
    case 3:
      return Object.defineProperty({ ...base }, 'values', {
        enumerable: true,
        get: () => {
          throw new Error('getter')
        },
      })
    case 4: {
      // an array whose elements change every time they are read
      let n = 0
      const values = new Proxy([1, 2, 3], {
        get: (t, k) =>
          k === 'length' ? 3 : typeof k === 'string' && /^\d+$/.test(k) ? (n++ % 2 ? 'x' : 1) : Reflect.get(t, k),
      })
      return { ...base, values }
    }
    case 5: {
      // a "length" that lies: a billion elements
      const values = new Proxy([1], { get: (t, k) => (k === 'length' ? 1e9 : Reflect.get(t, k)) })
      return { ...base, values }
    }
    case 6:
      return Object.assign(Object.create({ inherited: true }), base)
    case 7:
      return Object.assign(Object.create(null), base)
    case 8:
      return { ...base, [Symbol('s')]: 1 }
    case 9: {
      const revocable = Proxy.revocable(base, {})
      revocable.revoke()
      return revocable.proxy
    }
    default:
      return Object.defineProperty({ ...base }, 'mode', { enumerable: true, get: () => 'scheduled' })
  }
}

describe('validateRunRequest (fuzz)', () => {
  it(
    'arbitrary JSON: never throws, agrees with the rules',
    () => {
      fc.assert(
        fc.property(fc.jsonValue(), (x) => checkOne(x)),
        fcParams(1500),
      )
    },
    timeoutFor(1500),
  )

  it(
    'arbitrary JS values (objects with odd prototypes, typed arrays, symbols…)',
    () => {
      fc.assert(
        fc.property(
          fc.anything({
            withBoxedValues: true,
            withMap: true,
            withSet: true,
            withTypedArray: true,
            withSparseArray: true,
            withNullPrototype: true,
            withObjectString: true,
          }),
          (x) => checkOne(x),
        ),
        fcParams(1500),
      )
    },
    timeoutFor(1500),
  )

  it(
    'request-shaped near misses: accept exactly the valid ones; accepted requests re-validate equal',
    () => {
      fc.assert(
        fc.property(fc.oneof(sleepSortish, parallelSumish), optionsArb, (x, options) => checkOne(x, options)),
        fcParams(4000, 1),
      )
    },
    timeoutFor(4000, 1, 2),
  )

  it(
    'the duration cap at its boundary (values and unitMs within an ulp of 60 s)',
    () => {
      const near = fc
        .tuple(
          fc.double({ min: 0.001, max: 1000, noNaN: true }),
          fc.integer({ min: -3, max: 3 }),
          fc.boolean(),
          fc.integer({ min: 1, max: 5 }),
        )
        .map(([unitMs, ulps, negative, n]) => {
          let top = LIMITS.maxDurationMs / unitMs
          for (let i = 0; i < Math.abs(ulps); i++) top = ulps > 0 ? nextUp(top) : nextDown(top)
          const values = negative ? [-top / 2, top / 2, ...Array(n - 1).fill(0)] : [top, ...Array(n - 1).fill(0)]
          return { experiment: 'sleep-sort', values, mode: 'classic', unitMs }
        })
      fc.assert(
        fc.property(near, (x) => checkOne(x)),
        fcParams(2000),
      )
    },
    timeoutFor(2000),
  )

  it('hostile objects are refused or read once, never thrown through', () => {
    const good = { experiment: 'sleep-sort', values: [3, 1, 2], mode: 'scheduled', unitMs: 1 }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), (kind) => {
        const input = hostile(kind, { ...good })
        const r = validateRunRequest(input)
        check(typeof r.ok === 'boolean', 'not an Outcome')
        if (r.ok) checkAccepted(input, r.value, {})
        else check(typeof r.error.code === 'string', 'no code')
      }),
      fcParams(50),
    )
    // the lying length is refused without reading a billion elements
    const t0 = performance.now()
    expect(validateRunRequest(hostile(5, { ...good }))).toMatchObject({ ok: false, error: { code: 'E_TOO_MANY' } })
    expect(performance.now() - t0).toBeLessThan(100)
    // a sparse array of the maximum length is refused at once, not walked
    expect(validateRunRequest({ ...good, values: new Array(2 ** 32 - 1) })).toMatchObject({
      ok: false,
      error: { code: 'E_TOO_MANY' },
    })
  })
})

function nextUp(x: number): number {
  const b = new Float64Array([x])
  const u = new BigInt64Array(b.buffer)
  u[0] += x >= 0 ? 1n : -1n
  return b[0]
}
function nextDown(x: number): number {
  return -nextUp(-x)
}

// ---- the engine agrees -----------------------------------------------------------------------

const haveAddon = existsSync(addonPath())

describe.skipIf(!haveAddon)('the native engine accepts what the validator accepts (fuzz, real addon)', () => {
  const VALIDATION_CODES = new Set([
    'E_EMPTY',
    'E_NOT_A_NUMBER',
    'E_NOT_FINITE',
    'E_TOO_LARGE',
    'E_TOO_MANY',
    'E_DURATION_CAP',
    'E_BAD_UNIT',
    'E_BAD_MODE',
    'E_BAD_OPTION',
    'E_BAD_INPUT',
    'E_BAD_THREADS',
  ])

  it('at the duration and magnitude boundaries, both experiments', async () => {
    const engine = loadEngine()
    const cpus = engine.capabilities().cpus
    const sleepNear = fc
      .tuple(
        fc.double({ min: 0.001, max: 1000, noNaN: true }),
        fc.integer({ min: -2, max: 0 }),
        fc.boolean(),
        fc.constantFrom('classic', 'scheduled', 'realtime'),
      )
      .map(([unitMs, ulps, negative, mode]) => {
        let top = Math.min(LIMITS.maxDurationMs / unitMs, MAX_MAGNITUDE)
        for (let i = 0; i < -ulps; i++) top = nextDown(top)
        return {
          experiment: 'sleep-sort',
          values: negative ? [-top / 2, 0, top / 2] : [0, top, 1],
          mode,
          unitMs,
          recordEvents: false,
        }
      })
    const sumNear = fc
      .tuple(
        fc.integer({ min: 1, max: 200 }),
        fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
        fc.double({ min: 0, max: 1000, noNaN: true }),
      )
      .map(([n, threads, unit]) => {
        const perThread = Math.ceil(n / Math.min(threads ?? cpus, n))
        const unitMs = Math.min(unit, LIMITS.maxDurationMs / perThread)
        return {
          experiment: 'parallel-sum',
          values: Array.from({ length: n }, (_, i) => i * 1e300),
          ...(threads ? { threads } : {}),
          unitMs,
        }
      })
    const samples = fc.sample(fc.oneof(sleepNear, sumNear), {
      numRuns: Math.min(runs(60, 20), 5000),
      ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
    })
    const mismatches: string[] = []
    let accepted = 0
    for (const input of samples) {
      const r = validateRunRequest(input, { cpus })
      if (!r.ok) continue
      accepted++
      const req = r.value
      try {
        const run =
          req.experiment === 'sleep-sort'
            ? engine.startSleepSort(req.values, { unitMs: req.unitMs, mode: req.mode, recordEvents: false }, () => {})
            : engine.startSum(
                req.values,
                {
                  ...(req.threads ? { threads: req.threads } : {}),
                  ...(req.unitMs !== undefined ? { unitMs: req.unitMs } : {}),
                },
                () => {},
              )
        run.cancel()
        await run.result()
      } catch (e) {
        const code = (e as { code?: string }).code ?? 'none'
        if (VALIDATION_CODES.has(code)) mismatches.push(`${code}: ${(e as Error).message} for ${show(req)}`)
      }
    }
    expect(mismatches).toEqual([])
    expect(accepted).toBeGreaterThan(samples.length / 2)
    expect(engine.activeRuns()).toBe(0)
  })
})
