import type { Outcome, RunStatus, ThreadlabErrorInfo } from './api'
import { scanFrame } from './frames'
import { METHOD_NAMES, isMethodName, type MethodName, type ThreadlabApi } from './methods'
import { connectPort, standardPort, type StandardPort } from './port-transport'
import { createApi } from './transport'

export type { OpenFileMessage } from './api'

/**
 * The two transports' wire contracts: how an Electron page gets its MessagePort (below; the
 * messages on the port are in ./port-transport) and the web host's WebSocket protocol (further
 * down). The methods and events themselves are the map's (./methods).
 *
 * Electron: the page (main world) calls `window.threadlab.connect()`; the preload sends
 * IPC.connect with a nonce of its own document; main checks the sending frame, creates the page's
 * run service and a MessageChannelMain, and posts one port back on IPC.port with that nonce (a port
 * with another nonce was meant for an earlier document of the window and is closed unused). The
 * preload transfers the port to the page with window.postMessage: requests, answers, statuses and
 * batches then go straight between main and the page, one structured-clone copy each, never through
 * contextBridge (which would copy every batch a second time and keep only the message of an error).
 */
export const IPC = {
  /** preload → main (ipcRenderer.send): this document asks for its port; the argument is its nonce */
  connect: 'threadlab:connect',
  /** main → preload: a PortGrant, with the port in `event.ports[0]` unless it carries an error */
  port: 'threadlab:port',
} as const

/** What the preload exposes as `window.threadlab`: nothing but the way to the port. */
export interface PreloadBridge {
  /**
   * Asks main for this page's port (once per document; later calls do nothing). It arrives as a
   * window message `{ threadlab: PORT_HANDOFF, error? }` with the port in `event.ports[0]`.
   */
  connect(): void
}

/** The members of `window.threadlab` under Electron (the e2e spec checks exactly these). */
export const PRELOAD_MEMBERS: readonly (keyof PreloadBridge)[] = ['connect']

export const PORT_HANDOFF = 'threadlab:port'

/** main → preload on IPC.port */
export interface PortGrant {
  nonce: string
  /** why no port came (the port is absent then) */
  error?: ThreadlabErrorInfo
}

/** preload → page (window.postMessage) */
export interface PortHandoff {
  threadlab: typeof PORT_HANDOFF
  error?: ThreadlabErrorInfo
}

/** A document's nonce: what the preload sends and main echoes. */
export const NONCE_PATTERN = /^[0-9a-f-]{16,64}$/

/** Reads what main posted on IPC.port; null when it is not a PortGrant. */
export function readPortGrant(data: unknown): PortGrant | null {
  if (typeof data !== 'object' || data === null) return null
  const { nonce, error } = data as Record<string, unknown>
  if (typeof nonce !== 'string' || !NONCE_PATTERN.test(nonce)) return null
  if (error === undefined) return { nonce }
  const e = error as Record<string, unknown> | null
  if (typeof e?.code !== 'string' || typeof e.message !== 'string') return null
  return { nonce, error: { code: e.code, message: e.message } }
}

/** The page's window, as far as receiving the port goes (this file is typed without the DOM). */
export interface PageWindow {
  addEventListener(type: 'message', listener: (event: WindowMessage) => void): void
  removeEventListener(type: 'message', listener: (event: WindowMessage) => void): void
}

export interface WindowMessage {
  data: unknown
  source: unknown
  ports: readonly StandardPort[]
}

/**
 * The page's side of the handoff: listens first, then asks, and builds the API on the port that
 * arrives (or, when main refused, an API whose every call answers with main's error).
 */
export function connectThroughPreload(win: PageWindow, bridge: PreloadBridge): Promise<ThreadlabApi> {
  return new Promise((resolve) => {
    const onMessage = (event: WindowMessage) => {
      const data = event.data as Partial<PortHandoff> | null
      // only what this window posted to itself (the preload); a frame's message has another source
      if (event.source !== win || data?.threadlab !== PORT_HANDOFF) return
      win.removeEventListener('message', onMessage)
      const port = event.ports[0]
      if (port) return resolve(connectPort(standardPort(port)))
      const error = data.error ?? { code: 'E_CONNECTION', message: 'the Threadlab host gave this page no connection' }
      resolve(refusingApi(error))
    }
    win.addEventListener('message', onMessage)
    bridge.connect()
  })
}

