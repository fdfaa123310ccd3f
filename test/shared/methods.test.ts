// The method map and the generic halves built from it: what the map checks, how a call is served
// (refusals as data, logged once), how the renderer's API is built, and — at compile time — that a
// service missing a method is rejected.
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { Outcome } from '../../src/shared/api'
import {
  EVENT_NAMES,
  METHODS,
  METHOD_NAMES,
  listenerKey,
  type ServiceApi,
  type ThreadlabApi,
} from '../../src/shared/methods'
import { createApi, serveCall } from '../../src/shared/transport'

/** A service that answers every method with its name, and counts calls. */
function echoService() {
  const calls: string[] = []
  const answer = (name: string) => async () => {
    calls.push(name)
    return { ok: true as const, value: null }
  }
  const service = {
    capabilities: answer('capabilities'),
    startRun: answer('startRun'),
    cancelRun: answer('cancelRun'),
    fetchRunEvents: answer('fetchRunEvents'),
    measureMachine: answer('measureMachine'),
    onBatch: () => () => {},
    onStatus: () => () => {},
  }
  return { service: service as unknown as ServiceApi, calls }
}

describe('the method map', () => {
  it('names every method and event once; listeners are on + the capitalised event', () => {
    expect(METHOD_NAMES).toEqual(['capabilities', 'startRun', 'cancelRun', 'fetchRunEvents', 'measureMachine'])
    expect(EVENT_NAMES.map((e) => listenerKey(e))).toEqual(['onBatch', 'onStatus', 'onOpenFile'])
    expect(METHODS.fetchRunEvents.result).toBe('batch')
  })

  it('checks arguments: none where none is taken, a run id, a request', () => {
    expect(METHODS.capabilities.params(undefined)).toEqual({ ok: true, value: undefined })
    expect(METHODS.capabilities.params({ x: 1 })).toMatchObject({ ok: false, error: { code: 'E_BAD_REQUEST' } })
    expect(METHODS.fetchRunEvents.params(3)).toEqual({ ok: true, value: 3 })
    for (const bad of [-1, 1.5, '3', null, { runId: 3 }])
      expect(METHODS.fetchRunEvents.params(bad).ok, JSON.stringify(bad)).toBe(false)
    expect(METHODS.startRun.params({ experiment: 'sleep-sort', values: [1], mode: 'warp', unitMs: 1 })).toMatchObject({
      ok: false,
      error: { code: 'E_BAD_MODE' },
    })
  })

  it('serveCall refuses unknown methods and bad arguments before the service sees them, logging each once', async () => {
    const { service, calls } = echoService()
    const log: string[] = []
    expect(await serveCall(service, 'shutdown', undefined, (l) => log.push(l))).toMatchObject({
      ok: false,
      error: { code: 'E_BAD_REQUEST' },
    })
    expect(await serveCall(service, 'fetchRunEvents', 'x', (l) => log.push(l))).toMatchObject({
      ok: false,
      error: { code: 'E_BAD_REQUEST', message: 'fetchRunEvents: runId must be a non-negative whole number' },
    })
    expect(await serveCall(service, 'toString', undefined, (l) => log.push(l))).toMatchObject({ ok: false })
    expect(calls).toEqual([])
    expect(log).toEqual([
      expect.stringMatching(/^threadlab: shutdown refused: E_BAD_REQUEST: /),
      expect.stringMatching(/^threadlab: fetchRunEvents refused: E_BAD_REQUEST: /),
      expect.stringMatching(/^threadlab: toString refused: E_BAD_REQUEST: /),
    ])
    expect(await serveCall(service, 'cancelRun', null)).toEqual({ ok: true, value: null })
    expect(calls).toEqual(['cancelRun'])
  })

  it('serveCall turns a throwing service into an E_INTERNAL Outcome', async () => {
    const { service } = echoService()
    const broken = {
      ...service,
      cancelRun: () => {
        throw new Error('engine gone')
      },
    } as ServiceApi
    expect(await serveCall(broken, 'cancelRun', undefined)).toEqual({
      ok: false,
      error: { code: 'E_INTERNAL', message: 'cancelRun failed: engine gone' },
    })
  })

  it('createApi builds one member per entry; a transport that rejects answers E_TRANSPORT', async () => {
    const api = createApi(
      async (method) => {
        throw new Error(`${method}: socket gone`)
      },
      () => () => {},
    )
    expect(Object.keys(api).sort()).toEqual([...METHOD_NAMES, ...EVENT_NAMES.map((e) => listenerKey(e))].sort())
    expect(await api.cancelRun()).toEqual({
      ok: false,
      error: { code: 'E_TRANSPORT', message: 'cancelRun could not be delivered: cancelRun: socket gone' },
    })
  })

  it('the types follow the map: a service missing a method, or with a wrong result, does not compile', () => {
    expectTypeOf<ThreadlabApi['fetchRunEvents']>().parameters.toEqualTypeOf<[number]>()
    expectTypeOf<ThreadlabApi['capabilities']>().parameters.toEqualTypeOf<[]>()
    type Answer = Outcome<null> | Promise<Outcome<null>>
    expectTypeOf<ServiceApi>().toHaveProperty('onBatch')
    expectTypeOf<ServiceApi>().toHaveProperty('onStatus')
    expectTypeOf<ServiceApi>().not.toHaveProperty('onOpenFile') // the host's event, not the service's
    // @ts-expect-error measureMachine is missing
    const missing: ServiceApi = {
      capabilities: () => ({ ok: false, error: { code: 'E_X', message: '' } }),
      startRun: async () => ({ ok: true, value: { runId: 1 } }),
      cancelRun: (): Answer => ({ ok: true, value: null }),
      fetchRunEvents: () => ({ ok: true, value: new Float64Array(4) }),
      onBatch: () => () => {},
      onStatus: () => () => {},
    }
    const wrong: Pick<ServiceApi, 'cancelRun'> = {
      // @ts-expect-error cancelRun answers null, not a number
      cancelRun: () => ({ ok: true, value: 5 }),
    }
    expect([missing, wrong]).toHaveLength(2)
  })
})
