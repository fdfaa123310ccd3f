// The real preload module (src/preload/index.ts) under a stand-in `electron` that behaves as
// Electron documents: contextBridge proxies functions and *copies* their arguments, return values
// and errors — a thrown error arrives as a new Error carrying only its message (the code is lost;
// electron/electron#25596, and the fix in #28346 rebuilds it from the message). Main is
// PageClients (what src/main uses) on Node's MessageChannel. The page then runs the whole contract
// over the port the preload hands it, and error codes arrive because they travel as data.
import { MessageChannel } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { loadEngine } from '../../src/service/addon'
import { PageClients } from '../../src/service/page-clients'
import { RunService } from '../../src/service/run-service'
import {
  IPC,
  PRELOAD_MEMBERS,
  connectThroughPreload,
  type PageWindow,
  type PreloadBridge,
  type WindowMessage,
} from '../../src/shared/ipc'
import { standardPort, type StandardPort } from '../../src/shared/port-transport'
import { contractSuite } from './contract'

const stand = vi.hoisted(() => {
  type Listener = (event: { ports: unknown[] }, ...args: unknown[]) => void
  /** What the preload registered with ipcRenderer.on, by channel. */
  const rendererListeners = new Map<string, Listener>()
  /** What the preload sent with ipcRenderer.send, in order (arguments as cloned). */
  const sent: Array<{ channel: string; args: unknown[] }> = []
  const mainWorld: Record<string, unknown> = {}
  let onSend: (channel: string, args: unknown[]) => void = () => {}

  /** contextBridge's copy of a value crossing into the other world, as Electron documents it. */
  function copyAcross(value: unknown): unknown {
    if (typeof value === 'function') {
      return (...args: unknown[]) => {
        let out: unknown
        try {
          out = value(...args.map(copyAcross))
        } catch (e) {
          // message only, deliberately no `cause`: the code is gone, as across the real bridge
          // eslint-disable-next-line preserve-caught-error
          throw new Error(e instanceof Error ? e.message : String(e))
        }
        if (out instanceof Promise) {
          return out.then(copyAcross, (e: unknown) => {
            throw new Error(e instanceof Error ? e.message : String(e))
          })
        }
        return copyAcross(out)
      }
    }
    if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
      const copy: Record<string, unknown> = Array.isArray(value) ? ([] as unknown as Record<string, unknown>) : {}
      for (const [k, v] of Object.entries(value)) copy[k] = copyAcross(v)
      return Object.freeze(copy)
    }
    return typeof value === 'object' && value !== null ? structuredClone(value) : value
  }

  const electron = {
    contextBridge: {
      exposeInMainWorld(key: string, api: unknown) {
        mainWorld[key] = copyAcross(api)
      },
    },
    ipcRenderer: {
      on(channel: string, listener: Listener) {
        rendererListeners.set(channel, listener)
      },
      send(channel: string, ...args: unknown[]) {
        const cloned = structuredClone(args)
        sent.push({ channel, args: cloned })
        onSend(channel, cloned)
      },
    },
  }
  return {
    electron,
    rendererListeners,
    sent,
    mainWorld,
    copyAcross,
    setOnSend(f: typeof onSend) {
      onSend = f
    },
  }
})

vi.mock('electron', () => stand.electron)

/** The page's window: postMessage delivers to its own listeners, with itself as the source. */
function fakeWindow() {
  const listeners = new Set<(event: WindowMessage) => void>()
  const posted: WindowMessage[] = []
  const win = {
    location: { origin: 'app://threadlab' },
    addEventListener: (_type: 'message', l: (event: WindowMessage) => void) => void listeners.add(l),
    removeEventListener: (_type: 'message', l: (event: WindowMessage) => void) => void listeners.delete(l),
    postMessage(message: unknown, _origin: string, transfer: unknown[] = []) {
      const event: WindowMessage = {
        data: structuredClone(message),
        source: win,
        ports: transfer as StandardPort[],
      }
      posted.push(event)
      setTimeout(() => listeners.forEach((l) => l(event)), 0)
    },
    posted,
  }
  return win
}

const engine = loadEngine()
const refusals: string[] = []
const pages = new PageClients(
  () => new RunService(engine),
  (line) => refusals.push(line),
)
const WINDOW_ID = 1
const win = fakeWindow()
let bridge: PreloadBridge

beforeAll(async () => {
  // main: IPC.connect → PageClients → the grant and the page's port on IPC.port
  stand.setOnSend((channel, [nonce]) => {
    if (channel !== IPC.connect) return
    const granted = pages.connect(WINDOW_ID, nonce, () => {
      const { port1, port2 } = new MessageChannel()
      return { host: standardPort(port1 as unknown as StandardPort), page: port2 }
    })
    if (!granted) return
    setTimeout(() => stand.rendererListeners.get(IPC.port)?.({ ports: [granted.page] }, granted.grant), 0)
  })
  ;(globalThis as unknown as { window: unknown }).window = win
  await import('../../src/preload/index')
  bridge = stand.mainWorld.threadlab as PreloadBridge
})

afterAll(async () => {
  await pages.disconnectAll()
  delete (globalThis as unknown as { window?: unknown }).window
})

describe('the preload under a contextBridge that copies errors as Electron does', () => {
  it('exposes exactly PRELOAD_MEMBERS (no ipcRenderer, no per-method code)', () => {
    expect(Object.keys(stand.mainWorld.threadlab as object).sort()).toEqual([...PRELOAD_MEMBERS].sort())
  })

  it('the stand-in bridge is faithful: a code on a thrown error does not survive it', async () => {
    const thrower = stand.copyAcross(() => {
      throw Object.assign(new Error('refused'), { code: 'E_BUSY' })
    }) as () => void
    let caught: unknown
    try {
      thrower()
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(Error)
    expect((caught as Error).message).toBe('refused')
    expect((caught as { code?: unknown }).code).toBeUndefined()
  })
})

contractSuite('the Electron preload handoff (stand-in contextBridge, MessagePort to main)', async () => {
  const api = await connectThroughPreload(win as unknown as PageWindow, bridge)
  return { api, refusals, close: async () => {} }
})

describe('the preload after connecting', () => {
  it('asks main once per document, with a nonce of its own', () => {
    const asks = stand.sent.filter((s) => s.channel === IPC.connect)
    expect(asks).toHaveLength(1)
    expect(asks[0].args[0]).toMatch(/^[0-9a-f-]{36}$/)
    bridge.connect()
    expect(stand.sent.filter((s) => s.channel === IPC.connect)).toHaveLength(1)
  })

  it('closes a port granted to another document (reload race) and hands the page nothing', async () => {
    const { port1, port2 } = new MessageChannel()
    const closed = new Promise<void>((r) => port1.once('close', () => r()))
    const before = win.posted.length
    stand.rendererListeners.get(IPC.port)?.({ ports: [port2] }, { nonce: '00000000-0000-4000-8000-000000000000' })
    await closed
    expect(win.posted.length).toBe(before)
  })

  it("drops the page's client when its port closes, cancelling its run", async () => {
    expect(pages.has(WINDOW_ID)).toBe(true)
    await pages.disconnect(WINDOW_ID)
    expect(pages.has(WINDOW_ID)).toBe(false)
    expect(engine.activeRuns()).toBe(0)
  })
})
