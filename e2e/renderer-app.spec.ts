// The renderer through the web host, by role and accessible name: input and presets, bad-token
// marking, runs in each mode, cancel, playback after a run, the comparison and a 10,000-thread run.
import { result, run, setInput } from './actions'
import { expect, test } from './fixtures'

const SEED = '5 1 2 6 8 2 4 2 3 8 0 2'
const SORTED = '0, 1, 2, 2, 2, 2, 3, 4, 5, 6, 8, 8'

test.describe('renderer', () => {
  test.afterEach(async ({ pageErrors }) => {
    expect(pageErrors, 'uncaught errors in the page').toEqual([])
  })

  test('starts with the seed example and its defaults', async ({ page, host }) => {
    await page.goto(host.url)
    await expect(page.getByRole('textbox', { name: 'Numbers' })).toHaveValue(SEED)
    await expect(page.getByRole('combobox', { name: 'Mode' })).toHaveValue('scheduled')
    await expect(page.getByRole('spinbutton', { name: 'Unit (ms)' })).toHaveValue('10')
    await expect(page.getByRole('button', { name: 'Cancel' })).toBeDisabled()
    await expect(page.getByRole('alert')).toHaveText('')
    // capability facts in the header
    await expect(page.getByLabel('Capabilities')).toContainText('CPUs')
  })

  for (const mode of ['scheduled', 'classic'] as const) {
    test(`sorts the seed example in ${mode} mode and shows vector, lanes and stats`, async ({
      page,
      host,
    }, testInfo) => {
      await page.goto(host.url)
      await setInput(page, SEED, '10', mode)
      await run(page)
      // on a loaded VM an unprivileged mode can misorder even at 10 ms: check the output, not luck
      await expect(result(page)).toContainText(/✓ sorted|✗ not sorted/, { timeout: 30_000 })
      const output = (await result(page).getByTestId('output').textContent())!.split(', ').map(Number)
      expect([...output].sort((a, b) => a - b).join(', ')).toBe(SORTED)
      if ((await result(page).textContent())!.includes('✓ sorted')) expect(output.join(', ')).toBe(SORTED)
      const stats = page.getByRole('region', { name: 'Statistics' })
      await expect(stats).toContainText('p99')
      await expect(stats).toContainText(/Sorted exactly|out of place/)
      await expect(page.getByRole('group', { name: 'Lateness histogram' }).getByRole('button').first()).toBeVisible()
      await page.screenshot({ path: testInfo.outputPath(`seed-${mode}.png`) })
    })
  }

  test('marks bad tokens in place before the run and starts nothing', async ({ page, host }, testInfo) => {
    await page.goto(host.url)
    await page.getByRole('textbox', { name: 'Numbers' }).fill('5 1 abc 3, inf\n1e999 7')
    const alert = page.getByRole('alert')
    await expect(alert).toContainText('value 3: "abc" is not a number')
    await expect(alert).toContainText('value 5')
    const list = page.getByRole('list', { name: 'Bad values' })
    await expect(list.getByRole('listitem')).toHaveCount(3)
    await expect(list).toContainText('chars 5–7')
    await expect(page.locator('.numbers-backdrop mark')).toHaveText(['abc', 'inf', '1e999'])
    await expect(page.getByRole('textbox', { name: 'Numbers' })).toHaveAttribute('aria-invalid', 'true')
    // clicking an entry selects the token in the box
    await list.getByRole('button').first().click()
    const selected = await page.getByRole('textbox', { name: 'Numbers' }).evaluate((el) => {
      const t = el as unknown as { value: string; selectionStart: number; selectionEnd: number }
      return t.value.slice(t.selectionStart, t.selectionEnd)
    })
    expect(selected).toBe('abc')
    await run(page)
    await expect(page.getByRole('button', { name: 'Cancel' })).toBeDisabled()
    await expect(result(page)).toContainText('Press Run')
    await page.screenshot({ path: testInfo.outputPath('bad-input.png') })
    // fixing the list clears the alert
    await page.getByRole('textbox', { name: 'Numbers' }).fill('5 1 3')
    await expect(alert).toHaveText('')
    // a unit out of range is refused too
    await page.getByRole('spinbutton', { name: 'Unit (ms)' }).fill('5000')
    await expect(alert).toContainText('Unit (ms) must be from 0.000001 (1 ns) to 1000 (1 s), not 5000')
  })

  test('negative numbers are shifted and the UI says so', async ({ page, host }) => {
    await page.goto(host.url)
    await setInput(page, '3 -2 0 1', '5')
    await expect(page.getByRole('note')).toContainText('shifted by +2')
    await run(page)
    await expect(result(page)).toContainText(/sorted/)
    await expect(result(page)).toContainText('values were shifted by 2')
    const output = (await result(page).getByTestId('output').textContent())!.split(', ').map(Number)
    expect(output.sort((a, b) => a - b)).toEqual([-2, 0, 1, 3])
  })

  test('presets fill the list, N sizes generated lists, files load', async ({ page, host }) => {
    await page.goto(host.url)
    const numbers = page.getByRole('textbox', { name: 'Numbers' })
    const preset = page.getByRole('combobox', { name: 'Preset' })
    await page.getByRole('spinbutton', { name: 'N', exact: true }).fill('50')
    await preset.selectOption({ label: 'reversed' })
    await expect(numbers).toHaveValue(/^49 48 47/)
    await preset.selectOption({ label: 'values 1 apart' })
    const apart = (await numbers.inputValue())
      .split(/\s+/)
      .map(Number)
      .sort((a, b) => a - b)
    expect(apart).toEqual(Array.from({ length: 50 }, (_, i) => i))
    await preset.selectOption({ label: 'many duplicates' })
    expect(new Set((await numbers.inputValue()).split(/\s+/)).size).toBeLessThanOrEqual(5)
    await preset.selectOption({ label: 'random (N, range)' })
    await page.getByRole('spinbutton', { name: 'Max value' }).fill('9')
    const random = (await numbers.inputValue()).split(/\s+/).map(Number)
    expect(random).toHaveLength(50)
    expect(random.every((v) => v >= 0 && v <= 9)).toBe(true)
    await preset.selectOption({ label: 'close call' })
    expect((await numbers.inputValue()).split(/\s+/)).toHaveLength(400)
    await expect(page.getByRole('spinbutton', { name: 'Unit (ms)' })).toHaveValue('1')
    await preset.selectOption({ label: 'seed example' })
    await expect(numbers).toHaveValue(SEED)
    // Open list… takes a file
    const chooser = page.waitForEvent('filechooser')
    await page.getByRole('button', { name: 'Open list…' }).click()
    await (await chooser).setFiles({ name: 'list.txt', mimeType: 'text/plain', buffer: Buffer.from('9, 8\n7 6') })
    await expect(numbers).toHaveValue('9, 8\n7 6')
    await expect(page.getByText('loaded list.txt')).toBeVisible()
    // …and so does dropping a file on the box
    await page.evaluate(`(() => {
      const dt = new DataTransfer()
      dt.items.add(new File(['4 3 2 1'], 'dropped.txt', { type: 'text/plain' }))
      document.querySelector('#numbers').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
    })()`)
    await expect(numbers).toHaveValue('4 3 2 1')
    await expect(page.getByText('loaded dropped.txt')).toBeVisible()
  })

  test('realtime is offered only when the host allows it', async ({ page, host }) => {
    await page.goto(host.url)
    const facts = page.getByLabel('Capabilities')
    await expect(facts).toContainText('realtime')
    const allowed = !(await facts.textContent())!.includes('not allowed')
    const option = page.getByRole('combobox', { name: 'Mode' }).locator('option[value="realtime"]')
    if (allowed) await expect(option).toBeEnabled()
    else {
      await expect(option).toBeDisabled()
      await expect(page.getByText('realtime unavailable')).toBeVisible()
    }
  })

  test('Ctrl+Enter runs, Escape cancels', async ({ page, host }, testInfo) => {
    await page.goto(host.url)
    await setInput(page, '2000 1 1500 5', '10')
    await page.getByRole('textbox', { name: 'Numbers' }).press('Control+Enter')
    await expect(page.getByRole('button', { name: 'Cancel' })).toBeEnabled()
    // the Result region shows the vector as it fills
    await expect(result(page)).toContainText('2 of 4 pushed', { timeout: 10_000 })
    await page.keyboard.press('Escape')
    await expect(result(page)).toContainText('cancelled')
    await expect(result(page)).toContainText('2 of 4 pushed')
    await expect(page.getByRole('button', { name: 'Cancel' })).toBeDisabled()
    await expect(page.getByRole('region', { name: 'Statistics' })).toContainText('Cancelled after 2 of 4 values')
    await page.screenshot({ path: testInfo.outputPath('cancelled.png') })
  })

  test('steps, scrubs and plays back a finished run', async ({ page, host }, testInfo) => {
    await page.goto(host.url)
    await setInput(page, SEED, '5')
    await run(page)
    await expect(result(page)).toContainText(/✓ sorted|✗ not sorted/, { timeout: 30_000 })
    const playback = page.getByRole('group', { name: 'Playback' })
    const readout = playback.locator('.event-readout')
    const total = Number((await readout.textContent())!.match(/\/ ([\d,]+)/)![1].replace(/,/g, ''))
    expect(total).toBeGreaterThanOrEqual(12 * 7)
    await expect(readout).toContainText(`event ${total} / ${total}`)
    await page.getByRole('button', { name: 'Step back' }).click()
    await expect(readout).toContainText(`event ${total - 1} / ${total}`)
    await page.getByRole('button', { name: 'Step back' }).click()
    await page.getByRole('button', { name: 'Step forward' }).click()
    await expect(readout).toContainText(`event ${total - 1} / ${total}`)
    // keys: , and . step too
    await page.locator('body').press(',')
    await expect(readout).toContainText(`event ${total - 2} / ${total}`)
    // scrub to the start: nothing pushed yet
    const slider = page.getByRole('slider', { name: 'Time' })
    await slider.fill('0')
    await expect(readout)
      .not.toContainText(`/ ${total}: thread`, { timeout: 1000 })
      .catch(() => {})
    await expect(page.getByRole('img', { name: /Shared vector/ })).toBeVisible()
    const vectorAt = async () =>
      page.locator('.vector-view canvas').evaluate((c) => (c as unknown as { toDataURL(): string }).toDataURL())
    const empty = await vectorAt()
    await slider.fill('9500')
    await expect.poll(vectorAt).not.toBe(empty)
    await page.screenshot({ path: testInfo.outputPath('scrubbed.png') })
    // play at 0.02× from the start (a couple of seconds of replay) runs to the end and stops
    await slider.fill('0')
    await page.getByRole('combobox', { name: 'Speed' }).selectOption('0.02')
    await page.getByRole('button', { name: 'Play' }).click()
    await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible()
    await expect(page.getByRole('button', { name: 'Play' })).toBeVisible({ timeout: 20_000 })
    await expect(readout).toContainText(`event ${total} / ${total}`)
    // a histogram bar lights threads up and can be cleared
    await page
      .getByRole('group', { name: 'Lateness histogram' })
      .getByRole('button', { disabled: false })
      .first()
      .click()
    await expect(page.getByRole('button', { name: /^lateness .* ✕$/ })).toBeVisible()
    await page.screenshot({ path: testInfo.outputPath('highlighted.png') })
    // lanes zoom and sort toggles
    await page.getByRole('button', { name: 'Zoom in' }).click()
    const sortToggle = page.getByRole('button', { name: 'Sort by value' })
    await expect(sortToggle).toHaveAttribute('aria-pressed', 'true')
    await sortToggle.click()
    await expect(sortToggle).toHaveAttribute('aria-pressed', 'false')
  })

  test('compares the modes side by side', async ({ page, host }, testInfo) => {
    await page.goto(host.url)
    await setInput(page, SEED, '5')
    await page.getByRole('button', { name: 'Compare modes' }).click()
    const cmp = page.getByRole('region', { name: 'Comparison' })
    await expect(cmp).toBeVisible()
    for (const mode of ['classic', 'scheduled']) {
      await expect(cmp.getByRole('article', { name: `${mode} mode` })).toContainText(/sorted|not sorted/, {
        timeout: 30_000,
      })
    }
    await expect(cmp.getByRole('article', { name: 'realtime mode' })).toContainText(
      /sorted|not sorted|skipped|failed/,
      { timeout: 30_000 },
    )
    await expect(cmp.getByRole('button', { name: 'Close comparison' })).toBeVisible({ timeout: 30_000 })
    await expect(cmp).toContainText('late p99')
    await page.screenshot({ path: testInfo.outputPath('compare.png') })
    await cmp.getByRole('button', { name: 'Close comparison' }).click()
    await expect(cmp).toHaveCount(0)
  })

  test('a comparison can be cancelled', async ({ page, host }) => {
    await page.goto(host.url)
    await setInput(page, '800 1 2', '10')
    await page.getByRole('button', { name: 'Compare modes' }).click()
    const cmp = page.getByRole('region', { name: 'Comparison' })
    await expect(cmp.getByRole('article', { name: 'classic mode' })).toContainText('running')
    await page.getByRole('button', { name: 'Cancel' }).click()
    await expect(cmp.getByRole('button', { name: 'Close comparison' })).toBeVisible({ timeout: 10_000 })
    await expect(cmp.getByRole('article', { name: 'classic mode' })).toContainText('cancelled')
    await expect(cmp.getByRole('article', { name: 'scheduled mode' })).toContainText('cancelled')
  })

  test('a 10,000-thread run keeps the page responsive', async ({ page, host }, testInfo) => {
    test.setTimeout(240_000)
    await page.goto(host.url)
    await page.getByRole('spinbutton', { name: 'N', exact: true }).fill('10000')
    await page.getByRole('spinbutton', { name: 'Max value' }).fill('10000')
    await page.getByRole('combobox', { name: 'Preset' }).selectOption({ label: 'random (N, range)' })
    await page.getByRole('combobox', { name: 'Mode' }).selectOption('scheduled')
    await page.getByRole('spinbutton', { name: 'Unit (ms)' }).fill('0.01')
    await run(page)
    await expect(page.getByRole('button', { name: 'Cancel' })).toBeEnabled()
    // while it runs, a click answers within a second: measured in the page (click → DOM change)
    const sortToggle = page.getByRole('button', { name: 'Sort by value' })
    const latencies: number[] = []
    for (let i = 0; i < 5; i++) {
      const phase = await page.locator('.header .phase').textContent()
      if (phase !== 'running' && phase !== 'starting') break
      latencies.push(
        await sortToggle.evaluate(
          (b) =>
            new Promise<number>((done) => {
              const el = b as unknown as { getAttribute(n: string): string | null; click(): void }
              const before = el.getAttribute('aria-pressed')
              const t0 = performance.now()
              const poll = () =>
                el.getAttribute('aria-pressed') !== before ? done(performance.now() - t0) : setTimeout(poll, 1)
              el.click()
              poll()
            }),
        ),
      )
      await page.waitForTimeout(200)
    }
    console.log(`10,000 threads: click-to-update while running ${latencies.map((l) => l.toFixed(0)).join(', ')} ms`)
    for (const l of latencies) expect(l).toBeLessThan(1000)
    await page.screenshot({ path: testInfo.outputPath('ten-thousand-live.png') })
    await expect(result(page)).toContainText(/sorted|not sorted/, { timeout: 200_000 })
    await expect(page.getByRole('region', { name: 'Statistics' })).toContainText('10,000')
    const started = Date.now()
    await page.getByRole('button', { name: 'Step back' }).click()
    await expect(page.getByRole('group', { name: 'Playback' }).locator('.event-readout')).toContainText(
      /event [\d,]+ \/ [\d,]+/,
      { timeout: 1000 },
    )
    expect(Date.now() - started).toBeLessThan(1000)
    // hovering the aggregated lanes explains a pixel row
    const lanes = page.getByRole('img', { name: /Thread lanes/ })
    const box = (await lanes.boundingBox())!
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5)
    await expect(page.getByRole('tooltip')).toContainText(/lanes [\d,]+–[\d,]+ of 10,000 \(\d+ per pixel row\)/)
    await page.screenshot({ path: testInfo.outputPath('ten-thousand.png') })
  })

  test('shows the host’s caps under Limits', async ({ page, host }) => {
    await page.goto(host.url)
    await expect(page.getByLabel('Capabilities')).toContainText('CPUs')
    const limits = page.getByRole('group', { name: 'Limits' })
    const sortValues = limits.getByRole('definition').filter({ hasText: 'one OS thread each' })
    await expect(sortValues).toBeHidden()
    await limits.getByText('Limits', { exact: true }).click()
    await expect(sortValues).toBeVisible()
    await expect(sortValues).toContainText('10,000')
    await expect(limits).toContainText(/Longest run\s*60 s/)
    await expect(limits).toContainText(/Parallel-sum threads\s*1–64/)
    await expect(limits).toContainText(/Runs per minute\s*120/)
  })
})
