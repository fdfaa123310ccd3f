/**
 * The generic halves every transport is built from, all driven by the method map (./methods):
 * `serveCall` answers one call on the host's side (argument checked by the map, service called,
 * anything thrown turned into an Outcome, a refusal logged once with its code); `createApi` builds
 * the renderer's ThreadlabApi from one `call` and one `subscribe` function; `EventHub` holds a
 * client's listeners. A transport only moves messages; it has no code per method.
 */
import type { Outcome, ThreadlabErrorInfo } from './api'
import {
  EVENTS,
  EVENT_NAMES,
  METHODS,
  METHOD_NAMES,
  SERVICE_EVENTS,
  isMethodName,
  listenerKey,
  type EventName,
  type MethodName,
  type ServiceApi,
  type ThreadlabApi,
} from './methods'

/** Where a host writes one line per refused call. */
export type RefusalLog = (line: string) => void

export type Listener = (value: unknown) => void
export type CallFn = (method: MethodName, params: unknown) => Promise<Outcome<unknown>>
export type SubscribeFn = (event: EventName, listener: Listener) => () => void

export const errorOutcome = (code: string, message: string): Outcome<never> => ({ ok: false, error: { code, message } })

/** A call the map accepted: its method and the argument its validator rebuilt (never the sender's value). */
export interface CheckedCall {
  readonly method: MethodName
  readonly params: unknown
}

/**
 * Checks a call's name and argument against the map, synchronously: once it returns, nothing refers
 * to what the client sent (a suspended async function would keep its arguments alive while it waits).
 */
export function checkCall(method: unknown, params: unknown): Outcome<CheckedCall> {
  if (!isMethodName(method)) return errorOutcome('E_BAD_REQUEST', `method must be one of ${METHOD_NAMES.join(', ')}`)
  const checked: Outcome<unknown> = METHODS[method].params(params)
  if (!checked.ok) return { ok: false, error: { ...checked.error, message: `${method}: ${checked.error.message}` } }
  return { ok: true, value: { method, params: checked.value } }
}

/** One method's implementation: takes the checked argument, answers with an Outcome. */
export type Handler = (params: unknown) => Outcome<unknown> | Promise<Outcome<unknown>>

/** Calls the service with a checked call. Never rejects: anything thrown becomes E_INTERNAL. */
export function invoke(service: ServiceApi, call: CheckedCall): Promise<Outcome<unknown>> {
  // the map checked the argument's type for this method; the service's signature is the map's
  const handler = service[call.method] as Handler
  return invokeWith((params) => handler.call(service, params), call)
}

/** Calls `handler` with a checked call's argument. Never rejects: anything thrown becomes E_INTERNAL. */
export async function invokeWith(handler: Handler, call: CheckedCall): Promise<Outcome<unknown>> {
  try {
    return await handler(call.params)
  } catch (e) {
    return errorOutcome('E_INTERNAL', `${call.method} failed: ${e instanceof Error ? e.message : String(e)}`)
  }
}

/** The name a refusal line gives a method the client sent (which may be anything). */
export function methodLabel(method: unknown): string {
  return typeof method === 'string' ? method.slice(0, 40) : typeof method
}

/** Writes one line to `log` once `answer` settles as a refusal. */
export function logRefusal(
  answer: Promise<Outcome<unknown>>,
  label: string,
  log?: RefusalLog,
): Promise<Outcome<unknown>> {
  if (!log) return answer
  return answer.then((outcome) => {
    if (!outcome.ok) log(`threadlab: ${label} refused: ${outcome.error.code}: ${outcome.error.message}`)
    return outcome
  })
}

/**
 * Answers one call exactly as it arrived (a name and an argument, both untrusted), with no limit on
 * calls in flight (in-process callers; a transport serves through a CallGate). Never throws or
 * rejects. A refused call (bad name or argument, or an Outcome with ok: false) is written to `log`
 * once, with its code.
 */
export function serveCall(
  service: ServiceApi,
  method: unknown,
  params: unknown,
  log?: RefusalLog,
): Promise<Outcome<unknown>> {
  const checked = checkCall(method, params)
  const answer = checked.ok ? invoke(service, checked.value) : Promise.resolve(checked)
  return logRefusal(answer, methodLabel(method), log)
}

/**
 * Builds the renderer's API from a transport's two functions: one member per method and per event
 * of the map. A call that rejects (a transport failure) answers with E_TRANSPORT instead.
 */
