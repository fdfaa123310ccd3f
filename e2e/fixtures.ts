// Shared fixtures of the web specs: the web host started by global-setup, and a page whose
// console errors, uncaught exceptions and crashes go to the test log (VS Code harness style);
// page errors fail the test.
import { test as base, expect, type Page } from '@playwright/test'
import type { HealthReport } from '../src/shared/ipc'

export interface Host {
  /** the app's address, token included */
  url: string
  origin: string
  token: string
  health(): Promise<HealthReport>
}

export const test = base.extend<{ host: Host; pageErrors: string[] }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the wanted fixtures from this pattern: none
  host: async ({}, use) => {
    const url = process.env.THREADLAB_URL
    if (!url)
      throw new Error(
        'THREADLAB_URL is not set: run the specs through playwright.config.ts (its global setup starts the web host)',
      )
    const u = new URL(url)
    const token = u.searchParams.get('token') ?? ''
    await use({
      url,
      origin: u.origin,
      token,
      async health() {
        const res = await fetch(`${u.origin}/health?token=${encodeURIComponent(token)}`)
        if (!res.ok) throw new Error(`/health answered ${res.status}`)
        return (await res.json()) as HealthReport
      },
    })
  },
  pageErrors: async ({ page }, use, testInfo) => {
    const errors: string[] = []
    pipeLogs(page, testInfo.title, errors)
    await use(errors)
  },
})

export function pipeLogs(page: Page, title: string, errors: string[]): void {
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning')
      console.log(`[${title}] console.${msg.type()}: ${msg.text()}`)
  })
  page.on('pageerror', (e) => {
    errors.push(e.message)
    console.log(`[${title}] pageerror: ${e.stack ?? e.message}`)
  })
  page.on('crash', () => {
    errors.push('page crashed')
    console.log(`[${title}] the page crashed`)
  })
}

/** Polls the host until no run is active and the process is back to `threads` OS threads (or fewer). */
export async function expectIdle(host: Host, threads: number): Promise<void> {
  await expect
    .poll(
      async () => {
        const h = await host.health()
        return h.activeRuns === 0 && h.threads <= threads
      },
      { timeout: 10_000, message: `no run active and at most ${threads} threads` },
    )
    .toBe(true)
}

export { expect }
