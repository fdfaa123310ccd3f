/**
 * The `.threadlab` run file: one saved run (request, result, machine facts and every event), read
 * back for replay, comparison and the CLI. Pure TS (fflate for deflate), identical in browser and
 * Node.
 *
 * Layout (integers little-endian):
 *
 *   offset      size  field
 *   0           10    magic "THREADLAB\0"
 *   10          2     u16 format version (RUN_FILE_VERSION)
 *   12          4     u32 header length H
 *   16          H     header: UTF-8 JSON, keys sorted at every level (see RunFileHeader)
 *   16+H        4     u32 payload length P
 *   20+H        P     payload: raw-deflate of the event columns, column after column:
 *                       kind u8[n], worker u32[n], tNs f64[n], arg f64[n]   (n = header.eventCount)
 *   20+H+P      4     u32 CRC-32 (IEEE) of every byte before it
 *
 * Encoding is deterministic (no clock read, fixed key order, fixed deflate level), so
 * save → open → save gives the same bytes. Decoding never throws and never allocates more than the
 * input's size plus the declared (capped, length-checked) event columns.
 */
import { deflateSync, Inflate, strToU8 } from 'fflate'
import { TIMING_MODES, type Outcome, type RunRequest, type RunResult, type ThreadlabErrorInfo } from './api'
import { EventColumns } from './columns'
import { MAX_EVENT_KIND } from './events'
import { checkRunDiff, type RunDiff } from './rundiff'
import { LIMITS } from './limits'

export const RUN_FILE_MAGIC = 'THREADLAB\0'
export const RUN_FILE_VERSION = 1
export const RUN_FILE_EXTENSION = '.threadlab'
export const RUN_FILE_MIME = 'application/x-threadlab-run'
/** caps checked before allocating; the encoder refuses what the decoder would */
export const RUN_FILE_LIMITS = {
  /** the largest file any opener reads (a run file at its event cap is about 170 MB) */
  maxFileBytes: 256 * 1024 * 1024,
  maxHeaderBytes: 64 * 1024 * 1024,
  maxEvents: 8_000_000,
} as const

const MAGIC = Uint8Array.from(RUN_FILE_MAGIC, (c) => c.charCodeAt(0))
const PREAMBLE = MAGIC.length + 2 + 4
const BYTES_PER_EVENT = 1 + 4 + 8 + 8
const DEFLATE_LEVEL = 6
const MAX_DEFLATE_RATIO = 1032
const NON_FINITE_TAG = '$nonFinite'
/** wraps a genuine object whose only key is NON_FINITE_TAG or ESCAPE_TAG (see canonicalJson) */
const ESCAPE_TAG = '$escaped'
/**
 * compressed bytes handed to the inflater at a time: at most 64 KiB, and no more than could inflate
 * to the output still expected (+ 1 KiB), so a bomb is stopped within ~1 MB of the declared size
 */
const INFLATE_CHUNK_MAX = 64 * 1024
const INFLATE_CHUNK_MIN = 1024

export interface MachineFacts {
  cpus: number
  os: string
  timerSlackNs: number
  realtimeAllowed: boolean
}

export interface SavedRun {
  request: RunRequest
  /** null when the run never finished (failed before a result) */
  result: RunResult | null
  machine: MachineFacts
  /** ISO 8601 time the run was made (given by the caller; the encoder reads no clock) */
  created: string
  appVersion: string
  /** display settings saved with the run (replay speed, selection…): JSON values only */
  options?: Record<string, unknown>
  /** a comparison of this run with another of the same input, saved so it can be reopened */
  diff?: RunDiff
  events: EventColumns
}

/** The JSON header as stored. */
export interface RunFileHeader {
  format: 'threadlab-run'
  appVersion: string
  created: string
  diff?: RunDiff
  eventCount: number
  machine: MachineFacts
  options?: Record<string, unknown>
  request: RunRequest
  result: RunResult | null
}

export type RunFileErrorCode = 'E_NOT_A_RUN' | 'E_NEWER_FORMAT' | 'E_TRUNCATED' | 'E_CORRUPT'

