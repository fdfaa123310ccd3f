// The same flows in the Electron app (out/main/index.js). Skipped, with the reason, where the
// Electron binary is absent (it is downloaded from GitHub on first use) or there is no display.
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'
import { PRELOAD_MEMBERS } from '../src/shared/ipc'
import { pipeLogs } from './fixtures'

const ROOT = resolve(__dirname, '..')
const SEED = '5 1 2 6 8 2 4 2 3 8 0 2'
const SORTED = '0, 1, 2, 2, 2, 2, 3, 4, 5, 6, 8, 8'

function electronBinary(): string | null {
  const dir = join(ROOT, 'node_modules/electron')
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const exe = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(exe) ? exe : null
}

const exe = electronBinary()
const display = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)

test.skip(
  !exe,
  'Electron binary not available on this machine (node_modules/electron/dist is missing and GitHub downloads, where it comes from, are unreachable); the web project runs the same flows in Chromium',
)
test.skip(!display, 'no display for Electron (DISPLAY/WAYLAND_DISPLAY unset): run under xvfb-run to include these')

// Playwright reads the fixtures a test wants from its first parameter's pattern: this one wants none.
// eslint-disable-next-line no-empty-pattern
test('sorts the seed list in the Electron app, through the sandboxed preload', async ({}, testInfo) => {
  const app = await electron.launch({
    executablePath: exe!,
    args: [ROOT],
    cwd: ROOT,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '' },
  })
  try {
    const page = await app.firstWindow()
    const errors: string[] = []
    pipeLogs(page, testInfo.title, errors)
    // the page sees exactly the preload's members (the API itself travels on the port it hands
    // over), no Node, and comes from app://threadlab with the CSP as a header
    // (this file is type-checked without the DOM library: the page's window is globalThis)
    const surface = await page.evaluate(() => {
      const w = globalThis as unknown as { threadlab: object; require?: unknown; process?: unknown }
      return { api: Object.keys(w.threadlab).sort(), node: typeof w.require, process: typeof w.process }
    })
    expect(surface).toEqual({ api: [...PRELOAD_MEMBERS].sort(), node: 'undefined', process: 'undefined' })
    expect(page.url()).toMatch(/^app:\/\/threadlab\//)
    await expect(page.getByLabel('Capabilities')).toContainText('CPUs')
    const realtimeDenied = await page
      .getByRole('combobox', { name: 'Mode' })
      .locator('option[value="realtime"]')
      .isDisabled()
    await page.getByRole('textbox', { name: 'Numbers' }).fill(SEED)
    await page.getByRole('combobox', { name: 'Mode' }).selectOption(realtimeDenied ? 'scheduled' : 'realtime')
    await page.getByRole('spinbutton', { name: 'Unit (ms)' }).fill('10')
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(page.getByRole('region', { name: 'Result' })).toContainText(SORTED)
    await page.screenshot({ path: testInfo.outputPath('electron-seed.png') })

    // a long run, then Cancel
    await page.getByRole('textbox', { name: 'Numbers' }).fill('3000 1 2000')
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await page.getByRole('button', { name: 'Cancel' }).click()
    await expect(page.getByRole('region', { name: 'Result' })).toContainText('cancelled')
    // a reload gets a new port and a new service: the reloaded page runs again
    await page.reload()
    await expect(page.getByLabel('Capabilities')).toContainText('CPUs')
    await page.getByRole('textbox', { name: 'Numbers' }).fill(SEED)
    await page.getByRole('combobox', { name: 'Mode' }).selectOption(realtimeDenied ? 'scheduled' : 'realtime')
    await page.getByRole('spinbutton', { name: 'Unit (ms)' }).fill('10')
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(page.getByRole('region', { name: 'Result' })).toContainText(SORTED)
    // navigation away and new windows are refused
    await page.evaluate(() => (globalThis as unknown as { open(url: string): unknown }).open('https://example.com'))
    expect(app.windows()).toHaveLength(1)
    expect(errors).toEqual([])
  } finally {
    await app.close()
  }
})
