/**
 * The renderer's only door to the host. `window.threadlab` comes from the Electron preload, or in
 * a browser from the web client installed here on first use. No other renderer module touches
 * `window`.
 */
import type { ThreadlabApi } from '../shared/api'

type HostWindow = { threadlab?: ThreadlabApi; __threadlabBench?: unknown; location: Location }

function hostWindow(): HostWindow {
  return window as unknown as HostWindow
}

let apiPromise: Promise<ThreadlabApi> | null = null

/** The host API, installing the web bridge when no preload provided one. */
export function getApi(): Promise<ThreadlabApi> {
  apiPromise ??= (async () => {
    const w = hostWindow()
    if (!w.threadlab) (await import('../web/client')).installWebBridge()
    if (!w.threadlab) throw new Error('no Threadlab host: window.threadlab is missing')
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
