/**
 * Electron glue only: the app's lifecycle, one locked-down window, and IPC registration that
 * checks who is calling. Everything a request does happens in RunService (no Electron there).
 *
 * Per page load the window gets its own RunService and a MessageChannelMain: port2 goes to the
 * preload once (IPC.port), port1 carries one postMessage per batch and per status, in engine
 * order. A reload or crash disposes the page's service: its run is cancelled and joined.
 */
import {
  BrowserWindow,
  MessageChannelMain,
  app,
  dialog,
  ipcMain,
  session,
  type IpcMainInvokeEvent,
  type MessagePortMain,
  type WebContents,
} from 'electron'
import { open } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Outcome } from '../shared/api'
import { IPC, type OpenFileMessage, type PortMessage } from '../shared/ipc'
import { loadEngine, type Engine } from '../service/addon'
import { contentSecurityPolicy } from '../shared/csp'
import { RunService } from '../service/run-service'

const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const indexHtml = join(__dirname, '../renderer/index.html')
const indexUrl = pathToFileURL(indexHtml).href
const CSP = contentSecurityPolicy(devUrl ? [new URL(devUrl).origin.replace(/^http/, 'ws')] : [])

interface Client {
  service: RunService
  port: MessagePortMain
}

let engine: Engine
let mainWindow: BrowserWindow | null = null
const clients = new Map<number, Client>()

/**
 * A file named on the command line (`threadlab run.threadlab` or `threadlab numbers.txt`), or by a
 * second instance, waiting for the page to load. It is read here (size-capped) and its bytes, or
 * why it could not be read, are sent on IPC.openFile; the preload holds them until the page
 * subscribes (ThreadlabApi.onOpenFile).
 */
let pendingFile: string | null = fileArgument(process.argv)

/** The most main reads of a command-line file (a run file at its event cap is about 170 MB). */
const MAX_FILE_ARGUMENT_BYTES = 256 * 1024 * 1024

interface FileArgument {
  name: string
  bytes: Uint8Array
}

/**
 * Reads a command-line file: a regular file of at most MAX_FILE_ARGUMENT_BYTES, and never more
 * than the size it had when opened (a file growing meanwhile is cut there). Never throws.
 */
async function readFileArgument(path: string): Promise<Outcome<FileArgument>> {
  let handle: Awaited<ReturnType<typeof open>> | undefined
  try {
    handle = await open(resolve(path), 'r')
    const st = await handle.stat()
    if (!st.isFile()) return { ok: false, error: { code: 'E_NOT_A_FILE', message: `${path} is not a regular file` } }
    if (st.size > MAX_FILE_ARGUMENT_BYTES) {
      return {
        ok: false,
        error: {
          code: 'E_TOO_LARGE',
          message: `${path} is ${Math.round(st.size / 2 ** 20)} MiB, more than the ${MAX_FILE_ARGUMENT_BYTES / 2 ** 20} MiB Threadlab opens`,
        },
      }
    }
    const bytes = new Uint8Array(st.size)
    let read = 0
    while (read < bytes.length) {
      const { bytesRead } = await handle.read(bytes, read, bytes.length - read, read)
      if (bytesRead === 0) break
      read += bytesRead
    }
    return { ok: true, value: { name: basename(path), bytes: bytes.subarray(0, read) } }
  } catch (e) {
    return { ok: false, error: { code: 'E_READ', message: `${path} could not be read: ${(e as Error).message}` } }
  } finally {
    await handle?.close().catch(() => {})
  }
}

/** Reads a command-line file and sends it (or why it could not be read) to the page in `contents`. */
function sendFileArgument(contents: WebContents, path: string): void {
  void readFileArgument(path).then((out) => {
    if (contents.isDestroyed()) return
    const message: OpenFileMessage = out.ok ? out.value : { name: basename(path), error: out.error }
    contents.send(IPC.openFile, message)
  })
}

function fileArgument(argv: string[]): string | null {
  // argv: electron binary, (app path when unpackaged), then user arguments
  const rest = argv.slice(app.isPackaged ? 1 : 2).filter((a) => !a.startsWith('-'))
  return rest[0] ?? null
}

/** Only our page, in our window's main frame, may call. */
function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url)
    if (devUrl) return u.origin === new URL(devUrl).origin
    u.hash = ''
    u.search = ''
    return u.href === indexUrl
  } catch {
    return false
  }
}

function trustedSender(event: IpcMainInvokeEvent): boolean {
  const win = mainWindow
  const frame = event.senderFrame
  if (!win || win.isDestroyed() || !frame || event.sender !== win.webContents) return false
  const main = win.webContents.mainFrame
  return frame.processId === main.processId && frame.routingId === main.routingId && isAppUrl(frame.url)
}

