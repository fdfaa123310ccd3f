/**
 * The one way Threadlab reads a file a person named (the CLI's `--file` and `open`, Electron's
 * command-line file): a regular file only, capped in size, never blocking. The file is opened
 * non-blocking and checked with fstat on that very descriptor, so a FIFO, a device or a socket is
 * refused at once instead of parking a thread-pool thread forever, and a file swapped between a
 * check and the open cannot slip through. Never throws.
 */
import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import type { Outcome } from '../shared/api'

const mib = (bytes: number) => `${Math.round((bytes / 2 ** 20) * 10) / 10} MiB`

/**
 * Reads `path` whole when it is a regular file of at most `maxBytes`, never more than the size
 * it had when opened (a file growing meanwhile is cut there). Refusals: E_NOT_FOUND,
 * E_NOT_A_FILE (FIFO, device, directory, socket), E_TOO_LARGE, E_READ.
 */
export async function readBoundedFile(path: string, maxBytes: number): Promise<Outcome<Uint8Array>> {
  let handle: Awaited<ReturnType<typeof open>> | undefined
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY)
    const st = await handle.stat()
    if (!st.isFile()) {
      const what = st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a pipe (FIFO)' : 'not a regular file'
      return { ok: false, error: { code: 'E_NOT_A_FILE', message: `${path} is ${what}: only regular files are read` } }
    }
    if (st.size > maxBytes) {
      return {
        ok: false,
        error: { code: 'E_TOO_LARGE', message: `${path} is ${mib(st.size)}, more than the ${mib(maxBytes)} read` },
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
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return { ok: false, error: { code: 'E_NOT_FOUND', message: `${path}: no such file` } }
    if (code === 'EISDIR')
      return { ok: false, error: { code: 'E_NOT_A_FILE', message: `${path} is a folder: only regular files are read` } }
    return { ok: false, error: { code: 'E_READ', message: `${path} could not be read: ${(e as Error).message}` } }
  } finally {
    await handle?.close().catch(() => {})
  }
}
