// What one client may have a host working on at once, checked the same way over both transports a
// page can use: Electron's MessagePort (here Node's MessageChannel, the same structured clone) and
// the web host's WebSocket. Real addon, real run service. From the hostile-client review (issue 19):
// 33 pipelined `capabilities` got E_BUSY on the web host, Electron's port had no cap at all, a
// second startRun could queue behind the first, parsed params were kept while a call waited, and
// every refused call wrote a log line.
import { runInNewContext } from 'node:vm'
import { setFlagsFromString } from 'node:v8'
import { MessageChannel, type MessagePort } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Outcome } from '../../src/shared/api'
import { loadEngine, type Engine } from '../../src/service/addon'
import { RunService } from '../../src/service/run-service'
import { servePort, standardPort, type PortLike, type StandardPort } from '../../src/shared/port-transport'
import { startWebHost, type WebHost } from '../../src/web/server/server'
import { originOf, rendererDir, sleep, TOKEN, until, wsUrl } from '../fuzz/helpers/host'
import { connect, type TestClient } from '../web/ws-client'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const engine = loadEngine()

/** The real engine, counting how often the machine is described. */
function countingEngine(): Engine & { described: number } {
  const counted = { ...engine, described: 0 }
  counted.capabilities = () => {
    counted.described++
    return engine.capabilities()
  }
  return counted
}

/** One client of a host, sending raw requests (what a hostile page can send) without waiting. */
interface RawClient {
  call(method: string, params?: unknown): Promise<Outcome<unknown>>
  /** sends what `send` sends as one burst (one TCP write on the web host), the way a hostile page pipelines */
  burst<T>(send: () => T): T
  close(): Promise<void>
}

interface Host {
  /** every line the host logged */
  log: string[]
  open(): Promise<RawClient>
  /** Electron's port hands main a cloned object; the web host a JSON text */
  kind: 'port' | 'web'
  /** the params of each request as the host received them (to watch what it keeps) */
  received: WeakRef<object>[]
  /** the web host only: a client that sends frames as written */
  openRaw?: () => Promise<TestClient>
  close(): Promise<void>
}

async function portHost(hostEngine: Engine = engine): Promise<Host> {
  const log: string[] = []
  const received: WeakRef<object>[] = []
  const services: RunService[] = []
  const ports: MessagePort[] = []
  return {
    kind: 'port',
    log,
    received,
    async open() {
      const service = new RunService(hostEngine)
      services.push(service)
      const { port1, port2 } = new MessageChannel()
      ports.push(port2)
      const inner = standardPort(port1 as unknown as StandardPort)
      // the host's end, seeing each message as main would (to watch what the host keeps of it)
      const watched: PortLike = {
        ...inner,
        listen: (onMessage, onClose) =>
          inner.listen((data) => {
            const params = (data as { params?: unknown } | null)?.params
            if (typeof params === 'object' && params !== null) received.push(new WeakRef(params))
            onMessage(data)
          }, onClose),
      }
      servePort(watched, service, { log: (line) => log.push(line), client: 'the test page' })
      const pending = new Map<number, (o: Outcome<unknown>) => void>()
      port2.on('message', (m: { type: string; id: number; outcome: Outcome<unknown> }) => {
        if (m.type === 'response') pending.get(m.id)?.(m.outcome)
      })
      let nextId = 1
      return {
        call(method, params) {
          const id = nextId++
          return new Promise((resolve) => {
            pending.set(id, resolve)
            port2.postMessage(params === undefined ? { id, method } : { id, method, params })
          })
        },
        burst: (send) => send(),
        async close() {
          port2.close()
          await service.dispose()
        },
      }
    },
    async close() {
      for (const p of ports) p.close()
      await Promise.all(services.map((s) => s.dispose()))
    },
  }
}

