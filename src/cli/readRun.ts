/** Reads and decodes a `.threadlab` file named on the command line, or fails naming the file. */
import { readFileSync } from 'node:fs'
import { decodeRunFile, type SavedRun } from '../shared/runfile'
import { EXIT, Failure } from './errors'

export function readRunFile(file: string): SavedRun {
  let bytes: Uint8Array
  try {
    bytes = readFileSync(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new Failure(
      code === 'ENOENT' ? `cannot open ${file}: no such file` : `cannot open ${file}: ${(e as Error).message}`,
      EXIT.usage,
    )
  }
  const decoded = decodeRunFile(bytes)
  if (!decoded.ok) throw new Failure(`${file}: ${decoded.error.code}: ${decoded.error.message}`, EXIT.usage)
  return decoded.value
}
