/**
 * Helpers for the host-level tests in test/fuzz: an Engine wrapper that taps every batch the real
 * addon delivers (so a run's completeness is checked independently of the host and its clients),
 * a tiny renderer folder, a WebSocket client of the host's protocol that can stop reading, an
 * observer of the server side's real `bufferedAmount`, and process figures (RSS, fds, threads).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { WebSocket } from 'ws'
import { loadEngine, type BatchSink, type Engine, type EngineRun } from '../../../src/service/addon'
import type { Outcome } from '../../../src/shared/api'
import type { ServerMessage } from '../../../src/shared/ipc'
import { ReplayReceiver, readBinaryFollows } from '../../../src/shared/replay'
import { startWebHost, type WebHost } from '../../../src/web/server/server'

export const TOKEN = 'fuzz-token-0123456789abcdef'

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

export function rendererDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'threadlab-fuzz-renderer-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>threadlab</title>')
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

export const wsUrl = (host: WebHost) => `ws://127.0.0.1:${host.port}/ws?token=${encodeURIComponent(host.token)}`
export const originOf = (host: WebHost) => `http://127.0.0.1:${host.port}`

// ---- engine tap ---------------------------------------------------------------------------------

export interface TappedRun {
  runId: number
  kind: 'sleep-sort' | 'parallel-sum'
  values: number
  batches: Float64Array[]
  events: number
  /** settles with the engine's result (or its error) once every thread is joined */
  settled: Promise<{ ok: true; eventCount: number; cancelled: boolean } | { ok: false; error: unknown }>
}

/** The real engine, with every batch it hands to the host recorded per run. */
export class TapEngine implements Engine {
  readonly inner: Engine
  readonly runs = new Map<number, TappedRun>()
  readonly order: TappedRun[] = []

  /** with keepBatches false only counts are kept (long tests would otherwise hold every run) */
  constructor(
    inner: Engine = loadEngine(),
    readonly keepBatches = true,
  ) {
    this.inner = inner
  }

  private tap<R extends { eventCount: number; cancelled: boolean }>(
    kind: TappedRun['kind'],
    values: number,
    start: (sink: BatchSink) => EngineRun<R>,
    onBatch: BatchSink,
  ): EngineRun<R> {
    const run = { runId: -1, kind, values, batches: [] as Float64Array[], events: 0 } as TappedRun
    const handle = start((batch) => {
      if (this.keepBatches) run.batches.push(batch)
      run.events += batch[3]
      onBatch(batch)
    })
    run.runId = handle.runId
    run.settled = handle.result().then(
      (r) => ({ ok: true as const, eventCount: r.eventCount, cancelled: r.cancelled }),
      (error: unknown) => ({ ok: false as const, error }),
    )
    this.runs.set(run.runId, run)
    this.order.push(run)
    return handle
  }

  startSleepSort: Engine['startSleepSort'] = (values, options, onBatch) =>
    this.tap('sleep-sort', values.length, (sink) => this.inner.startSleepSort(values, options, sink), onBatch)
  startSum: Engine['startSum'] = (values, options, onBatch) =>
    this.tap('parallel-sum', values.length, (sink) => this.inner.startSum(values, options, sink), onBatch)
  capabilities = () => this.inner.capabilities()
  threadBudget = () => this.inner.threadBudget()
  activeRuns = () => this.inner.activeRuns()
  threadCount = () => this.inner.threadCount()
  shutdown = () => this.inner.shutdown()
}

/**
 * A web host on a TapEngine over the real addon, started before the tests of the calling file and
 * closed after them (logging nothing); read its fields inside a test.
 */
export function useTappedHost(): { engine: TapEngine; host: WebHost } {
  const renderer = rendererDir()
  const tapped = {} as { engine: TapEngine; host: WebHost }
  beforeAll(async () => {
    tapped.engine = new TapEngine()
    tapped.host = await startWebHost({
      port: 0,
      rendererDir: renderer.dir,
      token: TOKEN,
      engine: tapped.engine,
      log: () => {},
    })
  })
  afterAll(async () => {
    await tapped.host?.close()
    renderer.remove()
  })
  return tapped
}

// ---- a protocol client that can stop reading ----------------------------------------------------

