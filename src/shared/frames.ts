/**
 * Cheap checks of a request before anything costly is done with it. A frame of deeply nested
 * arrays, or of millions of tiny elements, costs far more to parse and hold than its bytes
 * suggest (a 14 MB frame of nested arrays took 2 s of the host's only JS thread and ~430 MB),
 * so the web host scans the text in one pass and refuses what the contract never needs before
 * `JSON.parse`; Electron, which hands main an already cloned value, walks it with the same limits
 * before the service sees it. Pure: no Node, no DOM.
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

/**
 * The same limits over a value already deserialized (Electron IPC): at most `maxDepth` levels of
 * arrays and objects and MAX_FRAME_ITEMS elements and members in all. Stops at the first excess,
 * so its cost is bounded by the limits, not by the value. Null when within them.
 */
export function checkPayloadShape(value: unknown, maxDepth = MAX_FRAME_DEPTH - 1): ThreadlabErrorInfo | null {
  let items = 0
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 0 }]
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) continue
    if (depth + 1 > maxDepth) return tooDeep(maxDepth)
    const children = Array.isArray(v) ? v : Object.values(v)
    items += children.length
    if (items > MAX_FRAME_ITEMS) return tooMany()
    for (const child of children)
      if (typeof child === 'object' && child !== null) stack.push({ v: child, depth: depth + 1 })
  }
  return null
}
