// A small Node client of the web host's protocol, for the tests.
import { WebSocket } from 'ws'
import type { ServerMessage } from '../../src/shared/ipc'
import { replayAnswers, type Answer } from '../fuzz/helpers/host'

export interface TestClient {
  ws: WebSocket
  texts: ServerMessage[]
  binaries: Float64Array[]
  request(
    method: string,
    params?: unknown,
  ): Promise<{
    outcome: { ok: boolean; value?: unknown; error?: { code: string; message: string; position?: number } }
    binary?: Float64Array
  }>
  sendRaw(data: string | Buffer): void
  waitFor(test: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>
  closed: Promise<{ code: number; reason: string }>
  close(): Promise<void>
}

/** Opens a socket; rejects with the HTTP status when the upgrade is refused. */
export function connect(url: string, origin: string | undefined): Promise<TestClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin })
    const texts: ServerMessage[] = []
    const binaries: Float64Array[] = []
    const waiters: Array<{ test: (m: ServerMessage) => boolean; done: (m: ServerMessage) => void }> = []
    const pending = new Map<number, (r: { outcome: never; binary?: Float64Array }) => void>()
    const answer = (id: number, result: Answer) => {
      pending.get(id)?.(result as never)
      pending.delete(id)
    }
    const replays = replayAnswers(answer)
    let nextId = 1
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.on('close', (code, reason) => r({ code, reason: reason.toString() })),
    )
    ws.on('unexpected-response', (_req, res) =>
      reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })),
    )
    ws.on('error', (e) => reject(e))
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        const copy = new Float64Array(new Uint8Array(data).buffer)
        if (replays.receiving) replays.frame(copy)
        else binaries.push(copy)
        return
      }
      const m = JSON.parse(data.toString()) as ServerMessage
      texts.push(m)
      if (m.type === 'response' && !replays.response(m.id, m.outcome)) answer(m.id, { outcome: m.outcome })
      for (const w of [...waiters])
        if (w.test(m)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.done(m)
        }
    })
    ws.on('open', () =>
      resolve({
        ws,
        texts,
        binaries,
        closed,
        request(method, params) {
          const id = nextId++
          return new Promise((done) => {
            pending.set(id, done as never)
            ws.send(JSON.stringify(params === undefined ? { id, method } : { id, method, params }))
          })
        },
        sendRaw(data) {
          ws.send(data)
        },
        waitFor(test, timeoutMs = 20_000) {
          const hit = texts.find(test)
          if (hit) return Promise.resolve(hit)
          return new Promise((done, fail) => {
            const timer = setTimeout(
              () => fail(new Error(`no matching message in ${timeoutMs} ms (got ${texts.length})`)),
              timeoutMs,
            )
            waiters.push({ test, done: (m) => (clearTimeout(timer), done(m)) })
          })
        },
        async close() {
          if (ws.readyState !== WebSocket.CLOSED) {
            ws.close()
            await closed
          }
        },
      }),
    )
  })
}
