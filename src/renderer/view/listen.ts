/**
 * Adds DOM listeners and returns one disposer that removes them all: the canvases' effects
 * register half a dozen handlers each and must remove exactly those on cleanup.
 */
type Handlers = { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void }

export function listen(target: HTMLElement, handlers: Handlers, options?: AddEventListenerOptions): () => void {
  const entries = Object.entries(handlers) as Array<[string, EventListener]>
  for (const [type, handler] of entries) target.addEventListener(type, handler, options)
  return () => {
    for (const [type, handler] of entries) target.removeEventListener(type, handler, options)
  }
}
