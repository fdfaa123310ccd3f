/**
 * Reads a Chrome Trace with the trace engine of Chrome DevTools' Performance panel, as published on
 * npm (@paulirish/trace_engine): a reader this project did not write. Returns what it kept: each
 * thread's name and the events in its thread tree, and the flows it bound (start → end event).
 */
import * as Trace from '@paulirish/trace_engine'

export interface ReadEvent {
  name: string
  ph: string
  ts: number
  dur?: number
  pid: number
  tid: number
  cat?: string
}

export interface DevToolsView {
  /** per tid of pid 1: the thread's name and every event its tree holds */
  threads: Map<number, { name: string | null; entries: ReadEvent[] }>
  flows: [ReadEvent, ReadEvent][]
}

/** The engine measures layout with DOMRect, which Node lacks (its README says to polyfill it). */
function polyfillDomRect(): void {
  const g = globalThis as { DOMRect?: unknown }
  g.DOMRect ??= class DOMRect {
    constructor(
      public x = 0,
      public y = 0,
      public width = 0,
      public height = 0,
    ) {}
  }
}

export async function readWithDevTools(traceJson: string, pid: number): Promise<DevToolsView> {
  polyfillDomRect()
  const { traceEvents } = JSON.parse(traceJson) as { traceEvents: unknown[] }
  const model = Trace.TraceModel.Model.createWithAllHandlers()
  await model.parse(traceEvents as never)
  const parsed = model.parsedTrace()
  if (!parsed) throw new Error('the DevTools trace engine returned no parsed trace')
  const threads: DevToolsView['threads'] = new Map()
  const process = parsed.data.Renderer.processes.get(pid as never)
  for (const [tid, thread] of process?.threads ?? []) {
    const entries: ReadEvent[] = []
    const walk = (nodes: Iterable<{ entry: unknown; children: Iterable<unknown> }>) => {
      for (const node of nodes) {
        entries.push(node.entry as ReadEvent)
        walk(node.children as never)
      }
    }
    walk((thread.tree?.roots ?? []) as never)
    threads.set(tid as number, { name: thread.name, entries })
  }
  const flows = parsed.data.Flows.flows.map((f) => {
    if (f.length !== 2) throw new Error(`a flow of ${f.length} events`)
    return [f[0], f[1]] as unknown as [ReadEvent, ReadEvent]
  })
  return { threads, flows }
}
