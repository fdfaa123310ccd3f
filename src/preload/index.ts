/**
 * The sandboxed preload: exposes exactly ThreadlabApi as `window.threadlab`, nothing else (no
 * ipcRenderer, no Node). Requests are one `invoke` each on the channels of src/shared/ipc.ts;
 * batches and statuses arrive on the MessagePort that main posts on IPC.port when the page loads;
 * a file named on the command line arrives on IPC.openFile (checked and held in ./pending).
 * Compiled to one CommonJS file (a sandboxed preload cannot load ES modules or other files).
 */
import { contextBridge, ipcRenderer } from 'electron'
import type { Capabilities, Outcome, RunRequest, RunStatus, ThreadlabApi } from '../shared/api'
import { IPC, type PortMessage } from '../shared/ipc'
import type { MachineFigures } from '../shared/sweep'
import { createOpenFileInbox } from './pending'

const batchListeners = new Set<(batch: Float64Array) => void>()
const statusListeners = new Set<(status: RunStatus) => void>()
/** The part of the DOM MessagePort we use (this file is type-checked without the DOM library). */
interface StreamPort {
  onmessage: ((message: { data: unknown }) => void) | null
  close(): void
}
let stream: StreamPort | null = null

ipcRenderer.on(IPC.port, (event) => {
  const port = event.ports[0] as unknown as StreamPort | undefined
  if (!port) return
  stream?.close()
  stream = port
  port.onmessage = (message) => {
    const data = message.data as Float64Array | PortMessage | null
    if (data instanceof Float64Array) {
      for (const listener of batchListeners) safely(listener, data)
    } else if (data && data.type === 'status') {
      for (const listener of statusListeners) safely(listener, data.status)
    }
  }
})

// main sends one per file named on the command line; it waits here until the page subscribes
const openFiles = createOpenFileInbox(safely)
ipcRenderer.on(IPC.openFile, (_event, data: unknown) => {
  if (!openFiles.push(data)) console.error('threadlab: ignored a malformed open-file message')
})

function safely<T>(listener: (value: T) => void, value: T): void {
  try {
    listener(value)
  } catch (e) {
    console.error('threadlab: a listener threw', e)
  }
}

const api: ThreadlabApi = {
  async capabilities(): Promise<Capabilities> {
    const outcome = (await ipcRenderer.invoke(IPC.capabilities)) as Outcome<Capabilities>
    if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code })
    return outcome.value
  },
  startRun: (request: RunRequest) => ipcRenderer.invoke(IPC.startRun, request) as Promise<Outcome<{ runId: number }>>,
  cancelRun: () => ipcRenderer.invoke(IPC.cancelRun) as Promise<Outcome<null>>,
  fetchRunEvents: (runId: number) => ipcRenderer.invoke(IPC.fetchRunEvents, runId) as Promise<Outcome<Float64Array>>,
  measureMachine: () => ipcRenderer.invoke(IPC.measureMachine) as Promise<Outcome<MachineFigures>>,
  onBatch(listener) {
    if (typeof listener !== 'function') throw new TypeError('onBatch needs a function')
    batchListeners.add(listener)
    return () => void batchListeners.delete(listener)
  },
  onStatus(listener) {
    if (typeof listener !== 'function') throw new TypeError('onStatus needs a function')
    statusListeners.add(listener)
    return () => void statusListeners.delete(listener)
  },
  onOpenFile(listener) {
    if (typeof listener !== 'function') throw new TypeError('onOpenFile needs a function')
    return openFiles.subscribe(listener)
  },
}

contextBridge.exposeInMainWorld('threadlab', api)