/**
 * Encodes a run. Throws RangeError only for a run the format cannot hold (more events or a larger
 * header than RUN_FILE_LIMITS); callers check `events.length` first if that can happen.
 */
export function encodeRunFile(run: SavedRun): Uint8Array {
  const n = run.events.length
  if (n > RUN_FILE_LIMITS.maxEvents)
    throw new RangeError(`a run file holds at most ${RUN_FILE_LIMITS.maxEvents} events, this run has ${n}`)
  const header: RunFileHeader = {
    format: 'threadlab-run',
    appVersion: run.appVersion,
    created: run.created,
    diff: run.diff,
    eventCount: n,
    machine: run.machine,
    options: run.options,
    request: run.request,
    result: run.result,
  }
  const headerBytes = strToU8(canonicalJson(header))
  if (headerBytes.length > RUN_FILE_LIMITS.maxHeaderBytes) {
    throw new RangeError(
      `the run's header is ${headerBytes.length} bytes, more than the ${RUN_FILE_LIMITS.maxHeaderBytes} a run file holds`,
    )
  }
  const payload = deflateSync(packColumns(run.events), { level: DEFLATE_LEVEL })
  const total = PREAMBLE + headerBytes.length + 4 + payload.length + 4
  const out = new Uint8Array(total)
  const view = new DataView(out.buffer)
  out.set(MAGIC, 0)
  view.setUint16(MAGIC.length, RUN_FILE_VERSION, true)
  view.setUint32(MAGIC.length + 2, headerBytes.length, true)
  out.set(headerBytes, PREAMBLE)
  let at = PREAMBLE + headerBytes.length
  view.setUint32(at, payload.length, true)
  out.set(payload, at + 4)
  at += 4 + payload.length
  view.setUint32(at, crc32(out.subarray(0, at)), true)
  return out
}

/** Decodes a run file. Never throws; every failure is a typed error naming what is wrong. */
export function decodeRunFile(bytes: Uint8Array): Outcome<SavedRun> {
  try {
    return decode(bytes)
  } catch (e) {
    return fail('E_CORRUPT', `the file could not be read: ${e instanceof Error ? e.message : String(e)}`)
  }
}