async function webHost(hostEngine: Engine = engine): Promise<Host> {
  const log: string[] = []
  const received: WeakRef<object>[] = []
  const renderer = rendererDir()
  const host: WebHost = await startWebHost({
    port: 0,
    rendererDir: renderer.dir,
    token: TOKEN,
    engine: hostEngine,
    log: (line) => log.push(line),
  })
  // what the host parsed from each large frame (to watch what it keeps)
  const parse = JSON.parse
  JSON.parse = (text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
    const value: unknown = parse(text, reviver)
    const params = (value as { params?: unknown } | null)?.params
    if (text.length > 100_000 && typeof params === 'object' && params !== null) received.push(new WeakRef(params))
    return value
  }
  return {
    kind: 'web',
    log,
    received,
    openRaw: () => connect(wsUrl(host), originOf(host)),
    async open() {
      const c: TestClient = await connect(wsUrl(host), originOf(host))
      let nextId = 1
      return {
        call(method, params) {
          const id = nextId++
          const answer = c.waitFor((m) => m.type === 'response' && m.id === id, 30_000)
          c.sendRaw(JSON.stringify(params === undefined ? { id, method } : { id, method, params }))
          return answer.then((m) => (m as Extract<typeof m, { type: 'response' }>).outcome)
        },
        burst(send) {
          const socket = (c.ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket
          socket.cork()
          try {
            return send()
          } finally {
            socket.uncork()
          }
        },
        close: () => c.close(),
      }
    },
    async close() {
      JSON.parse = parse
      await host.close()
      renderer.remove()
    },
  }
}

const codes = (outcomes: Outcome<unknown>[]) =>
  outcomes.reduce<Record<string, number>>((n, o) => {
    const code = o.ok ? 'ok' : o.error.code
    n[code] = (n[code] ?? 0) + 1
    return n
  }, {})

/** A sum that passes every check and runs almost no time. */
const sum = (values: number[]) => ({ experiment: 'parallel-sum', values, threads: 2 })

describe.each([
  ['Electron MessagePort (MessageChannel)', portHost],
  ['web host WebSocket', webHost],
])('request caps over the %s', (_name, openHost) => {
  let host: Host
  beforeAll(async () => {
    host = await openHost()
  })
  afterAll(async () => {
    await host?.close()
  })

  it('answers 40 pipelined capabilities, all of them: an instant call takes no in-flight slot', async () => {
    const c = await host.open()
    try {
      const answers = await Promise.all(c.burst(() => Array.from({ length: 40 }, () => c.call('capabilities'))))
      expect(codes(answers)).toEqual({ ok: 40 })
    } finally {
      await c.close()
    }
  })

  it('lets 32 calls be answered at once; the rest get E_BUSY at once; the slots come back', async () => {
    const c = await host.open()
    try {
      // the measurement holds the client's service for about a second; 40 cancels queue behind it
      const measuring = c.call('measureMachine')
      const cancels = Array.from({ length: 40 }, () => c.call('cancelRun'))
      const refused = await Promise.race([
        Promise.all(cancels.slice(31)),
        sleep(500).then(() => 'still waiting' as const),
      ])
      expect(refused).not.toBe('still waiting')
      expect(codes(refused as Outcome<unknown>[])).toEqual({ E_BUSY: 9 })
      expect((refused as Outcome<unknown>[])[0]).toMatchObject({ error: { message: /32 calls being answered/ } })
      expect((await measuring).ok).toBe(true)
      expect(codes(await Promise.all(cancels.slice(0, 31)))).toEqual({ ok: 31 })
      expect(codes(await Promise.all(Array.from({ length: 32 }, () => c.call('cancelRun'))))).toEqual({ ok: 32 })
    } finally {
      await c.close()
    }
  })

  it('answers a second startRun at once with E_BUSY while the first is still being answered', async () => {
    const c = await host.open()
    try {
      const measuring = c.call('measureMachine')
      const first = c.call('startRun', sum([1, 2, 3]))
      const second = await c.call('startRun', { ...sum([4, 5]), replace: true })
      expect(second).toMatchObject({ ok: false, error: { code: 'E_BUSY', message: /previous startRun/ } })
      expect(host.log).toContainEqual(expect.stringMatching(/startRun refused: E_BUSY/))
      await measuring
      expect((await first).ok).toBe(true)
      // once answered, the next start is taken (replacing the first if it still runs)
      expect(await c.call('startRun', { ...sum([4, 5]), replace: true })).toMatchObject({ ok: true })
    } finally {
      await c.close()
    }
  })

  it('while a call waits, the host keeps the rebuilt request, not what the client sent', async () => {
    const c = await host.open()
    try {
      const measuring = c.call('measureMachine')
      const values = Array.from({ length: 100_000 }, (_, i) => i % 1000)
      host.received.length = 0
      const started = c.call('startRun', sum(values))
      await until(() => host.received.length > 0, 5_000)
      // a WeakRef keeps its target until the current job ends; let it end, then collect
      await sleep(0)
      gc()
      await sleep(0)
      gc()
      const kept = host.received.filter((r) => r.deref() !== undefined).length
      expect(kept).toBe(0)
      expect(await Promise.race([started.then(() => 'answered'), Promise.resolve('waiting')])).toBe('waiting')
      await measuring
      expect((await started).ok).toBe(true)
    } finally {
      await c.close()
    }
  })

  it('logs the first 20 refused calls of a client, then one line with how many more', async () => {
    const c = await host.open()
    const before = host.log.length
    const answers = await Promise.all(Array.from({ length: 2_000 }, () => c.call('fetchRunEvents', -1)))
    expect(codes(answers)).toEqual({ E_BAD_REQUEST: 2_000 })
    expect(host.log.length - before).toBe(20)
    await c.close()
    await until(() => host.log.length > before + 20, 5_000)
    const lines = host.log.slice(before)
    expect(lines).toHaveLength(21)
    expect(lines[20]).toMatch(/1,980 more refused calls from /)
  })
})

describe('the web host caps the bytes of the requests one client has in flight', () => {
  let host: Host
  beforeAll(async () => {
    host = await webHost()
  })
  afterAll(async () => {
    await host?.close()
  })

  it('refuses a 9 MiB request while another 9 MiB one waits (E_IN_FLIGHT_BYTES), and takes it after', async () => {
    const raw = await host.openRaw!()
    try {
      const padded = (id: number) => `{"id":${id},"method":"cancelRun"${' '.repeat(9 * 2 ** 20)}}`
      const answer = (id: number) =>
        raw.waitFor((m) => m.type === 'response' && m.id === id, 30_000) as Promise<
          Extract<Awaited<ReturnType<TestClient['waitFor']>>, { type: 'response' }>
        >
      raw.sendRaw('{"id":1,"method":"measureMachine"}')
      raw.sendRaw(padded(2))
      raw.sendRaw(padded(3))
      const third = await answer(3)
      expect(third.outcome).toMatchObject({ ok: false, error: { code: 'E_IN_FLIGHT_BYTES', message: /17 MiB/ } })
      expect((await answer(2)).outcome.ok).toBe(true)
      expect((await answer(1)).outcome.ok).toBe(true)
      raw.sendRaw(padded(4))
      expect((await answer(4)).outcome.ok).toBe(true)
    } finally {
      await raw.close()
    }
  })
})

describe('Electron MessagePort: each message is checked for shape and size before it is read', () => {
  let host: Host
  beforeAll(async () => {
    host = await portHost()
  })
  afterAll(async () => {
    await host?.close()
  })

  it('refuses nesting deeper than a request needs, more than 16 MiB, and more than 1,000,064 elements', async () => {
    const c = await host.open()
    try {
      const deep = await c.call('startRun', { ...sum([1]), values: [[[1]]] })
      expect(deep).toMatchObject({ ok: false, error: { code: 'E_TOO_DEEP' } })
      const big = await c.call('startRun', { ...sum([1]), experiment: 'x'.repeat(9 * 2 ** 20) })
      expect(big).toMatchObject({ ok: false, error: { code: 'E_TOO_LARGE', message: /16 MiB/ } })
      const many = await c.call('startRun', { ...sum([1]), values: new Array(1_000_100).fill(1) })
      expect(many).toMatchObject({ ok: false, error: { code: 'E_TOO_LARGE', message: /elements/ } })
      // the port still serves, and a request of the largest size the contract allows is taken
      const largest = await c.call('startRun', sum(new Array(1_000_000).fill(1)))
      expect(largest).toMatchObject({ ok: true })
      expect(host.log).toContainEqual(expect.stringMatching(/refused: E_TOO_DEEP/))
    } finally {
      await c.close()
    }
  })
})

describe('capabilities', () => {
  it.each([
    ['Electron MessagePort (MessageChannel)', portHost],
    ['web host WebSocket', webHost],
  ])('over the %s: the machine is described once per host, the thread budget is read live', async (_n, open) => {
    const counted = countingEngine()
    const host = await open(counted)
    try {
      const [a, b] = [await host.open(), await host.open()]
      const answers = await Promise.all([
        ...Array.from({ length: 20 }, () => a.call('capabilities')),
        b.call('capabilities'),
      ])
      expect(codes(answers)).toEqual({ ok: 21 })
      expect(counted.described).toBe(1)
      const started = await a.call('startRun', {
        experiment: 'sleep-sort',
        values: [5000],
        mode: 'scheduled',
        unitMs: 1,
      })
      expect(started.ok).toBe(true)
      const during = (await b.call('capabilities')) as Outcome<{ threadBudget: { inUse: number; runs: number } }>
      expect(during).toMatchObject({ ok: true, value: { threadBudget: { inUse: 3, runs: 1 } } })
      await a.call('cancelRun')
      await a.close()
      await b.close()
    } finally {
      await host.close()
    }
  })
})
