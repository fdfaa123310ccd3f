/**
 * Strict validation of a RunRequest arriving from an untrusted side (IPC payload, WebSocket
 * frame, a run file). Pure: no Node, DOM or Electron. Never throws: every problem comes back as a
 * typed error naming the field, and for values the position. A valid request is rebuilt from
 * scratch, so the caller never holds the sender's object (no getters, prototypes or extra fields).
 */
import type { Outcome, ParallelSumRequest, RunRequest, SleepSortRequest, ThreadlabErrorInfo, TimingMode } from './api'
import { EXPERIMENTS, TIMING_MODES } from './api'
import { LIMITS } from './limits'
import { MAX_MAGNITUDE } from './parse'

export type RequestErrorCode =
  | 'E_BAD_REQUEST'
  | 'E_NOT_A_NUMBER'
  | 'E_NOT_FINITE'
  | 'E_TOO_LARGE'
  | 'E_TOO_MANY'
  | 'E_EMPTY'
  | 'E_DURATION_CAP'
  | 'E_BAD_UNIT'
  | 'E_BAD_MODE'
  | 'E_BAD_THREADS'

export interface ValidateOptions {
  /** values per sleep-sort run (default LIMITS.maxValues, never above LIMITS.maxValuesCeiling) */
  maxValues?: number
  /** the machine's cores: parallel-sum's default thread count, used for its duration cap */
  cpus?: number
}

const SLEEP_SORT_KEYS = new Set(['experiment', 'values', 'mode', 'unitMs', 'recordEvents', 'replace'])
const PARALLEL_SUM_KEYS = new Set(['experiment', 'values', 'threads', 'unitMs', 'replace'])

class RequestError extends Error {
  constructor(readonly info: ThreadlabErrorInfo) {
    super(info.message)
  }
}

function fail(code: RequestErrorCode, message: string, position?: number): never {
  throw new RequestError(position === undefined ? { code, message } : { code, message, position })
}

export function validateRunRequest(input: unknown, options: ValidateOptions = {}): Outcome<RunRequest> {
  try {
    return { ok: true, value: check(input, options) }
  } catch (e) {
    if (e instanceof RequestError) return { ok: false, error: e.info }
    // A hostile object (throwing getter, revoked proxy…): refuse it without echoing it.
    return { ok: false, error: { code: 'E_BAD_REQUEST', message: 'the request could not be read' } }
  }
}

function check(input: unknown, options: ValidateOptions): RunRequest {
  const obj = plainObject(input, 'the request')
  const experiment = obj.experiment
  if (typeof experiment !== 'string' || !(EXPERIMENTS as readonly string[]).includes(experiment)) {
    fail('E_BAD_REQUEST', `experiment must be one of ${EXPERIMENTS.join(', ')}`)
  }
  return experiment === 'sleep-sort' ? checkSleepSort(obj, options) : checkParallelSum(obj, options)
}

function checkSleepSort(obj: Record<string, unknown>, options: ValidateOptions): SleepSortRequest {
  onlyKeys(obj, SLEEP_SORT_KEYS, 'sleep-sort')
  const maxValues = Math.min(options.maxValues ?? LIMITS.maxValues, LIMITS.maxValuesCeiling)
  const values = numberArray(obj.values, maxValues, MAX_MAGNITUDE)
  const mode = obj.mode
  if (typeof mode !== 'string' || !(TIMING_MODES as readonly string[]).includes(mode)) {
    fail('E_BAD_MODE', `mode must be one of ${TIMING_MODES.join(', ')}`)
  }
  const unitMs = numberIn(obj.unitMs, 'unitMs', LIMITS.minUnitMs, LIMITS.maxUnitMs)
  let min = Infinity
  let max = -Infinity
  for (const v of values) {
    if (v < min) min = v
    if (v > max) max = v
  }
  // Negative values are shifted so the smallest sleeps 0: the longest sleep is the span.
  const longest = (min < 0 ? max - min : max) * unitMs
  if (longest > LIMITS.maxDurationMs) {
    fail(
      'E_DURATION_CAP',
      `the run would last ${formatSeconds(longest)} (largest value × unitMs), more than the ${formatSeconds(LIMITS.maxDurationMs)} allowed`,
    )
  }
  const request: SleepSortRequest = { experiment: 'sleep-sort', values, mode: mode as TimingMode, unitMs }
  if (obj.recordEvents !== undefined) request.recordEvents = bool(obj.recordEvents, 'recordEvents')
  if (obj.replace !== undefined) request.replace = bool(obj.replace, 'replace')
  return request
}

