/**
 * What opening a damaged, truncated or foreign `.threadlab` file says, word for word: the code and
 * a message that tells where the file went wrong (byte counts, versions, checksums).
 */
import { deflateSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { EventColumns } from '../../src/shared/columns'
import { crc32, decodeRunFile, encodeRunFile, RUN_FILE_LIMITS, type SavedRun } from '../../src/shared/runfile'
import { assemble, fixCrc, minimalHeader, PREAMBLE, utf8 } from '../fuzz/helpers/runfile'

const header = utf8(JSON.stringify(minimalHeader(0)))
const good = assemble({ header, payload: deflateSync(new Uint8Array()) })
const H = header.length

function opening(bytes: unknown): string {
  const r = decodeRunFile(bytes as Uint8Array)
  return r.ok ? 'OK' : `${r.error.code}: ${r.error.message}`
}
const withU16 = (at: number, v: number) => {
  const b = good.slice()
  new DataView(b.buffer).setUint16(at, v, true)
  return fixCrc(b)
}
const withU32 = (at: number, v: number) => {
  const b = good.slice()
  new DataView(b.buffer).setUint32(at, v, true)
  return b
}
/** The smallest run the encoder takes: a one-value sum without a result. */
const bareRun = (events: EventColumns): SavedRun => ({
  request: { experiment: 'parallel-sum', values: [1] },
  result: null,
  machine: { cpus: 1, os: 'x', timerSlackNs: 1, realtimeAllowed: false },
  created: '2025-01-01T00:00:00Z',
  appVersion: '0',
  events,
})
const hex = (x: number) => '0x' + x.toString(16).padStart(8, '0')

describe('opening a file that is not a whole run', () => {
  it('opens the intact file', () => {
    expect(opening(good)).toBe('OK')
  })

  it('an empty file, or no bytes at all, is not a run', () => {
    expect(opening(new Uint8Array())).toBe('E_NOT_A_RUN: the file is empty, not a Threadlab run')
    expect(opening([84, 72])).toBe('E_NOT_A_RUN: the file is empty, not a Threadlab run')
  })

  it('a file that does not start with the magic is not a run, however short', () => {
    const foreign = 'E_NOT_A_RUN: this is not a Threadlab run file (it does not start with "THREADLAB")'
    expect(opening(utf8('{"traceEvents":[]}'))).toBe(foreign)
    expect(opening(utf8('THX'))).toBe(foreign)
  })

  it('a file cut inside its preamble, header or events says how far it got', () => {
    expect(opening(good.subarray(0, 5))).toBe('E_TRUNCATED: the file ends after 5 bytes, inside its 16-byte preamble')
    expect(opening(good.subarray(0, 15))).toBe('E_TRUNCATED: the file ends after 15 bytes, inside its 16-byte preamble')
    expect(opening(good.subarray(0, PREAMBLE))).toBe(
      `E_TRUNCATED: the file ends after ${PREAMBLE} bytes, inside its ${H}-byte header`,
    )
    expect(opening(good.subarray(0, PREAMBLE + H + 3))).toBe(
      `E_TRUNCATED: the file ends after ${PREAMBLE + H + 3} bytes, inside its ${H}-byte header`,
    )
    expect(opening(good.subarray(0, PREAMBLE + H + 4))).toBe(
      `E_TRUNCATED: the file ends after ${PREAMBLE + H + 4} bytes; its event data needs ${good.length}`,
    )
    expect(opening(good.subarray(0, good.length - 1))).toBe(
      `E_TRUNCATED: the file ends after ${good.length - 1} bytes; its event data needs ${good.length}`,
    )
  })

  it('names bytes after the checksum', () => {
    const longer = new Uint8Array(good.length + 3)
    longer.set(good)
    expect(opening(longer)).toBe('E_CORRUPT: the file has 3 unexpected bytes after its checksum')
  })

  it('names a newer format, and a version 0 that never existed', () => {
    expect(opening(withU16(10, 2))).toBe(
      'E_NEWER_FORMAT: this run file is format version 2; this version of Threadlab reads format version 1 and older — update Threadlab to open it',
    )
    expect(opening(withU16(10, 0))).toBe('E_CORRUPT: format version 0 does not exist')
  })

  it('refuses a header length over the cap before reading it', () => {
    const cap = RUN_FILE_LIMITS.maxHeaderBytes
    expect(opening(withU32(12, cap + 1))).toBe(`E_CORRUPT: the header length ${cap + 1} exceeds the ${cap}-byte cap`)
    expect(opening(withU32(12, cap))).toBe(
      `E_TRUNCATED: the file ends after ${good.length} bytes, inside its ${cap}-byte header`,
    )
  })

  it('shows both checksums when the file was damaged', () => {
    const damaged = good.slice()
    damaged[PREAMBLE + 2] ^= 0x20
    const at = good.length - 4
    const stored = new DataView(good.buffer).getUint32(at, true)
    expect(opening(damaged)).toBe(
      `E_CORRUPT: checksum mismatch (stored ${hex(stored)}, computed ${hex(crc32(damaged.subarray(0, at)))}): the file was damaged`,
    )
    // always eight hex digits, as a checksum is usually written
    const small = good.slice()
    new DataView(small.buffer).setUint32(at, 0xabc, true)
    expect(opening(small)).toMatch(/^E_CORRUPT: checksum mismatch \(stored 0x00000abc, computed 0x[0-9a-f]{8}\)/)
  })

  it('says when the header is not text, not JSON, or holds a tag it does not know', () => {
    const payload = deflateSync(new Uint8Array())
    expect(opening(assemble({ header: Uint8Array.from([0x7b, 0xff, 0x7d]), payload }))).toBe(
      'E_CORRUPT: the header is not valid UTF-8',
    )
    expect(opening(assemble({ header: utf8('{"a":'), payload }))).toMatch(
      /^E_CORRUPT: the header is not valid JSON \(.+\)$/,
    )
    // a byte order mark is kept as text (dropping it would change the bytes on re-save), and JSON does not allow it
    expect(opening(assemble({ header: Uint8Array.from([0xef, 0xbb, 0xbf, ...header]), payload }))).toMatch(
      /^E_CORRUPT: the header is not valid JSON \(.+\)$/,
    )
    const tagged = (options: unknown) =>
      opening(assemble({ header: utf8(JSON.stringify(minimalHeader(0, { options }))), payload }))
    expect(tagged({ a: { $nonFinite: 'Nope' } })).toBe(
      'E_CORRUPT: the header is malformed: "Nope" is not a non-finite number tag',
    )
    expect(tagged([{ $nonFinite: 1 }])).toBe('E_CORRUPT: the header is malformed: 1 is not a non-finite number tag')
    expect(tagged({ a: { $escaped: { b: 1 } } })).toBe(
      'E_CORRUPT: the header is malformed: an "$escaped" member holds something other than an escaped tag-shaped object',
    )
    expect(tagged({ a: { $escaped: 5 } })).toMatch(/an "\$escaped" member holds something other/)
    expect(tagged({ a: { $escaped: { $nonFinite: 'NaN', x: 1 } } })).toMatch(/an "\$escaped" member/)
    expect(tagged({ a: { $escaped: { $escaped: { $nonFinite: 'NaN' } } } })).toBe('OK')
    expect(tagged({ a: [{ $nonFinite: '-Infinity' }, { $escaped: { $nonFinite: 1 } }] })).toBe('OK')
  })

  it('refuses to write a header larger than a file holds, saying how large', () => {
    const cap = RUN_FILE_LIMITS.maxHeaderBytes
    const run = { ...bareRun(new EventColumns(1)), options: { note: 'x'.repeat(cap) } }
    let thrown: unknown
    try {
      encodeRunFile(run)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(RangeError)
    // the note and the rest of the header (its fields and their names: 251 bytes)
    expect((thrown as Error).message).toBe(
      `the run's header is ${cap + 251} bytes, more than the ${cap} a run file holds`,
    )
  })

  it('never throws, even for a byte array that fails as it is read', () => {
    const failing = good.slice()
    failing.subarray = () => {
      throw new Error('the device went away')
    }
    expect(opening(failing)).toBe('E_CORRUPT: the file could not be read: the device went away')
  })

  it('refuses to write more events than a file holds, saying how many', () => {
    const events = new EventColumns(1)
    events.length = RUN_FILE_LIMITS.maxEvents + 1
    expect(() => encodeRunFile(bareRun(events))).toThrow(
      `a run file holds at most ${RUN_FILE_LIMITS.maxEvents} events, this run has ${RUN_FILE_LIMITS.maxEvents + 1}`,
    )
  })
})
