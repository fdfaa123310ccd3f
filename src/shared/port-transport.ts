/**
 * The API over a message port with structured-clone semantics: Electron's MessageChannelMain
 * (main) ↔ the page's MessagePort, and, in the tests, Node's own MessageChannel. Both ends are
 * generic over the method map: a request is `{ id, method, params? }`, the host answers
 * `{ type: 'response', id, outcome }` and pushes `{ type: 'event', event, value }`. Batches travel as
 * Float64Arrays inside the message: one structured-clone copy, from the host to the page.
 */
import type { Outcome, ThreadlabErrorInfo } from './api'
import { CallGate, type CallLimits } from './call-gate'
import { checkMessage } from './frames'
import { SERVICE_EVENTS, isEventName, type EventName, type EventOf, type ServiceApi } from './methods'
import { limitRefusalLog } from './refusal-log'
import { EventHub, closedError, createApi, errorOutcome, subscribeService, type RefusalLog } from './transport'
import type { ThreadlabApi } from './methods'

/** One end of a channel, as both ports below adapt to it. */
export interface PortLike {
  post(message: unknown): void
  /** starts delivery: every message's data to `onMessage`; `onClose` once the other end is gone */
  listen(onMessage: (data: unknown) => void, onClose: () => void): void
  close(): void
}

/** What the page's DOM MessagePort and Node's worker_threads MessagePort both offer. */
export interface StandardPort {
  postMessage(message: unknown): void
  addEventListener(type: 'message' | 'close', listener: (event: { data?: unknown }) => void): void
  start(): void
  close(): void
}

export function standardPort(port: StandardPort): PortLike {
  return {
    post: (message) => port.postMessage(message),
    listen(onMessage, onClose) {
      port.addEventListener('message', (event) => onMessage(event.data))
      port.addEventListener('close', () => onClose())
      port.start()
    },
    close: () => port.close(),
  }
}

export type PortRequest = { id: number; method: unknown; params?: unknown }
export type PortReply =
  { type: 'response'; id: number; outcome: Outcome<unknown> } | { type: 'event'; event: EventName; value: unknown }

export interface PortServer {
  /** pushes a host event (one the service does not emit itself, e.g. openFile) */
  emit<K extends EventName>(event: K, value: EventOf<K>): void
  close(): void
}

export interface ServePortOptions {
  /** where refusals are written (at most LIMITS.maxRefusalLinesPerMinute lines a minute, then a count) */
  log?: RefusalLog
  /** how the log names this client (default 'a page') */
  client?: string
  /** the in-flight caps (default the web host's: LIMITS.maxCallsInFlight, maxInFlightBytesPerClient) */
  limits?: Partial<CallLimits>
  onClose?: () => void
}

/**
 * Serves `service` on `port`: every message checked for shape and size (checkMessage) before it is
 * read, every request answered through a CallGate (the same in-flight caps as the web host), every
 * service event forwarded. `onClose` runs once when the other end goes away (or close() is called).
 */
export function servePort(port: PortLike, service: ServiceApi, options: ServePortOptions = {}): PortServer {
  let open = true
  const log = options.log && limitRefusalLog(options.log, options.client ?? 'a page')
  const gate = new CallGate(service, log, options.limits)
  const post = (reply: PortReply) => {
    if (!open) return
    try {
      port.post(reply)
    } catch (e) {
      // only a value that cannot be cloned: say so instead of leaving the caller waiting
      if (reply.type === 'response') {
        port.post({
          type: 'response',
          id: reply.id,
          outcome: errorOutcome('E_INTERNAL', `the answer could not be sent: ${(e as Error).message}`),
        } satisfies PortReply)
      }
    }
  }
  const offs = SERVICE_EVENTS.map((event) =>
    subscribeService(service, event, (value) => post({ type: 'event', event, value })),
  )
  const shutDown = () => {
    if (!open) return
    open = false
    for (const off of offs) off()
    log?.flush()
    options.onClose?.()
  }
  port.listen((data) => {
    // a structured clone, not JSON: its shape and size are walked (bounded) before anything reads it
    const size = checkMessage(data)
    if (!size.ok) {
      const id = readId(data)
      log?.(`threadlab: a message on the port refused: ${size.error.code}: ${size.error.message}`)
      if (id !== null) post({ type: 'response', id, outcome: { ok: false, error: size.error } })
      return
    }
    const request = readRequest(data)
    if (!request) {
      log?.('threadlab: ignored a message on the port that is not a request { id, method, params? }')
      return
    }
    const id = request.id
    void gate.serve(request.method, request.params, size.bytes, (outcome) => post({ type: 'response', id, outcome }))
  }, shutDown)
  return {
    emit: (event, value) => post({ type: 'event', event, value }),
    close() {
      shutDown()
      port.close()
    },
  }
}

function readRequest(data: unknown): PortRequest | null {
  const id = readId(data)
  if (id === null) return null
  const o = data as Record<string, unknown>
  if (Object.keys(o).some((k) => k !== 'id' && k !== 'method' && k !== 'params')) return null
  return { id, method: o.method, params: o.params }
}

/** The id of a message that is an object with a well-formed id, else null (reads nothing else). */
function readId(data: unknown): number | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null
  const id = (data as { id?: unknown }).id
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null
}

/**
 * The page's end: ThreadlabApi over `port`. Once the port closes, every pending and later call
 * answers E_CONNECTION_CLOSED with `closedMessage`.
 */
export function connectPort(
  port: PortLike,
  closedMessage = 'The connection to the Threadlab host closed. Reload the page.',
): ThreadlabApi {
  const pending = new Map<number, (outcome: Outcome<unknown>) => void>()
  const hub = new EventHub()
  let nextId = 1
  let closed: ThreadlabErrorInfo | null = null
  port.listen(
    (data) => {
      const reply = data as PortReply | null
      if (reply?.type === 'response') {
        const resolve = pending.get(reply.id)
        pending.delete(reply.id)
        resolve?.(reply.outcome)
      } else if (reply?.type === 'event' && isEventName(reply.event)) {
        hub.emit(reply.event, reply.value)
      }
    },
    () => {
      closed = closedError(closedMessage)
      for (const resolve of pending.values()) resolve({ ok: false, error: closed })
      pending.clear()
    },
  )
  return createApi(
    (method, params) =>
      new Promise((resolve) => {
        if (closed) return resolve({ ok: false, error: closed })
        const id = nextId++
        pending.set(id, resolve)
        try {
          port.post((params === undefined ? { id, method } : { id, method, params }) satisfies PortRequest)
        } catch (e) {
          pending.delete(id)
          resolve(errorOutcome('E_BAD_REQUEST', `${method}: the argument cannot be sent: ${(e as Error).message}`))
        }
      }),
    (event, listener) => hub.subscribe(event, listener),
  )
}