function checkParallelSum(obj: Record<string, unknown>, options: ValidateOptions): ParallelSumRequest {
  onlyKeys(obj, PARALLEL_SUM_KEYS, 'parallel-sum')
  const values = numberArray(obj.values, LIMITS.maxSumValues, Number.MAX_VALUE)
  const request: ParallelSumRequest = { experiment: 'parallel-sum', values }
  if (obj.threads !== undefined) {
    const threads = obj.threads
    if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > LIMITS.maxThreads) {
      fail('E_BAD_THREADS', `threads must be a whole number from 1 to ${LIMITS.maxThreads}`)
    }
    request.threads = threads
  }
  if (obj.unitMs !== undefined) {
    request.unitMs = numberIn(obj.unitMs, 'unitMs', 0, LIMITS.maxUnitMs)
    const threads = Math.min(request.threads ?? options.cpus ?? 1, values.length)
    const longest = Math.ceil(values.length / Math.max(1, threads)) * request.unitMs
    if (longest > LIMITS.maxDurationMs) {
      fail(
        'E_DURATION_CAP',
        `the run would last ${formatSeconds(longest)} (values per thread × unitMs), more than the ${formatSeconds(LIMITS.maxDurationMs)} allowed`,
      )
    }
  }
  if (obj.replace !== undefined) request.replace = bool(obj.replace, 'replace')
  return request
}

function plainObject(x: unknown, what: string): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) fail('E_BAD_REQUEST', `${what} must be an object`)
  const proto = Object.getPrototypeOf(x)
  if (proto !== Object.prototype && proto !== null) fail('E_BAD_REQUEST', `${what} must be a plain object`)
  return x as Record<string, unknown>
}

function onlyKeys(obj: Record<string, unknown>, allowed: Set<string>, experiment: string): void {
  for (const key of Reflect.ownKeys(obj)) {
    if (typeof key !== 'string' || !allowed.has(key)) {
      const name =
        typeof key === 'string' ? JSON.stringify(key.length > 40 ? key.slice(0, 40) + '…' : key) : 'a symbol key'
      fail('E_BAD_REQUEST', `unknown field ${name} in a ${experiment} request (allowed: ${[...allowed].join(', ')})`)
    }
  }
}

function numberArray(x: unknown, maxLength: number, maxMagnitude: number): number[] {
  if (!Array.isArray(x)) fail('E_BAD_REQUEST', 'values must be an array of numbers')
  const length = x.length
  if (length === 0) fail('E_EMPTY', 'values is empty: give at least one number')
  if (length > maxLength)
    fail('E_TOO_MANY', `values has ${length} numbers, more than the ${maxLength} allowed`, maxLength)
  const out = new Array<number>(length)
  for (let i = 0; i < length; i++) {
    const v: unknown = x[i]
    if (typeof v !== 'number') fail('E_NOT_A_NUMBER', `values[${i}] is ${describe(v)}, not a number`, i)
    if (!Number.isFinite(v)) fail('E_NOT_FINITE', `values[${i}] is ${v}, not a finite number`, i)
    if (Math.abs(v) > maxMagnitude) fail('E_TOO_LARGE', `values[${i}] is ${v}, larger than ${maxMagnitude}`, i)
    out[i] = v === 0 ? 0 : v // no -0
  }
  return out
}

function numberIn(x: unknown, field: string, min: number, max: number): number {
  if (typeof x !== 'number' || !Number.isFinite(x))
    fail('E_BAD_UNIT', `${field} must be a finite number (got ${describe(x)})`)
  if (x < min || x > max) fail('E_BAD_UNIT', `${field} must be from ${min} to ${max} (got ${x})`)
  return x === 0 ? 0 : x // no -0 (it would not survive a JSON round trip)
}

function bool(x: unknown, field: string): boolean {
  if (typeof x !== 'boolean') fail('E_BAD_REQUEST', `${field} must be true or false (got ${describe(x)})`)
  return x
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 20 ? v.slice(0, 20) + '…' : v)}`
  if (typeof v === 'number') return String(v)
  return typeof v === 'object' ? 'an object' : typeof v
}

/** Durations over the cap (and the cap itself, 60 s), in seconds to four significant digits. */
function formatSeconds(ms: number): string {
  return `${+(ms / 1000).toPrecision(4)} s`
}
