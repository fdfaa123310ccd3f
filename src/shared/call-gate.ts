/**
 * What one client may have its host working on at once, the same for every transport: the web
 * host's WebSocket and Electron's MessagePort both answer every call through a CallGate.
 *
 * - An instant method (the map's `instant`: capabilities) is answered at once and takes no slot,
 *   so a page that asks many times is never told it is busy.
 * - Any other call takes a slot until it is answered: at most `maxCallsInFlight` of them, at most
 *   one of each method the map marks `oneAtATime` (startRun), and at most `maxInFlightBytes` of
 *   requests (the sizes the transport measured on receipt). Beyond: E_BUSY / E_IN_FLIGHT_BYTES at once.
 * - A call is checked by the map (./transport checkCall) synchronously on receipt; while it waits
 *   only the rebuilt argument is held, never the value the client sent.
 * - Every refusal is written to the client's log once (give it a limitRefusalLog).
 * - A host may answer some methods itself (`own`), under the same caps: the web host answers
 *   fetchRunEvents with a replay it streams frame by frame instead of the service's joined copy.
 */
import type { Outcome } from './api'
import { LIMITS } from './limits'
import { METHODS, isMethodName, type MethodName, type ServiceApi } from './methods'
import {
  checkCall,
  errorOutcome,
  invoke,
  invokeWith,
  logRefusal,
  methodLabel,
  type CheckedCall,
  type Handler,
  type RefusalLog,
} from './transport'

export interface CallLimits {
  maxCallsInFlight: number
  maxInFlightBytes: number
}

/** Methods a host answers itself instead of the service, each with the map's checked argument. */
export type OwnAnswers = Partial<Record<MethodName, Handler>>

export const DEFAULT_CALL_LIMITS: CallLimits = {
  maxCallsInFlight: LIMITS.maxCallsInFlight,
  maxInFlightBytes: LIMITS.maxInFlightBytesPerClient,
}

const MIB = 2 ** 20

export class CallGate {
  private calls = 0
  private bytes = 0
  private readonly running = new Set<MethodName>()
  private readonly limits: CallLimits

  constructor(
    private readonly service: ServiceApi,
    private readonly log?: RefusalLog,
    limits: Partial<CallLimits> = {},
    private readonly own: OwnAnswers = {},
  ) {
    this.limits = { ...DEFAULT_CALL_LIMITS, ...limits }
  }

  /** Calls being answered now, and the bytes of their requests (for tests and diagnosis). */
  inFlight(): { calls: number; bytes: number } {
    return { calls: this.calls, bytes: this.bytes }
  }

  /**
   * Answers one call as it arrived: a name, an argument and the request's size in bytes as the
   * transport received it. `send` delivers the answer (a refusal at once); the call keeps its slot
   * until what `send` returns settles, so a transport that waits to deliver (a replay waiting for
   * room) still counts it. Resolves once answered; never throws or rejects.
   */
  serve(method: unknown, params: unknown, bytes: number, send: (outcome: Outcome<unknown>) => unknown): Promise<void> {
    const label = methodLabel(method)
    const deliver = (answer: Promise<Outcome<unknown>>) =>
      logRefusal(answer, label, this.log)
        .then(send)
        .then(
          () => undefined,
          () => undefined,
        )
    const busy = isMethodName(method) && !METHODS[method].instant ? this.refusal(method, bytes) : null
    if (busy) return deliver(Promise.resolve(busy))
    const checked = checkCall(method, params)
    if (!checked.ok) return deliver(Promise.resolve(checked))
    const call = checked.value
    if (METHODS[call.method].instant) return deliver(this.answer(call))
    this.calls++
    this.bytes += bytes
    if (METHODS[call.method].oneAtATime) this.running.add(call.method)
    return deliver(this.answer(call)).finally(() => {
      this.calls--
      this.bytes -= bytes
      this.running.delete(call.method)
    })
  }

  private answer(call: CheckedCall): Promise<Outcome<unknown>> {
    const own = this.own[call.method]
    return own ? invokeWith(own, call) : invoke(this.service, call)
  }

  private refusal(method: MethodName, bytes: number): Outcome<never> | null {
    const { maxCallsInFlight, maxInFlightBytes } = this.limits
    if (this.running.has(method))
      return errorOutcome('E_BUSY', `${method}: this client's previous ${method} is still being answered: wait for it`)
    if (this.calls >= maxCallsInFlight)
      return errorOutcome(
        'E_BUSY',
        `${method}: this client already has ${maxCallsInFlight} calls being answered: wait for their answers`,
      )
    if (this.bytes + bytes > maxInFlightBytes)
      return errorOutcome(
        'E_IN_FLIGHT_BYTES',
        `${method}: this request (${(bytes / MIB).toFixed(1)} MiB) and this client's calls being answered ` +
          `(${(this.bytes / MIB).toFixed(1)} MiB) would pass ${maxInFlightBytes / MIB} MiB: wait for their answers`,
      )
    return null
  }
}
