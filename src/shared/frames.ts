/**
 * Cheap checks of a request before anything costly is done with it. A frame of deeply nested
 * arrays, or of millions of tiny elements, costs far more to parse and hold than its bytes
 * suggest (a 14 MB frame of nested arrays took 2 s of the host's only JS thread and ~430 MB),
 * so the web host scans the text in one pass and refuses what the contract never needs before
 * `JSON.parse`; Electron's port, which hands main an already cloned value, walks it with the same
 * limits (and a size estimate) before the service sees it. Pure: no Node, no DOM.
 */
import type { ThreadlabErrorInfo } from './api'
import { LIMITS } from './limits'

/**
 * Deepest nesting a request needs: the request object, its params object, the values array.
 * (Electron IPC passes params alone, one level less.)
 */
export const MAX_FRAME_DEPTH = 3
/** Most array elements and object members in one request: the largest run's values, plus room for the fields. */
export const MAX_FRAME_ITEMS = LIMITS.maxSumValues + 64

const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const COMMA = 0x2c
const QUOTE = 0x22
const BACKSLASH = 0x5c

const tooDeep = (max: number): ThreadlabErrorInfo => ({
  code: 'E_TOO_DEEP',
  message: `the request nests arrays or objects more than ${max} levels deep; no request needs more`,
})
const tooMany = (): ThreadlabErrorInfo => ({
  code: 'E_TOO_LARGE',
  message: `the request holds more than ${MAX_FRAME_ITEMS.toLocaleString('en-US')} elements`,
})

/**
 * One pass over a JSON text frame, outside strings: refuses nesting deeper than MAX_FRAME_DEPTH
 * and more than MAX_FRAME_ITEMS elements (commas). Null when the frame may be parsed. It does not
 * validate JSON: `JSON.parse` still does, on a frame now bounded in depth and element count.
 */
export function scanFrame(text: string): ThreadlabErrorInfo | null {
  let depth = 0
  let items = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === BACKSLASH) i++
      else if (c === QUOTE) inString = false
      continue
    }
    if (c === QUOTE) inString = true
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > MAX_FRAME_DEPTH) return tooDeep(MAX_FRAME_DEPTH)
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--
    else if (c === COMMA && ++items > MAX_FRAME_ITEMS) return tooMany()
  }
  return null
}

const tooBig = (): ThreadlabErrorInfo => ({
  code: 'E_TOO_LARGE',
  message: `the request holds more than ${LIMITS.maxMessageBytes / 2 ** 20} MiB; no request needs that much`,
})

/** Bytes counted for a value that is neither an object nor a string (a number's 8, and so on). */
const SCALAR_BYTES = 8

/**
 * The same limits over a message already deserialized (Electron's MessagePort hands main a
 * structured clone, not JSON text): at most `maxDepth` levels of arrays and objects, at most
 * MAX_FRAME_ITEMS elements and members in all, and about LIMITS.maxMessageBytes (strings count two
 * bytes a character, keys included, other scalars eight, typed arrays their length). Stops at the first
 * excess, so its cost is bounded by the limits, not by the value. Answers the size it counted,
 * which the host charges against the client's in-flight bytes while the request is answered.
 */
export function checkMessage(
  value: unknown,
  maxDepth = MAX_FRAME_DEPTH,
): { ok: true; bytes: number } | { ok: false; error: ThreadlabErrorInfo } {
  if (!isContainer(value)) return { ok: true, bytes: sizeOf(value) }
  let items = 0
  let bytes = 0
  // only arrays and objects are stacked; scalars are counted where they are found
  const stack: Array<{ v: object; depth: number }> = [{ v: value, depth: 1 }]
  const take = (child: unknown, depth: number) => {
    if (isContainer(child)) stack.push({ v: child, depth })
    else bytes += sizeOf(child)
  }
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!
    if (depth > maxDepth) return { ok: false, error: tooDeep(maxDepth) }
    if (Array.isArray(v)) {
      items += v.length
      if (items > MAX_FRAME_ITEMS) return { ok: false, error: tooMany() }
      // a run's values are up to a million numbers: this loop is the one that must be fast
      for (let i = 0; i < v.length; i++) {
        const child: unknown = v[i]
        if (typeof child === 'number') bytes += SCALAR_BYTES
        else take(child, depth + 1)
      }
    } else if (v instanceof Map || v instanceof Set) {
      // a Map or Set clones too: its size counts, its contents are never read (no request has one)
      items += v.size
      if (items > MAX_FRAME_ITEMS) return { ok: false, error: tooMany() }
    } else {
      const keys = Object.keys(v)
      items += keys.length
      if (items > MAX_FRAME_ITEMS) return { ok: false, error: tooMany() }
      for (const key of keys) {
        bytes += 2 * key.length
        take((v as Record<string, unknown>)[key], depth + 1)
      }
    }
    if (bytes > LIMITS.maxMessageBytes) return { ok: false, error: tooBig() }
  }
  return { ok: true, bytes }
}

/** An array or object the walk descends into (typed arrays and buffers are counted whole). */
function isContainer(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer)
}

function sizeOf(v: unknown): number {
  if (typeof v === 'string') return 2 * v.length
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v.byteLength
  return SCALAR_BYTES
}
