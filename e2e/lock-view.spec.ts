// The Lock view through the web host: the seed example's 12 acquisitions, arrival against grant
// order, the uncontended acquire cost; and (offline synthetic run) 10,000 threads stay readable.
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'

const result = (page: Page) => page.getByRole('region', { name: 'Result' })

async function openLock(page: Page) {
  await page.getByRole('tablist', { name: 'Timeline' }).getByRole('tab', { name: 'Lock' }).click()
  return page.getByRole('region', { name: 'Lock' })
}

test.describe('lock view', () => {
  test.afterEach(async ({ pageErrors }) => {
    expect(pageErrors, 'uncaught errors in the page').toEqual([])
  })

  test('shows the seed run’s 12 acquisitions and arrival against grant order', async ({ page, host }, testInfo) => {
    await page.goto(host.url)
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(result(page)).toContainText(/✓ sorted|✗ not sorted/, { timeout: 30_000 })
    const lock = await openLock(page)
    await expect(lock).toContainText('12 acquisitions')
    const figure = lock.getByRole('figure', { name: 'Arrival order against grant order' })
    await expect(figure).toBeVisible()
    await expect(figure).toContainText(/Arrival vs grant order: \d+ overtakes?/)
    await expect(figure.getByRole('img', { name: /12 grants, \d+ overtakes/ })).toBeVisible()
    await expect(lock).toContainText('uncontended acquire')
    await expect(lock.getByRole('table', { name: 'Grants in order' }).getByRole('row')).toHaveCount(13) // header + 12
    await expect(lock.getByRole('img', { name: /Lock timeline/ })).toBeVisible()
    await page.screenshot({ path: testInfo.outputPath('lock-seed.png') })

    // show a grant of the four 2s (woken together: a queue), hover the lane: the tooltip explains it
    await lock.getByRole('button', { name: 'Show grant 4' }).click()
    const canvas = lock.getByRole('img', { name: /Lock timeline/ })
    const box = (await canvas.boundingBox())!
    await page.mouse.move(box.x + 58 + (box.width - 68) * 0.5, box.y + 50)
    await expect(page.getByRole('tooltip')).toContainText(/waiting/)
    await page.screenshot({ path: testInfo.outputPath('lock-seed-zoomed.png') })

    // the thread lanes are one tab away, kept as they were
    await page.getByRole('tab', { name: 'Threads' }).click()
    await expect(page.getByRole('img', { name: /Thread lanes/ })).toBeVisible()
  })

  test('aggregates the queue of 10,000 threads per pixel column', async ({ page, host }, testInfo) => {
    // the offline replay host synthesises a 10,000-thread run in the page (no engine needed)
    await page.goto(`${host.url}&bench=replay`)
    await page.waitForFunction(
      () => (globalThis as unknown as { __threadlabBench?: { ready?: boolean } }).__threadlabBench?.ready === true,
    )
    await page.evaluate(() =>
      (
        globalThis as unknown as { __threadlabBench: { synth(n: number, mode: string, unitMs: number): number } }
      ).__threadlabBench.synth(10_000, 'scheduled', 0.01),
    )
    const lock = await openLock(page)
    await expect(lock).toContainText('10,000 acquisitions')
    await expect(lock).toContainText('max waiting')
    await expect(lock).toContainText('…and 9,800 more grants')
    await page.screenshot({ path: testInfo.outputPath('lock-10000.png') })
  })
})
