import type { ThreadlabApi } from '../../shared/api'

/**
 * A ThreadlabApi usable at once that forwards to the real one when it resolves, so the page
 * paints before the host connection is up. Calls made before then simply wait.
 */
export function deferredApi(ready: Promise<ThreadlabApi>): ThreadlabApi {
  ready.catch(() => {})
  const subscribe = <L>(pick: (a: ThreadlabApi) => (l: L) => () => void, listener: L) => {
    let dispose: (() => void) | null = null
    let off = false
    ready.then(
      (a) => {
        if (!off) dispose = pick(a).call(a, listener)
      },
      () => {},
    )
    return () => {
      off = true
      dispose?.()
    }
  }
  return {
    capabilities: async () => (await ready).capabilities(),
    startRun: async (r) => (await ready).startRun(r),
    cancelRun: async () => (await ready).cancelRun(),
    fetchRunEvents: async (id) => (await ready).fetchRunEvents(id),
    measureMachine: async () => (await ready).measureMachine(),
    onBatch: (l) => subscribe((a) => a.onBatch, l),
    onStatus: (l) => subscribe((a) => a.onStatus, l),
    onOpenFile: (l) => subscribe((a) => a.onOpenFile, l),
  }
}
