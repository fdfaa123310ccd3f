// One timeline per run: zooming or panning the thread lanes moves the lock view to the same window
// and back. Read through the tooltips: the instant under the middle of each plot is the same.
import type { Locator, Page } from '@playwright/test'
import { expect, test } from './fixtures'

/** The instant the tooltip names for the middle of the plot (gutter 58 px, right margin 10 px). */
async function instantAtMiddle(page: Page, canvas: Locator, y: number): Promise<string> {
  const box = (await canvas.boundingBox())!
  await page.mouse.move(box.x + 58 + (box.width - 68) * 0.5, box.y + y)
  const tip = page.getByRole('tooltip')
  await expect(tip).toBeVisible()
  const m = /at (-?[\d.]+ (?:s|ms|µs|ns))/.exec((await tip.textContent()) ?? '')
  expect(m, 'the tooltip names an instant').not.toBeNull()
  return m![1]
}

test.describe('shared timeline', () => {
  test.afterEach(async ({ pageErrors }) => {
    expect(pageErrors, 'uncaught errors in the page').toEqual([])
  })

  test('zooming the lanes zooms the lock view, and the other way round', async ({ page, host }, testInfo) => {
    await page.goto(host.url)
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(page.getByRole('region', { name: 'Result' })).toContainText(/✓ sorted|✗ not sorted/, {
      timeout: 30_000,
    })
    const lanes = page.getByRole('img', { name: /Thread lanes/ })
    const fitted = await instantAtMiddle(page, lanes, 40)
    await lanes.focus()
    for (const key of ['+', '+', '+', 'ArrowRight']) await page.keyboard.press(key)
    const zoomed = await instantAtMiddle(page, lanes, 40)
    expect(zoomed).not.toBe(fitted)

    await page.getByRole('tablist', { name: 'Timeline' }).getByRole('tab', { name: 'Lock' }).click()
    const lock = page.getByRole('img', { name: /Lock timeline/ })
    await expect(lock).toBeVisible()
    expect(await instantAtMiddle(page, lock, 50)).toBe(zoomed)
    await page.screenshot({ path: testInfo.outputPath('lock-follows-lanes.png') })

    // back the other way: the lock view's buttons move the lanes too
    await page.getByRole('button', { name: 'Zoom lock out' }).click()
    await lock.focus()
    await page.keyboard.press('ArrowLeft')
    const fromLock = await instantAtMiddle(page, lock, 50)
    expect(fromLock).not.toBe(zoomed)
    await page.getByRole('tab', { name: 'Threads' }).click()
    expect(await instantAtMiddle(page, lanes, 40)).toBe(fromLock)

    // Fit (0) fits both
    await lanes.focus()
    await page.keyboard.press('0')
    expect(await instantAtMiddle(page, lanes, 40)).toBe(fitted)
  })
})
