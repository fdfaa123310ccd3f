/**
 * ThreadlabApi in a browser, over the web host's WebSocket (protocol: src/shared/ipc.ts), built by
 * the generic createApi from the method map. The renderer cannot tell it from Electron's port: same
 * methods, same Outcomes, batches as Float64Array.
 *
 * Usage (renderer entry, before the first render):
 *   import { installWebBridge } from '../web/client'
 *   if (window.threadlab === undefined) installWebBridge()
 *
 * No reconnection: a lost connection makes every call answer with a clear error (reload the page).
 */
import type { Outcome, ThreadlabErrorInfo } from '../../shared/api'
import { HEALTH_PATH, IDLE_CLOSE_CODE, WS_PATH, type ClientRequest, type ServerMessage } from '../../shared/ipc'
import { METHODS, type MethodName, type ThreadlabApi } from '../../shared/methods'
import { ReplayReceiver, readBinaryFollows } from '../../shared/replay'
import { EventHub, createApi } from '../../shared/transport'

/** The part of a browser WebSocket the client uses (the tests pass the `ws` package's). */
export interface SocketLike {
  binaryType: string
  readonly readyState: number
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number }) => void) | null
  send(data: string): void
  close(): void
}

export interface WebApiOptions {
  /** page address to take the host and token from (default: location) */
  location?: { host: string; search: string; protocol: string }
  /** opens the socket (default: the browser's WebSocket) */
  openSocket?: (url: string) => SocketLike
}

const unannounced: Outcome<never> = {
  ok: false,
  error: { code: 'E_BAD_REPLAY', message: 'the web host answered with a replay it did not describe' },
}

export function createWebApi(options: WebApiOptions = {}): ThreadlabApi {
  const loc = options.location ?? page().location
  // the browser WebSocket has this shape (its handlers take richer events than SocketLike names)
  const openSocket = options.openSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike)
  const token = new URLSearchParams(loc.search).get('token')
  const hub = new EventHub()
  const pending = new Map<number, (outcome: Outcome<unknown>) => void>()
  let nextId = 1
  /** set when the connection failed or closed: every call answers with it */
  let broken: ThreadlabErrorInfo | null = null
  /** the replay whose frames are arriving, if any */
  const replay = new ReplayReceiver()

  const ready: Promise<SocketLike | null> = new Promise((resolveReady) => {
    if (!token) {
      broken = {
        code: 'E_BAD_TOKEN',
        message:
          "This page's address has no access token (?token=…). Open the exact URL that the Threadlab web host printed when it started.",
      }
      return resolveReady(null)
    }
    const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:'
    const ws = openSocket(`${scheme}//${loc.host}${WS_PATH}?token=${encodeURIComponent(token)}`)
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
        message: `The connection to the Threadlab web host closed${closeReason(event.code)}. Reload the page; if that fails, the host has stopped: start it again with \`npm run web\`.`,
      }
      for (const resolve of pending.values()) resolve({ ok: false, error: broken })
      pending.clear()
    }
  })

  function answer(id: number, outcome: Outcome<unknown>): void {
    const resolve = pending.get(id)
    pending.delete(id)
    resolve?.(outcome)
  }

  function onMessage(data: unknown): void {
    if (data instanceof ArrayBuffer) {
      if (data.byteLength % 8 !== 0) {
        console.error(`threadlab: ignored a binary frame of ${data.byteLength} bytes (not whole float64s)`)
        return
      }
      const batch = new Float64Array(data)
      if (replay.receiving) {
        const joined = replay.frame(batch)
        if (joined) answer(joined.id, joined.outcome)
        return
      }
      hub.emit('batch', batch)
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
      hub.emit('status', message.status)
    } else if (message.type === 'response') {
      // a method whose result is a batch: this announces the frames that carry the value
      const method = methodOf.get(message.id)
      methodOf.delete(message.id)
      // (or, for a replay whose frames are arriving, ends it: the host gave up)
      replay.ended(message.id)
      if (message.outcome.ok && method !== undefined && METHODS[method].result === 'batch') {
        const follows = readBinaryFollows(message.outcome.value)
        const now = follows ? replay.start(message.id, follows) : unannounced
        if (now) answer(message.id, now)
        return
      }
      answer(message.id, message.outcome)
    } else if (message.type === 'error') {
      console.error(`threadlab: the web host refused a message: ${message.error.code}: ${message.error.message}`)
    }
  }

  /** the method of each request still unanswered (to know which answers come as binary) */
  const methodOf = new Map<number, MethodName>()

  async function call(method: MethodName, params: unknown): Promise<Outcome<unknown>> {
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
        error: { code: 'E_BAD_REQUEST', message: `${method}: the argument cannot be sent: ${(e as Error).message}` },
      }
    }
    return new Promise<Outcome<unknown>>((resolve) => {
      pending.set(id, resolve)
      methodOf.set(id, method)
      ws.send(text)
    })
  }

  // a browser page has no command line: the host never sends openFile (files come from drops)
  return createApi(call, (event, listener) => hub.subscribe(event, listener))
}

/** What a close code says, as a clause of the closed-connection message. */
function closeReason(code: number): string {
  if (code === 1009) return ' (a message was too large)'
  if (code === IDLE_CLOSE_CODE) return ' (this page sat unused while other pages waited for a free slot)'
  return code ? ` (code ${code})` : ''
}

/** Why the socket never opened: the token, the host being down, or something else. */
async function diagnose(loc: { host: string; protocol: string }, token: string): Promise<ThreadlabErrorInfo> {
  // the token the page has (a wrong one is no secret; a right one is in the address bar anyway)
  const shown = token.length > 64 ? `${token.slice(0, 61)}…` : token
  try {
    // the host answers /health with Cache-Control: no-store
    const res = await fetch(`${loc.protocol}//${loc.host}${HEALTH_PATH}?token=${encodeURIComponent(token)}`)
    if (res.status === 403) {
      return {
        code: 'E_BAD_TOKEN',
        message: `The Threadlab web host refused the access token in this page's address (token=${shown}). It changes every time the host starts: open the exact URL it printed.`,
      }
    }
    return {
      code: 'E_CONNECTION',
      message: `The Threadlab web host refused the connection from this page (${loc.protocol}//${loc.host}). Open the URL it printed, on 127.0.0.1 or localhost.`,
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
  const w = page()
  if (w.threadlab === undefined) w.threadlab = createWebApi()
  return w.threadlab
}

/**
 * The page's global object, as far as this client uses it. (Written against globalThis so the
 * module also type-checks for Node, where the contract tests run it against a real web host.)
 */
function page(): { location: { host: string; search: string; protocol: string }; threadlab?: ThreadlabApi } {
  return globalThis as unknown as ReturnType<typeof page>
}
