/**
 * Where the numbers come from (argv, --file, stdin) and how they are read: every bad token is
 * reported with its position by the shared parser. Sums keep integers beyond 2^53 exact by
 * reading such tokens as BigInt.
 */
import { readBoundedFile } from '../service/files'
import { LIMITS, MAX_LIST_FILE_BYTES } from '../shared/limits'
import { describeErrors, parseNumberList, type TokenError } from '../shared/parse'
import type { InputSpec } from './args'
import { UsageError } from './args'

export class InputError extends Error {
  constructor(
    message: string,
    readonly errors: TokenError[] = [],
  ) {
    super(message)
  }
}

export interface InputText {
  text: string
  /** "arguments", "file data.txt", "stdin" */
  source: string
}

export interface StdinLike {
  isTTY?: boolean
  setEncoding(enc: BufferEncoding): unknown
  [Symbol.asyncIterator](): AsyncIterator<string | Buffer>
}

export async function readInputText(spec: InputSpec, stdin: StdinLike = process.stdin): Promise<InputText> {
  if (spec.file !== undefined) {
    if (spec.file === '-') return { text: await readAll(stdin), source: 'stdin' }
    const read = await readBoundedFile(spec.file, MAX_LIST_FILE_BYTES)
    if (!read.ok) throw new InputError(`cannot read ${read.error.message}`)
    return { text: Buffer.from(read.value).toString('utf8'), source: `file ${spec.file}` }
  }
  if (spec.args.length === 1 && spec.args[0] === '-') return { text: await readAll(stdin), source: 'stdin' }
  if (spec.args.length > 0) return { text: spec.args.join(' '), source: 'arguments' }
  if (!stdin.isTTY) return { text: await readAll(stdin), source: 'stdin' }
  throw new UsageError('no values given: type them after the command, use --file, or pipe them in')
}

async function readAll(stdin: StdinLike): Promise<string> {
  stdin.setEncoding('utf8')
  let text = ''
  for await (const chunk of stdin) {
    text += chunk
    if (text.length > LIMITS.maxInputChars) {
      throw new InputError(`the input has more than ${LIMITS.maxInputChars} characters`)
    }
  }
  return text
}

export interface SortInput {
  values: number[]
  hasNegatives: boolean
}

export function parseSortInput(input: InputText, maxValues: number = LIMITS.maxValues): SortInput {
  const parsed = parseNumberList(input.text, { maxValues })
  if (parsed.errors.length > 0) throw new InputError(badInputMessage(input, parsed.errors), parsed.errors)
  return { values: parsed.values, hasNegatives: parsed.hasNegatives }
}

export interface SumInput {
  /** the values as numbers (inexact beyond 2^53): for validation and display */
  numbers: number[]
  /** what the addon gets: exact 64-bit integers when some integer exceeds 2^53 */
  values: number[] | BigInt64Array
}

const INTEGER_TOKEN = /^[+-]?\d+$/
const SEPARATOR = /[\s,;]+/
const I64_MIN = -(2n ** 63n)
const I64_MAX = 2n ** 63n - 1n

export function parseSumInput(input: InputText): SumInput {
  const parsed = parseNumberList(input.text, { maxValues: LIMITS.maxSumValues, maxMagnitude: Number.MAX_VALUE })
  if (parsed.errors.length > 0) throw new InputError(badInputMessage(input, parsed.errors), parsed.errors)
  const numbers = parsed.values
  if (numbers.every((v) => Number.isSafeInteger(v))) return { numbers, values: numbers }
  // Some value is beyond 2^53 or fractional: exact only if every token is an integer within i64.
  const tokens = input.text.split(SEPARATOR).filter((t) => t !== '')
  if (tokens.length !== numbers.length || !tokens.every((t) => INTEGER_TOKEN.test(t)))
    return { numbers, values: numbers }
  const big = new BigInt64Array(tokens.length)
  for (let i = 0; i < tokens.length; i++) {
    const b = BigInt(tokens[i])
    if (b < I64_MIN || b > I64_MAX) {
      throw new InputError(
        `bad input (${input.source}): value ${i + 1}: ${tokens[i]} does not fit in 64 bits (the exact sum takes integers from -2^63 to 2^63-1)`,
      )
    }
    big[i] = b
  }
  return { numbers, values: big }
}

/** "bad input (arguments): value 2: "abc" is not a number", plus the line with a caret under it. */
export function badInputMessage(input: InputText, errors: TokenError[]): string {
  const codes = [...new Set(errors.slice(0, 3).map((e) => e.code))].join(', ')
  const head = `bad input (${input.source}): ${describeErrors(errors)} [${codes}]`
  const first = errors[0]
  if (!first || first.position < 0 || first.end <= first.start) return head
  const lineStart = input.text.lastIndexOf('\n', first.start - 1) + 1
  let lineEnd = input.text.indexOf('\n', first.start)
  if (lineEnd < 0) lineEnd = input.text.length
  if (lineEnd - lineStart > 120) return head
  const line = input.text.slice(lineStart, lineEnd)
  const caret =
    ' '.repeat(first.start - lineStart) + '^'.repeat(Math.max(1, Math.min(first.end, lineEnd) - first.start))
  return `${head}\n  ${line}\n  ${caret}`
}
