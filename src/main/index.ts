/**
 * Electron glue only: the app's lifecycle, one locked-down window serving app://threadlab, and the
 * one IPC message (IPC.connect) that gives a page its MessagePort after checking who asks.
 * Everything a request does happens in RunService (src/service, no Electron there), served on the
 * port by the map's generic port transport (src/shared/port-transport.ts): no code per method here.
 *
 * Each document of the window gets its own RunService and MessageChannelMain. A reload, a
 * navigation or a crash drops the document's client: its run is cancelled and joined. A crashed
 * page is reloaded and the user told why (src/service/page-recovery.ts).
 */
import {
  BrowserWindow,
  MessageChannelMain,
  app,
  dialog,
  ipcMain,
  session,
  type IpcMainEvent,
  type MessagePortMain,
} from 'electron'
import { join, resolve } from 'node:path'
import { ELECTRON_CSP, devContentSecurityPolicy } from '../shared/csp'
import { IPC } from '../shared/ipc'
import type { PortLike } from '../shared/port-transport'
import { loadEngine, type Engine } from '../service/addon'
import { fileArgument, readFileArgument } from '../service/file-argument'
import { PageClients } from '../service/page-clients'
import { ReloadPolicy, goneNotice } from '../service/page-recovery'
import { RunService } from '../service/run-service'
import { RunRate } from '../service/run-rate'
import { APP_HOST, APP_INDEX_URL, APP_SCHEME, registerAppScheme, serveAppScheme } from './protocol'

/** `npm run dev` (electron-vite dev): the renderer comes from the dev server, with its own policy. */
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const devOrigin = devUrl ? new URL(devUrl).origin : null
const CSP = devOrigin ? devContentSecurityPolicy(devOrigin) : ELECTRON_CSP
const log = (line: string) => console.error(line)

let engine: Engine
let mainWindow: BrowserWindow | null = null
/** by webContents id: the run service of the window's current document */
let pages: PageClients

/**
 * A file named on the command line (`threadlab run.threadlab` or `threadlab numbers.txt`), or by a
 * second instance, waiting for a page to connect: it is read then (size-capped) and sent as the
 * map's openFile event, which the page's client keeps until the page subscribes.
 */
let pendingFile: string | null = fileArgument(process.argv, app.isPackaged)

/** Reads a command-line file and sends it to window `id`'s page (kept for the next page if it has none by then). */
function sendFile(id: number, path: string): void {
  void readFileArgument(path).then((message) => {
    if (!pages.sendFile(id, message)) pendingFile = path
  })
}

/** Our page: app://threadlab/index.html, or in dev anything of the dev server's origin. */
function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url)
    if (devOrigin) return u.origin === devOrigin
    // a custom scheme's URL has an opaque origin in Node's URL: compare its parts
    return (
      u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && (u.pathname === '/index.html' || u.pathname === '/')
    )
  } catch {
    return false
  }
}

/**
 * Only our page, in our window's main frame, may connect. `senderFrame` is null once the sending
 * document has navigated away or gone: a dying page's late message is refused here.
 */
function trustedSender(event: IpcMainEvent): boolean {
  const win = mainWindow
  const frame = event.senderFrame
  if (!win || win.isDestroyed() || !frame || event.sender !== win.webContents) return false
  const main = win.webContents.mainFrame
  return frame.processId === main.processId && frame.routingId === main.routingId && isAppUrl(frame.url)
}

/** MessagePortMain (Node-style events, must be started) as the transport's port. */
function mainPort(port: MessagePortMain): PortLike {
  return {
    post: (message) => port.postMessage(message),
    listen(onMessage, onClose) {
      port.on('message', (event) => onMessage(event.data))
      port.on('close', onClose)
      port.start()
    },
    close: () => port.close(),
  }
}

/**
 * A document asks for its port (once, from its preload). PageClients drops the window's earlier
 * client first and serves a new run service; the port goes to the frame that asked, tagged with
 * its nonce, so no other document can take it.
 */
function onConnect(event: IpcMainEvent, nonce: unknown): void {
  if (!trustedSender(event)) return log('threadlab: connect refused: E_FORBIDDEN: not our page, or a page already gone')
  const id = event.sender.id
  const granted = pages.connect(id, nonce, () => {
    const { port1, port2 } = new MessageChannelMain()
    return { host: mainPort(port1), page: port2 }
  })
  if (!granted) return
  event.senderFrame?.postMessage(IPC.port, granted.grant, [granted.page])
  if (pendingFile) {
    const path = pendingFile
    pendingFile = null
    sendFile(id, path)
  }
}

function disconnect(id: number): void {
  void pages.disconnect(id)
}

function harden(): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  ses.setDevicePermissionHandler(() => false)
  // app:// pages carry the policy from the protocol handler; the dev server's get it here
  if (devOrigin) {
    ses.webRequest.onHeadersReceived((details, callback) => {
      const headers = { ...details.responseHeaders }
      if (details.resourceType === 'mainFrame' || details.resourceType === 'subFrame')
        headers['Content-Security-Policy'] = [CSP]
      callback({ responseHeaders: headers })
    })
  }
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
  // The new document connects itself (onConnect) once its script runs.
  contents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) disconnect(id)
  })
  const reloads = new ReloadPolicy()
  contents.on('render-process-gone', (_event, details) => {
    disconnect(id)
    if (quitting || win.isDestroyed()) return
    const notice = goneNotice(details)
    log(`threadlab: ${notice}`)
    if (reloads.crashed(Date.now())) {
      contents.reload()
      void dialog.showMessageBox(win, {
        type: 'warning',
        title: 'Threadlab',
        message: 'The page was reloaded',
        detail: notice,
      })
      return
    }
    // it keeps stopping: no reload loop, and no blank window either — ask
    void dialog
      .showMessageBox(win, {
        type: 'error',
        title: 'Threadlab',
        message: 'The page keeps stopping',
        detail: `${notice} This happened several times within a minute.`,
        buttons: ['Reload', 'Quit'],
        defaultId: 0,
        cancelId: 1,
      })
      .then(({ response }) => {
        if (win.isDestroyed()) return
        if (response === 0) {
          reloads.reset()
          contents.reload()
        } else app.quit()
      })
  })
  contents.on('destroyed', () => disconnect(id))
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null
  })
  void win.loadURL(devUrl ?? APP_INDEX_URL)
}

let quitting = false
app.enableSandbox()
registerAppScheme()
if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  // `threadlab other.threadlab` while the app runs: the file opens in the window already open
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const file = fileArgument(argv, app.isPackaged)
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
    // a page not connected yet (still loading, or gone): it gets the file when it connects
    if (pages.has(win.webContents.id)) sendFile(win.webContents.id, path)
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
    // every page shares one start rate, so a page cannot reset it by reconnecting
    const rate = new RunRate()
    pages = new PageClients(() => new RunService(engine, { rate }), log)
    harden()
    if (!devOrigin) serveAppScheme(join(__dirname, '../renderer'), CSP)
    ipcMain.on(IPC.connect, onConnect)
    createWindow()
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow()
    })
  })
  app.on('window-all-closed', () => app.quit())
  let shutDown = false
  app.on('before-quit', () => {
    quitting = true
  })
  app.on('will-quit', () => {
    if (shutDown || !engine) return
    shutDown = true
    void pages?.disconnectAll()
    engine.shutdown() // cancels and joins every worker before the process exits
  })
}
