// The contract suite (./contract.ts) on the three transports every host is built from: in-process,
// a MessagePort on Node's own MessageChannel (the structured clone Electron's MessagePortMain
// uses: the Electron main ↔ page transport), and the WebSocket of a real web host.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MessageChannel } from 'node:worker_threads'
import { WebSocket } from 'ws'
import { loadEngine } from '../../src/service/addon'
import { RunService } from '../../src/service/run-service'
import { connectPort, servePort, standardPort, type StandardPort } from '../../src/shared/port-transport'
import { inProcessApi } from '../../src/shared/transport'
import { createWebApi, type SocketLike } from '../../src/web/client'
import { startWebHost } from '../../src/web/server/server'
import { contractSuite } from './contract'

const engine = loadEngine()

contractSuite('in-process calls', async () => {
  const refusals: string[] = []
  const service = new RunService(engine)
  return { api: inProcessApi(service, (line) => refusals.push(line)), refusals, close: () => service.dispose() }
})

contractSuite("a MessagePort (Node's MessageChannel, structured clone)", async () => {
  const refusals: string[] = []
  const service = new RunService(engine)
  const { port1, port2 } = new MessageChannel()
  const server = servePort(standardPort(port1 as unknown as StandardPort), service, {
    log: (line) => refusals.push(line),
  })
  const api = connectPort(standardPort(port2 as unknown as StandardPort))
  return {
    api,
    refusals,
    async close() {
      server.close()
      port2.close()
      await service.dispose()
    },
  }
})

contractSuite('the web host (WebSocket, JSON and binary frames)', async () => {
  const refusals: string[] = []
  const dir = mkdtempSync(join(tmpdir(), 'threadlab-contract-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>')
  const host = await startWebHost({ port: 0, rendererDir: dir, engine, log: (line) => refusals.push(line) })
  const origin = `http://127.0.0.1:${host.port}`
  const api = createWebApi({
    location: { host: `127.0.0.1:${host.port}`, search: `?token=${encodeURIComponent(host.token)}`, protocol: 'http:' },
    // the `ws` package's client speaks the browser's WebSocket interface; a browser sends Origin itself
    openSocket: (url) => new WebSocket(url, { origin }) as unknown as SocketLike,
  })
  return {
    api,
    refusals,
    async close() {
      await host.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
})
