/**
 * Fuzzing the run-file reader (src/shared/runfile.ts decodeRunFile, with encodeRunFile as its
 * oracle). Files arrive from disk, drag-and-drop and the CLI: whatever the bytes, decoding returns a
 * typed error (E_NOT_A_RUN, E_NEWER_FORMAT, E_TRUNCATED, E_CORRUPT) or a run — never throws, hangs or
 * allocates beyond a bound set by the input's size. Properties:
 * - encode → decode gives the run back exactly; re-encoding gives the same bytes;
 * - every strict prefix is E_TRUNCATED (the empty file E_NOT_A_RUN); trailing bytes are E_CORRUPT;
 * - arbitrary bytes, and valid files with bytes changed (with and without the checksum repaired),
 *   with the header JSON edited, or with other payloads: a typed error, or a run that re-encodes to a
 *   file that decodes to the same run (and is a fixpoint of encode ∘ decode);
 * - sizes: a decoded run has at most (payload bytes × 1032 + 1024) / 21 events (deflate's maximum
 *   ratio) and no more header text than the input has bytes;
 * - adversarial declared lengths (4 GiB header or payload, 8 M events in a few bytes) fail fast.
 */
import fc from 'fast-check'
import { deflateSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import type { RunRequest, RunResult } from '../../src/shared/api'
import { EventColumns } from '../../src/shared/columns'
import { MAX_EVENT_KIND } from '../../src/shared/events'
import {
  canonicalJson,
  decodeRunFile,
  encodeRunFile,
  RUN_FILE_LIMITS,
  RUN_FILE_VERSION,
  type MachineFacts,
  type SavedRun,
} from '../../src/shared/runfile'
import { check, deepSame, show } from './helpers/assert'
import { fcParams, timeoutFor } from './helpers/budget'
import { assemble, BYTES_PER_EVENT, fixCrc, MAGIC, minimalHeader, PREAMBLE, split, utf8 } from './helpers/runfile'

const CODES = new Set(['E_NOT_A_RUN', 'E_NEWER_FORMAT', 'E_TRUNCATED', 'E_CORRUPT'])
/** deflate cannot expand more than ~1032:1; the decoder's own bound */
const MAX_RATIO = 1032

function sameColumns(a: EventColumns, b: EventColumns): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    if (
      a.kind[i] !== b.kind[i] ||
      a.worker[i] !== b.worker[i] ||
      !Object.is(a.tNs[i], b.tNs[i]) ||
      !Object.is(a.arg[i], b.arg[i])
    )
      return false
  }
  return true
}

/**
 * Runs are equal: header values by SameValue, except that — with `zeroSigned` false — 0 and -0 count
 * as equal (known bug, regressions/runfile-negative-zero.test.ts: a header number that reads as -0,
 * e.g. "-0" or "-1e-400", re-encodes as 0); event columns exactly.
 */
function sameRun(a: SavedRun, b: SavedRun, zeroSigned = true): string | null {
  for (const k of ['request', 'result', 'machine', 'created', 'appVersion', 'options'] as const) {
    if (!deepSame(a[k], b[k], zeroSigned)) return `${k}: ${show(a[k])} vs ${show(b[k])}`
  }
  return sameColumns(a.events, b.events) ? null : 'events differ'
}

/**
 * Decodes untrusted bytes and checks everything the contract promises. Returns the outcome so
 * callers can add their own expectations.
 */
