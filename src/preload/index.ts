/**
 * The sandboxed preload. It exposes one member, `window.threadlab.connect()`, and holds nothing
 * else: no ipcRenderer, no Node, no per-method code. `connect()` asks main for this document's
 * MessagePort (IPC.connect with a nonce only this document knows); main answers on IPC.port and the
 * port is transferred to the page with window.postMessage. The page then speaks the method map's
 * protocol on it directly (src/shared/port-transport.ts): requests, Outcomes, statuses and batches
 * cross once, by structured clone, and never through contextBridge — which would copy every batch
 * a second time and keep only the message of an error, losing its code.
 *
 * Compiled to one CommonJS file (a sandboxed preload cannot load ES modules or other files).
 */
import { contextBridge, ipcRenderer } from 'electron'
import { IPC, PORT_HANDOFF, readPortGrant, type PortHandoff, type PreloadBridge } from '../shared/ipc'

/** The part of the page's window the preload uses (this file is type-checked without the DOM library). */
declare const window: {
  postMessage(message: unknown, targetOrigin: string, transfer?: unknown[]): void
}

/** Only this document knows it: a port main posted for an earlier document of the window is refused. */
const nonce = crypto.randomUUID()
let asked = false

ipcRenderer.on(IPC.port, (event, data: unknown) => {
  const port = event.ports[0]
  const grant = readPortGrant(data)
  if (!grant || grant.nonce !== nonce) {
    // meant for the document this one replaced: closing it lets main dispose that client now
    port?.close()
    return
  }
  const handoff: PortHandoff = grant.error
    ? { threadlab: PORT_HANDOFF, error: grant.error }
    : { threadlab: PORT_HANDOFF }
  // Posted by this window to itself (as Electron's MessagePort guide does), so '*' names no other
  // recipient; the page accepts it only with its own window as the source. (An origin here would
  // depend on how the isolated world reports app://'s origin, and a mismatch drops the port.)
  window.postMessage(handoff, '*', port && !grant.error ? [port] : [])
  if (grant.error) port?.close()
})

const bridge: PreloadBridge = {
  connect() {
    if (asked) return
    asked = true
    ipcRenderer.send(IPC.connect, nonce)
  },
}

contextBridge.exposeInMainWorld('threadlab', bridge)