function connect(contents: WebContents): Client {
  const existing = clients.get(contents.id)
  if (existing) return existing
  const service = new RunService(engine)
  const { port1, port2 } = new MessageChannelMain()
  service.onBatch((batch) => port1.postMessage(batch))
  service.onStatus((status) => port1.postMessage({ type: 'status', status } satisfies PortMessage))
  const client = { service, port: port1 }
  clients.set(contents.id, client)
  contents.postMessage(IPC.port, null, [port2])
  return client
}

function disconnect(contentsId: number): void {
  const client = clients.get(contentsId)
  if (!client) return
  clients.delete(contentsId)
  void client.service.dispose().finally(() => client.port.close())
}

const forbidden: Outcome<never> = {
  ok: false,
  error: { code: 'E_FORBIDDEN', message: 'this frame may not use Threadlab' },
}
const badArguments: Outcome<never> = {
  ok: false,
  error: { code: 'E_BAD_REQUEST', message: 'wrong number of arguments' },
}

/** Registers one invoke handler: sender checked, argument count checked, payload left to the service's validation. */
function handle(
  channel: string,
  arity: 0 | 1,
  run: (client: Client, payload: unknown) => Outcome<unknown> | Promise<Outcome<unknown>>,
): void {
  ipcMain.handle(channel, async (event, ...args: unknown[]) => {
    if (!trustedSender(event)) return forbidden
    if (args.length !== arity) return badArguments
    try {
      return await run(connect(event.sender), args[0])
    } catch (e) {
      return { ok: false, error: { code: 'E_INTERNAL', message: (e as Error).message } }
    }
  })
}

function registerIpc(): void {
  handle(IPC.capabilities, 0, (client) => ({ ok: true, value: client.service.capabilities() }))
  handle(IPC.startRun, 1, (client, request) => client.service.start(request))
  handle(IPC.cancelRun, 0, (client) => client.service.cancel())
  handle(IPC.fetchRunEvents, 1, (client, runId) => client.service.fetchRunEvents(runId))
  handle(IPC.measureMachine, 0, (client) => client.service.measureMachine())
}

function harden(): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  ses.setDevicePermissionHandler(() => false)
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders }
    if (details.resourceType === 'mainFrame' || details.resourceType === 'subFrame')
      headers['Content-Security-Policy'] = [CSP]
    callback({ responseHeaders: headers })
  })
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }))
    contents.on('will-navigate', (event) => {
      if (!isAppUrl(event.url)) event.preventDefault()
    })
    contents.on('will-redirect', (event) => {
      if (!isAppUrl(event.url)) event.preventDefault()
    })
    contents.on('will-attach-webview', (event) => event.preventDefault())
  })
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    title: 'Threadlab',
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // middle-click must not open links in new windows (Electronegativity AUXCLICK_JS_CHECK)
      disableBlinkFeatures: 'Auxclick',
    },
  })
  mainWindow = win
  const contents = win.webContents
  const id = contents.id
  win.once('ready-to-show', () => win.show())
  // A new document (reload, navigation) starts without a service; the old one's run is cancelled.
  contents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) disconnect(id)
  })
  contents.on('did-finish-load', () => {
    connect(contents)
    if (pendingFile) {
      const path = pendingFile
      pendingFile = null
      sendFileArgument(contents, path)
    }
  })
  contents.on('render-process-gone', () => disconnect(id))
  contents.on('destroyed', () => disconnect(id))
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null
  })
  if (devUrl) void win.loadURL(devUrl)
  else void win.loadFile(indexHtml)
}

app.enableSandbox()
if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  // `threadlab other.threadlab` while the app runs: the file opens in the window already open
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const file = fileArgument(argv)
    const path = file === null ? null : resolve(workingDirectory, file)
    const win = mainWindow
    if (!win || win.isDestroyed()) {
      // no window (yet): the next page to load receives it
      if (path) pendingFile = path
      if (app.isReady() && engine) createWindow()
      return
    }
    if (win.isMinimized()) win.restore()
    win.focus()
    if (!path) return
    // a page not connected yet (still loading, or gone) may have no preload listening: its
    // did-finish-load sends it
    if (clients.has(win.webContents.id)) sendFileArgument(win.webContents, path)
    else pendingFile = path
  })
  void app.whenReady().then(() => {
    try {
      engine = loadEngine()
    } catch (e) {
      dialog.showErrorBox('Threadlab', (e as Error).message)
      app.exit(1)
      return
    }
    harden()
    registerIpc()
    createWindow()
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow()
    })
  })
  app.on('window-all-closed', () => app.quit())
  let shutDown = false
  app.on('will-quit', () => {
    if (shutDown || !engine) return
    shutDown = true
    for (const id of [...clients.keys()]) disconnect(id)
    engine.shutdown() // cancels and joins every worker before the process exits
  })
}
