/**
 * Reads and decodes a `.threadlab` file named on the command line, or fails (exit 2) naming the
 * file: the bounded reader (regular files only, size-capped, never blocking on a FIFO), the
 * decoder, then the app's own openability check, so a file is bounded by what it claims.
 */
import { readBoundedFile } from '../service/files'
import { decodeRunFile, openableProblem, RUN_FILE_LIMITS, type SavedRun } from '../shared/runfile'
import { EXIT, Failure } from './errors'

export async function readRunFile(file: string): Promise<SavedRun> {
  const read = await readBoundedFile(file, RUN_FILE_LIMITS.maxFileBytes)
  if (!read.ok) throw new Failure(`cannot open ${read.error.message}`, EXIT.usage)
  const decoded = decodeRunFile(read.value)
  if (!decoded.ok) throw new Failure(`${file}: ${decoded.error.code}: ${decoded.error.message}`, EXIT.usage)
  const problem = openableProblem(decoded.value)
  if (problem) throw new Failure(`${file}: ${problem.code}: ${problem.message}`, EXIT.usage)
  return decoded.value
}
