/**
 * REGRESSION (src/shared/runfile.ts, decode → strFromU8): the header is decoded with a non-fatal
 * UTF-8 decoder, so each invalid byte becomes U+FFFD (3 bytes in UTF-8) instead of the file being
 * refused. A header of up to 64 MiB holding ≥ ~22 MiB of invalid bytes inside a JSON string then
 * decodes fine, but its run can no longer be saved: re-encoding yields a header over
 * RUN_FILE_LIMITS.maxHeaderBytes and encodeRunFile throws RangeError — decodeRunFile accepted a
 * value that does not re-encode. (Smaller cases decode "successfully" to text that differs from the
 * bytes on disk, so open → save silently changes the file.)
 *
 * Expected: invalid UTF-8 in the header is E_CORRUPT (e.g. new TextDecoder('utf-8', { fatal: true })).
 * Found by the run-file fuzz property "a decoded run re-encodes validly" (runfile.fuzz.test.ts).
 */
import { deflateSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { canonicalJson, decodeRunFile, encodeRunFile } from '../../../src/shared/runfile'
import { assemble, minimalHeader, utf8 } from '../helpers/runfile'

function withInvalidBytes(count: number): Uint8Array {
  const header = utf8(canonicalJson(minimalHeader(0, { appVersion: 'X' })))
  const at = new TextDecoder().decode(header).indexOf('"X"') + 1
  const out = new Uint8Array(header.length - 1 + count)
  out.set(header.subarray(0, at))
  out.fill(0xff, at, at + count)
  out.set(header.subarray(at + 1), at + count)
  return assemble({ header: out, payload: deflateSync(new Uint8Array(0)) })
}

describe('regression: invalid UTF-8 in a run-file header', () => {
  it('is refused, not replaced (small case)', () => {
    expect(decodeRunFile(withInvalidBytes(3))).toMatchObject({ ok: false, error: { code: 'E_CORRUPT' } })
  })

  it('a decoded run always re-encodes (23 MB of invalid bytes in a string)', { timeout: 60_000 }, () => {
    const r = decodeRunFile(withInvalidBytes(23_000_000))
    if (!r.ok) {
      expect(r.error.code).toBe('E_CORRUPT')
      return
    }
    expect(() => encodeRunFile(r.value)).not.toThrow()
  })
})
