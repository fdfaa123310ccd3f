import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.cjs'

// One lookup for every browser user (scripts/chromium.cjs): `npm test` obtains a Chromium when the
// machine has none and passes it as CHROMIUM_PATH; a bare `npx playwright test` uses what is here.
const executablePath = process.env.CHROMIUM_PATH || findChromium()?.path

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
          args: CHROMIUM_ARGS,
        },
      },
    },
    {
      name: 'electron',
      testMatch: /electron\.spec\.ts$/,
    },
  ],
})
