import type { Outcome, RunStatus, ThreadlabErrorInfo } from './api'

export type { OpenFileMessage } from './api'

/**
 * The two transports' wire contracts: Electron IPC channel names (below) and the web host's
 * WebSocket protocol (further down). Pure types and constants.
 *
 * Electron IPC channel names: the one map that main and preload both take their strings from.
 * Requests go through `ipcMain.handle` / `ipcRenderer.invoke`; the live stream (batches and
 * statuses) goes through one MessagePort that main posts on `port` when a page connects.
 */
export const IPC = {
  capabilities: 'threadlab:capabilities',
  startRun: 'threadlab:start-run',
  cancelRun: 'threadlab:cancel-run',
  fetchRunEvents: 'threadlab:fetch-run-events',
  measureMachine: 'threadlab:measure-machine',
  /** main → preload: carries the MessagePort of the stream in `event.ports[0]` */
  port: 'threadlab:port',
  /** main → preload: a file named on the command line, as an OpenFileMessage */
  openFile: 'threadlab:open-file',
} as const

export type IpcChannel = (typeof IPC)[keyof typeof IPC]

/**
 * What travels on the stream port besides batches (a batch is posted as a bare Float64Array,
 * anything else is one of these).
 */
export type PortMessage = { type: 'status'; status: RunStatus }

// ---------------------------------------------------------------------------------------------
// The web host's WebSocket protocol (src/web/server ↔ src/web/client).
//
// Client → server: JSON text frames `{ id, method, params? }`; binary frames are refused.
// Server → client:
//   - text `{ type: 'response', id, outcome }` answering one request;
//   - text `{ type: 'status', status }` pushing a RunStatus;
//   - text `{ type: 'error', error }` for a frame that could not be read as a request at all;
//   - binary: one packed event batch, exactly as the engine produced it — except right after a
//     response whose outcome value is `{ binary: true }` (fetchRunEvents), where the next binary
//     frame is that response's payload. Frames on one socket keep their order, so this is exact.
// ---------------------------------------------------------------------------------------------

export const WS_PATH = '/ws'
export const HEALTH_PATH = '/health'

export type Method = 'capabilities' | 'startRun' | 'cancelRun' | 'fetchRunEvents' | 'measureMachine'
export const METHODS: readonly Method[] = ['capabilities', 'startRun', 'cancelRun', 'fetchRunEvents', 'measureMachine']

export interface ClientRequest {
  id: number
  method: Method
  params?: unknown
}

export type ServerMessage =
  | { type: 'response'; id: number; outcome: Outcome<unknown> }
  | { type: 'status'; status: RunStatus }
  | { type: 'error'; error: ThreadlabErrorInfo }

/** The value of a fetchRunEvents response: its payload is the next binary frame. */
export interface BinaryFollows {
  binary: true
  bytes: number
}

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
  if (typeof o.method !== 'string' || !(METHODS as readonly string[]).includes(o.method)) {
    return { ok: false, id, error: { code: 'E_BAD_REQUEST', message: `method must be one of ${METHODS.join(', ')}` } }
  }
  const method = o.method as Method
  if (
    (method === 'capabilities' || method === 'cancelRun' || method === 'measureMachine') &&
    o.params !== undefined &&
    o.params !== null
  ) {
    return { ok: false, id, error: { code: 'E_BAD_REQUEST', message: `${method} takes no params` } }
  }
  return { ok: true, request: o.params === undefined ? { id, method } : { id, method, params: o.params } }
}
