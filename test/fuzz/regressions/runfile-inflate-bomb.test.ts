/**
 * REGRESSION (src/shared/runfile.ts, decode → inflateSync(…, { out: raw })): decoding does not stop
 * when the event data inflates past the size the header declares. fflate, given a fixed output
 * buffer, keeps decompressing the whole stream (writes past the buffer are simply lost) and only then
 * does the decoder see "decompresses to more than N bytes". A small file whose payload is a deflate
 * bomb (~1032:1) therefore costs time proportional to the *inflated* size, unbounded by eventCount:
 * measured here, a 250 KB file declaring 0 events takes ~4 s and a 2 MB file ~15 s (a 16 MB file,
 * the WebSocket message cap, ~2 min) before it is refused with E_CORRUPT — the renderer, the CLI's
 * `open` or any importer hangs meanwhile.
 *
 * Expected: decoding stops as soon as the output exceeds the declared rawLength (+1), e.g. with
 * fflate's streaming `Inflate` fed in chunks and aborted once the running total passes rawLength,
 * so the work is bounded by min(inflated size, declared size) + one chunk. Found while fuzzing
 * decode time on adversarial inputs (runfile.fuzz.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { canonicalJson, decodeRunFile } from '../../../src/shared/runfile'
import { assemble, deflateBomb, minimalHeader, utf8 } from '../helpers/runfile'

describe('regression: inflate bomb in a run file', () => {
  it('a 250 KB file that inflates to 258 MB is refused quickly (it declares 0 events)', () => {
    const payload = deflateBomb(1_000_000) // 250 KB → 258 MB of zeros
    const bytes = assemble({ header: utf8(canonicalJson(minimalHeader(0))), payload })
    expect(bytes.length).toBeLessThan(260_000)
    const t0 = performance.now()
    const r = decodeRunFile(bytes)
    const ms = performance.now() - t0
    expect(r).toMatchObject({ ok: false, error: { code: 'E_CORRUPT' } })
    // decoding a valid 250 KB file takes a few ms; refusing this one should not take much longer
    expect(ms, `decoding took ${ms.toFixed(0)} ms`).toBeLessThan(500)
  })
})
