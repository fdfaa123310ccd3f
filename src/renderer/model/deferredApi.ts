import type { ThreadlabApi } from '../../shared/api'
import { callByName, createApi, subscribeByName } from '../../shared/transport'

/**
 * A ThreadlabApi usable at once that forwards to the real one when it resolves, so the page
 * paints before the host connection is up. Calls made before then simply wait; a host that never
 * comes answers every call with E_NO_HOST.
 */
export function deferredApi(ready: Promise<ThreadlabApi>): ThreadlabApi {
  ready.catch(() => {})
  return createApi(
    (method, params) =>
      ready.then(
        (api) => callByName(api, method, params),
        (e: unknown) => ({
          ok: false,
          error: { code: 'E_NO_HOST', message: e instanceof Error ? e.message : 'could not reach the Threadlab host' },
        }),
      ),
    (event, listener) => {
      let dispose: (() => void) | null = null
      let off = false
      ready.then(
        (api) => {
          if (!off) dispose = subscribeByName(api, event, listener)
        },
        () => {},
      )
      return () => {
        off = true
        dispose?.()
      }
    },
  )
}
