// The parallel-sum experiment through the web host, by role and accessible name: choosing it, the
// Threads default, an exact sum past 2^32, partials, chunk lanes, playback and the presets.
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'

const OVERFLOW = '1 2 3 4 5 6 7 8 9 10 2147483647 2147483647'

const result = (page: Page) => page.getByRole('region', { name: 'Result' })
const run = (page: Page) => page.getByRole('button', { name: 'Run', exact: true }).click()

async function chooseSum(page: Page): Promise<void> {
  await page.getByRole('combobox', { name: 'Experiment' }).selectOption({ label: 'parallel sum' })
  await expect(page.getByRole('spinbutton', { name: 'Threads' })).toBeVisible()
}

test.describe('parallel sum', () => {
  test.afterEach(async ({ pageErrors }) => {
    expect(pageErrors, 'uncaught errors in the page').toEqual([])
  })

  test('sums past 2^32 exactly and shows partials, chunk lanes and playback', async ({ page, host }, testInfo) => {
    await page.goto(host.url)
    await expect(page.getByLabel('Capabilities')).toContainText('CPUs')
    const cpus = Number((await page.getByLabel('Capabilities').textContent())!.match(/(\d+)\s*CPUs/)![1])
    await chooseSum(page)
    // the sleep-sort-only controls give way to the sum's
    await expect(page.getByRole('combobox', { name: 'Mode' })).toHaveCount(0)
    await expect(page.getByRole('button', { name: 'Compare modes' })).toHaveCount(0)
    await expect(page.getByRole('spinbutton', { name: 'Threads' })).toHaveValue(String(Math.min(64, cpus)))
    const unit = page.getByRole('spinbutton', { name: 'Unit (ms)' })
    await expect(unit).toHaveValue('1')
    await expect(page.getByText('delay per element')).toBeVisible()

    await page.getByRole('textbox', { name: 'Numbers' }).fill(OVERFLOW)
    await page.getByRole('spinbutton', { name: 'Threads' }).fill('2')
    await unit.fill('150')
    await run(page)
    // six values a worker at 150 ms each: about a second to watch it live
    await expect(result(page)).toContainText(/running: \d+ of 12 values summed on 2 threads/)
    await page.screenshot({ path: testInfo.outputPath('sum-live.png') })
    await expect(result(page).getByTestId('output')).toHaveText('4294967349', { timeout: 30_000 })
    await expect(result(page)).toContainText('✓ exact integer sum')
    await expect(result(page)).toContainText('integer, exact')
    await expect(result(page)).toContainText('6, 6')
    const partials = page.getByRole('list', { name: 'Partial sums' }).getByRole('listitem')
    await expect(partials).toHaveText([/chunk 0\s*21$/, /chunk 1\s*4294967328$/])
    const stats = page.getByRole('region', { name: 'Statistics' })
    await expect(stats).toContainText('12 values summed on 2 threads, exactly')
    await expect(stats).toContainText('imbalance')
    await expect(stats).toContainText('2 of 2')

    // the lanes: one per worker and the combine lane, with a tooltip per lane
    const lanes = page.getByRole('img', { name: /Thread lanes: one per worker/ })
    await expect(page.getByRole('list', { name: 'Lane states' })).toContainText('partial ready')
    const box = (await lanes.boundingBox())!
    await page.mouse.move(box.x + box.width * 0.5, box.y + 22 + 10)
    await expect(page.getByRole('tooltip')).toContainText('chunk 0 · 6 values')
    await page.mouse.move(box.x + box.width * 0.9, box.y + 22 + 40 * 2 + 10)
    await expect(page.getByRole('tooltip')).toContainText('combine · 2 of 2 partials folded')
    await page.mouse.move(box.x + 5, box.y + 5)
    await page.screenshot({ path: testInfo.outputPath('sum.png') })

    // playback: the last event is the last fold; scrubbing back shows the progress at that instant
    const readout = page.getByRole('group', { name: 'Playback' }).locator('.event-readout')
    await expect(readout).toContainText('running total 4,294,967,349')
    const top = page.getByRole('img', { name: /Chunk progress/ })
    const topAt = () => top.evaluate((c) => (c as unknown as { toDataURL(): string }).toDataURL())
    const end = await topAt()
    const slider = page.getByRole('slider', { name: 'Time' })
    await slider.fill('5000')
    await expect.poll(topAt).not.toBe(end)
    await lanes.hover({ position: { x: 60 + (box.width - 70) * 0.5, y: 22 + 10 } })
    await expect(page.getByRole('tooltip')).toContainText(/at .*: \d \/ 6 done/)
    await page.screenshot({ path: testInfo.outputPath('sum-scrubbed.png') })
    await page.getByRole('button', { name: 'Step back' }).click()
    await expect(readout).toContainText(/chunk \d/)
    await slider.fill('0')
    await page.getByRole('combobox', { name: 'Speed' }).selectOption('0.1')
    await page.getByRole('button', { name: 'Play' }).click()
    await expect(page.getByRole('button', { name: 'Play' })).toBeVisible({ timeout: 20_000 })
    await expect(readout).toContainText('running total 4,294,967,349')
  })

  test('presets: 1..1000, values that overflow i32, random decimals', async ({ page, host }, testInfo) => {
    await page.goto(host.url)
    await chooseSum(page)
    const preset = page.getByRole('combobox', { name: 'Preset' })
    await page.getByRole('spinbutton', { name: 'Unit (ms)' }).fill('0')
    await preset.selectOption({ label: '1..1000' })
    await run(page)
    await expect(result(page).getByTestId('output')).toHaveText('500500', { timeout: 30_000 })

    await preset.selectOption({ label: 'near 2^31 (overflows i32)' })
    await expect(page.getByText('an i32 sum')).toBeVisible()
    await run(page)
    const expected = Array.from({ length: 16 }, (_, i) => 2147483647 - i * 1000).reduce((a, b) => a + b, 0)
    await expect(result(page).getByTestId('output')).toHaveText(String(expected), { timeout: 30_000 })

    await page.getByRole('spinbutton', { name: 'N', exact: true }).fill('5000')
    await preset.selectOption({ label: 'random decimals (N, range)' })
    await page.getByRole('spinbutton', { name: 'Threads' }).fill('4')
    await page.getByRole('spinbutton', { name: 'Unit (ms)' }).fill('0.2')
    await run(page)
    await expect(result(page)).toContainText('≈ compensated decimal sum', { timeout: 30_000 })
    await expect(result(page)).toContainText('decimal, compensated')
    await expect(page.getByRole('list', { name: 'Partial sums' }).getByRole('listitem')).toHaveCount(4)
    await page.screenshot({ path: testInfo.outputPath('sum-decimals.png') })

    // a bad thread count is refused in place
    await page.getByRole('spinbutton', { name: 'Threads' }).fill('65')
    await expect(page.getByRole('alert')).toContainText('Threads must be a whole number from 1 to 64')
  })

  test('a running sum can be cancelled', async ({ page, host }) => {
    await page.goto(host.url)
    await chooseSum(page)
    await page.getByRole('combobox', { name: 'Preset' }).selectOption({ label: '1..1000' })
    await page.getByRole('spinbutton', { name: 'Threads' }).fill('2')
    await page.getByRole('spinbutton', { name: 'Unit (ms)' }).fill('10')
    await run(page)
    await expect(result(page)).toContainText(/running: \d[\d,]* of 1,000 values summed/)
    await page.getByRole('button', { name: 'Cancel' }).click()
    await expect(result(page)).toContainText('cancelled', { timeout: 15_000 })
    await expect(page.getByRole('button', { name: 'Cancel' })).toBeDisabled()
    await expect(page.getByRole('region', { name: 'Statistics' })).toContainText('Cancelled')
  })
})