export interface Client {
  ws: WebSocket
  texts: ServerMessage[]
  /** live batches (not fetchRunEvents payloads) */
  binaries: Float64Array[]
  bytesReceived: number
  /** sends a request without waiting (for a client that does not read) */
  send(method: string, params?: unknown): number
  request(
    method: string,
    params?: unknown,
    timeoutMs?: number,
  ): Promise<{
    outcome: { ok: boolean; value?: unknown; error?: { code: string; message: string } }
    binary?: Float64Array
  }>
  waitFor(test: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>
  closed: Promise<void>
}

/**
 * Opens a socket to the host. With `paused`, the client stops reading the moment the upgrade
 * completes (`ws.pause()` pauses the TCP socket: the kernel buffers fill, then the host's queue).
 */
export function connectClient(host: WebHost, options: { paused?: boolean; origin?: string } = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(host), { origin: options.origin ?? originOf(host), perMessageDeflate: false })
    const texts: ServerMessage[] = []
    const binaries: Float64Array[] = []
    const pending = new Map<number, (r: never) => void>()
    const waiters: Array<{ test: (m: ServerMessage) => boolean; done: (m: ServerMessage) => void }> = []
    const answer = (id: number, result: Answer) => {
      pending.get(id)?.(result as never)
      pending.delete(id)
    }
    const replays = replayAnswers(answer)
    let nextId = 1
    const client: Client = {
      ws,
      texts,
      binaries,
      bytesReceived: 0,
      closed: new Promise((r) => ws.on('close', () => r())),
      send(method, params) {
        const id = nextId++
        ws.send(JSON.stringify(params === undefined ? { id, method } : { id, method, params }))
        return id
      },
      request(method, params, timeoutMs = 30_000) {
        return new Promise((done, fail) => {
          const id = client.send(method, params)
          const timer = setTimeout(() => fail(new Error(`${method}: no answer in ${timeoutMs} ms`)), timeoutMs)
          pending.set(id, ((r: never) => (clearTimeout(timer), done(r))) as never)
        })
      },
      waitFor(test, timeoutMs = 30_000) {
        const hit = texts.find(test)
        if (hit) return Promise.resolve(hit)
        return new Promise((done, fail) => {
          const timer = setTimeout(
            () => fail(new Error(`no matching message in ${timeoutMs} ms (${texts.length} texts)`)),
            timeoutMs,
          )
          waiters.push({ test, done: (m) => (clearTimeout(timer), done(m)) })
        })
      },
    }
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)))
    ws.on('error', (e) => reject(e))
    ws.on('message', (data: Buffer, isBinary) => {
      client.bytesReceived += data.length
      if (isBinary) {
        const copy = new Float64Array(new Uint8Array(data).buffer)
        if (replays.receiving) replays.frame(copy)
        else binaries.push(copy)
        return
      }
      const m = JSON.parse(data.toString()) as ServerMessage
      texts.push(m)
      if (m.type === 'response' && !replays.response(m.id, m.outcome)) answer(m.id, { outcome: m.outcome })
      for (const w of [...waiters]) {
        if (w.test(m)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.done(m)
        }
      }
    })
    ws.on('open', () => {
      if (options.paused) ws.pause()
      resolve(client)
    })
  })
}

// ---- replays as a test client receives them ------------------------------------------------------

export interface Answer {
  outcome: { ok: boolean; value?: unknown; error?: { code: string; message: string; position?: number } }
  /** a replay's batch, joined from its frames */
  binary?: Float64Array
}

/**
 * A test client's side of replay streams (src/shared/replay.ts ReplayReceiver): a replay is answered
 * with its announcing response's outcome and the joined batch, or with the error that ended it.
 */
export function replayAnswers(answer: (id: number, result: Answer) => void) {
  const receiver = new ReplayReceiver()
  const announced = new Map<number, Answer['outcome']>()
  const settle = (done: { id: number; outcome: Outcome<Float64Array> } | null) => {
    if (!done) return
    const header = announced.get(done.id)!
    announced.delete(done.id)
    answer(done.id, done.outcome.ok ? { outcome: header, binary: done.outcome.value } : { outcome: done.outcome })
  }
  return {
    /** true while binary frames belong to a replay */
    get receiving() {
      return receiver.receiving
    },
    frame: (batch: Float64Array) => settle(receiver.frame(batch)),
    /** one response; false when it is an ordinary answer (not a replay's) for the caller to deliver */
    response(id: number, outcome: Answer['outcome']): boolean {
      receiver.ended(id)
      announced.delete(id)
      const follows = outcome.ok ? readBinaryFollows(outcome.value) : null
      if (!follows) return false
      announced.set(id, outcome)
      const now = receiver.start(id, follows)
      if (now) settle({ id, outcome: now })
      return true
    },
  }
}

// ---- the server side's real queue ---------------------------------------------------------------

/**
 * Records, for every server-side socket, the largest `bufferedAmount` right after any send (text or
 * binary), and every send that left more than `cap` bytes queued on top of a non-empty queue (the
 * host's documented gate lets a single frame larger than the cap go out only into an empty queue).
 * Patches `WebSocket.prototype.send` of the `ws` module the host uses (the same module instance:
 * node_modules is not inlined by vitest) until `restore()`.
 */
export function observeServerQueues(cap = Infinity): {
  peak(): number
  perSocket(): number[]
  overCap(): { before: number; after: number; frame: number }[]
  restore(): void
} {
  const proto = WebSocket.prototype as unknown as { send: (...args: unknown[]) => void }
  const original = proto.send
  const peaks = new Map<object, number>()
  const over: { before: number; after: number; frame: number }[] = []
  proto.send = function (this: WebSocket & { _isServer?: boolean }, ...args: unknown[]) {
    const before = this._isServer ? this.bufferedAmount : 0
    original.apply(this, args)
    if (!this._isServer) return
    const after = this.bufferedAmount
    peaks.set(this, Math.max(peaks.get(this) ?? 0, after))
    if (after > cap && before > 0) {
      const data = args[0] as string | ArrayBufferView
      over.push({ before, after, frame: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength })
    }
  }
  return {
    peak: () => Math.max(0, ...peaks.values()),
    perSocket: () => [...peaks.values()],
    overCap: () => [...over],
    restore: () => {
      proto.send = original
    },
  }
}

// ---- process figures ----------------------------------------------------------------------------

export const rssMiB = () => process.memoryUsage.rss() / 2 ** 20
export function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length
  } catch {
    return -1
  }
}

/** Samples RSS every `everyMs` until stopped; returns the peak. */
export function rssSampler(everyMs = 25): { stop(): { peakMiB: number; samples: number } } {
  let peak = rssMiB()
  let samples = 1
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMiB())
    samples++
  }, everyMs)
  return {
    stop() {
      clearInterval(timer)
      peak = Math.max(peak, rssMiB())
      return { peakMiB: peak, samples: samples + 1 }
    },
  }
}

/** Polls until `test()` holds or `timeoutMs` passes; returns whether it held. */
export async function until(test: () => boolean, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const end = Date.now() + timeoutMs
  while (!test()) {
    if (Date.now() > end) return false
    await sleep(everyMs)
  }
  return true
}

/** Deterministic pseudo-random numbers (xorshift32) so a failing host test can be replayed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s / 2 ** 32
  }
}
