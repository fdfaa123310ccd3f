/**
 * ThreadlabApi in a browser, over the web host's WebSocket (see src/web/protocol.ts). The renderer
 * cannot tell it from the Electron preload: same methods, same Outcomes, batches as Float64Array.
 *
 * Usage (renderer entry, before the first render):
 *   import { installWebBridge } from '../web/client'
 *   if (window.threadlab === undefined) installWebBridge()
 *
 * No reconnection: a lost connection makes every call answer with a clear error (reload the page).
 */
import type { Capabilities, Outcome, RunRequest, RunStatus, ThreadlabApi, ThreadlabErrorInfo } from '../../shared/api'
import { HEALTH_PATH, WS_PATH, type ClientRequest, type Method, type ServerMessage } from '../../shared/ipc'
import type { MachineFigures } from '../../shared/sweep'

export interface WebApiOptions {
  /** page address to take the host and token from (default: location) */
  location?: { host: string; search: string; protocol: string }
}

interface Pending {
  resolve(outcome: Outcome<unknown>): void
}

export function createWebApi(options: WebApiOptions = {}): ThreadlabApi {
  const loc = options.location ?? window.location
  const token = new URLSearchParams(loc.search).get('token')
  const batchListeners = new Set<(batch: Float64Array) => void>()
  const statusListeners = new Set<(status: RunStatus) => void>()
  const pending = new Map<number, Pending>()
  let nextId = 1
  /** set when the connection failed or closed: every call answers with it */
  let broken: ThreadlabErrorInfo | null = null
  /** id of the request whose payload is the next binary frame */
  let binaryFor: number | null = null

  const ready: Promise<WebSocket | null> = new Promise((resolveReady) => {
    if (!token) {
      broken = {
        code: 'E_BAD_TOKEN',
        message:
          "This page's address has no access token (?token=…). Open the exact URL that the Threadlab web host printed when it started.",
      }
      return resolveReady(null)
    }
    const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:'
    const ws = new WebSocket(`${scheme}//${loc.host}${WS_PATH}?token=${encodeURIComponent(token)}`)
    ws.binaryType = 'arraybuffer'
    let opened = false
    ws.onopen = () => {
      opened = true
      resolveReady(ws)
    }
    ws.onmessage = (event) => onMessage(event.data)
    ws.onclose = (event) => {
      if (!opened) {
        void diagnose(loc, token).then((error) => {
          broken = error
          resolveReady(null)
        })
        return
      }
      broken = {
        code: 'E_CONNECTION_CLOSED',
        message: `The connection to the Threadlab web host closed${event.code === 1009 ? ' (a message was too large)' : event.code ? ` (code ${event.code})` : ''}. Reload the page; if that fails, the host has stopped: start it again with \`npm run web\`.`,
      }
      for (const [, p] of pending) p.resolve({ ok: false, error: broken })
      pending.clear()
    }
  })

  function onMessage(data: unknown): void {
    if (data instanceof ArrayBuffer) {
      if (data.byteLength % 8 !== 0) {
        console.error(`threadlab: ignored a binary frame of ${data.byteLength} bytes (not whole float64s)`)
        return
      }
      const batch = new Float64Array(data)
      if (binaryFor !== null) {
        const p = pending.get(binaryFor)
        pending.delete(binaryFor)
        binaryFor = null
        p?.resolve({ ok: true, value: batch })
        return
      }
      for (const listener of batchListeners) listener(batch)
      return
    }
    let message: ServerMessage
    try {
      message = JSON.parse(String(data)) as ServerMessage
    } catch {
      console.error('threadlab: the web host sent a frame that is not JSON')
      return
    }
    if (message.type === 'status') {
      for (const listener of statusListeners) listener(message.status)
    } else if (message.type === 'response') {
      const outcome = message.outcome
      if (
        outcome.ok &&
        typeof outcome.value === 'object' &&
        outcome.value !== null &&
        (outcome.value as { binary?: unknown }).binary === true
      ) {
        binaryFor = message.id
        return
      }
      const p = pending.get(message.id)
      pending.delete(message.id)
      p?.resolve(outcome)
    } else if (message.type === 'error') {
      console.error(`threadlab: the web host refused a message: ${message.error.code}: ${message.error.message}`)
    }
  }

  async function call<T>(method: Method, params?: unknown): Promise<Outcome<T>> {
    const ws = await ready
    if (!ws || broken)
      return {
        ok: false,
        error: broken ?? { code: 'E_CONNECTION_CLOSED', message: 'not connected to the Threadlab web host' },
      }
    const id = nextId++
    const request: ClientRequest = params === undefined ? { id, method } : { id, method, params }
    let text: string
    try {
      text = JSON.stringify(request)
    } catch (e) {
      return {
        ok: false,
        error: { code: 'E_BAD_REQUEST', message: `the request cannot be sent: ${(e as Error).message}` },
      }
    }
    return new Promise<Outcome<T>>((resolve) => {
      pending.set(id, { resolve: resolve as (o: Outcome<unknown>) => void })
      ws.send(text)
    })
  }

  return {
    async capabilities(): Promise<Capabilities> {
      const outcome = await call<Capabilities>('capabilities')
      if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code })
      return outcome.value
    },
    startRun: (request: RunRequest) => call<{ runId: number }>('startRun', request),
    cancelRun: () => call<null>('cancelRun'),
    fetchRunEvents: (runId: number) => call<Float64Array>('fetchRunEvents', { runId }),
    measureMachine: () => call<MachineFigures>('measureMachine'),
    onBatch(listener) {
      batchListeners.add(listener)
      return () => void batchListeners.delete(listener)
    },
    onStatus(listener) {
      statusListeners.add(listener)
      return () => void statusListeners.delete(listener)
    },
    // a browser page has no command line: files come from drops and the file pickers
    onOpenFile: () => () => {},
  }
}

/** Why the socket never opened: the token, the host being down, or something else. */
async function diagnose(loc: { host: string; protocol: string }, token: string): Promise<ThreadlabErrorInfo> {
  // the token the page has (a wrong one is no secret; a right one is in the address bar anyway)
  const shown = token.length > 64 ? `${token.slice(0, 61)}…` : token
  try {
    const res = await fetch(`${loc.protocol}//${loc.host}${HEALTH_PATH}?token=${encodeURIComponent(token)}`, {
      cache: 'no-store',
    })
    if (res.status === 403) {
      return {
        code: 'E_BAD_TOKEN',
        message: `The Threadlab web host refused the access token in this page's address (token=${shown}). It changes every time the host starts: open the exact URL it printed.`,
      }
    }
    return {
      code: 'E_CONNECTION',
      message: `The Threadlab web host refused the connection from this page (${location.origin}). Open the URL it printed, on 127.0.0.1 or localhost.`,
    }
  } catch {
    return {
      code: 'E_HOST_DOWN',
      message: `The Threadlab web host at ${loc.host} is not reachable. Start it with \`npm run web\` and open the URL it prints.`,
    }
  }
}

/** Sets `window.threadlab` to the WebSocket client when no host provided one (Electron's preload does). */
export function installWebBridge(): ThreadlabApi {
  const w = window as unknown as { threadlab?: ThreadlabApi }
  if (w.threadlab === undefined) w.threadlab = createWebApi()
  return w.threadlab
}
