// A file named on Electron's command line, read the way main reads it: size-capped, base name only,
// every failure an OpenFileMessage error with its code (never a throw).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fileArgument, readFileArgument } from '../../src/service/file-argument'
import { parseOpenFileMessage } from '../../src/shared/openfile'

const dir = mkdtempSync(join(tmpdir(), 'threadlab-filearg-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('command-line files', () => {
  it('takes the first non-flag user argument (after the app path when unpackaged)', () => {
    expect(fileArgument(['electron', '.', '--inspect', 'run.threadlab', 'x'], false)).toBe('run.threadlab')
    expect(fileArgument(['Threadlab', 'numbers.txt'], true)).toBe('numbers.txt')
    expect(fileArgument(['Threadlab'], true)).toBeNull()
  })

  it('reads a file into a message the page accepts, named by its base name only', async () => {
    const path = join(dir, 'numbers.txt')
    writeFileSync(path, '5 1 2')
    const message = await readFileArgument(path)
    expect(message).toEqual({ name: 'numbers.txt', bytes: new Uint8Array(Buffer.from('5 1 2')) })
    expect(parseOpenFileMessage(message)).toEqual(message)
  })

  it('refuses a file over the cap, a folder and a missing file, each with its code', async () => {
    const big = join(dir, 'big.threadlab')
    writeFileSync(big, Buffer.alloc(2048))
    expect(await readFileArgument(big, 1024)).toMatchObject({ name: 'big.threadlab', error: { code: 'E_TOO_LARGE' } })
    expect(await readFileArgument(dir)).toMatchObject({ error: { code: 'E_NOT_A_FILE' } })
    const missing = await readFileArgument(join(dir, 'nope.txt'))
    expect(missing).toMatchObject({ name: 'nope.txt', error: { code: 'E_NOT_FOUND' } })
    expect(parseOpenFileMessage(missing)).toEqual(missing)
  })

  it('refuses a FIFO at once instead of blocking a thread-pool thread on it', async () => {
    const fifo = join(dir, 'pipe')
    execFileSync('mkfifo', [fifo])
    const t0 = performance.now()
    const message = await Promise.race([
      readFileArgument(fifo),
      new Promise((r) => setTimeout(() => r('blocked'), 2_000).unref()),
    ])
    expect(message).toMatchObject({ name: 'pipe', error: { code: 'E_NOT_A_FILE' } })
    expect(performance.now() - t0).toBeLessThan(1_000)
  })
})