function decode(bytes: Uint8Array): Outcome<SavedRun> {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0)
    return fail('E_NOT_A_RUN', 'the file is empty, not a Threadlab run')
  const len = bytes.length
  const magicSeen = Math.min(len, MAGIC.length)
  for (let i = 0; i < magicSeen; i++) {
    if (bytes[i] !== MAGIC[i])
      return fail('E_NOT_A_RUN', 'this is not a Threadlab run file (it does not start with "THREADLAB")')
  }
  if (len < PREAMBLE)
    return fail('E_TRUNCATED', `the file ends after ${len} bytes, inside its ${PREAMBLE}-byte preamble`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const version = view.getUint16(MAGIC.length, true)
  if (version > RUN_FILE_VERSION) {
    return fail(
      'E_NEWER_FORMAT',
      `this run file is format version ${version}; this version of Threadlab reads format version ${RUN_FILE_VERSION} and older — update Threadlab to open it`,
    )
  }
  if (version < 1) return fail('E_CORRUPT', `format version ${version} does not exist`)
  const headerLength = view.getUint32(MAGIC.length + 2, true)
  if (headerLength > RUN_FILE_LIMITS.maxHeaderBytes)
    return fail('E_CORRUPT', `the header length ${headerLength} exceeds the ${RUN_FILE_LIMITS.maxHeaderBytes}-byte cap`)
  const payloadLengthAt = PREAMBLE + headerLength
  if (len < payloadLengthAt + 4)
    return fail('E_TRUNCATED', `the file ends after ${len} bytes, inside its ${headerLength}-byte header`)
  const payloadLength = view.getUint32(payloadLengthAt, true)
  const crcAt = payloadLengthAt + 4 + payloadLength
  if (len < crcAt + 4) return fail('E_TRUNCATED', `the file ends after ${len} bytes; its event data needs ${crcAt + 4}`)
  if (len > crcAt + 4) return fail('E_CORRUPT', `the file has ${len - crcAt - 4} unexpected bytes after its checksum`)
  const stored = view.getUint32(crcAt, true)
  const actual = crc32(bytes.subarray(0, crcAt))
  if (stored !== actual)
    return fail('E_CORRUPT', `checksum mismatch (stored ${hex(stored)}, computed ${hex(actual)}): the file was damaged`)

  let headerText: string
  try {
    // fatal: invalid bytes are refused, not replaced by U+FFFD (which would change the text on
    // re-save); ignoreBOM: a leading BOM stays in the text (and is then not valid JSON)
    headerText = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(PREAMBLE, payloadLengthAt),
    )
  } catch {
    return fail('E_CORRUPT', 'the header is not valid UTF-8')
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(headerText)
  } catch (e) {
    return fail('E_CORRUPT', `the header is not valid JSON (${e instanceof Error ? e.message : String(e)})`)
  }
  const tagError = reviveTags(parsed)
  if (typeof tagError === 'string') return fail('E_CORRUPT', `the header is malformed: ${tagError}`)
  parsed = tagError.value
  const shapeError = checkHeader(parsed)
  if (shapeError) return fail('E_CORRUPT', `the header is malformed: ${shapeError}`)
  const header = parsed as RunFileHeader
  const n = header.eventCount
  const rawLength = n * BYTES_PER_EVENT
  // deflate cannot expand more than ~1032:1, so a tiny payload claiming many events is a lie: refuse
  // it before allocating the columns it claims
  if (rawLength > payloadLength * MAX_DEFLATE_RATIO + 1024) {
    return fail(
      'E_CORRUPT',
      `the header declares ${n} events (${rawLength} bytes) but the file holds only ${payloadLength} compressed bytes`,
    )
  }
  const raw = new Uint8Array(rawLength)
  const inflated = inflateBounded(bytes.subarray(payloadLengthAt + 4, crcAt), raw)
  if (typeof inflated === 'string') return fail('E_CORRUPT', `the event data does not decompress (${inflated})`)
  if (inflated !== rawLength) {
    const got = inflated > rawLength ? `more than ${rawLength}` : `${inflated}`
    return fail('E_CORRUPT', `the event data decompresses to ${got} bytes, not the ${rawLength} that ${n} events need`)
  }
  const events = unpackColumns(raw, n)
  if (typeof events === 'string') return fail('E_CORRUPT', events)
  const run: SavedRun = {
    request: header.request,
    result: header.result,
    machine: header.machine,
    created: header.created,
    appVersion: header.appVersion,
    events,
  }
  if (header.options !== undefined) run.options = header.options
  if (header.diff !== undefined) run.diff = header.diff
  return { ok: true, value: run }
}

/**
 * Inflates `payload` into `out`, stopping as soon as the output would exceed `out.length` (a deflate
 * bomb costs at most one chunk's worth of work past the declared size). Returns the number of bytes
 * produced — `out.length + 1` meaning "more than fits" — or an error message.
 */
function inflateBounded(payload: Uint8Array, out: Uint8Array): number | string {
  const limit = out.length
  let written = 0
  let over = false
  const inflater = new Inflate((chunk) => {
    if (over) return
    if (written + chunk.length > limit) {
      over = true
      return
    }
    out.set(chunk, written)
    written += chunk.length
  })
  try {
    if (payload.length === 0) inflater.push(payload, true)
    for (let at = 0; at < payload.length && !over;) {
      const budget = Math.ceil((limit - written) / MAX_DEFLATE_RATIO) + INFLATE_CHUNK_MIN
      const end = Math.min(payload.length, at + Math.min(INFLATE_CHUNK_MAX, budget))
      inflater.push(payload.subarray(at, end), end === payload.length)
      at = end
    }
  } catch (e) {
    if (!over) return e instanceof Error ? e.message : String(e)
  }
  return over ? limit + 1 : written
}

function fail(code: RunFileErrorCode, message: string): Outcome<never> {
  return { ok: false, error: { code, message } }
}

function hex(x: number): string {
  return '0x' + x.toString(16).padStart(8, '0')
}

