/**
 * The web host: an HTTP server on 127.0.0.1 that serves the built renderer and offers the same
 * ThreadlabApi over a WebSocket at /ws, so Threadlab runs (and Playwright drives it) where
 * Electron cannot. Every socket gets its own RunService; closing the socket cancels its run and
 * waits for the engine to join the threads.
 *
 * Guards: the Host header must name the loopback address and our port (DNS rebinding); the
 * WebSocket upgrade needs the exact Origin of this page and the per-launch token; request frames
 * are capped at LIMITS.maxMessageBytes (ws `maxPayload`) and validated; what is queued for a client
 * stays under LIMITS.maxQueuedBytesPerClient (live batches are dropped, the run keeps them all; a
 * client that lets even its answers pile up is disconnected).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { resolve } from 'node:path'
import { WebSocket, WebSocketServer } from 'ws'
import type { Outcome, RunStatus } from '../../shared/api'
import { LIMITS } from '../../shared/limits'
import { loadEngine, type Engine } from '../../service/addon'
import { contentSecurityPolicy } from '../../shared/csp'
import { RunService } from '../../service/run-service'
import { RunRate } from '../../service/run-rate'
import { mimeType, resolveStatic, staticRoot } from '../../service/static-files'
import { CallGate } from '../../shared/call-gate'
import {
  HEALTH_PATH,
  IDLE_CLOSE_CODE,
  WS_PATH,
  parseClientRequest,
  type HealthReport,
  type ServerMessage,
} from '../../shared/ipc'
import { limitRefusalLog } from '../../shared/refusal-log'
import { ReplayOrder, ReplayStream } from './replay-stream'
import { tokenProblem } from './token'

export interface WebHostOptions {
  /** port to listen on (default 5217); 0 picks a free one */
  port?: number
  /** when the port is taken, listen on a free one instead of failing (default true) */
  fallbackToFreePort?: boolean
  /** the built renderer (out/renderer) */
  rendererDir: string
  /** the per-launch secret; random when not given */
  token?: string
  /** the engine (default: the native addon) */
  engine?: Engine
  /** bytes queued for one client before live batches are dropped (default LIMITS.maxQueuedBytesPerClient) */
  maxQueuedBytes?: number
  /** runs all clients together may start per minute (default LIMITS.maxRunsPerMinute) */
  maxRunsPerMinute?: number
  /** connection limits (default CONNECTION_LIMITS); tests shorten the times */
  connections?: Partial<ConnectionLimits>
  /** where problems are reported (default console.error) */
  log?: (line: string) => void
}

export interface WebHost {
  /** the address to open, token included */
  url: string
  port: number
  token: string
  /** open WebSocket clients */
  readonly clients: number
  /** the most bytes ever queued for one client right after a send; live batches dropped; clients cut off for not reading */
  stats(): { peakQueuedBytes: number; droppedBatches: number; disconnectedClients: number }
  /** stops listening, closes every socket and waits until every client's run is joined */
  close(): Promise<void>
}

export const DEFAULT_PORT = 5217
/**
 * What keeps a user able to get in within a bounded time. These are the web host's alone (Electron
 * has one window and no sockets), so they live here rather than in LIMITS, which the page shows.
 */
export const CONNECTION_LIMITS = {
  /**
   * WebSocket clients at once (each may run one experiment); a closed client keeps its slot until
   * its run is cancelled and its threads joined, so closing sockets cannot outrun the cap
   */
  maxClients: 16,
  /** TCP connections at once, HTTP and WebSocket (Node drops the rest at accept): bounds open files */
  maxConnections: 128,
  /** a request's headers must arrive within this (slowloris); an idle connection is cut then too */
  headersTimeoutMs: 10_000,
  /** the whole request (GET: headers only) must arrive within this */
  requestTimeoutMs: 20_000,
  /** how often Node checks the two timeouts above */
  connectionsCheckMs: 1_000,
  /**
   * an HTTP connection with no byte read or written for this long is destroyed: a client that asks
   * for files and never reads the answers (ws turns this off for upgraded sockets; pings cover them)
   */
  socketIdleMs: 30_000,
  /** every client is pinged this often; one that has not answered the previous ping is cut off */
  heartbeatMs: 30_000,
  /**
   * while every client slot is taken, a client without a run that sent nothing for this long is
   * closed (IDLE_CLOSE_CODE) so a waiting page gets in; checked at each heartbeat
   */
  idleCloseMs: 5 * 60_000,
}
export type ConnectionLimits = typeof CONNECTION_LIMITS
/** sockets open at once (each may run one experiment) */
export const MAX_CLIENTS = CONNECTION_LIMITS.maxClients
/** bytes of a server frame's header at most (2, + 8 for a 64-bit length; server frames are not masked) */
const MAX_FRAME_HEADER = 10
/** how long a replay waits for a slow client's queue to make room before E_SLOW_CLIENT */
const REPLAY_WAIT_MS = 30_000

