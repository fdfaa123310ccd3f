/**
 * The renderer's only door to the host. Under Electron, `window.threadlab` is the preload's bridge,
 * which hands this page a MessagePort to main (the API is built on it here); in a browser the web
 * client is installed here on first use. No other renderer module touches `window`.
 */
import type { ThreadlabApi } from '../shared/api'
import { connectThroughPreload, type PageWindow, type PreloadBridge } from '../shared/ipc'

type HostWindow = {
  threadlab?: ThreadlabApi | PreloadBridge
  __threadlabBench?: unknown
  location: Location
}

function isPreloadBridge(x: HostWindow['threadlab']): x is PreloadBridge {
  return typeof x === 'object' && x !== null && typeof (x as Partial<PreloadBridge>).connect === 'function'
}

function hostWindow(): HostWindow {
  return window as unknown as HostWindow
}

let apiPromise: Promise<ThreadlabApi> | null = null

/** The host API, installing the web bridge when no preload provided one. */
export function getApi(): Promise<ThreadlabApi> {
  apiPromise ??= (async () => {
    const w = hostWindow()
    if (isPreloadBridge(w.threadlab)) return connectThroughPreload(window as unknown as PageWindow, w.threadlab)
    if (!w.threadlab) return (await import('../web/client')).installWebBridge()
    return w.threadlab
  })()
  return apiPromise
}

/** Uses an API object directly (benchmarks and offline replay), bypassing the host. */
export function useOfflineApi(api: ThreadlabApi): void {
  apiPromise = Promise.resolve(api)
}

/** A query parameter of the page URL (e.g. `?bench=replay`), or null. */
export function queryParam(name: string): string | null {
  return new URLSearchParams(hostWindow().location.search).get(name)
}

/** Publishes the benchmark hook; only called when the page was opened with `?bench=…`. */
export function exposeBenchHook(hook: unknown): void {
  hostWindow().__threadlabBench = hook
}

/** A platform's primary modifier key: ⌘ on macOS, Ctrl elsewhere. */
export function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)
}
