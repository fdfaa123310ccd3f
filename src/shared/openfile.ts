/**
 * The check of an `openFile` event (a file named on Electron's command line, read by main): what
 * arrives is checked and copied into a fresh OpenFileMessage before any listener sees it.
 */
import type { OpenFileMessage, ThreadlabErrorInfo } from './api'

/** A base name longer than this is not one main produced. */
export const MAX_OPEN_FILE_NAME = 1024
/** Error text beyond this is cut (main's messages are a line or two). */
export const MAX_OPEN_FILE_MESSAGE = 2000
const CODE = /^E_[A-Z0-9_]{1,60}$/

/**
 * Reads a pushed message as an OpenFileMessage: exactly `{ name, bytes }` (a Uint8Array) or
 * `{ name, error: { code, message, position? } }`, with a base name (non-empty, at most
 * MAX_OPEN_FILE_NAME characters, no `/` or NUL). Returns a fresh object holding only those fields (the bytes are
 * not copied), or null when the shape is wrong. Never throws.
 */
export function parseOpenFileMessage(data: unknown): OpenFileMessage | null {
  try {
    if (!isRecord(data)) return null
    const keys = Object.keys(data)
    const name = data.name
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_OPEN_FILE_NAME || /[/\0]/.test(name))
      return null
    if (keys.length !== 2 || !keys.includes('name')) return null
    if (keys.includes('bytes')) {
      // the tag, not instanceof: the array may come from another realm (IPC, contextBridge)
      const bytes = data.bytes
      if (Object.prototype.toString.call(bytes) !== '[object Uint8Array]') return null
      return { name, bytes: bytes as Uint8Array }
    }
    if (keys.includes('error')) {
      const error = parseError(data.error)
      return error && { name, error }
    }
    return null
  } catch {
    // a getter or proxy that throws: not something main sent
    return null
  }
}

function parseError(x: unknown): ThreadlabErrorInfo | null {
  if (!isRecord(x)) return null
  const { code, message, position } = x
  if (typeof code !== 'string' || !CODE.test(code)) return null
  if (typeof message !== 'string') return null
  const out: ThreadlabErrorInfo = {
    code,
    message: message.length > MAX_OPEN_FILE_MESSAGE ? `${message.slice(0, MAX_OPEN_FILE_MESSAGE - 1)}…` : message,
  }
  if (position !== undefined) {
    if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) return null
    out.position = position
  }
  return out
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}
