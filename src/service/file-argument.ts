/**
 * A file named on the command line (`threadlab run.threadlab`, `threadlab numbers.txt`): found in
 * argv and read size-capped into an OpenFileMessage for the page. Electron's main uses it; no
 * Electron here, so it is tested directly.
 */
import { open } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import type { OpenFileMessage, Outcome } from '../shared/api'

/** The most main reads of a command-line file (a run file at its event cap is about 170 MB). */
export const MAX_FILE_ARGUMENT_BYTES = 256 * 1024 * 1024

/** The first non-flag user argument: argv is the binary, (the app path when unpackaged), then the user's. */
export function fileArgument(argv: readonly string[], packaged: boolean): string | null {
  const rest = argv.slice(packaged ? 1 : 2).filter((a) => !a.startsWith('-'))
  return rest[0] ?? null
}

/**
 * Reads a command-line file: a regular file of at most `maxBytes`, and never more than the size it
 * had when opened (a file growing meanwhile is cut there). Never throws: a failure is the message's
 * error. The name is the base name, never the path.
 */
export async function readFileArgument(path: string, maxBytes = MAX_FILE_ARGUMENT_BYTES): Promise<OpenFileMessage> {
  const out = await readCapped(path, maxBytes)
  return out.ok ? { name: basename(path), bytes: out.value } : { name: basename(path), error: out.error }
}

async function readCapped(path: string, maxBytes: number): Promise<Outcome<Uint8Array>> {
  let handle: Awaited<ReturnType<typeof open>> | undefined
  try {
    handle = await open(resolve(path), 'r')
    const st = await handle.stat()
    if (!st.isFile()) return { ok: false, error: { code: 'E_NOT_A_FILE', message: `${path} is not a regular file` } }
    if (st.size > maxBytes) {
      return {
        ok: false,
        error: {
          code: 'E_TOO_LARGE',
          message: `${path} is ${Math.round(st.size / 2 ** 20)} MiB, more than the ${Math.round(maxBytes / 2 ** 20)} MiB Threadlab opens`,
        },
      }
    }
    const bytes = new Uint8Array(st.size)
    let read = 0
    while (read < bytes.length) {
      const { bytesRead } = await handle.read(bytes, read, bytes.length - read, read)
      if (bytesRead === 0) break
      read += bytesRead
    }
    return { ok: true, value: bytes.subarray(0, read) }
  } catch (e) {
    return { ok: false, error: { code: 'E_READ', message: `${path} could not be read: ${(e as Error).message}` } }
  } finally {
    await handle?.close().catch(() => {})
  }
}
