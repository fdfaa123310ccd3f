// Starts the built web host once for the whole run: `node scripts/web.mjs --port 0` (which builds
// out/ first when it is missing or stale) with a known token, reads the URL it prints and hands it
// to the specs through THREADLAB_URL. Returns the teardown that stops it (SIGTERM: runs cancelled
// and joined before it exits).
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'

export default async function globalSetup(): Promise<() => Promise<void>> {
  const token = process.env.THREADLAB_TOKEN || randomBytes(16).toString('hex')
  const child = spawn(process.execPath, [resolve(__dirname, '../scripts/web.mjs'), '--port', '0'], {
    cwd: resolve(__dirname, '..'),
    env: { ...process.env, THREADLAB_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`the web host did not print its URL within 180 s:\n${output}`)),
      180_000,
    )
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      process.stdout.write(`[web host] ${chunk}`)
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        done(m[1])
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`the web host exited (${code}) before printing its URL:\n${output}`))
    })
  })
  process.env.THREADLAB_URL = url
  process.env.THREADLAB_TOKEN = token
  return async () => {
    if (child.exitCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))])
    if (child.exitCode === null) child.kill('SIGKILL')
  }
}
