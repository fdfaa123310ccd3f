/**
 * The number-list parser behind the `Numbers` box, file loading and the CLI.
 * The seed silently dropped what it could not read; this reports every bad token with where it is
 * and why, so the UI can mark it in place.
 */
import { LIMITS } from './limits'

export type TokenErrorCode = 'E_NOT_A_NUMBER' | 'E_NOT_FINITE' | 'E_TOO_LARGE' | 'E_TOO_MANY' | 'E_EMPTY' | 'E_TOO_LONG'

export interface TokenError {
  code: TokenErrorCode
  /** the token as typed ('' for whole-input errors) */
  token: string
  /** index of the value in the list (the nth token), -1 for whole-input errors */
  position: number
  /** character offsets in the input, [start, end) */
  start: number
  end: number
  reason: string
}

export interface ParsedList {
  values: number[]
  errors: TokenError[]
  /** true when some value is negative: the engine shifts all by the minimum */
  hasNegatives: boolean
}

export interface ParseOptions {
  maxValues?: number
  /** largest magnitude accepted (larger would overflow deadlines) */
  maxMagnitude?: number
  maxChars?: number
  /** stop collecting errors after this many, so a pasted novel cannot flood the UI */
  maxErrors?: number
}

export const MAX_MAGNITUDE = 1e15
const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/
const SEPARATOR = /[\s,;]/

export function parseNumberList(text: string, options: ParseOptions = {}): ParsedList {
  const maxValues = options.maxValues ?? LIMITS.maxValues
  const maxMagnitude = options.maxMagnitude ?? MAX_MAGNITUDE
  const maxChars = options.maxChars ?? LIMITS.maxInputChars
  const maxErrors = options.maxErrors ?? 200
  const values: number[] = []
  const errors: TokenError[] = []
  let hasNegatives = false
  if (typeof text !== 'string') {
    return { values, errors: [wholeInput('E_NOT_A_NUMBER', 'the input is not text')], hasNegatives }
  }
  if (text.length > maxChars) {
    return {
      values,
      errors: [wholeInput('E_TOO_LONG', `the input has ${text.length} characters, more than the ${maxChars} allowed`)],
      hasNegatives,
    }
  }
  let position = 0
  let i = 0
  while (i < text.length) {
    while (i < text.length && SEPARATOR.test(text[i])) i++
    if (i >= text.length) break
    const start = i
    while (i < text.length && !SEPARATOR.test(text[i])) i++
    const token = text.slice(start, i)
    const here = position++
    if (here >= maxValues) {
      errors.push({
        code: 'E_TOO_MANY',
        token,
        position: here,
        start,
        end: i,
        reason: `more than ${maxValues} values (value ${here + 1} onwards)`,
      })
      break
    }
    const error = checkToken(token, maxMagnitude)
    if (error) {
      if (errors.length < maxErrors)
        errors.push({ code: error.code, token, position: here, start, end: i, reason: error.reason })
      continue
    }
    const v = Number(token)
    if (v < 0) hasNegatives = true
    values.push(v)
  }
  if (position === 0) errors.push(wholeInput('E_EMPTY', 'the list is empty: type some numbers'))
  return { values, errors, hasNegatives }
}

function checkToken(token: string, maxMagnitude: number): { code: TokenErrorCode; reason: string } | null {
  const lower = token.toLowerCase().replace(/^[+-]/, '')
  if (lower === 'infinity' || lower === 'inf' || lower === '∞')
    return { code: 'E_NOT_FINITE', reason: `"${token}" is not finite` }
  if (!NUMBER_RE.test(token)) return { code: 'E_NOT_A_NUMBER', reason: `"${clip(token)}" is not a number` }
  const v = Number(token)
  if (!Number.isFinite(v)) return { code: 'E_NOT_FINITE', reason: `"${clip(token)}" is too large to be finite` }
  if (Math.abs(v) > maxMagnitude)
    return { code: 'E_TOO_LARGE', reason: `${clip(token)} is larger than ${maxMagnitude}` }
  return null
}

function clip(token: string): string {
  return token.length > 24 ? token.slice(0, 21) + '…' : token
}

function wholeInput(code: TokenErrorCode, reason: string): TokenError {
  return { code, token: '', position: -1, start: 0, end: 0, reason }
}

/** One line naming the first problems, for the `alert` region and the CLI. */
export function describeErrors(errors: TokenError[], max = 3): string {
  const parts = errors.slice(0, max).map((e) => (e.position >= 0 ? `value ${e.position + 1}: ${e.reason}` : e.reason))
  const more = errors.length > max ? ` (and ${errors.length - max} more)` : ''
  return parts.join('; ') + more
}
