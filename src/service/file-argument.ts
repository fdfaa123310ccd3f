/**
 * A file named on the command line (`threadlab run.threadlab`, `threadlab numbers.txt`): found in
 * argv and read size-capped into an OpenFileMessage for the page. Electron's main uses it; no
 * Electron here, so it is tested directly.
 */
import { basename, resolve } from 'node:path'
import type { OpenFileMessage } from '../shared/api'
import { RUN_FILE_LIMITS } from '../shared/runfile'
import { readBoundedFile } from './files'

/** The most main reads of a command-line file: the cap of every run-file reader. */
export const MAX_FILE_ARGUMENT_BYTES = RUN_FILE_LIMITS.maxFileBytes

/** The first non-flag user argument: argv is the binary, (the app path when unpackaged), then the user's. */
export function fileArgument(argv: readonly string[], packaged: boolean): string | null {
  const rest = argv.slice(packaged ? 1 : 2).filter((a) => !a.startsWith('-'))
  return rest[0] ?? null
}

/**
 * Reads a command-line file with the one bounded reader (regular files only, opened non-blocking so
 * a FIFO never blocks, at most `maxBytes`). Never throws: a failure is the message's error. The
 * name is the base name, never the path.
 */
export async function readFileArgument(path: string, maxBytes = MAX_FILE_ARGUMENT_BYTES): Promise<OpenFileMessage> {
  const out = await readBoundedFile(resolve(path), maxBytes)
  return out.ok ? { name: basename(path), bytes: out.value } : { name: basename(path), error: out.error }
}