/** An API whose every call answers `error` and whose events never fire. */
export function refusingApi(error: ThreadlabErrorInfo): ThreadlabApi {
  return createApi(
    async () => ({ ok: false, error }),
    () => () => {},
  )
}

// ---------------------------------------------------------------------------------------------
// The web host's WebSocket protocol (src/web/server ↔ src/web/client).
//
// Client → server: JSON text frames `{ id, method, params? }`; binary frames are refused.
// Server → client:
//   - text `{ type: 'response', id, outcome }` answering one request;
//   - text `{ type: 'status', status }` pushing a RunStatus;
//   - text `{ type: 'error', error }` for a frame that could not be read as a request at all;
//   - binary: one packed event batch, exactly as the engine produced it — except after a response
//     whose outcome value is a BinaryFollows `{ binary: true, runId, events, frames }` (a method
//     whose result is a batch in the map: fetchRunEvents), where the next `frames` binary frames
//     are the run's recorded batches, which the client joins into the one batch it answers with
//     (./replay). The host sends one such replay at a time and no live batch while it does; a
//     response with the same id before the last frame ends it (the host gave up: E_SLOW_CLIENT).
//     Frames on one socket keep their order, so this is exact.
// `params` is the method's one argument as the map defines it (fetchRunEvents: the run id).
// ---------------------------------------------------------------------------------------------

export const WS_PATH = '/ws'
export const HEALTH_PATH = '/health'
/**
 * The close code of a socket the host closed because it sat unused (no run, no request) while
 * every client slot was taken: another page was waiting to get in.
 */
export const IDLE_CLOSE_CODE = 4001

export interface ClientRequest {
  id: number
  method: MethodName
  params?: unknown
}

export type ServerMessage =
  | { type: 'response'; id: number; outcome: Outcome<unknown> }
  | { type: 'status'; status: RunStatus }
  | { type: 'error'; error: ThreadlabErrorInfo }

export interface HealthReport {
  ok: true
  clients: number
  /** runs the engine has not joined yet (all clients) */
  activeRuns: number
  /** OS threads the engine owns right now */
  threads: number
}

/**
 * Reads one text frame as a request. Never throws. On failure, `id` is the request's id when it
 * could be read (so the error can answer that request), else null.
 */
export function parseClientRequest(
  text: string,
): { ok: true; request: ClientRequest } | { ok: false; id: number | null; error: ThreadlabErrorInfo } {
  // depth and element count first: JSON.parse of a hostile frame costs far more than its bytes
  const refused = scanFrame(text)
  if (refused) return { ok: false, id: null, error: refused }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return { ok: false, id: null, error: { code: 'E_BAD_JSON', message: 'the message is not valid JSON' } }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return {
      ok: false,
      id: null,
      error: { code: 'E_BAD_REQUEST', message: 'a request must be an object { id, method, params }' },
    }
  }
  const o = data as Record<string, unknown>
  const id = typeof o.id === 'number' && Number.isSafeInteger(o.id) && o.id >= 0 ? o.id : null
  if (id === null)
    return {
      ok: false,
      id: null,
      error: { code: 'E_BAD_REQUEST', message: 'the request id must be a non-negative whole number' },
    }
  for (const key of Object.keys(o)) {
    if (key !== 'id' && key !== 'method' && key !== 'params') {
      return {
        ok: false,
        id,
        error: {
          code: 'E_BAD_REQUEST',
          message: `unknown field ${JSON.stringify(key.slice(0, 40))} in the request (allowed: id, method, params)`,
        },
      }
    }
  }
  if (!isMethodName(o.method)) {
    return {
      ok: false,
      id,
      error: { code: 'E_BAD_REQUEST', message: `method must be one of ${METHOD_NAMES.join(', ')}` },
    }
  }
  const method = o.method
  return { ok: true, request: o.params === undefined ? { id, method } : { id, method, params: o.params } }
}