export function createApi(call: CallFn, subscribe: SubscribeFn): ThreadlabApi {
  const api: Record<string, unknown> = {}
  for (const name of METHOD_NAMES) {
    const send = (params: unknown) =>
      call(name, params).catch((e: unknown) =>
        errorOutcome('E_TRANSPORT', `${name} could not be delivered: ${e instanceof Error ? e.message : String(e)}`),
      )
    api[name] = METHODS[name].takesParams ? (params: unknown) => send(params) : () => send(undefined)
  }
  for (const name of EVENT_NAMES) {
    const key = listenerKey(name)
    api[key] = (listener: unknown) => {
      if (typeof listener !== 'function') throw new TypeError(`${key} needs a function`)
      return subscribe(name, listener as Listener)
    }
  }
  // one member per entry of the map, each with the map's signature (the contract suite checks them)
  return api as ThreadlabApi
}

/** Calls one method of an API by name (a deferred or wrapped API forwards this way). */
export function callByName(api: ThreadlabApi, method: MethodName, params: unknown): Promise<Outcome<unknown>> {
  const fn = api[method] as (params?: unknown) => Promise<Outcome<unknown>>
  return METHODS[method].takesParams ? fn.call(api, params) : fn.call(api)
}

/** Subscribes to one event of an API by name. */
export function subscribeByName(api: ThreadlabApi, event: EventName, listener: Listener): () => void {
  return (api[listenerKey(event)] as (listener: Listener) => () => void).call(api, listener)
}

/** Subscribes to one of the service's events by name; a host event (not the service's) never fires. */
export function subscribeService(service: ServiceApi, event: EventName, listener: Listener): () => void {
  if (!(SERVICE_EVENTS as EventName[]).includes(event)) return () => {}
  // the service's events are its `on…` members (ServiceApi), one per service event of the map
  const members = service as unknown as Record<string, (listener: Listener) => () => void>
  return members[listenerKey(event)].call(service, listener)
}

/** The API over a service in the same process: the map's checks and Outcomes, no copying. */
export function inProcessApi(service: ServiceApi, log?: RefusalLog): ThreadlabApi {
  return createApi(
    (method, params) => serveCall(service, method, params, log),
    (event, listener) => subscribeService(service, event, listener),
  )
}

const TYPED_ARRAY_TAG = '[object Float64Array]'

/**
 * One client's listeners per event. A value is checked against its event's spec first (a batch
 * must be a Float64Array; an event with a `check` is rebuilt by it); a listener that throws is
 * reported and does not stop the others. An event marked keepLatest that arrives with nobody
 * listening waits for the first subscriber.
 */
export class EventHub {
  private readonly listeners = new Map<EventName, Set<Listener>>()
  private readonly kept = new Map<EventName, unknown>()

  constructor(private readonly report: (message: string, error?: unknown) => void = defaultReport) {}

  subscribe(event: EventName, listener: Listener): () => void {
    if (typeof listener !== 'function') throw new TypeError(`${listenerKey(event)} needs a function`)
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    // each subscription is its own: disposing one leaves the others (even of the same function)
    const own: Listener = (value) => listener(value)
    set.add(own)
    if (this.kept.has(event)) {
      const value = this.kept.get(event)
      this.kept.delete(event)
      this.deliver(own, value)
    }
    return () => void set.delete(own)
  }

  /** Delivers one value; false (nothing delivered or kept) when it is malformed. */
  emit(event: EventName, raw: unknown): boolean {
    const value = this.read(event, raw)
    if (value === null) {
      this.report(`threadlab: ignored a malformed ${event} event`)
      return false
    }
    const set = this.listeners.get(event)
    if (!set || set.size === 0) {
      if (EVENTS[event].keepLatest) this.kept.set(event, value)
      return true
    }
    for (const listener of [...set]) this.deliver(listener, value)
    return true
  }

  /** listeners subscribed now to one event (for tests) */
  size(event: EventName): number {
    return this.listeners.get(event)?.size ?? 0
  }

  private read(event: EventName, raw: unknown): unknown {
    const spec = EVENTS[event]
    if (spec.payload === 'batch') return Object.prototype.toString.call(raw) === TYPED_ARRAY_TAG ? raw : null
    if ('check' in spec && spec.check) return spec.check(raw)
    return raw ?? null
  }

  private deliver(listener: Listener, value: unknown): void {
    try {
      listener(value)
    } catch (e) {
      this.report('threadlab: a listener threw', e)
    }
  }
}

function defaultReport(message: string, error?: unknown): void {
  if (error === undefined) console.error(message)
  else console.error(message, error)
}

/** A ThreadlabErrorInfo for a transport that is gone; every later call answers with it. */
export function closedError(message: string): ThreadlabErrorInfo {
  return { code: 'E_CONNECTION_CLOSED', message }
}