function decodeChecked(bytes: Uint8Array): ReturnType<typeof decodeRunFile> {
  let r: ReturnType<typeof decodeRunFile>
  try {
    r = decodeRunFile(bytes)
  } catch (e) {
    throw new Error(`decodeRunFile threw: ${(e as Error).message}`, { cause: e })
  }
  if (!r.ok) {
    check(CODES.has(r.error.code), () => `unknown error code ${r.error.code}`)
    check(typeof r.error.message === 'string' && r.error.message.length > 0, 'an error without a message')
    return r
  }
  const run = r.value
  // sizes are bounded by the input
  const n = run.events.length
  check(n * BYTES_PER_EVENT <= bytes.length * MAX_RATIO + 1024, () => `${n} events from a ${bytes.length}-byte file`)
  check(n <= RUN_FILE_LIMITS.maxEvents, 'over the event cap')
  check(run.events.capacity <= Math.max(1, n), () => `columns of capacity ${run.events.capacity} for ${n} events`)
  check(
    canonicalJson({ ...run, events: undefined }).length <= bytes.length * 6 + 64,
    'header values larger than the input could hold',
  )
  for (let i = 0; i < n; i++) {
    check(run.events.kind[i] <= MAX_EVENT_KIND, () => `event ${i} has kind ${run.events.kind[i]}`)
    check(Number.isFinite(run.events.tNs[i]), () => `event ${i} has a non-finite time`)
  }
  // re-encodes validly: the new file decodes to the same run, and is a fixpoint
  let again: Uint8Array
  try {
    again = encodeRunFile(run)
  } catch (e) {
    throw new Error(`a decoded run does not re-encode: ${(e as Error).message}`, { cause: e })
  }
  const back = decodeRunFile(again)
  check(back.ok, () => `the re-encoded file does not decode: ${show(back)}`)
  const diff = sameRun(back.value, run, false)
  check(diff === null, () => `re-encoded run differs: ${diff}`)
  const third = encodeRunFile(back.value)
  check(Buffer.compare(Buffer.from(third), Buffer.from(again)) === 0, 'encode ∘ decode is not a fixpoint')
  return r
}

// ---- generators -------------------------------------------------------------------------------

const noNegZero = (x: number) => (x === 0 ? 0 : x)
const finite = fc
  .oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true }))
  .map(noNegZero)
/** numbers the header may hold where the shape check only asks for "a number": NaN and ±∞ included */
const anyNumber = fc.oneof(
  { weight: 5, arbitrary: finite },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
)
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
)
const mode = fc.constantFrom('classic' as const, 'scheduled' as const, 'realtime' as const)
const percentiles = fc.record({ p50: anyNumber, p99: anyNumber, max: anyNumber })

/** JSON data as the header can carry it: -0 becomes 0 (JSON has no -0), non-finite numbers allowed. */
function jsonData(): fc.Arbitrary<unknown> {
  return fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth: 3 },
      anyNumber,
      text,
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(text, tie('value'), { maxKeys: 4 }),
    ),
  })).value
}

const sleepRequest = fc.record(
  {
    experiment: fc.constant('sleep-sort' as const),
    values: fc.array(finite, { maxLength: 30 }),
    mode,
    unitMs: finite,
    recordEvents: fc.boolean(),
    replace: fc.boolean(),
  },
  { requiredKeys: ['experiment', 'values', 'mode', 'unitMs'] },
)
const sumRequest = fc.record(
  {
    experiment: fc.constant('parallel-sum' as const),
    values: fc.array(finite, { maxLength: 30 }),
    threads: fc.integer({ min: 1, max: 64 }),
    unitMs: finite,
    replace: fc.boolean(),
  },
  { requiredKeys: ['experiment', 'values'] },
)
/** a result's thread count agrees with its request (the decoder checks it) */
const sleepThreads = (values: number) =>
  fc.oneof(
    fc.record({ threads: fc.constant(values), cancelled: fc.boolean() }),
    fc.record({ threads: fc.integer({ min: 0, max: values }), cancelled: fc.constant(true) }),
  )
