/**
 * The one map of Threadlab's API: every request method and every event, once. The renderer's
 * `ThreadlabApi`, the run service's interface and every transport (in-process, MessagePort for
 * Electron, WebSocket for the web host) are derived from these two objects, so adding a method is
 * one entry here plus its implementation in the service: a service that lacks it does not compile,
 * and every transport carries it without further code.
 *
 * A method takes at most one argument, checked on the receiving side by its `params` validator, and
 * answers with an `Outcome` (errors cross every boundary as data). `payload: 'batch'` marks a value
 * that is one packed event batch (a Float64Array): the WebSocket sends it as a binary frame.
 */
import type { Capabilities, OpenFileMessage, Outcome, RunRequest, RunStatus } from './api'
import { parseOpenFileMessage } from './openfile'
import type { MachineFigures } from './machineFigures'
import { validateRunRequest } from './validate'

/** How a value travels: plain structured data, or one packed batch (binary on the WebSocket). */
export type Payload = 'data' | 'batch'

export interface MethodSpec<P, R> {
  /** false: the method takes no argument (undefined or null are accepted, anything else refused) */
  readonly takesParams: boolean
  /** reads the caller's argument; never throws */
  readonly params: (input: unknown) => Outcome<P>
  readonly result: Payload
  /**
   * true: the service answers at once from memory, so a transport serves it without taking one of
   * the client's in-flight slots (./call-gate)
   */
  readonly instant?: boolean
  /** true: at most one call of this method per client is being answered at a time (E_BUSY beyond) */
  readonly oneAtATime?: boolean
  /** type only: what the method answers with */
  readonly resultType?: (value: R) => void
}

export interface EventSpec<T> {
  readonly payload: Payload
  /** 'service': the run service emits it; 'host': the host's own glue (Electron main) does */
  readonly from: 'service' | 'host'
  /**
   * true: a value that arrives while nobody listens is kept (the latest one) and handed to the first
   * listener when it subscribes, so a page that subscribes late still gets it exactly once
   */
  readonly keepLatest: boolean
  /** reads a received value (null when it is malformed), for events whose sender is not the service */
  readonly check?: (input: unknown) => T | null
}

const refuse = (message: string): Outcome<never> => ({ ok: false, error: { code: 'E_BAD_REQUEST', message } })

type Serving = Pick<MethodSpec<unknown, unknown>, 'instant' | 'oneAtATime'>

function noParams<R>(serving: Serving = {}): MethodSpec<void, R> {
  return {
    takesParams: false,
    params: (input) =>
      input === undefined || input === null ? { ok: true, value: undefined } : refuse('takes no argument'),
    result: 'data',
    ...serving,
  }
}

function takes<P, R>(
  params: (input: unknown) => Outcome<P>,
  result: Payload = 'data',
  serving: Serving = {},
): MethodSpec<P, R> {
  return { takesParams: true, params, result, ...serving }
}

/** An event the run service emits (its `on…` member is part of ServiceApi). */
function serviceEvent<T>(payload: Payload): EventSpec<T> & { readonly from: 'service' } {
  return { payload, from: 'service', keepLatest: false }
}

/** An event the host's own glue emits (Electron main), not the service. */
function hostEvent<T>(payload: Payload, extra: Partial<EventSpec<T>>): EventSpec<T> & { readonly from: 'host' } {
  return { payload, keepLatest: false, ...extra, from: 'host' }
}

/**
 * The request's shape and every cap that does not depend on the machine. The run service checks
 * the request again with the machine's core count (parallel-sum's duration cap depends on it).
 */
function runRequest(input: unknown): Outcome<RunRequest> {
  return validateRunRequest(input, { cpus: Number.MAX_SAFE_INTEGER })
}

function runId(input: unknown): Outcome<number> {
  return typeof input === 'number' && Number.isSafeInteger(input) && input >= 0
    ? { ok: true, value: input }
    : refuse('runId must be a non-negative whole number')
}

