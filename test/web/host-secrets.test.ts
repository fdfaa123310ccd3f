// Finding 7 of the hostile-client review, the parts about the token: THREADLAB_TOKEN was accepted at
// any length, and a 500 error logged the request's URL with its token. Also: a request target that
// does not parse as a URL (absolute form, `http://[x/…`) crashed the host from the WebSocket
// upgrade path, before any token check.
import { spawn } from 'node:child_process'
import { connect as connectTcp } from 'node:net'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadEngine, type Engine } from '../../src/service/addon'
import { startWebHost, type WebHost } from '../../src/web/server/server'
import { rendererDir, TOKEN } from '../fuzz/helpers/host'
import { connect } from './ws-client'

const ROOT = resolve(__dirname, '../..')
const MAIN = resolve(ROOT, 'src/web/server/main.ts')

/** Starts the web host program (src/web/server/main.ts through tsx) with THREADLAB_TOKEN set. */
function startProgram(token: string, dir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', MAIN, '--port', '0', '--renderer', dir], {
      cwd: ROOT,
      env: { ...process.env, THREADLAB_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
      // it started: that is an answer too (stop it; SIGTERM joins and exits 0)
      if (stdout.includes('open http')) child.kill('SIGTERM')
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`the web host neither started nor refused in 30 s\n${stdout}\n${stderr}`))
    }, 30_000)
    child.on('error', fail)
    child.on('close', (code) => {
      clearTimeout(timer)
      done({ code, stdout, stderr })
    })
  })
}

/** Sends raw bytes to the host and returns the first line it answers (or '' when it just closes). */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((done, fail) => {
    const socket = connectTcp(port, '127.0.0.1', () => socket.write(text))
    let answer = ''
    socket.setEncoding('utf8').on('data', (d: string) => (answer += d))
    socket.on('close', () => done(answer.split('\r\n')[0]))
    socket.on('error', fail)
  })
}

let renderer: ReturnType<typeof rendererDir>
beforeAll(() => {
  renderer = rendererDir()
})
afterAll(() => renderer?.remove())

describe('THREADLAB_TOKEN must carry 128 bits', () => {
  it('refuses a short token at start with one line naming the variable and the minimum', async () => {
    for (const weak of ['abc', '0123456789abcdef0123456789abcde' /* 31 hex digits: 124 bits */, 'not a token!']) {
      const ran = await startProgram(weak, renderer.dir)
      expect(ran.code, ran.stdout + ran.stderr).toBe(2)
      expect(ran.stdout).not.toContain('open http')
      const lines = ran.stderr.trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain('THREADLAB_TOKEN')
      expect(lines[0]).toContain('128 bits')
      expect(lines[0]).not.toContain(weak)
    }
  }, 90_000)

  it('starts with 32 hex digits or 22 base64url characters', async () => {
    for (const strong of ['0123456789abcdef0123456789abcdef', 'Abcdefghijklmnopqrstu_']) {
      const ran = await startProgram(strong, renderer.dir)
      expect(ran.stdout, ran.stderr).toContain(`?token=${strong}`)
      expect(ran.code).not.toBe(2)
    }
  }, 90_000)

  it('startWebHost refuses a weak token option too', async () => {
    await expect(startWebHost({ port: 0, rendererDir: renderer.dir, token: 'short' })).rejects.toThrow(/128 bits/)
  })
})

describe('what the host logs and how it takes a bad request target', () => {
  let host: WebHost
  const lines: string[] = []
  let failing = false
  beforeAll(async () => {
    const real = loadEngine()
    // the boundary where a fault is injected: /health reads the engine's thread count
    const engine: Engine = {
      ...real,
      threadCount: () => {
        if (failing) throw new Error('thread count unavailable')
        return real.threadCount()
      },
    }
    host = await startWebHost({ port: 0, rendererDir: renderer.dir, token: TOKEN, engine, log: (l) => lines.push(l) })
  })
  afterAll(() => host?.close())

  it('a 500 is logged without the query string (the token)', async () => {
    failing = true
    try {
      const answer = await rawRequest(
        host.port,
        `GET /health?token=${TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`,
      )
      expect(answer).toBe('HTTP/1.1 500 Internal Server Error')
    } finally {
      failing = false
    }
    const logged = lines.filter((l) => l.includes('/health'))
    expect(logged).toHaveLength(1)
    expect(logged[0]).toContain('thread count unavailable')
    expect(logged[0]).not.toContain(TOKEN)
    expect(logged[0]).not.toContain('token=')
  })

  it('answers a target that is not a URL with 400, on HTTP and on the upgrade path, and keeps serving', async () => {
    const http = await rawRequest(
      host.port,
      `GET http://[x/?token=${TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`,
    )
    expect(http).toBe('HTTP/1.1 400 Bad Request')
    const upgrade = await rawRequest(
      host.port,
      `GET http://[x/ws?token=${TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: Upgrade\r\n` +
        'Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    )
    expect(upgrade).toBe('HTTP/1.1 400 Bad Request')
    const client = await connect(
      `ws://127.0.0.1:${host.port}/ws?token=${encodeURIComponent(TOKEN)}`,
      `http://127.0.0.1:${host.port}`,
    )
    expect((await client.request('capabilities')).outcome.ok).toBe(true)
    await client.close()
    expect(lines.join('\n')).not.toContain(TOKEN)
  })
})
