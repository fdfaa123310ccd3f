/**
 * Command-line parsing: argv → one Command, or a UsageError (exit 2) naming the bad token.
 * Built on node:util parseArgs; negative numbers (`sort -3 5 1`) are values, not options.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { TimingMode } from '../shared/api'
import { TIMING_MODES } from '../shared/api'
import { LIMITS } from '../shared/limits'
import { formatUnitMs, parseDuration, unitProblem } from '../shared/units'

export class UsageError extends Error {
  /** the subcommand whose usage to point at */
  constructor(
    message: string,
    readonly command?: CommandName,
  ) {
    super(message)
  }
}

export type CommandName = 'sort' | 'sum' | 'open' | 'diff'

export interface Outputs {
  json: boolean
  trace?: string
  csv?: string
  save?: string
}

export interface InputSpec {
  /** value tokens from argv, in order ('-' means stdin) */
  args: string[]
  file?: string
}

export type Command =
  | { kind: 'help'; topic?: CommandName }
  | { kind: 'version' }
  | ({
      kind: 'sort'
      input: InputSpec
      mode: TimingMode
      unitMs: number
      repeat: number
      maxValues?: number
      record: boolean
    } & Outputs)
  | ({ kind: 'sum'; input: InputSpec; threads?: number; unitMs: number } & Outputs)
  | ({ kind: 'open'; file: string } & Outputs)
  | { kind: 'diff'; files: string[]; json: boolean; save?: string }

const COMMON = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  trace: { type: 'string' },
  csv: { type: 'string' },
  save: { type: 'string' },
} as const

const OPTIONS = {
  sort: {
    ...COMMON,
    mode: { type: 'string', short: 'm' },
    unit: { type: 'string', short: 'u' },
    file: { type: 'string', short: 'f' },
    repeat: { type: 'string', short: 'n' },
    'max-values': { type: 'string' },
    'no-events': { type: 'boolean' },
  },
  sum: {
    ...COMMON,
    threads: { type: 'string', short: 't' },
    unit: { type: 'string', short: 'u' },
    file: { type: 'string', short: 'f' },
  },
  open: { help: COMMON.help, json: COMMON.json, trace: COMMON.trace, csv: COMMON.csv },
  diff: { help: COMMON.help, json: COMMON.json, save: COMMON.save },
} satisfies Record<CommandName, ParseArgsConfig['options']>

export const DEFAULT_SORT_UNIT_MS = 100
export const DEFAULT_MODE: TimingMode = 'scheduled'

const NEGATIVE_NUMBER = /^-(?:\d|\.\d)/

