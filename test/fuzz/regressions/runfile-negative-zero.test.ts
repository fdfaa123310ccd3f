/**
 * REGRESSION (src/shared/runfile.ts, canonicalJson): a header number that JSON.parse reads as -0 —
 * "-0", or a negative literal that underflows such as "-4.4e-377" — decodes to -0, but canonicalJson
 * writes -0 as "0" (JSON.stringify semantics), so the decoded run does not survive a save: decode →
 * encode → decode gives 0 where the first decode gave -0 (Object.is differs), and open → save of
 * such a file changes its bytes. canonicalJson promises "the same value always gives the same text"
 * and keeps NaN/±Infinity exactly; -0 is the one number it loses. Found by runfile.fuzz.test.ts
 * ("damaged files with the checksum repaired": one bit flipped an exponent from e-277 to e-377 in
 * result.runId).
 *
 * Expected: either canonicalJson writes -0 as "-0" (JSON.parse("-0") is -0, so the round trip is
 * exact) or the decoder normalises -0 to 0 while reading — then decode(encode(decode(f))) equals
 * decode(f) for every file.
 */
import { deflateSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { canonicalJson, decodeRunFile, encodeRunFile } from '../../../src/shared/runfile'
import { assemble, minimalHeader, utf8 } from '../helpers/runfile'

describe('regression: -0 in a run-file header', () => {
  it.each(['-0', '-4.478697007544212e-377'])(
    'a header number written %s survives decode → encode → decode',
    (literal) => {
      const text = canonicalJson(
        minimalHeader(0, { machine: { cpus: 2, os: 'linux', realtimeAllowed: false, timerSlackNs: 12345 } }),
      ).replace('12345', literal)
      const first = decodeRunFile(assemble({ header: utf8(text), payload: deflateSync(new Uint8Array(0)) }))
      expect(first.ok).toBe(true)
      if (!first.ok) return
      const second = decodeRunFile(encodeRunFile(first.value))
      expect(second.ok).toBe(true)
      if (!second.ok) return
      expect(Object.is(second.value.machine.timerSlackNs, first.value.machine.timerSlackNs)).toBe(true)
    },
  )
})
