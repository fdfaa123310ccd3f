import { existsSync } from 'node:fs'
import { chromium, defineConfig } from '@playwright/test'

// Playwright's own Chromium is not downloadable on offline machines: use it when present, else
// CHROMIUM_PATH or Debian's /usr/bin/chromium (scripts/chromium.mjs finds it for `npm test`).
const bundled = chromium.executablePath()
const executablePath = process.env.CHROMIUM_PATH || (existsSync(bundled) ? undefined : '/usr/bin/chromium')

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  // One web host for the run (started by global-setup: built app, free port, known token).
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]] : 'list',
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'web',
      testIgnore: /electron\.spec\.ts$/,
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      },
    },
    {
      name: 'electron',
      testMatch: /electron\.spec\.ts$/,
    },
  ],
})