const COMMON_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const engine = options.engine ?? loadEngine()
  const token = options.token ?? randomBytes(24).toString('base64url')
  const weak = tokenProblem(token, 'the token')
  if (weak) throw new Error(weak)
  const tokenBytes = Buffer.from(token)
  const maxQueued = options.maxQueuedBytes ?? LIMITS.maxQueuedBytesPerClient
  const log = options.log ?? ((line: string) => console.error(line))
  const root = await staticRoot(options.rendererDir)
  const limits: ConnectionLimits = { ...CONNECTION_LIMITS, ...options.connections }
  // one allowance for the token, not one per socket: reconnecting must not reset it
  const rate = new RunRate({ perMinute: options.maxRunsPerMinute })

  let port = 0
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`]
  const allowedOrigins = () => allowedHosts().map((h) => `http://${h}`)
  const tokenMatches = (given: string | null) => {
    if (given === null) return false
    const bytes = Buffer.from(given)
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes)
  }

  /** open clients, with what the heartbeat needs to know of each */
  const sockets = new Map<WebSocket, Liveness>()
  let clientsServed = 0
  const stats = { peakQueuedBytes: 0, droppedBatches: 0, disconnectedClients: 0 }
  /** per client: settles once its socket closed and its run was cancelled and joined */
  const finished = new Set<Promise<void>>()

  const server: Server = createServer({ connectionsCheckingInterval: limits.connectionsCheckMs }, (req, res) => {
    handleHttp(req, res).catch((e) => {
      log(`web host: ${req.method} ${withoutQuery(req.url)}: ${(e as Error).message}`)
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n')
      else res.destroy()
    })
  })

  server.maxConnections = limits.maxConnections
  server.headersTimeout = limits.headersTimeoutMs
  server.requestTimeout = limits.requestTimeoutMs
  server.timeout = limits.socketIdleMs

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts().includes(req.headers.host ?? ''))
      return send(res, 403, 'text/plain; charset=utf-8', 'this host name is not served here\n')
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n')
    }
    const url = requestUrl(req)
    if (!url) return send(res, 400, 'text/plain; charset=utf-8', 'bad request target\n')
    if (url.pathname === HEALTH_PATH) {
      if (!tokenMatches(url.searchParams.get('token'))) {
        return send(
          res,
          403,
          'application/json; charset=utf-8',
          JSON.stringify({ ok: false, error: { code: 'E_BAD_TOKEN', message: 'missing or wrong token' } }),
        )
      }
      const report: HealthReport = {
        ok: true,
        clients: sockets.size,
        activeRuns: engine.activeRuns(),
        threads: engine.threadCount(),
      }
      return send(res, 200, 'application/json; charset=utf-8', JSON.stringify(report), { 'Cache-Control': 'no-store' })
    }
    const file = await resolveStatic(root, url.pathname)
    if (!file) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n')
    const type = mimeType(file.path)
    const headers: Record<string, string | number> = {
      ...COMMON_HEADERS,
      'Content-Type': type,
      'Content-Length': file.size,
    }
    if (type.startsWith('text/html')) {
      headers['Content-Security-Policy'] = contentSecurityPolicy(["'self'", ...allowedHosts().map((h) => `ws://${h}`)])
      headers['Cache-Control'] = 'no-store'
    } else {
      headers['Cache-Control'] = 'no-cache'
    }
    res.writeHead(200, headers)
    if (req.method === 'HEAD') return void res.end()
    createReadStream(file.path)
      .on('error', () => res.destroy())
      .pipe(res)
  }

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: LIMITS.maxMessageBytes,
    perMessageDeflate: false,
    clientTracking: false,
  })

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, reason: string) => {
      const text = STATUS_CODES[status] ?? 'Error'
      socket.end(
        `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
      )
      socket.destroy()
    }
    const url = requestUrl(req)
    if (!url) return refuse(400, 'bad request target\n')
    if (url.pathname !== WS_PATH) return refuse(404, 'not found\n')
    if (!allowedHosts().includes(req.headers.host ?? '')) return refuse(403, 'wrong host\n')
    if (!allowedOrigins().includes(req.headers.origin ?? '')) return refuse(403, 'wrong origin\n')
    if (!tokenMatches(url.searchParams.get('token'))) return refuse(403, 'missing or wrong token\n')
    // `finished` holds every client until its run is joined, open or not
    if (finished.size >= limits.maxClients)
      return refuse(503, `more than ${limits.maxClients} clients (open, or closed with a run still stopping)\n`)
    wss.handleUpgrade(req, socket, head, (ws) => serveClient(ws))
  })

  // Every heartbeat: cut off a client that did not answer the last ping (gone without a close, or
  // not reading at all), ping the rest, and while the slots are all taken close the clients that
  // sat unused for idleCloseMs, so a page waiting to get in does within a bounded time.
  const heartbeat = setInterval(() => {
    const now = Date.now()
    const full = finished.size >= limits.maxClients
    for (const [ws, liveness] of sockets) {
      if (!liveness.answeredPing) {
        log('web host: a client did not answer a ping; disconnecting it')
        ws.terminate()
        continue
      }
      if (liveness.busy()) liveness.lastUsed = now
      else if (full && now - liveness.lastUsed >= limits.idleCloseMs) {
        ws.close(IDLE_CLOSE_CODE, 'unused while every client slot was taken')
        continue
      }
      liveness.answeredPing = false
      ws.ping()
    }
  }, limits.heartbeatMs)
  heartbeat.unref()

  function serveClient(ws: WebSocket): void {
    let gone: () => void = () => {}
    const done = new Promise<void>((r) => (gone = r))
    finished.add(done)
    void done.then(() => finished.delete(done))
    const service = new RunService(engine, { rate })
    const refusals = limitRefusalLog(log, `client ${++clientsServed}`)
    const dropped = new Map<number, number>()
    const liveness: Liveness = {
      answeredPing: true,
      lastUsed: Date.now(),
      busy: () => service.activeRunId !== null || gate.inFlight().calls > 0,
    }
    sockets.set(ws, liveness)
    ws.on('pong', () => (liveness.answeredPing = true))

    // Everything this client is sent passes one gate, so what the host queues for it stays bounded:
    //  - live batches and progress statuses use at most 7/8 of the cap and are dropped beyond it
    //    (and while a replay waits or streams): the run keeps them all, the client is told `missed`;
    //  - a replay's frames (the run's recorded batches, sent as they are) also use at most 7/8, each
    //    sent only when it fits, so a waiting replay holds no copy of anything;
    //  - frames the client needs (responses, other statuses, errors) may use the whole cap; a single
    //    frame larger than the cap goes out only into an empty queue;
    //  - a client whose unread data would pass the cap even so is not reading: it is disconnected.
    const liveLimit = maxQueued - Math.floor(maxQueued / 8)
    const noteQueue = () => {
      if (ws.bufferedAmount > stats.peakQueuedBytes) stats.peakQueuedBytes = ws.bufferedAmount
    }
    // bufferedAmount counts what reached the socket with its frame headers: count them too
    const fits = (bytes: number) => ws.bufferedAmount === 0 || ws.bufferedAmount + bytes + MAX_FRAME_HEADER <= maxQueued
    const sendNeeded = (text: string) => {
      if (ws.readyState !== WebSocket.OPEN) return
      if (!fits(Buffer.byteLength(text))) {
        log(`web host: a client left ${ws.bufferedAmount} bytes unread; disconnecting it`)
        stats.disconnectedClients++
        ws.terminate()
        return
      }
      ws.send(text)
      noteQueue()
    }
    const sendBatch = (batch: Float64Array) => {
      ws.send(batch, { binary: true })
      noteQueue()
    }
    const sendJson = (message: ServerMessage) => sendNeeded(JSON.stringify(message))
    const respond = (id: number, outcome: Outcome<unknown>) => sendJson({ type: 'response', id, outcome })
    const liveFits = (bytes: number) =>
      ws.bufferedAmount === 0 || ws.bufferedAmount + bytes + MAX_FRAME_HEADER <= liveLimit
    const replays = new ReplayStream(
      { isOpen: () => ws.readyState === WebSocket.OPEN, hasRoom: liveFits, respond, sendBinary: sendBatch },
      (runId) => service.recording(runId),
      { waitMs: REPLAY_WAIT_MS },
    )
    // the same in-flight caps as Electron's port: instant calls free, one startRun, bytes bounded;
    // fetchRunEvents answered by the replay stream, which holds the call's slot until it is sent
    const gate = new CallGate(service, refusals, {}, { fetchRunEvents: (runId) => replays.order(runId) })

    service.onBatch((batch) => {
      if (ws.readyState !== WebSocket.OPEN) return
      if (replays.busy || !liveFits(batch.byteLength)) {
        const runId = batch[1]
        const count = (dropped.get(runId) ?? 0) + 1
        dropped.set(runId, count)
        stats.droppedBatches++
        if (count === 1) sendJson({ type: 'status', status: { type: 'missed', runId, droppedBatches: count } })
        return
      }
      sendBatch(batch)
    })
    service.onStatus((status: RunStatus) => {
      if (status.type === 'progress' && ws.bufferedAmount > liveLimit) return
      if (status.type === 'finished' || status.type === 'failed') {
        const count = dropped.get(status.runId)
        if (count) sendJson({ type: 'status', status: { type: 'missed', runId: status.runId, droppedBatches: count } })
        dropped.delete(status.runId)
      }
      sendJson({ type: 'status', status })
    })

    ws.on('message', (data, isBinary) => {
      liveness.lastUsed = Date.now()
      if (isBinary)
        return sendJson({
          type: 'error',
          error: { code: 'E_BAD_REQUEST', message: 'binary frames are not accepted from clients' },
        })
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8')
      const parsed = parseClientRequest(text)
      if (!parsed.ok) {
        if (parsed.id === null) return sendJson({ type: 'error', error: parsed.error })
        return respond(parsed.id, { ok: false, error: parsed.error })
      }
      // only the id and method are kept for the answer: the gate checks the params now, and while the
      // call waits it holds the rebuilt argument, never the parsed frame
      const { id, method } = parsed.request
      void gate.serve(method, parsed.request.params, Buffer.byteLength(text), (outcome) =>
        outcome.ok && outcome.value instanceof ReplayOrder ? replays.send(id, outcome.value) : respond(id, outcome),
      )
    })

    ws.on('error', (e) => log(`web host: a client's socket failed: ${e.message}`))
    ws.on('close', () => {
      sockets.delete(ws)
      refusals.flush()
      service
        .dispose()
        .catch((e) => log(`web host: stopping a client's run failed: ${(e as Error).message}`))
        .finally(gone)
    })
  }

  port = await listen(server, options.port ?? DEFAULT_PORT, options.fallbackToFreePort ?? true)
  if (!existsSync(resolve(root, 'index.html')))
    log(`web host: ${root} has no index.html: build the renderer first (npx electron-vite build)`)

  return {
    url: `http://127.0.0.1:${port}/?token=${encodeURIComponent(token)}`,
    port,
    token,
    get clients() {
      return sockets.size
    },
    stats: () => ({ ...stats }),
    async close() {
      clearInterval(heartbeat)
      const closed = new Promise<void>((done) => server.close(() => done()))
      for (const ws of sockets.keys()) ws.terminate()
      server.closeAllConnections()
      await Promise.all([...finished])
      await closed
      wss.close()
    },
  }
}

interface Liveness {
  /** cleared at each ping, set by the pong */
  answeredPing: boolean
  /** when the client last sent a frame, or was last seen with a run or a request in progress */
  lastUsed: number
  busy(): boolean
}

/** The request's target as a URL, or null when it does not parse (an absolute-form target can fail). */
function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://127.0.0.1')
  } catch {
    return null
  }
}

/** A request target fit for a log: the query (it carries the token) replaced by `?…`. */
export function withoutQuery(target: string | undefined): string {
  const at = (target ?? '').indexOf('?')
  return at < 0 ? (target ?? '') : `${target!.slice(0, at)}?…`
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    ...extra,
  })
  res.end(res.req.method === 'HEAD' ? undefined : body)
}

function listen(server: Server, port: number, fallback: boolean): Promise<number> {
  return new Promise((done, failed) => {
    const onError = (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE' && fallback && port !== 0) {
        server.listen(0, '127.0.0.1')
        return
      }
      server.off('listening', onListening)
      failed(e)
    }
    const onListening = () => {
      server.off('error', onError)
      done((server.address() as AddressInfo).port)
    }
    server.on('error', onError)
    server.once('listening', onListening)
    server.listen(port, '127.0.0.1')
  })
}
