// The Sweep view through the web host, by role and accessible name: the machine panel measures on
// first open, a small sweep plots every mode and reports a resolution for each and can be saved,
// and a larger sweep cancelled mid-way leaves the host healthy for a normal run.
import { readFile } from 'node:fs/promises'
import type { Page } from '@playwright/test'
import type { SweepRecord } from '../src/shared/sweepRecord'
import { expect, expectIdle, test } from './fixtures'

const MODES = ['classic', 'scheduled', 'realtime'] as const

async function openSweep(page: Page): Promise<void> {
  await page.getByRole('tablist', { name: 'View' }).getByRole('tab', { name: 'Sweep' }).click()
  await expect(page.getByRole('tab', { name: 'Sweep' })).toHaveAttribute('aria-selected', 'true')
}

async function setSweep(
  page: Page,
  o: { preset?: string; from: string; to: string; steps: string; trials: string },
): Promise<void> {
  if (o.preset) await page.getByRole('combobox', { name: 'Sweep preset' }).selectOption(o.preset)
  await page.getByRole('spinbutton', { name: 'From unit (ms)' }).fill(o.from)
  await page.getByRole('spinbutton', { name: 'To unit (ms)' }).fill(o.to)
  await page.getByRole('spinbutton', { name: 'Steps' }).fill(o.steps)
  await page.getByRole('spinbutton', { name: 'Trials' }).fill(o.trials)
}

/** The modes this host lets the sweep run (realtime's box is disabled where it is not allowed). */
async function allowedModes(page: Page): Promise<string[]> {
  const out: string[] = []
  for (const m of MODES) if (await page.getByRole('checkbox', { name: m }).isEnabled()) out.push(m)
  return out
}

const status = (page: Page) => page.getByRole('complementary', { name: 'Sweep settings' }).getByRole('status')

test.describe('sweep view', () => {
  test.afterEach(async ({ pageErrors }) => {
    expect(pageErrors, 'uncaught errors in the page').toEqual([])
  })

  test('runs a small sweep: the chart has every mode, each mode a resolution; saved with the machine figures', async ({
    page,
    host,
  }, testInfo) => {
    test.setTimeout(120_000)
    await page.goto(host.url)
    await openSweep(page)
    // measured once when the view first opens
    const machine = page.getByRole('region', { name: 'Machine' })
    await expect(machine).toContainText('CPUs', { timeout: 30_000 })
    await expect(machine).toContainText(/recording cost/)
    await expect(machine).toContainText(/\/thread/)
    await expect(machine.getByRole('img', { name: /Empty-sleep lateness histogram/ })).toBeVisible()
    await expect(machine.getByRole('button', { name: 'Measure again' })).toBeEnabled()

    // the defaults are small: the seed, 1 → 0.01 ms, 5 steps, 3 trials
    await expect(page.getByRole('combobox', { name: 'Sweep preset' })).toHaveValue('seed')
    await expect(page.getByRole('spinbutton', { name: 'Steps' })).toHaveValue('5')
    await expect(page.getByRole('spinbutton', { name: 'Trials' })).toHaveValue('3')

    await setSweep(page, { preset: 'seed', from: '1', to: '0.01', steps: '3', trials: '2' })
    const modes = await allowedModes(page)
    expect(modes).toContain('classic')
    expect(modes).toContain('scheduled')
    await expect(page.getByText(`${3 * 2 * modes.length} runs of 12 values`)).toBeVisible()
    await page.getByRole('button', { name: 'Run sweep' }).click()
    await expect(page.getByRole('button', { name: 'Cancel sweep' })).toBeEnabled()
    await expect(status(page)).toContainText('Sweep done', { timeout: 90_000 })
    await expect(page.getByRole('button', { name: 'Cancel sweep' })).toBeDisabled()

    const chart = page.getByRole('region', { name: 'Sweep chart' })
    const legend = chart.getByRole('list', { name: 'Modes' })
    for (const m of modes) await expect(legend).toContainText(m)
    await expect(chart.getByRole('list', { name: 'Causes' })).toContainText('timer lateness')
    await expect(chart.getByRole('img', { name: /P\(sorted\) and mean misplaced against the unit/ })).toHaveAttribute(
      'aria-label',
      new RegExp(`${3 * modes.length} of ${3 * MODES.length} points measured`),
    )

    const resolution = page.getByRole('region', { name: 'Resolution' })
    for (const m of MODES) {
      const item = resolution.getByRole('listitem').filter({ hasText: m })
      await expect(item).toHaveCount(1)
      // a figure (≤ 10 µs, 100 µs (not reliable at …), > 1 ms (…)) or why the mode could not run
      await expect(item).toContainText(modes.includes(m) ? /\d+(\.\d+)? (µs|ms)/ : /not allowed/)
    }
    await page.screenshot({ path: testInfo.outputPath('sweep-done.png'), fullPage: true })

    // Save sweep… downloads the record, machine figures included
    const downloading = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Save sweep…' }).click()
    const download = await downloading
    expect(download.suggestedFilename()).toMatch(/^threadlab-sweep-seed-.*\.json$/)
    const record = JSON.parse(await readFile((await download.path())!, 'utf8')) as SweepRecord
    expect(record).toMatchObject({ kind: 'threadlab-sweep', version: 1, preset: 'seed', cancelled: false })
    expect(record.plan.units).toHaveLength(3)
    expect(record.points).toHaveLength(3 * record.plan.modes.length)
    expect(record.resolutions.map((r) => r.mode)).toEqual(record.plan.modes)
    expect(record.machine?.cpus).toBeGreaterThan(0)
    expect(record.machine?.emptySleepLatenessNs.samples).toBeGreaterThan(0)
  })

  test('cancels a larger sweep mid-way; the host stays healthy and a normal run works afterwards', async ({
    page,
    host,
  }, testInfo) => {
    test.setTimeout(120_000)
    const before = await host.health()
    await page.goto(host.url)
    await openSweep(page)
    await expect(page.getByRole('region', { name: 'Machine' })).toContainText('CPUs', { timeout: 30_000 })
    await setSweep(page, { preset: 'seed', from: '2', to: '0.01', steps: '20', trials: '10' })
    await expect(page.getByText(/runs of 12 values/)).toContainText(/^\d{3} runs/)
    await page.getByRole('button', { name: 'Run sweep' }).click()
    // a few runs in, points on the chart, then cancel
    await expect(status(page)).toContainText(/^([3-9]|\d\d+) of \d+ runs/, { timeout: 30_000 })
    await page.screenshot({ path: testInfo.outputPath('sweep-live.png'), fullPage: true })
    await page.getByRole('button', { name: 'Cancel sweep' }).click()
    await expect(status(page)).toContainText(/Sweep cancelled after \d+ of \d+ runs/, { timeout: 15_000 })
    const done = Number((await status(page).textContent())!.match(/after (\d+) of/)![1])
    const planned = Number((await status(page).textContent())!.match(/of (\d+) runs/)![1])
    expect(done).toBeLessThan(planned)
    await expect(page.getByRole('button', { name: 'Run sweep' })).toBeEnabled()
    await expect(page.getByRole('region', { name: 'Resolution' })).toContainText('cancelled')
    await page.screenshot({ path: testInfo.outputPath('sweep-cancelled.png'), fullPage: true })
    // nothing left running on the host
    await expectIdle(host, before.threads)

    // a normal run works afterwards
    await page.getByRole('tab', { name: 'Run' }).click()
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(page.getByRole('region', { name: 'Result' })).toContainText(/✓ sorted|✗ not sorted/, {
      timeout: 30_000,
    })
  })
})
