// Where the end-to-end tests and benchmarks find a browser: CHROMIUM_PATH, then Debian's
// Chromium. Playwright's own download is not reachable on offline machines, so it is not assumed.
import { existsSync } from 'node:fs'

export function chromiumPath() {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ]
  return candidates.find((p) => p && existsSync(p)) ?? null
}

/** Flags that keep Chromium from reaching for the network on a closed machine. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]
