/** Errors that end the command with a chosen exit code and a one-line message on stderr. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130, terminated: 143 } as const

/** A failure with its exit code: 2 for bad input or options, 1 when the run itself failed. */
export class Failure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message)
  }
}

/** Addon codes that mean "your input or options are wrong" (exit 2); anything else is a failure. */
export const INPUT_CODES: ReadonlySet<string> = new Set([
  'E_EMPTY',
  'E_NOT_A_NUMBER',
  'E_NOT_FINITE',
  'E_TOO_LARGE',
  'E_TOO_MANY',
  'E_DURATION_CAP',
  'E_BAD_UNIT',
  'E_BAD_MODE',
  'E_BAD_THREADS',
  'E_BAD_OPTION',
  'E_BAD_INPUT',
  'E_BAD_REQUEST',
])
