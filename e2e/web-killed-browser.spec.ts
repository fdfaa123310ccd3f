// Killing the browser mid-run (not closing it politely): the host must notice the dead socket,
// cancel that client's run and join its threads, and keep serving others.
import { chromium } from '@playwright/test'
import { expectIdle, expect, pipeLogs, test } from './fixtures'

test('killing the browser mid-run cancels its run and leaves no worker thread behind', async ({
  host,
  browserName,
}, testInfo) => {
  test.skip(browserName !== 'chromium', 'needs a Chromium to kill')
  const launchOptions = testInfo.project.use.launchOptions ?? {}
  // a browser of our own, as a server, so its process can be killed with SIGKILL
  const server = await chromium.launchServer({ executablePath: launchOptions.executablePath, args: launchOptions.args })
  const browser = await chromium.connect(server.wsEndpoint())
  const page = await browser.newPage()
  pipeLogs(page, testInfo.title, [])
  await page.goto(host.url)
  await expect(page.getByLabel('Capabilities')).toContainText('CPUs')
  await expectIdle(host, Number.MAX_SAFE_INTEGER)
  const baseline = (await host.health()).threads

  // 400 threads sleeping up to ~14 s in classic mode: long enough to be mid-run when killed
  const values = Array.from({ length: 400 }, (_, i) => 1000 + i).join(' ')
  await page.getByRole('textbox', { name: 'Numbers' }).fill(values)
  await page.getByRole('combobox', { name: 'Mode' }).selectOption('classic')
  await page.getByRole('spinbutton', { name: 'Unit (ms)' }).fill('10')
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  await expect.poll(async () => (await host.health()).activeRuns).toBe(1)
  expect((await host.health()).threads).toBeGreaterThan(baseline + 100)

  server.process().kill('SIGKILL')
  await browser.close().catch(() => {})

  await expectIdle(host, baseline)
  const health = await host.health()
  expect(health.activeRuns).toBe(0)
  expect(health.threads).toBeLessThanOrEqual(baseline)
  await server.close().catch(() => {})
})
