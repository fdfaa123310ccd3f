/**
 * Run-file tools for the fuzz tests: take a .threadlab file apart, put one together from raw parts
 * with a correct checksum, and build deflate streams that expand ~1000:1 (a "bomb") without ever
 * holding the expanded bytes.
 */
import type { SleepSortResult } from '../../../src/shared/api'
import { crc32, RUN_FILE_MAGIC, RUN_FILE_VERSION } from '../../../src/shared/runfile'

export const MAGIC = Uint8Array.from(RUN_FILE_MAGIC, (c) => c.charCodeAt(0))
export const PREAMBLE = MAGIC.length + 2 + 4
export const BYTES_PER_EVENT = 21

export interface Parts {
  version: number
  header: Uint8Array
  payload: Uint8Array
}

/** Splits a well-formed file into its parts (throws on a file that is not). */
export function split(bytes: Uint8Array): Parts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const version = view.getUint16(MAGIC.length, true)
  const h = view.getUint32(MAGIC.length + 2, true)
  const header = bytes.slice(PREAMBLE, PREAMBLE + h)
  const p = view.getUint32(PREAMBLE + h, true)
  const payload = bytes.slice(PREAMBLE + h + 4, PREAMBLE + h + 4 + p)
  return { version, header, payload }
}

/** Puts a file together from raw parts: lengths and CRC are computed, nothing is checked. */
export function assemble({
  version = RUN_FILE_VERSION,
  header,
  payload,
}: Partial<Parts> & { header: Uint8Array; payload: Uint8Array }): Uint8Array {
  const out = new Uint8Array(PREAMBLE + header.length + 4 + payload.length + 4)
  const view = new DataView(out.buffer)
  out.set(MAGIC, 0)
  view.setUint16(MAGIC.length, version, true)
  view.setUint32(MAGIC.length + 2, header.length, true)
  out.set(header, PREAMBLE)
  view.setUint32(PREAMBLE + header.length, payload.length, true)
  out.set(payload, PREAMBLE + header.length + 4)
  const at = out.length - 4
  view.setUint32(at, crc32(out.subarray(0, at)), true)
  return out
}

/** Recomputes the trailing CRC of a (possibly damaged) file so the damage gets past the checksum. */
export function fixCrc(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 4) return bytes
  const out = bytes.slice()
  const at = out.length - 4
  new DataView(out.buffer).setUint32(at, crc32(out.subarray(0, at)), true)
  return out
}

export const utf8 = (s: string) => new TextEncoder().encode(s)

/** A minimal header object that passes the decoder's shape check. */
export function minimalHeader(eventCount: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    appVersion: '0.1.0',
    created: '2025-01-01T00:00:00.000Z',
    eventCount,
    format: 'threadlab-run',
    machine: { cpus: 2, os: 'linux', realtimeAllowed: false, timerSlackNs: 50000 },
    request: { experiment: 'parallel-sum', values: [1, 2] },
    result: null,
    ...extra,
  }
}

/**
 * A raw-deflate stream (one dynamic-Huffman block) that inflates to one zero byte followed by
 * `pairs` × 258 more: 2 bits per 258 bytes, the format's ~1032:1 maximum. The literal/length code
 * gives symbol 285 (length 258) a 1-bit code, literal 0 and end-of-block 2-bit codes; the distance
 * code has the single symbol 0 (distance 1).
 */
export function deflateBomb(pairs: number): Uint8Array {
  const bytes = new Uint8Array(Math.ceil((60 + 2 * pairs + 4) / 8) + 8)
  let at = 0
  let acc = 0
  let n = 0
  const put = (v: number, len: number) => {
    for (let i = 0; i < len; i++) {
      acc |= ((v >>> i) & 1) << n
      if (++n === 8) {
        bytes[at++] = acc
        acc = 0
        n = 0
      }
    }
  }
  const code = (c: number, len: number) => {
    for (let i = len - 1; i >= 0; i--) put((c >>> i) & 1, 1) // Huffman codes go most significant bit first
  }
  put(1, 1) // BFINAL
  put(2, 2) // BTYPE = dynamic
  put(286 - 257, 5) // HLIT: literal/length codes 0..285
  put(1 - 1, 5) // HDIST: one distance code
  put(18 - 4, 4) // HCLEN: 18 code-length codes in the order below
  const order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1]
  const clLengths: Record<number, number> = { 18: 1, 1: 2, 2: 2 } // canonical codes: 18 → 0, 1 → 10, 2 → 11
  for (const s of order) put(clLengths[s] ?? 0, 3)
  const cl = (s: number) => (s === 18 ? code(0, 1) : s === 1 ? code(2, 2) : code(3, 2))
  // literal/length lengths: [0] = 2, 1..255 = 0, [256] = 2, 257..284 = 0, [285] = 1; distance [0] = 1
  cl(2)
  cl(18)
  put(138 - 11, 7)
  cl(18)
  put(117 - 11, 7)
  cl(2)
  cl(18)
  put(28 - 11, 7)
  cl(1)
  cl(1)
  // canonical literal/length codes: 285 → 0, 0 → 10, 256 → 11; distance 0 → 0
  code(2, 2) // literal 0
  for (let i = 0; i < pairs; i++) put(0, 2) // length 258 (code 0), distance 1 (code 0)
  code(3, 2) // end of block
  if (n) bytes[at++] = acc
  return bytes.slice(0, at)
}

/** The result of a finished classic sleep sort of [2, 1] that claims `threads` threads. */
export function twoValueResult(threads: number): SleepSortResult {
  return {
    experiment: 'sleep-sort',
    runId: 1,
    output: [1, 2],
    sorted: true,
    misplaced: 0,
    inversions: 0,
    latenessNs: { p50: 0, p99: 0, max: 0 },
    lockWaitNs: { p50: 0, p99: 0, max: 0 },
    wallMs: 1,
    threads,
    mode: 'classic',
    unitMs: 1,
    shift: 0,
    cancelled: false,
    eventCount: 0,
  }
}
