#!/usr/bin/env node
// The `threadlab` command. Runs the TypeScript sources through tsx (no build step): the CommonJS
// hook is the one that works for this CommonJS package on Node 20 (tsx/esm/api's register() makes
// Node require(esm) the .ts files and fails with ERR_REQUIRE_CYCLE_MODULE).
import { createRequire } from 'node:module'
import { register } from 'tsx/cjs/api'

// Ctrl-C while still loading: nothing has started, so just leave (the run installs its own handler).
const quit = (signal) => process.exit(signal === 'SIGINT' ? 130 : 143)
process.on('SIGINT', quit)
process.on('SIGTERM', quit)

register()
const { main } = createRequire(import.meta.url)('../src/cli/main.ts')

const code = await main(process.argv.slice(2))
process.exitCode = code
// Every engine thread is joined by now; don't let a stray handle keep the process up.
setTimeout(() => process.exit(code), 2000).unref()
