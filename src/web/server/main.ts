/**
 * `node out/main/webhost.js [--port N] [--renderer DIR]` (or `npm run web -- --port N`):
 * serves Threadlab to a browser on this machine. The port defaults to 5217 and falls back to a
 * free one when taken; the printed URL carries the per-launch token (THREADLAB_TOKEN fixes it,
 * for tests; it must carry at least 128 bits, or the host refuses to start with exit code 2). Ctrl-C cancels every run and joins its threads before exiting.
 */
import { resolve } from 'node:path'
import { loadEngine } from '../../service/addon'
import { DEFAULT_PORT, startWebHost } from './server'
import { tokenProblem } from './token'

interface Args {
  port: number
  rendererDir: string
}

function parseArgs(argv: string[]): Args {
  const args: Args = { port: DEFAULT_PORT, rendererDir: resolve(__dirname, '../renderer') }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined]
    const value = () => {
      const v = inline ?? argv[++i]
      if (v === undefined) usage(`${flag} needs a value`)
      return v
    }
    if (flag === '--port' || flag === '-p') {
      const v = value()
      const port = Number(v)
      if (!/^\d+$/.test(v) || port > 65535)
        usage(`--port takes a whole number from 0 to 65535, not ${JSON.stringify(v)}`)
      args.port = port
    } else if (flag === '--renderer') {
      args.rendererDir = resolve(value())
    } else if (flag === '--help' || flag === '-h') {
      usage()
    } else {
      usage(`unknown argument ${JSON.stringify(a)}`)
    }
  }
  return args
}

function usage(problem?: string): never {
  const text = 'usage: threadlab web host [--port N (default 5217; 0 = any free port)] [--renderer DIR]'
  if (problem) {
    console.error(`${problem}\n${text}`)
    process.exit(2)
  }
  console.log(text)
  process.exit(0)
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const token = process.env.THREADLAB_TOKEN || undefined
  const weak = token === undefined ? null : tokenProblem(token, 'THREADLAB_TOKEN')
  if (weak) {
    console.error(weak)
    process.exit(2)
  }
  const engine = loadEngine()
  const host = await startWebHost({ port: args.port, rendererDir: args.rendererDir, token, engine })
  if (args.port !== 0 && host.port !== args.port) console.log(`Port ${args.port} is taken; using ${host.port} instead.`)
  console.log(`Threadlab web host: open ${host.url}`)

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`\n${signal}: cancelling runs and stopping…`)
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    host
      .close()
      .then(() => engine.shutdown())
      .then(
        () => process.exit(0),
        (e) => {
          console.error(`stopping failed: ${(e as Error).message}`)
          process.exit(1)
        },
      )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

// Run only as the program itself: the bundler may load this chunk from the Electron main process
// for its shared helpers, and that must not start a server.
if (require.main === module) {
  main().catch((e) => {
    console.error(`Threadlab web host could not start: ${(e as Error).message}`)
    process.exit(1)
  })
}
