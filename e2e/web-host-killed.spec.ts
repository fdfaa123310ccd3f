// Killing the web host itself mid-run (SIGKILL, no cleanup): its worker threads die with the
// process, it leaves no file behind, and a restart on the same port serves again at once.
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { WebSocket } from 'ws'
import { expect, test } from '@playwright/test'

function startHost(port: number): Promise<{ child: ChildProcess; url: URL }> {
  const child = spawn(process.execPath, ['out/main/webhost.js', '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`the web host printed no URL:\n${out}`)), 20_000)
    child.stdout!.on('data', (d) => {
      out += d
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve({ child, url: new URL(m[1]) })
      }
    })
    child.on('exit', (code) => reject(new Error(`the web host exited (${code}) before serving:\n${out}`)))
  })
}

function threadsOf(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/task`).length
  } catch {
    return 0 // the process is gone, and its threads with it
  }
}

test('a web host killed mid-run leaves no thread or file, and a restart serves at once', async () => {
  const filesBefore = new Set(readdirSync(tmpdir()))
  const first = await startHost(0)
  const port = Number(first.url.port)
  const token = first.url.searchParams.get('token')!
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`, { origin: first.url.origin })
  await new Promise((r, j) => {
    ws.once('open', r)
    ws.once('error', j)
  })
  const values = Array.from({ length: 500 }, (_, i) => 500 + i)
  ws.send(
    JSON.stringify({
      id: 1,
      method: 'startRun',
      params: { experiment: 'sleep-sort', values, mode: 'classic', unitMs: 20 },
    }),
  )
  const pid = first.child.pid!
  await expect.poll(() => threadsOf(pid), { timeout: 15_000 }).toBeGreaterThan(400)

  first.child.kill('SIGKILL')
  await new Promise((r) => first.child.once('exit', r))
  ws.terminate()
  expect(threadsOf(pid)).toBe(0)
  expect([...readdirSync(tmpdir())].filter((f) => !filesBefore.has(f) && /threadlab/i.test(f))).toEqual([])

  // the same port, straight away: the listening socket died with the process
  const second = await startHost(port)
  try {
    expect(Number(second.url.port)).toBe(port)
    const res = await fetch(`${second.url.origin}/health?token=${second.url.searchParams.get('token')}`)
    expect(res.ok).toBe(true)
    expect(await res.json()).toMatchObject({ activeRuns: 0 })
  } finally {
    second.child.kill('SIGTERM')
    await new Promise((r) => second.child.once('exit', r))
  }
})