function packColumns(cols: EventColumns): Uint8Array {
  const n = cols.length
  const raw = new Uint8Array(n * BYTES_PER_EVENT)
  const view = new DataView(raw.buffer)
  raw.set(cols.kind.subarray(0, n), 0)
  for (let i = 0, o = n; i < n; i++, o += 4) view.setUint32(o, cols.worker[i], true)
  for (let i = 0, o = 5 * n; i < n; i++, o += 8) view.setFloat64(o, cols.tNs[i], true)
  for (let i = 0, o = 13 * n; i < n; i++, o += 8) view.setFloat64(o, cols.arg[i], true)
  return raw
}

function unpackColumns(raw: Uint8Array, n: number): EventColumns | string {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  const cols = new EventColumns(Math.max(1, n))
  for (let i = 0; i < n; i++) {
    const kind = raw[i]
    if (kind > MAX_EVENT_KIND) return `event ${i} has unknown kind ${kind}`
    cols.kind[i] = kind
  }
  for (let i = 0, o = n; i < n; i++, o += 4) cols.worker[i] = view.getUint32(o, true)
  for (let i = 0, o = 5 * n; i < n; i++, o += 8) {
    const t = view.getFloat64(o, true)
    if (!Number.isFinite(t)) return `event ${i} has a non-finite time`
    cols.tNs[i] = t
  }
  for (let i = 0, o = 13 * n; i < n; i++, o += 8) cols.arg[i] = view.getFloat64(o, true)
  cols.length = n
  return cols
}

// ---- header shape -------------------------------------------------------------------------------

type Obj = Record<string, unknown>
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x)
const isNum = (x: unknown): x is number => typeof x === 'number'
const isFiniteNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x)
const isNumArray = (x: unknown, finite = true): boolean => Array.isArray(x) && x.every(finite ? isFiniteNum : isNum)
const isCount = (x: unknown, min: number, max: number): x is number =>
  Number.isSafeInteger(x) && (x as number) >= min && (x as number) <= max

