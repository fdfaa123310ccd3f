// Finding 3 of the hostile-client review: run files were trusted for `result.threads` (an
// 861-byte file claiming 10^7 threads made `threadlab open` allocate 887 MB; 10^8 crashed it with
// a raw RangeError stack), the CLI skipped the app's openability check, file reads had no size
// cap, and opening a FIFO blocked forever. Each case must now end with exit 2 and one line.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deflateSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalJson, RUN_FILE_LIMITS } from '../../src/shared/runfile'
import { assemble, minimalHeader, twoValueResult, utf8 } from '../fuzz/helpers/runfile'
import { threadlab } from './helpers'

const GNU_TIME = '/usr/bin/time'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'threadlab-crafted-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A well-formed run file (correct lengths and CRC) of 2 values whose result claims `threads`. */
function craftedRun(threads: number): string {
  const header = minimalHeader(0, {
    request: { experiment: 'sleep-sort', values: [2, 1], mode: 'classic', unitMs: 1 },
    result: twoValueResult(threads),
  })
  const path = join(dir, `threads-${threads}.threadlab`)
  writeFileSync(path, assemble({ header: utf8(canonicalJson(header)), payload: deflateSync(new Uint8Array(0)) }))
  return path
}

/** stderr without GNU time's own lines, and the peak RSS in MB it reported. */
function splitTime(stderr: string): { lines: string[]; maxRssMb: number } {
  const lines = stderr.split('\n').filter((l) => l !== '' && !l.startsWith('Command exited with non-zero status'))
  const figure = lines.findIndex((l) => l.startsWith('maxrss_kb='))
  const maxRssMb = figure >= 0 ? Number(lines.splice(figure, 1)[0].slice('maxrss_kb='.length)) / 1024 : NaN
  return { lines, maxRssMb }
}

describe('crafted and hostile files', () => {
  it.skipIf(!existsSync(GNU_TIME))(
    'a run file claiming 10^7 threads is refused with exit 2 and one line, under 100 MB RSS (needs GNU time)',
    async () => {
      const r = await threadlab(['open', craftedRun(10_000_000)], { prefix: [GNU_TIME, '-f', 'maxrss_kb=%M'] })
      const { lines, maxRssMb } = splitTime(r.stderr)
      expect(r.code).toBe(2)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(/^threadlab: .*E_CORRUPT.*result\.threads 10000000 disagrees with the 2 values/)
      expect(maxRssMb).toBeLessThan(100)
      console.log(`crafted run file (10^7 threads): exit ${r.code}, peak RSS ${maxRssMb.toFixed(1)} MB`)
    },
  )

  it('a run file claiming 10^8 threads gives the same one line, not a RangeError stack', async () => {
    const r = await threadlab(['open', craftedRun(100_000_000)])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).not.toMatch(/RangeError|\n\s+at /)
  })

  it('a finished run whose threads disagree with its values is refused too', async () => {
    const r = await threadlab(['open', craftedRun(1)])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/result\.threads 1 of a finished run disagrees with its 2 values/)
  })

  it('a FIFO is refused at once by open and by --file (never blocks)', async () => {
    const fifo = join(dir, 'pipe')
    execFileSync('mkfifo', [fifo])
    for (const args of [
      ['open', fifo],
      ['sort', '--file', fifo],
    ]) {
      const r = await threadlab(args, { timeoutMs: 10_000 })
      expect(r.code).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(/pipe \(FIFO\): only regular files are read/)
    }
  })

  it('a file larger than the cap is refused without reading it', async () => {
    const big = join(dir, 'big.threadlab')
    writeFileSync(big, '')
    truncateSync(big, RUN_FILE_LIMITS.maxFileBytes + 1) // sparse: nothing is written
    const r = await threadlab(['open', big])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/more than the 256 MiB read/)
    const list = await threadlab(['sort', '--file', big])
    expect(list.code).toBe(2)
    expect(list.stderr).toMatch(/more than the 80 MiB read/)
  })

  it('a folder is not a file', async () => {
    const r = await threadlab(['open', dir])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/is a folder: only regular files are read/)
  })
})