export const METHODS = {
  /** the machine and the caps every request is checked against (described once, budget read live) */
  capabilities: noParams<Capabilities>({ instant: true }),
  /** validates and starts a run; its batches and statuses follow as events */
  startRun: takes<RunRequest, { runId: number }>(runRequest, 'data', { oneAtATime: true }),
  /** cancels the run in progress; answers once its threads are joined */
  cancelRun: noParams<null>(),
  /** every batch of the current or last finished run, as one batch (replay after missed frames) */
  fetchRunEvents: takes<number, Float64Array>(runId, 'batch'),
  /**
   * What shapes the numbers on this machine (CPU count, timer slack, realtime permission, the cost
   * of recording an event, spawn time per thread, empty-sleep lateness), measured by the host in
   * about a second. Refused with E_BUSY while this client has a run active.
   */
  measureMachine: noParams<MachineFigures>(),
}

export const EVENTS = {
  /** one packed batch of a run's events, in engine order */
  batch: serviceEvent<Float64Array>('batch'),
  /** started, progress, finished, failed, missed */
  status: serviceEvent<RunStatus>('data'),
  /**
   * A file named on the command line (Electron only; the web host never sends one). Each file is
   * delivered once, even if it arrived before anyone subscribed: the first listener to subscribe
   * then receives the one file still unclaimed (the latest), at once, before subscribing returns.
   */
  openFile: hostEvent<OpenFileMessage>('data', { keepLatest: true, check: parseOpenFileMessage }),
}

type Methods = typeof METHODS
type Events = typeof EVENTS
export type MethodName = keyof Methods
export type EventName = keyof Events
export type ParamsOf<K extends MethodName> = Methods[K] extends MethodSpec<infer P, infer _R> ? P : never
export type ResultOf<K extends MethodName> = Methods[K] extends MethodSpec<infer _P, infer R> ? R : never
export type EventOf<K extends EventName> = Events[K] extends EventSpec<infer T> ? T : never

export const METHOD_NAMES = Object.keys(METHODS) as MethodName[]
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[]

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(METHODS, name)
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(EVENTS, name)
}

/** A method as a caller sees it: one argument or none, an Outcome back. */
export type Caller<K extends MethodName> = [ParamsOf<K>] extends [void]
  ? () => Promise<Outcome<ResultOf<K>>>
  : (params: ParamsOf<K>) => Promise<Outcome<ResultOf<K>>>

/** `batch` → `onBatch` */
export type ListenerKey<K extends EventName> = `on${Capitalize<K>}`
export type Subscribe<K extends EventName> = (listener: (value: EventOf<K>) => void) => () => void

export function listenerKey<K extends EventName>(name: K): ListenerKey<K> {
  return `on${name[0].toUpperCase()}${name.slice(1)}` as ListenerKey<K>
}

/** What `window.threadlab`'s users (the renderer) get, identical under every host. */
export type ThreadlabApi = { [K in MethodName]: Caller<K> } & { [K in EventName as ListenerKey<K>]: Subscribe<K> }

type ServiceEventName = { [K in EventName]: Events[K]['from'] extends 'service' ? K : never }[EventName]

/**
 * What a run service implements: every method (taking its validated argument) and the events it
 * emits. The hosts are written against this, so a service missing a method does not compile.
 */
export type ServiceApi = {
  [K in MethodName]: [ParamsOf<K>] extends [void]
    ? () => Outcome<ResultOf<K>> | Promise<Outcome<ResultOf<K>>>
    : (params: ParamsOf<K>) => Outcome<ResultOf<K>> | Promise<Outcome<ResultOf<K>>>
} & { [K in ServiceEventName as ListenerKey<K>]: Subscribe<K> }

export const SERVICE_EVENTS = EVENT_NAMES.filter((name) => EVENTS[name].from === 'service')