const sleepResult = fc.record({
  experiment: fc.constant('sleep-sort' as const),
  runId: anyNumber,
  output: fc.array(finite, { maxLength: 30 }),
  sorted: fc.boolean(),
  misplaced: anyNumber,
  inversions: anyNumber,
  latenessNs: percentiles,
  lockWaitNs: percentiles,
  wallMs: anyNumber,
  threads: anyNumber,
  mode,
  unitMs: anyNumber,
  shift: anyNumber,
  cancelled: fc.boolean(),
  eventCount: anyNumber,
})
const sumResult = fc.record({
  experiment: fc.constant('parallel-sum' as const),
  runId: anyNumber,
  sum: text,
  kind: fc.constantFrom('integer' as const, 'decimal' as const),
  partials: fc.array(text, { maxLength: 8 }),
  threads: anyNumber,
  chunkSizes: fc.array(finite, { maxLength: 8 }),
  wallMs: anyNumber,
  exact: fc.boolean(),
  cancelled: fc.boolean(),
  eventCount: anyNumber,
})
const sleepRun = sleepRequest.chain((request) =>
  fc.record({
    request: fc.constant(request),
    result: fc.option(
      fc
        .tuple(sleepResult, sleepThreads(request.values.length))
        .map(([r, t]) => ({ ...r, ...t, output: r.output.slice(0, t.threads) })),
      { nil: null },
    ),
  }),
)
const sumRun = sumRequest.chain((request) => {
  const most = Math.min(64, Math.max(1, request.values.length))
  const chunks = fc.integer({ min: 1, max: most }).chain((threads) =>
    fc.record({
      threads: fc.constant(threads),
      chunkSizes: fc.constant(
        Array.from(
          { length: threads },
          (_, i) => (i < request.values.length % threads ? 1 : 0) + Math.floor(request.values.length / threads),
        ),
      ),
      partials: fc.array(text, { minLength: threads, maxLength: threads }),
    }),
  )
  return fc.record({
    request: fc.constant(request),
    result: fc.option(
      fc.tuple(sumResult, chunks).map(([r, c]) => ({ ...r, ...c })),
      { nil: null },
    ),
  })
})
const requestAndResult: fc.Arbitrary<{ request: RunRequest; result: RunResult | null }> = fc.oneof(sleepRun, sumRun)
const machine: fc.Arbitrary<MachineFacts> = fc.record({
  cpus: fc.nat(4096),
  os: text,
  timerSlackNs: anyNumber,
  realtimeAllowed: fc.boolean(),
})
const created = fc.oneof(
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2025-01-02', '2025-01-02T03:04:05Z', 'Thu, 01 Jan 1970 00:00:00 GMT'),
)
const events = fc
  .array(
    fc.record({
      kind: fc.integer({ min: 0, max: MAX_EVENT_KIND }),
      worker: fc.oneof(fc.nat(100), fc.nat(0xffff_ffff)),
      tNs: fc.oneof(fc.integer({ min: 0, max: 60e9 }), fc.double({ noNaN: true, noDefaultInfinity: true })),
      arg: fc.oneof(fc.integer({ min: -1, max: 1e6 }), fc.double()),
    }),
    { maxLength: 120 },
  )
  .map((rows) => {
    const cols = new EventColumns(1 + (rows.length % 5))
    for (const r of rows) cols.push(r.kind as never, r.worker, r.tNs, r.arg)
    return cols
  })
const savedRun: fc.Arbitrary<SavedRun> = fc
  .record({
    rr: requestAndResult,
    machine,
    created,
    appVersion: text,
    options: fc.option(fc.dictionary(text, jsonData(), { maxKeys: 4 }), { nil: undefined }),
    events,
  })
  .map(({ rr, options, ...rest }) => ({
    ...rr,
    ...rest,
    ...(options === undefined ? {} : { options: options as Record<string, unknown> }),
  }))

/** A valid file of a random run, built once per property run. */
const validFile = savedRun.map((run) => ({ run, bytes: encodeRunFile(run) }))

/** Byte-level damage: set, flip, insert, delete, duplicate a span. */
const damage = fc.array(
  fc.tuple(
    fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 0, max: 1 }) },
      { weight: 1, arbitrary: fc.integer({ min: 2, max: 4 }) },
    ),
    fc.nat(),
    fc.integer({ min: 0, max: 255 }),
    fc.integer({ min: 1, max: 16 }),
  ),
  { minLength: 1, maxLength: 6 },
)
function applyDamage(bytes: Uint8Array, edits: [number, number, number, number][]): Uint8Array {
  let b = bytes
  for (const [op, where, value, span] of edits) {
    const at = b.length ? where % b.length : 0
    if (op === 0 && b.length) (b = b.slice())[at] = value
    else if (op === 1 && b.length) (b = b.slice())[at] ^= 1 << (value % 8)
    else if (op === 2) b = Uint8Array.from([...b.subarray(0, at), ...Array(span).fill(value), ...b.subarray(at)])
    else if (op === 3) b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + span)])
    else b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at, at + span), ...b.subarray(at)])
  }
  return b
}

