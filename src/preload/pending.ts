/**
 * The preload's handling of IPC.openFile, kept free of Electron (and of everything but shared
 * types) so it can be tested directly: what main pushes is checked and copied into a fresh
 * OpenFileMessage, and a file that arrives before the page subscribes waits for it.
 */
import type { OpenFileMessage, ThreadlabErrorInfo } from '../shared/api'

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

export type Deliver = <T>(listener: (value: T) => void, value: T) => void

export interface OpenFileInbox {
  /**
   * Takes one pushed message: false (and nothing delivered) when it is malformed. With listeners
   * it goes to each of them; without, it is kept until one subscribes, replacing any file still
   * unclaimed (the newest file named is the one to open).
   */
  push(data: unknown): boolean
  /** Adds a listener; hands it the unclaimed file, if any, before returning. Returns the disposer. */
  subscribe(listener: (file: OpenFileMessage) => void): () => void
  /** listeners subscribed now (for tests) */
  readonly size: number
}

/** `deliver` calls one listener with one message (the preload's `safely`: a throw is logged). */
export function createOpenFileInbox(deliver: Deliver): OpenFileInbox {
  const listeners = new Set<(file: OpenFileMessage) => void>()
  let unclaimed: OpenFileMessage | null = null
  return {
    push(data) {
      const file = parseOpenFileMessage(data)
      if (!file) return false
      if (listeners.size === 0) {
        unclaimed = file
        return true
      }
      for (const listener of [...listeners]) deliver(listener, file)
      return true
    },
    subscribe(listener) {
      if (typeof listener !== 'function') throw new TypeError('onOpenFile needs a function')
      // each subscription is its own: disposing one leaves the others (even of the same function)
      const wrapped = (file: OpenFileMessage) => listener(file)
      listeners.add(wrapped)
      if (unclaimed) {
        const file = unclaimed
        unclaimed = null
        deliver(wrapped, file)
      }
      return () => void listeners.delete(wrapped)
    },
    get size() {
      return listeners.size
    },
  }
}
