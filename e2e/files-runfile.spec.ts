// Run files and exports through the web host: save a run, reload, open it and see the same run;
// keyboard and drag-and-drop; a damaged file named in the alert with the current run kept; the
// trace, CSV, PNG and SVG exports.
import { readFileSync } from 'node:fs'
import type { Download, Page } from '@playwright/test'
import { validateChromeTrace } from '../src/shared/trace'
import { expect, test } from './fixtures'

const SEED = '5 1 2 6 8 2 4 2 3 8 0 2'

const result = (page: Page) => page.getByRole('region', { name: 'Result' })
const stats = (page: Page) => page.getByRole('region', { name: 'Statistics' })
const readout = (page: Page) => page.getByRole('group', { name: 'Playback' }).locator('.event-readout')

/** Runs the seed example and waits until the result and the deferred statistics are on screen. */
async function runSeed(page: Page): Promise<void> {
  await page.getByRole('textbox', { name: 'Numbers' }).fill(SEED)
  await page.getByRole('spinbutton', { name: 'Unit (ms)' }).fill('10')
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  await expect(result(page)).toContainText(/✓ sorted|✗ not sorted/, { timeout: 30_000 })
  await expect(stats(page).getByTestId('cause')).toBeVisible()
}

/** Drops a file (its bytes) on the element matching `selector`, as a drag from the desktop would. */
async function dropFile(
  page: Page,
  selector: string,
  name: string,
  bytes: number[],
  type = 'application/octet-stream',
): Promise<void> {
  // a string, so this spec type-checks without the DOM library (as renderer-app.spec.ts does)
  await page.evaluate(`(() => {
    const dt = new DataTransfer()
    dt.items.add(new File([new Uint8Array(${JSON.stringify(bytes)})], ${JSON.stringify(name)}, { type: ${JSON.stringify(type)} }))
    document.querySelector(${JSON.stringify(selector)}).dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
  })()`)
}

/** Clicks a button and saves the download it starts into the test's output dir. */
async function download(
  page: Page,
  trigger: () => Promise<void>,
  outputPath: (name: string) => string,
): Promise<{ d: Download; path: string }> {
  const pending = page.waitForEvent('download')
  await trigger()
  const d = await pending
  const path = outputPath(d.suggestedFilename())
  await d.saveAs(path)
  return { d, path }
}

