/**
 * `threadlab` command line: parse → read input → run in the addon → print / write files.
 * Exit codes: 0 ok, 1 the run failed, 2 bad usage or bad input, 130 interrupted (143 on SIGTERM).
 */
import { parseCli, UsageError, type Command } from './args'
import { EXIT, Failure } from './errors'
import { InputError } from './input'
import { usage } from './usage'

export { EXIT }

/**
 * The commands are required on demand (plain CommonJS require, which the tsx hook compiles):
 * `--help` and `--version` never load the addon, fflate or the analysis modules.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy require is the point: see above
const load = <T>(path: string): T => require(path) as T
const commands = () => load<typeof import('./commands')>('./commands')

const out = (text: string) => process.stdout.write(text)
const err = (text: string) => process.stderr.write(text)

export async function main(argv: string[]): Promise<number> {
  let command: Command
  try {
    command = parseCli(argv)
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    err(`threadlab: ${e.message}\nRun "threadlab ${e.command ? e.command + ' ' : ''}--help" for usage.\n`)
    return EXIT.usage
  }
  try {
    switch (command.kind) {
      case 'help':
        out(usage(command.topic))
        return EXIT.ok
      case 'version': {
        const { appVersion } = load<typeof import('./version')>('./version')
        out(`threadlab ${appVersion()}\n`)
        return EXIT.ok
      }
      case 'sort':
        return await commands().sortCommand(command)
      case 'sum':
        return await commands().sumCommand(command)
      case 'open':
        return await commands().openCommand(command)
      case 'diff':
        return await load<typeof import('./diff')>('./diff').diffCommand(command)
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`threadlab: ${e.message}\nRun "threadlab ${command.kind} --help" for usage.\n`)
      return EXIT.usage
    }
    if (e instanceof InputError) {
      err(`threadlab: ${e.message}\n`)
      return EXIT.usage
    }
    if (e instanceof Failure) {
      err(`threadlab: ${e.message}\n`)
      return e.exitCode
    }
    err(`threadlab: ${(e as Error)?.stack ?? String(e)}\n`)
    return EXIT.failed
  }
}
