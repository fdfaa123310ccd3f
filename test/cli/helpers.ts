/** Spawns the real `threadlab` binary (node bin/threadlab.mjs) and collects what it prints. */
import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'

export const ROOT = resolve(__dirname, '../..')
export const BIN = resolve(ROOT, 'bin/threadlab.mjs')

export interface Ran {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
}

export interface RunOptions {
  /** written to stdin, which is then closed; without it stdin is /dev/null */
  input?: string
  env?: Record<string, string>
  cwd?: string
  /** called once the child is spawned (to send signals) */
  onSpawn?: (child: ChildProcess, output: { stdout: () => string; stderr: () => string }) => void
  timeoutMs?: number
  /** a command to run node under (e.g. setpriv … prlimit … --) */
  prefix?: string[]
}

export function threadlab(args: string[], o: RunOptions = {}): Promise<Ran> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now()
    const argv = [process.execPath, BIN, ...args]
    const [cmd, ...rest] = o.prefix ? [...o.prefix, ...argv] : argv
    const child = spawn(cmd, rest, {
      cwd: o.cwd ?? ROOT,
      env: { ...process.env, ...o.env },
      stdio: [o.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    if (o.input !== undefined) child.stdin!.end(o.input)
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`threadlab ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`))
    }, o.timeoutMs ?? 30_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolvePromise({ code, signal, stdout, stderr, ms: Date.now() - started })
    })
    o.onSpawn?.(child, { stdout: () => stdout, stderr: () => stderr })
  })
}

/** The value of one `name   value` line of the text report. */
export function field(stdout: string, name: string): string | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith(name.padEnd(11)))
  return line?.slice(11)
}
