// The one place that finds a browser for the end-to-end tests, the benchmarks and the Playwright
// config. A fresh machine needs nothing preinstalled: where no Chromium is found, one is obtained
// (Playwright's installer where its download host answers, else the Chromium that ships inside the
// @sparticuz/chromium npm package — the npm registry is reachable where GitHub and CDNs are not).
// CommonJS, so Playwright's config loader (which compiles TypeScript configs to CommonJS) and the
// ES-module scripts can both load it.
const { spawnSync } = require('node:child_process')
const { existsSync, mkdirSync } = require('node:fs')
const { homedir } = require('node:os')
const { join } = require('node:path')

/** Flags that keep Chromium from reaching for the network on a closed machine. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

const SYSTEM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']
// The last major whose package still runs on Node 20 (147+ needs Node 22).
const SPARTICUZ = '@sparticuz/chromium@143.0.4'
const CACHE_DIR = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'threadlab', 'chromium-143')
const SPARTICUZ_BINARY = join(CACHE_DIR, 'chromium')

/**
 * `THREADLAB_CHROMIUM=obtain` ignores every browser already on the machine, so the fresh-machine
 * path (obtain one) can be exercised on a machine that has one.
 */
const ignoreInstalled = () => process.env.THREADLAB_CHROMIUM === 'obtain'

/** @returns {{ path: string, source: string } | null} a browser already here; installs nothing. */
function findChromium() {
  if (process.env.CHROMIUM_PATH) {
    if (existsSync(process.env.CHROMIUM_PATH)) return { path: process.env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' }
    throw new Error(`CHROMIUM_PATH points at ${process.env.CHROMIUM_PATH}, which does not exist`)
  }
  if (!ignoreInstalled()) {
    const system = SYSTEM_PATHS.find((p) => existsSync(p))
    if (system) return { path: system, source: 'system Chromium' }
    const playwrights = playwrightBrowserPath()
    if (playwrights && existsSync(playwrights)) return { path: playwrights, source: "Playwright's browser cache" }
  }
  if (existsSync(SPARTICUZ_BINARY)) return { path: SPARTICUZ_BINARY, source: `${SPARTICUZ} (cached)` }
  return null
}

/**
 * A browser, obtained without asking if none is here. Prints one line naming the browser used.
 * @returns {{ path: string, source: string }}
 */
function ensureChromium({ log = (line) => console.log(line) } = {}) {
  const found = findChromium() ?? obtainWithPlaywright() ?? obtainFromNpm()
  if (!found) {
    throw new Error(
      "No Chromium found and none could be obtained (Playwright's download host and the npm registry both failed). " +
        'Install one (apt-get install -y chromium) or set CHROMIUM_PATH.',
    )
  }
  log(`browser: ${found.path} (${found.source}, ${browserVersion(found.path)})`)
  return found
}

function playwrightBrowserPath() {
  const r = spawnSync(
    process.execPath,
    ['-e', "process.stdout.write(require('@playwright/test').chromium.executablePath())"],
    { encoding: 'utf8' },
  )
  return r.status === 0 ? r.stdout.trim() : null
}

function obtainWithPlaywright() {
  if (ignoreInstalled()) return null
  console.log("browser: none found; trying Playwright's installer")
  const r = spawnSync('npx', ['playwright', 'install', 'chromium'], { stdio: 'ignore', timeout: 300_000 })
  const path = r.status === 0 ? playwrightBrowserPath() : null
  if (path && existsSync(path)) return { path, source: "Playwright's installer" }
  console.log("browser: Playwright's download host is not reachable; using the Chromium inside " + SPARTICUZ)
  return null
}

function obtainFromNpm() {
  mkdirSync(CACHE_DIR, { recursive: true })
  const install = spawnSync(
    'npm',
    ['install', '--prefix', CACHE_DIR, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', SPARTICUZ],
    { stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 },
  )
  if (install.status !== 0) return null
  // The package unpacks its brotli-compressed binary (and locales) into the temp directory: point
  // that at our cache so the browser outlives /tmp and the next run finds it.
  const unpack = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import c from '@sparticuz/chromium'; process.stdout.write(await c.executablePath())",
    ],
    { cwd: CACHE_DIR, env: { ...process.env, TMPDIR: CACHE_DIR }, encoding: 'utf8', timeout: 300_000 },
  )
  if (unpack.status !== 0 || unpack.stdout.trim() !== SPARTICUZ_BINARY) {
    process.stderr.write(unpack.stderr)
    return null
  }
  return { path: SPARTICUZ_BINARY, source: `${SPARTICUZ} from the npm registry` }
}

function browserVersion(path) {
  const r = spawnSync(path, ['--version', ...CHROMIUM_ARGS], { encoding: 'utf8', timeout: 30_000 })
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : 'version unknown'
}

module.exports = { CHROMIUM_ARGS, findChromium, ensureChromium }

// `node scripts/chromium.cjs`: find or obtain a browser and print its path (used by CI logs and humans).
if (require.main === module) ensureChromium()