export function parseCli(argv: readonly string[]): Command {
  const first = argv[0]
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? argv[1] : undefined
    if (topic !== undefined && !isCommandName(topic)) throw new UsageError(`unknown command "${topic}"`)
    return { kind: 'help', topic: topic as CommandName | undefined }
  }
  if (first === '--version' || first === '-V' || first === 'version') return { kind: 'version' }
  if (!isCommandName(first)) {
    if (first.startsWith('-'))
      throw new UsageError(`unknown option "${first}" (give a command first: sort, sum, open or diff)`)
    throw new UsageError(`unknown command "${first}" (commands: sort, sum, open, diff)`)
  }
  const command = first
  const rest = argv.slice(1)

  // parseArgs would read "-3" as an option: hide negative numbers behind placeholders.
  const hidden = new Map<string, string>()
  const masked = rest.map((a, i) => {
    if (!NEGATIVE_NUMBER.test(a)) return a
    const key = `\u0000${i}`
    hidden.set(key, a)
    return key
  })
  let parsed
  try {
    parsed = parseArgs({ args: masked, options: OPTIONS[command], allowPositionals: true, strict: true })
  } catch (e) {
    throw new UsageError(cleanParseError((e as Error).message), command)
  }
  const values = parsed.values as Record<string, string | boolean | undefined>
  const positionals = parsed.positionals.map((p) => hidden.get(p) ?? p)
  // an option's value that was a negative number (e.g. `--unit -1`)
  for (const [k, v] of Object.entries(values)) if (typeof v === 'string' && hidden.has(v)) values[k] = hidden.get(v)

  if (values.help) return { kind: 'help', topic: command }
  const outputs: Outputs = {
    json: values.json === true,
    trace: str(values.trace),
    csv: str(values.csv),
    save: str(values.save),
  }
  for (const [flag, path] of [
    ['--trace', outputs.trace],
    ['--csv', outputs.csv],
    ['--save', outputs.save],
  ] as const) {
    if (path === '') throw new UsageError(`${flag} needs a file name`, command)
  }

  if (command === 'open') {
    if (positionals.length !== 1) {
      throw new UsageError(
        positionals.length === 0
          ? 'open needs a run file (threadlab open run.threadlab)'
          : `open takes one file, got ${positionals.length}: ${positionals.join(' ')}`,
        'open',
      )
    }
    return { kind: 'open', file: positionals[0], ...outputs }
  }

  if (command === 'diff') {
    if (positionals.length < 1 || positionals.length > 2) {
      throw new UsageError(
        `diff takes two run files (threadlab diff a.threadlab b.threadlab), or one that holds a saved diff; got ${positionals.length}`,
        'diff',
      )
    }
    if (positionals.length === 1 && outputs.save)
      throw new UsageError('--save writes a new diff: give two run files', 'diff')
    return { kind: 'diff', files: positionals, json: outputs.json, save: outputs.save }
  }

  const input: InputSpec = { args: positionals, file: str(values.file) }
  if (input.file !== undefined && positionals.length > 0) {
    throw new UsageError(
      `give the values either as arguments or with --file, not both (got --file ${input.file} and "${positionals[0]}")`,
      command,
    )
  }
  if (positionals.includes('-') && positionals.length > 1) {
    throw new UsageError('"-" (read stdin) cannot be mixed with values on the command line', command)
  }

  if (command === 'sum') {
    const unitMs = values.unit === undefined ? 0 : sumUnit(str(values.unit)!, command)
    let threads: number | undefined
    if (values.threads !== undefined) {
      const t = str(values.threads)!
      threads = Number(t)
      if (!/^\d+$/.test(t) || threads < 1 || threads > LIMITS.maxThreads) {
        throw new UsageError(`--threads "${t}" must be a whole number from 1 to ${LIMITS.maxThreads}`, command)
      }
    }
    return { kind: 'sum', input, threads, unitMs, ...outputs }
  }

  const mode = (str(values.mode) ?? DEFAULT_MODE) as TimingMode
  if (!TIMING_MODES.includes(mode))
    throw new UsageError(`--mode "${mode}" is not a timing mode (use ${TIMING_MODES.join(', ')})`, command)
  const unitMs = values.unit === undefined ? DEFAULT_SORT_UNIT_MS : sortUnit(str(values.unit)!, command)
  let repeat = 1
  if (values.repeat !== undefined) {
    const r = str(values.repeat)!
    repeat = Number(r)
    if (!/^\d+$/.test(r) || repeat < 1 || repeat > 10_000)
      throw new UsageError(`--repeat "${r}" must be a whole number from 1 to 10000`, command)
  }
  let maxValues: number | undefined
  if (values['max-values'] !== undefined) {
    const m = str(values['max-values'])!
    maxValues = Number(m)
    if (!/^\d+$/.test(m) || maxValues < 1 || maxValues > LIMITS.maxValuesCeiling) {
      throw new UsageError(`--max-values "${m}" must be a whole number from 1 to ${LIMITS.maxValuesCeiling}`, command)
    }
  }
  if (values.repeat !== undefined && (outputs.trace || outputs.csv || outputs.save)) {
    throw new UsageError('--trace, --csv and --save write one run: leave them out with --repeat', command)
  }
  return { kind: 'sort', input, mode, unitMs, repeat, maxValues, record: values['no-events'] !== true, ...outputs }
}

function duration(text: string, command: CommandName): number {
  const d = parseDuration(text)
  if (!d.ok) throw new UsageError(`--unit: ${d.reason}`, command)
  return d.ms
}

function sortUnit(text: string, command: CommandName): number {
  const ms = duration(text, command)
  const problem = unitProblem(ms)
  if (problem) throw new UsageError(`--unit "${text}": ${problem}`, command)
  return ms
}

/** a sum's unit is a delay per value: 0 (full speed) is allowed */
function sumUnit(text: string, command: CommandName): number {
  const ms = duration(text, command)
  if (ms < 0 || ms > LIMITS.maxUnitMs)
    throw new UsageError(`--unit "${text}" must be from 0 to ${formatUnitMs(LIMITS.maxUnitMs)}`, command)
  return ms
}

function str(v: string | boolean | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined
}

function isCommandName(s: string): s is CommandName {
  return s === 'sort' || s === 'sum' || s === 'open' || s === 'diff'
}

/** parseArgs messages mention "To specify a positional argument…": keep the first sentence. */
function cleanParseError(message: string): string {
  return message.replace(/\. To specify a positional argument.*$/s, '').replace(/^Option '([^']+)'/, 'option $1')
}