function checkHeader(h: unknown): string | null {
  if (!isObj(h)) return 'it is not an object'
  if (h.format !== 'threadlab-run') return 'format is not "threadlab-run"'
  if (typeof h.appVersion !== 'string') return 'appVersion is not a string'
  if (typeof h.created !== 'string' || Number.isNaN(Date.parse(h.created))) return 'created is not a date'
  if (!Number.isSafeInteger(h.eventCount) || (h.eventCount as number) < 0) return 'eventCount is not a count'
  if ((h.eventCount as number) > RUN_FILE_LIMITS.maxEvents)
    return `eventCount ${h.eventCount} exceeds the ${RUN_FILE_LIMITS.maxEvents}-event cap`
  const m = h.machine
  if (!isObj(m)) return 'machine is missing'
  if (!Number.isSafeInteger(m.cpus) || (m.cpus as number) < 0) return 'machine.cpus is not a count'
  if (typeof m.os !== 'string') return 'machine.os is not a string'
  if (!isNum(m.timerSlackNs)) return 'machine.timerSlackNs is not a number'
  if (typeof m.realtimeAllowed !== 'boolean') return 'machine.realtimeAllowed is not a boolean'
  if (h.options !== undefined && !isObj(h.options)) return 'options is not an object'
  if (h.diff !== undefined) {
    const problem = checkRunDiff(h.diff)
    if (problem) return `diff: ${problem}`
  }
  const r = h.request
  if (!isObj(r)) return 'request is missing'
  if (!isNumArray(r.values)) return 'request.values is not a list of finite numbers'
  const values = r.values as number[]
  const cap = r.experiment === 'sleep-sort' ? LIMITS.maxValuesCeiling : LIMITS.maxSumValues
  if (values.length > cap)
    return `request.values has ${values.length} values, more than the ${cap} of a ${r.experiment}`
  if (r.experiment === 'sleep-sort') {
    if (!TIMING_MODES.includes(r.mode as never)) return `request.mode ${JSON.stringify(r.mode)} is not a timing mode`
    if (!isFiniteNum(r.unitMs)) return 'request.unitMs is not a number'
  } else if (r.experiment === 'parallel-sum') {
    if (r.threads !== undefined && !isCount(r.threads, 1, LIMITS.maxThreads))
      return `request.threads is not a whole number from 1 to ${LIMITS.maxThreads}`
    if (r.unitMs !== undefined && !isFiniteNum(r.unitMs)) return 'request.unitMs is not a number'
  } else {
    return `request.experiment ${JSON.stringify(r.experiment)} is unknown`
  }
  const res = h.result
  if (res === null) return null
  if (!isObj(res)) return 'result is neither an object nor null'
  if (res.experiment !== r.experiment) return 'result.experiment does not match request.experiment'
  if (!isNum(res.runId) || typeof res.cancelled !== 'boolean' || !isNum(res.threads) || !isNum(res.wallMs))
    return 'result lacks runId, threads, wallMs or cancelled'
  // everything the views allocate from the result is bounded by what the request holds
  if (res.experiment === 'sleep-sort') {
    if (!isCount(res.threads, 0, values.length))
      return `result.threads ${res.threads} disagrees with the ${values.length} values (one thread each)`
    if (!res.cancelled && res.threads !== values.length)
      return `result.threads ${res.threads} of a finished run disagrees with its ${values.length} values`
    if (!isNumArray(res.output)) return 'result.output is not a list of finite numbers'
    if ((res.output as number[]).length > res.threads)
      return `result.output has ${(res.output as number[]).length} values, more than its ${res.threads} threads pushed`
    if (!TIMING_MODES.includes(res.mode as never)) return 'result.mode is not a timing mode'
    if (!isNum(res.unitMs) || !isNum(res.shift) || !isNum(res.misplaced) || !isNum(res.inversions))
      return 'result lacks unitMs, shift, misplaced or inversions'
    for (const key of ['latenessNs', 'lockWaitNs']) {
      const p = res[key]
      if (!isObj(p) || !isNum(p.p50) || !isNum(p.p99) || !isNum(p.max))
        return `result.${key} is not a set of percentiles`
    }
  } else {
    if (typeof res.sum !== 'string') return 'result.sum is not text'
    if (!Array.isArray(res.partials) || !res.partials.every((p) => typeof p === 'string'))
      return 'result.partials is not a list of text'
    if (!isNumArray(res.chunkSizes)) return 'result.chunkSizes is not a list of numbers'
    const chunks = res.chunkSizes as number[]
    if (!isCount(res.threads, 1, Math.min(LIMITS.maxThreads, Math.max(1, values.length))))
      return `result.threads ${res.threads} disagrees with the ${values.length} values (1 to ${LIMITS.maxThreads} threads, no more than values)`
    if (chunks.length !== res.threads || res.partials.length !== res.threads)
      return `result.chunkSizes and result.partials must have one entry per thread (${res.threads})`
    if (!chunks.every((c) => isCount(c, 0, values.length)) || chunks.reduce((a, c) => a + c, 0) > values.length)
      return `result.chunkSizes do not fit in the ${values.length} values`
  }
  return null
}

/**
 * Refuses a decoded run that cannot be shown faithfully (the decoder checked the format and that
 * the result agrees with the request; this checks what the views and reports would allocate and
 * index). The one check of every opener: the app and `threadlab open`. Null when it can be shown.
 */
export function openableProblem(run: SavedRun): ThreadlabErrorInfo | null {
  const r = run.request
  if (r.experiment === 'sleep-sort') {
    if (r.values.length > LIMITS.maxValuesCeiling) {
      return {
        code: 'E_TOO_MANY',
        message: `the run has ${r.values.length.toLocaleString('en-US')} threads, more than the ${LIMITS.maxValuesCeiling.toLocaleString('en-US')} Threadlab can show`,
      }
    }
    if (!(r.unitMs > 0)) return { code: 'E_CORRUPT', message: `the run's unit ${r.unitMs} ms is not positive` }
  }
  if (run.result && run.result.experiment === 'sleep-sort' && !Array.isArray(run.result.output)) {
    return { code: 'E_CORRUPT', message: 'the run’s result has no output' }
  }
  return null
}

// ---- canonical JSON -----------------------------------------------------------------------------