/** Edits the header JSON at a random path: replace with arbitrary JSON, delete, or retype. */
function editJson(root: unknown, path: number[], replacement: unknown, op: number): unknown {
  if (path.length === 0 || typeof root !== 'object' || root === null) return op === 0 ? replacement : root
  const keys = Object.keys(root)
  if (keys.length === 0) return root
  const key = keys[path[0] % keys.length]
  const copy: Record<string, unknown> = Array.isArray(root)
    ? ([...root] as never)
    : { ...(root as Record<string, unknown>) }
  if (path.length === 1 && op === 1) {
    if (Array.isArray(copy)) (copy as unknown as unknown[]).splice(Number(key), 1)
    else delete copy[key]
    return copy
  }
  if (path.length === 1 && op === 2) {
    const v = copy[key]
    copy[key] =
      typeof v === 'number'
        ? String(v)
        : typeof v === 'string'
          ? Number(v)
          : Array.isArray(v)
            ? { ...v }
            : v === null
              ? 0
              : typeof v === 'object'
                ? [v]
                : !v
    return copy
  }
  copy[key] = editJson(copy[key], path.slice(1), replacement, op)
  return copy
}

describe('run-file reader (fuzz)', () => {
  it(
    'encode → decode returns the run; re-encoding gives the same bytes',
    () => {
      fc.assert(
        fc.property(validFile, ({ run, bytes }) => {
          const r = decodeRunFile(bytes)
          check(r.ok, () => `a valid file does not decode: ${show(r)}`)
          const diff = sameRun(r.value, run)
          check(diff === null, () => `decoded run differs: ${diff}`)
          check(
            Buffer.compare(Buffer.from(encodeRunFile(r.value)), Buffer.from(bytes)) === 0,
            're-encoding changed the bytes',
          )
          // the same bytes at an offset inside a larger buffer (Node Buffers from a pool, subarrays)
          const host = new Uint8Array(bytes.length + 13)
          host.set(bytes, 7)
          const view = decodeRunFile(host.subarray(7, 7 + bytes.length))
          check(view.ok && sameRun(view.value, run) === null, 'decoding a subarray view differs')
        }),
        fcParams(300, 30),
      )
    },
    timeoutFor(300, 30, 10),
  )

  it(
    'every strict prefix is E_TRUNCATED (empty: E_NOT_A_RUN); trailing bytes are E_CORRUPT',
    () => {
      fc.assert(
        fc.property(
          validFile,
          fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
          fc.uint8Array({ minLength: 1, maxLength: 8 }),
          ({ bytes }, cuts, tail) => {
            for (const c of [
              0,
              1,
              MAGIC.length,
              PREAMBLE - 1,
              PREAMBLE,
              bytes.length - 1,
              ...cuts.map((x) => x % bytes.length),
            ]) {
              const r = decodeChecked(bytes.subarray(0, c))
              check(
                !r.ok && r.error.code === (c === 0 ? 'E_NOT_A_RUN' : 'E_TRUNCATED'),
                () => `prefix of ${c}/${bytes.length} bytes: ${show(r)}`,
              )
            }
            const longer = new Uint8Array(bytes.length + tail.length)
            longer.set(bytes)
            longer.set(tail, bytes.length)
            const r = decodeChecked(longer)
            check(!r.ok && r.error.code === 'E_CORRUPT', () => `trailing bytes: ${show(r)}`)
          },
        ),
        fcParams(200, 30),
      )
    },
    timeoutFor(200, 30, 20),
  )

  it(
    'damaged files: a typed error, or a run that re-encodes validly (checksum left as is)',
    () => {
      fc.assert(
        fc.property(validFile, damage, ({ bytes }, edits) => {
          const damaged = applyDamage(bytes, edits)
          const r = decodeChecked(damaged)
          // CRC-32 catches every change here (a collision is a 2^-32 event): only a no-op edit decodes
          const unchanged = Buffer.compare(Buffer.from(damaged), Buffer.from(bytes)) === 0
          check(
            r.ok === unchanged,
            () => `damage ${show(edits)} ${r.ok ? 'was not detected' : 'refused an unchanged file'}`,
          )
        }),
        fcParams(300, 30),
      )
    },
    timeoutFor(300, 30, 10),
  )

  it(
    'damaged files with the checksum repaired reach the header, inflate and column checks',
    () => {
      const reached = new Map<string, number>()
      fc.assert(
        fc.property(validFile, damage, ({ bytes }, edits) => {
          const r = decodeChecked(fixCrc(applyDamage(bytes, edits)))
          const what = r.ok ? 'decoded' : `${r.error.code} ${r.error.message.replace(/[^a-z ].*$/i, '').slice(0, 24)}`
          reached.set(what, (reached.get(what) ?? 0) + 1)
        }),
        fcParams(400, 30),
      )
      // the damage gets past the checksum into the later checks, not just the framing
      const stages = [...reached.keys()].join(' | ')
      expect(stages).toMatch(/header is/)
      expect(reached.size, stages).toBeGreaterThanOrEqual(4)
    },
    timeoutFor(400, 30, 10),
  )

  it(
    'header JSON edited at random (valid framing and checksum)',
    () => {
      fc.assert(
        fc.property(
          validFile,
          fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
          jsonData(),
          fc.integer({ min: 0, max: 2 }),
          ({ bytes }, path, replacement, op) => {
            const parts = split(bytes)
            const header = JSON.parse(new TextDecoder().decode(parts.header))
            const edited = editJson(header, path, replacement, op)
            decodeChecked(assemble({ header: utf8(canonicalJson(edited)), payload: parts.payload }))
          },
        ),
        fcParams(400, 30),
      )
    },
    timeoutFor(400, 30, 10),
  )

  it(
    'other payloads under a valid header: random bytes, deflated random columns, wrong sizes',
    () => {
      fc.assert(
        fc.property(
          validFile,
          fc.integer({ min: 0, max: 3 }),
          fc.uint8Array({ maxLength: 400 }),
          fc.integer({ min: -3, max: 3 }),
          ({ bytes }, how, raw, delta) => {
            const parts = split(bytes)
            const n = (JSON.parse(new TextDecoder().decode(parts.header)) as { eventCount: number }).eventCount
            let payload: Uint8Array
            if (how === 0) payload = raw
            else if (how === 1) {
              // columns of the declared size but arbitrary content: unknown kinds, NaN times…
              const cols = new Uint8Array(n * BYTES_PER_EVENT)
              for (let i = 0; i < cols.length; i++) cols[i] = raw.length ? raw[i % raw.length] ^ (i & 0xff) : 0
              payload = deflateSync(cols)
            } else if (how === 2)
              payload = deflateSync(new Uint8Array(Math.max(0, n * BYTES_PER_EVENT + delta))) // a few bytes too many or too few
            else payload = deflateSync(raw, { level: 0 })
            decodeChecked(assemble({ header: parts.header, payload }))
          },
        ),
        fcParams(300, 30),
      )
    },
    timeoutFor(300, 30, 10),
  )

  it(
    'arbitrary bytes, with and without the magic and a plausible preamble',
    () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 300 }),
          fc.integer({ min: 0, max: 3 }),
          fc.integer({ min: 0, max: 3 }),
          (rest, prefix, version) => {
            let bytes: Uint8Array = rest
            if (prefix >= 1) bytes = Uint8Array.from([...MAGIC, ...rest])
            if (prefix >= 2) bytes = Uint8Array.from([...MAGIC, version, 0, ...rest])
            if (prefix === 3) bytes = fixCrc(bytes)
            const r = decodeChecked(bytes)
            if (prefix === 0 && rest.length > 0 && rest[0] !== MAGIC[0])
              check(!r.ok && r.error.code === 'E_NOT_A_RUN', () => `no magic: ${show(r)}`)
          },
        ),
        fcParams(3000),
      )
    },
    timeoutFor(3000),
  )

  it('version numbers: newer is E_NEWER_FORMAT, 0 is E_CORRUPT', () => {
    const bytes = encodeRunFile({
      request: { experiment: 'parallel-sum', values: [1] },
      result: null,
      machine: { cpus: 1, os: 'x', timerSlackNs: 1, realtimeAllowed: false },
      created: '2025-01-01T00:00:00Z',
      appVersion: '1',
      events: new EventColumns(),
    })
    for (const version of [0, RUN_FILE_VERSION + 1, 0xffff]) {
      const b = bytes.slice()
      new DataView(b.buffer).setUint16(MAGIC.length, version, true)
      expect(decodeChecked(fixCrc(b))).toMatchObject({
        ok: false,
        error: { code: version === 0 ? 'E_CORRUPT' : 'E_NEWER_FORMAT' },
      })
    }
  })

  it('adversarial declared lengths fail fast, without allocating what they claim', () => {
    const timed = (what: string, bytes: Uint8Array, code: string) => {
      const t0 = performance.now()
      const r = decodeChecked(bytes)
      const ms = performance.now() - t0
      expect(r, what).toMatchObject({ ok: false, error: { code } })
      expect(ms, `${what}: ${ms.toFixed(0)} ms`).toBeLessThan(1000)
    }
    const preamble = (headerLength: number) => {
      const b = new Uint8Array(PREAMBLE + 16)
      b.set(MAGIC)
      new DataView(b.buffer).setUint16(MAGIC.length, 1, true)
      new DataView(b.buffer).setUint32(MAGIC.length + 2, headerLength, true)
      return b
    }
    timed('a 4 GiB header length', preamble(0xffff_ffff), 'E_CORRUPT')
    timed('a header length at the cap', preamble(RUN_FILE_LIMITS.maxHeaderBytes), 'E_TRUNCATED')
    const header = utf8(canonicalJson(minimalHeader(0)))
    const withPayloadLength = (p: number) => {
      const b = assemble({ header, payload: new Uint8Array(0) })
      new DataView(b.buffer).setUint32(PREAMBLE + header.length, p, true)
      return b
    }
    timed('a 4 GiB payload length', withPayloadLength(0xffff_ffff), 'E_TRUNCATED')
    // 8 M events (168 MB of columns) declared over a 10-byte payload
    timed(
      '8 M events in 10 bytes',
      assemble({
        header: utf8(canonicalJson(minimalHeader(RUN_FILE_LIMITS.maxEvents))),
        payload: deflateSync(new Uint8Array(10)),
      }),
      'E_CORRUPT',
    )
    timed(
      'over the event cap',
      assemble({
        header: utf8(canonicalJson(minimalHeader(RUN_FILE_LIMITS.maxEvents + 1))),
        payload: new Uint8Array(0),
      }),
      'E_CORRUPT',
    )
    timed(
      'a fractional event count',
      assemble({ header: utf8(canonicalJson(minimalHeader(1.5))), payload: new Uint8Array(0) }),
      'E_CORRUPT',
    )
    // the most the ratio check lets through for a 1 KB payload of garbage: ~50 K events, refused
    // by inflate, after allocating at most the claimed ~1 MB
    const garbage = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) & 0xff)
    timed(
      'the ratio limit over garbage',
      assemble({ header: utf8(canonicalJson(minimalHeader(Math.floor((1000 * 1032) / 21)))), payload: garbage }),
      'E_CORRUPT',
    )
  })

  it('a run at the event cap in a legitimately tiny file decodes in bounded time', () => {
    // 1 M identical events compress ~1000:1: the decoder must accept it (it is a real file) quickly
    const n = 1_000_000
    const cols = new EventColumns(n)
    cols.length = n
    const bytes = encodeRunFile({
      request: { experiment: 'parallel-sum', values: [1] },
      result: null,
      machine: { cpus: 1, os: 'x', timerSlackNs: 1, realtimeAllowed: false },
      created: '2025-01-01T00:00:00Z',
      appVersion: '1',
      events: cols,
    })
    const t0 = performance.now()
    const r = decodeRunFile(bytes)
    const ms = performance.now() - t0
    expect(r.ok).toBe(true)
    expect(ms).toBeLessThan(3000)
    if (r.ok) expect(r.value.events.length).toBe(n)
    expect(n * BYTES_PER_EVENT).toBeLessThanOrEqual(bytes.length * MAX_RATIO + 1024)
  })
})