test.describe('run files', () => {
  test.afterEach(async ({ pageErrors }) => {
    expect(pageErrors, 'uncaught errors in the page').toEqual([])
  })

  test('saves a run, and after a reload opens it with the same result, statistics and playback', async ({
    page,
    host,
  }, testInfo) => {
    await page.goto(host.url)
    const save = page.getByRole('button', { name: 'Save run…' })
    await expect(save).toBeDisabled()
    await runSeed(page)
    await expect(save).toBeEnabled()
    const resultText = (await result(page).textContent())!
    const statsText = (await stats(page).textContent())!
    const total = Number((await readout(page).textContent())!.match(/\/ ([\d,]+)/)![1].replace(/,/g, ''))

    const { path } = await download(
      page,
      () => save.click(),
      (n) => testInfo.outputPath(n),
    )
    expect(path).toMatch(/sleep-sort-scheduled-\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d\.threadlab$/)
    expect(readFileSync(path).subarray(0, 9).toString()).toBe('THREADLAB')

    await page.reload()
    await expect(result(page)).toContainText('Press Run')
    await page.getByRole('button', { name: 'Open run…' }).setInputFiles(path)
    await expect(result(page)).toHaveText(resultText)
    await expect(stats(page)).toHaveText(statsText)
    const header = page.getByRole('banner')
    await expect(header).toContainText('opened from file')
    await expect(header).toContainText(path.split('/').pop()!)
    await expect(page.getByRole('alert')).toHaveText('')
    // every control works as after the live run: step, scrub, play
    await expect(readout(page)).toContainText(`event ${total} / ${total}`)
    await page.getByRole('button', { name: 'Step back' }).click()
    await expect(readout(page)).toContainText(`event ${total - 1} / ${total}`)
    await page.getByRole('slider', { name: 'Time' }).fill('0')
    await page.getByRole('combobox', { name: 'Speed' }).selectOption('0.05')
    await page.getByRole('button', { name: 'Play' }).click()
    await expect(page.getByRole('button', { name: 'Play' })).toBeVisible({ timeout: 20_000 })
    await expect(readout(page)).toContainText(`event ${total} / ${total}`)
    await page.screenshot({ path: testInfo.outputPath('opened-run.png') })
    // the opened run became the input: Run repeats it
    await expect(page.getByRole('textbox', { name: 'Numbers' })).toHaveValue(SEED)
  })

  test('Ctrl+S saves, Ctrl+O opens, and a run file dropped on the window opens', async ({ page, host }, testInfo) => {
    await page.goto(host.url)
    await runSeed(page)
    const { path } = await download(
      page,
      () => page.locator('body').press('Control+s'),
      (n) => testInfo.outputPath(n),
    )
    const resultText = (await result(page).textContent())!
    await page.reload()
    const chooser = page.waitForEvent('filechooser')
    await page.locator('body').press('Control+o')
    await (await chooser).setFiles(path)
    await expect(result(page)).toHaveText(resultText)

    // dropped anywhere on the window (not the Numbers box), under any name: known by its first bytes
    await page.reload()
    const bytes = [...readFileSync(path)]
    await dropFile(page, 'main', 'dropped-run.bin', bytes)
    await expect(result(page)).toHaveText(resultText)
    await expect(page.getByRole('banner')).toContainText('dropped-run.bin')
    // …and on the Numbers box too (a run file is recognised there), while a text file still loads a list
    await page.reload()
    await dropFile(page, '#numbers', 'on-numbers.threadlab', bytes)
    await expect(page.getByRole('banner')).toContainText('on-numbers.threadlab')
    await dropFile(page, '#numbers', 'list.txt', [...Buffer.from('9 8 7')], 'text/plain')
    await expect(page.getByRole('textbox', { name: 'Numbers' })).toHaveValue('9 8 7')
    await expect(page.getByRole('banner')).toContainText('on-numbers.threadlab')
  })

  test('a damaged file is named in the alert and the current run stays', async ({ page, host }, testInfo) => {
    await page.goto(host.url)
    await runSeed(page)
    const { path } = await download(
      page,
      () => page.getByRole('button', { name: 'Save run…' }).click(),
      (n) => testInfo.outputPath(n),
    )
    const good = readFileSync(path)
    const resultText = (await result(page).textContent())!
    const statsText = (await stats(page).textContent())!
    const open = page.getByRole('button', { name: 'Open run…' })
    const alert = page.getByRole('alert')

    const flipped = Buffer.from(good)
    flipped[flipped.length - 40] ^= 0xff
    await open.setInputFiles({ name: 'broken.threadlab', mimeType: 'application/octet-stream', buffer: flipped })
    await expect(alert).toContainText('could not open broken.threadlab')
    await expect(alert).toContainText('E_CORRUPT')
    await expect(alert).toContainText('checksum')
    await expect(result(page)).toHaveText(resultText)
    await expect(stats(page)).toHaveText(statsText)
    await expect(page.getByRole('banner')).not.toContainText('opened from file')
    await expect(page.getByRole('button', { name: 'Save run…' })).toBeEnabled()
    await page.screenshot({ path: testInfo.outputPath('corrupt-file.png') })

    await open.setInputFiles({
      name: 'short.threadlab',
      mimeType: 'application/octet-stream',
      buffer: good.subarray(0, good.length - 50),
    })
    await expect(alert).toContainText('E_TRUNCATED')
    await open.setInputFiles({ name: 'notes.threadlab', mimeType: 'text/plain', buffer: Buffer.from('5 1 2 6') })
    await expect(alert).toContainText('E_NOT_A_RUN')
    const newer = Buffer.from(good)
    newer[10] = 99
    await open.setInputFiles({ name: 'future.threadlab', mimeType: 'application/octet-stream', buffer: newer })
    await expect(alert).toContainText('E_NEWER_FORMAT')
    await expect(result(page)).toHaveText(resultText)
    // the good file still opens, and clears the alert
    await open.setInputFiles(path)
    await expect(alert).toHaveText('')
    await expect(page.getByRole('banner')).toContainText('opened from file')
  })

  test('exports a Chrome trace, a CSV, a PNG and an SVG', async ({ page, host }, testInfo) => {
    await page.goto(host.url)
    const trace = page.getByRole('button', { name: 'Export trace…' })
    await expect(trace).toBeDisabled()
    await runSeed(page)
    const out = (n: string) => testInfo.outputPath(n)

    const t = await download(page, () => trace.click(), out)
    expect(t.path).toMatch(/\.trace\.json$/)
    const json = JSON.parse(readFileSync(t.path, 'utf8')) as { traceEvents: unknown[] }
    expect(json.traceEvents.length).toBeGreaterThan(12)
    expect(validateChromeTrace(json)).toEqual([])

    const c = await download(page, () => page.getByRole('button', { name: 'Export CSV…' }).click(), out)
    const rows = readFileSync(c.path, 'utf8').trim().split('\r\n')
    expect(rows[0]).toMatch(/^worker,value,deadline_ns/)
    expect(rows).toHaveLength(13)

    const p = await download(page, () => page.getByRole('button', { name: 'Export PNG…' }).click(), out)
    expect(readFileSync(p.path).subarray(1, 4).toString()).toBe('PNG')

    await page.getByRole('button', { name: 'Zoom in' }).click()
    const s = await download(page, () => page.getByRole('button', { name: 'Export SVG…' }).click(), out)
    const svg = readFileSync(s.path, 'utf8')
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
    expect(svg).not.toMatch(/NaN/)
    // render the SVG in the browser to look at it next to the screenshot
    await page.setContent(`<body style="margin:0;background:#111">${svg}</body>`)
    await page.screenshot({ path: out('svg-rendered.png'), fullPage: true })
  })

  test('saves, opens and exports a parallel sum', async ({ page, host }, testInfo) => {
    await page.goto(host.url)
    await page.getByRole('combobox', { name: 'Experiment' }).selectOption({ label: 'parallel sum' })
    await page.getByRole('combobox', { name: 'Preset' }).selectOption({ label: '1..1000' })
    await page.getByRole('spinbutton', { name: 'Threads' }).fill('3')
    await page.getByRole('spinbutton', { name: 'Unit (ms)' }).fill('2')
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(result(page).getByTestId('output')).toHaveText('500500', { timeout: 30_000 })
    const resultText = (await result(page).textContent())!
    const out = (n: string) => testInfo.outputPath(n)
    const { path } = await download(page, () => page.getByRole('button', { name: 'Save run…' }).click(), out)
    expect(path).toMatch(/parallel-sum-3-threads-.*\.threadlab$/)
    const t = await download(page, () => page.getByRole('button', { name: 'Export trace…' }).click(), out)
    expect(validateChromeTrace(JSON.parse(readFileSync(t.path, 'utf8')))).toEqual([])
    const c = await download(page, () => page.getByRole('button', { name: 'Export CSV…' }).click(), out)
    expect(readFileSync(c.path, 'utf8').trim().split('\r\n')).toHaveLength(4)

    await page.reload()
    await page.getByRole('button', { name: 'Open run…' }).setInputFiles(path)
    await expect(result(page)).toHaveText(resultText)
    await expect(page.getByRole('combobox', { name: 'Experiment' })).toHaveValue('parallel-sum')
    await expect(page.getByRole('spinbutton', { name: 'Threads' })).toHaveValue('3')
    await page.getByRole('slider', { name: 'Time' }).fill('6000')
    await page.screenshot({ path: out('opened-sum.png') })
    const s = await download(page, () => page.getByRole('button', { name: 'Export SVG…' }).click(), out)
    const svg = readFileSync(s.path, 'utf8')
    expect(svg).not.toMatch(/NaN/)
    await page.setContent(`<body style="margin:0;background:#111">${svg}</body>`)
    await page.screenshot({ path: out('sum-svg-rendered.png'), fullPage: true })
  })
})