/**
 * JSON with object keys sorted at every level, `undefined` members left out, typed arrays as
 * arrays, -0 as `-0` (JSON.parse reads it back as -0) and non-finite numbers as
 * {"$nonFinite": "NaN" | "Infinity" | "-Infinity"} (plain JSON would turn them into null). A genuine
 * object whose only key is "$nonFinite" or "$escaped" is written wrapped as {"$escaped": {…}}, so
 * every tag-shaped object in the text is unambiguous. The same value always gives the same text.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = []
  write(value, parts)
  return parts.join('')
}

function write(x: unknown, out: string[]): void {
  if (x === null || x === undefined || typeof x === 'function' || typeof x === 'symbol') {
    out.push('null')
  } else if (typeof x === 'number') {
    out.push(Object.is(x, -0) ? '-0' : Number.isFinite(x) ? JSON.stringify(x) : `{"${NON_FINITE_TAG}":"${String(x)}"}`)
  } else if (typeof x === 'string' || typeof x === 'boolean') {
    out.push(JSON.stringify(x))
  } else if (typeof x === 'bigint') {
    out.push(JSON.stringify(x.toString()))
  } else if (Array.isArray(x) || ArrayBuffer.isView(x)) {
    const items = Array.isArray(x) ? x : Array.from(x as unknown as ArrayLike<number>)
    out.push('[')
    items.forEach((item, i) => {
      if (i) out.push(',')
      write(item, out)
    })
    out.push(']')
  } else if (typeof (x as { toJSON?: unknown }).toJSON === 'function') {
    write((x as { toJSON: () => unknown }).toJSON(), out)
  } else {
    const obj = x as Obj
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined && typeof obj[k] !== 'function' && typeof obj[k] !== 'symbol')
      .sort()
    const escaped = keys.length === 1 && (keys[0] === NON_FINITE_TAG || keys[0] === ESCAPE_TAG)
    if (escaped) out.push(`{"${ESCAPE_TAG}":`)
    out.push('{')
    keys.forEach((k, i) => {
      if (i) out.push(',')
      out.push(JSON.stringify(k), ':')
      write(obj[k], out)
    })
    out.push('}')
    if (escaped) out.push('}')
  }
}

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity }

/**
 * Undoes canonicalJson's tags in parsed JSON, top-down and in place (so `__proto__` members stay
 * plain data): {"$nonFinite": tag} becomes the number, {"$escaped": {k: v}} becomes {k: v}. Only the
 * forms canonicalJson writes are accepted, so decode → encode gives back the same text; anything
 * else shaped like a tag is an error message.
 */
function reviveTags(value: unknown): { value: unknown } | string {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const r = reviveTags(value[i])
      if (typeof r === 'string') return r
      value[i] = r.value
    }
    return { value }
  }
  if (!isObj(value)) return { value }
  let obj = value
  const keys = Object.keys(obj)
  if (keys.length === 1 && keys[0] === NON_FINITE_TAG) {
    const tag = obj[NON_FINITE_TAG]
    if (typeof tag === 'string' && Object.hasOwn(NON_FINITE, tag)) return { value: NON_FINITE[tag] }
    return `${JSON.stringify(tag)} is not a non-finite number tag`
  }
  if (keys.length === 1 && keys[0] === ESCAPE_TAG) {
    const inner = obj[ESCAPE_TAG]
    const innerKeys = isObj(inner) ? Object.keys(inner) : []
    if (!isObj(inner) || innerKeys.length !== 1 || (innerKeys[0] !== NON_FINITE_TAG && innerKeys[0] !== ESCAPE_TAG)) {
      return `an "${ESCAPE_TAG}" member holds something other than an escaped tag-shaped object`
    }
    obj = inner
  }
  for (const k of Object.keys(obj)) {
    const r = reviveTags(obj[k])
    if (typeof r === 'string') return r
    obj[k] = r.value
  }
  return { value: obj }
}

// ---- CRC-32 (IEEE 802.3, as zip and PNG) --------------------------------------------------------

let crcTable: Int32Array | null = null

export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256)
    for (let i = 0; i < 256; i++) {
      let c = i
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
      crcTable[i] = c
    }
  }
  let crc = -1
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8)
  return (crc ^ -1) >>> 0
}
