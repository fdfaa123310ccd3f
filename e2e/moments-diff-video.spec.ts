// Issue 17 through the web host: the Moments region (go to an inversion, n / p), the Diff tab
// (two compared modes, a saved run against itself) and Export video… (a WebM whose frames, decoded
// by the `ebml` package, last as long as the replay at the chosen speed, and whose Duration — in the
// header and as Chromium's own demuxer reads it — says so).
import { readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { Decoder, type SimpleBlock } from 'ebml'
import { demuxedDuration } from '../scripts/demuxedDuration.cjs'
import { result, run, setInput } from './actions'
import { expect, test } from './fixtures'

const DESCENDING = '10 9 8 7 6 5 4 3 2 1 0'

/**
 * A WebM as a reader this project did not write sees it: each SimpleBlock's time (its Cluster's
 * Timecode plus its own relative timecode) and track, and the Info's Duration, in ms.
 */
async function decodeWebm(bytes: Buffer): Promise<{ frameMs: number[]; tracks: Set<number>; durationMs: number }> {
  const decoder = new Decoder()
  let scale = 1_000_000
  let cluster = 0
  let duration = NaN
  const ticks: number[] = []
  const tracks = new Set<number>()
  decoder.on('data', ([kind, tag]) => {
    if (kind !== 'tag') return
    if (tag.name === 'TimecodeScale') scale = tag.value as number
    else if (tag.name === 'Duration') duration = tag.value as number
    else if (tag.name === 'Timecode') cluster = tag.value as number
    else if (tag.name === 'SimpleBlock') {
      const block = tag as SimpleBlock
      ticks.push(cluster + block.value)
      tracks.add(block.track)
    }
  })
  const ended = new Promise((ok, fail) => decoder.on('end', ok).on('error', fail))
  decoder.end(bytes)
  await ended
  return { frameMs: ticks.map((t) => (t * scale) / 1e6), tracks, durationMs: (duration * scale) / 1e6 }
}

const playheadText = (page: Page) => page.getByRole('slider', { name: 'Time' }).getAttribute('aria-valuetext')

test.describe('moments, diff and video', () => {
  test.afterEach(async ({ pageErrors }) => {
    expect(pageErrors, 'uncaught errors in the page').toEqual([])
  })

  test('Moments: an inversion names both values, goes to its time; n then p come back', async ({ page, host }) => {
    await page.goto(host.url)
    // classic mode spawns ~30 µs apart: at a 10 µs unit a descending list must invert
    await setInput(page, DESCENDING, '0.01', 'classic')
    await run(page)
    await expect(result(page)).toContainText(/misplaced/, { timeout: 20_000 })
    const moments = page.getByRole('region', { name: 'Moments' })
    const inversion = moments.getByRole('button', { name: /\d+ overtook \d+/ }).first()
    await expect(inversion).toBeVisible()
    const text = (await inversion.textContent())!
    const [, time, big, small] = /^(\S+ \S+) (\d+) overtook (\d+)/.exec(text)!
    expect(Number(big)).toBeGreaterThan(Number(small))
    for (const v of [big, small]) expect(DESCENDING.split(' ')).toContain(v)
    await inversion.click()
    await expect(inversion).toHaveAttribute('aria-current', 'true')
    expect(await playheadText(page)).toBe(`${time} since the epoch`)
    const label = (await moments.locator('[aria-current="true"]').textContent())!
    await page.keyboard.press('n')
    await expect(moments.locator('[aria-current="true"]')).not.toHaveText(label)
    await page.keyboard.press('p')
    await expect(moments.locator('[aria-current="true"]')).toHaveText(label)
    expect(await playheadText(page)).toBe(`${time} since the epoch`)
  })

  test('Diff: compared modes show the values that moved; a saved run against itself shows none', async ({
    page,
    host,
  }, testInfo) => {
    await page.goto(host.url)
    const caps = await page.getByLabel('Capabilities').textContent()
    test.skip(!!caps && /realtime (not allowed|denied)/i.test(caps), 'realtime is not allowed on this machine')
    await setInput(page, DESCENDING, '0.01', 'classic')
    await page.getByRole('button', { name: 'Compare modes' }).click()
    const cmp = page.getByRole('region', { name: 'Comparison' })
    await expect(cmp.getByRole('button', { name: 'Close comparison' })).toBeVisible({ timeout: 60_000 })
    await page.getByRole('tab', { name: 'Diff' }).click()
    await page.getByRole('combobox', { name: 'Diff run a' }).selectOption('classic')
    await page.getByRole('combobox', { name: 'Diff run b' }).selectOption('realtime')
    await page.getByRole('button', { name: 'Diff modes' }).click()
    const summary = page.getByLabel('Diff summary')
    await expect(summary).toContainText('a = classic (classic) · b = realtime (realtime)')
    const moved = Number(/Values moved(\d+) of 11/.exec((await summary.textContent())!)![1])
    expect(moved).toBeGreaterThan(0)
    // every value that moved has its row (values whose cause changed in place have one too)
    const rows = await page.getByRole('table', { name: 'Values that changed' }).getByRole('row').count()
    expect(rows).toBeGreaterThanOrEqual(moved + 1)
    // realtime is usually, not always, exact on a small list here: the diff must report what each run had
    const [, inversionsA] = /Inversions(\d+) → (\d+)/.exec((await summary.textContent())!)!
    expect(Number(inversionsA)).toBeGreaterThan(0)
    await page.screenshot({ path: testInfo.outputPath('diff-modes.png') })

    // the run on screen (realtime, the last compared) saved, then diffed against itself
    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Save run…' }).click()
    const file = testInfo.outputPath('self.threadlab')
    await (await download).saveAs(file)
    await page.getByLabel('Saved run to compare').setInputFiles(file)
    await expect(summary).toContainText('a = this run (realtime) · b = self.threadlab (realtime)')
    await expect(summary).toContainText('Values moved0 of 11')
    await expect(summary).toContainText('Ordersidentical')
    await expect(summary).toContainText('Causesno change')
    await expect(page.getByRole('table', { name: 'Values that changed' })).toHaveCount(0)
  })

  test('Export video… downloads a WebM as long as the replay at the chosen speed', async ({ page, host }, testInfo) => {
    await page.goto(host.url)
    await run(page) // the seed example at 10 ms
    await expect(result(page)).toContainText(/sorted/, { timeout: 20_000 })
    await page.getByRole('combobox', { name: 'Speed' }).selectOption('0.1')
    const download = page.waitForEvent('download', { timeout: 30_000 })
    await page.getByRole('button', { name: 'Export video…' }).click()
    await expect(page.getByRole('progressbar', { name: 'Video export' })).toBeVisible()
    const file = testInfo.outputPath('replay.webm')
    await (await download).saveAs(file)
    const note = page.getByRole('region', { name: 'Run file' }).getByRole('status')
    await expect(note).toContainText('.webm')
    const [, total, replay, speed] = /\(([\d.]+) s: 1 s title \+ ([\d.]+) s replay at ([\d.]+)×\)/.exec(
      (await note.textContent())!,
    )!
    expect(Number(speed)).toBe(0.1)
    expect(Number(replay)).toBeGreaterThan(0.5) // the seed run lasts ≥ 80 ms: ≥ 0.8 s at 0.1×
    const bytes = readFileSync(file)
    expect([...bytes.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]) // EBML header
    const frame = 1 / 30 // the video's frame rate
    const webm = await decodeWebm(bytes)
    const seconds = webm.frameMs.map((ms) => ms / 1000)
    const last = Math.max(...seconds)
    const gap = Math.max(...seconds.slice(1).map((t, i) => t - seconds[i]))
    const duration = await demuxedDuration(page.context(), bytes)
    const seen = `${seconds.length} frames (longest gap ${gap.toFixed(3)} s) at ${seconds.map((t) => t.toFixed(3)).join(' ')} s; Duration ${webm.durationMs / 1000} s; demuxer ${duration} s; planned ${total} s`
    testInfo.annotations.push({ type: 'video', description: seen })
    // what was recorded, read by the `ebml` package: one video track, a frame every 1/30 s from the
    // title's start (timecodes are whole ms) until the title + the replay are covered, however busy
    // the machine: frames are encoded as fast as the encoder takes them, each with its own time
    const ms = 0.001
    const frames = Math.ceil(Number(total) / frame - 0.01) // the note rounds to whole ms
    expect.soft(webm.tracks.size, seen).toBe(1)
    expect.soft(Math.abs(seconds.length - frames), seen).toBeLessThanOrEqual(1)
    expect.soft(Math.max(...seconds.map((t, i) => Math.abs(t - i * frame))), seen).toBeLessThanOrEqual(ms)
    expect.soft(last, seen).toBeGreaterThanOrEqual(Number(total) - frame - ms)
    expect.soft(last, seen).toBeLessThan(Number(total) + ms)
    // the header's Duration is what was recorded: the last frame's time plus its own length
    expect.soft(Math.abs(webm.durationMs / 1000 - (last + frame)), seen).toBeLessThanOrEqual(ms)
    // and the demuxer reads that length too
    expect.soft(Math.abs(duration - (last + frame)), seen).toBeLessThanOrEqual(ms)
  })

  test('Cancel video stops an export: no file, the note says so, and a new export can start', async ({
    page,
    host,
  }) => {
    await page.goto(host.url)
    await run(page)
    await expect(result(page)).toContainText(/sorted/, { timeout: 20_000 })
    // at 0.01× the seed run's replay lasts over 8 s of video: long enough to cancel midway
    await page.getByRole('combobox', { name: 'Speed' }).selectOption('0.01')
    let downloads = 0
    page.on('download', () => downloads++)
    await page.getByRole('button', { name: 'Export video…' }).click()
    const progress = page.getByRole('progressbar', { name: 'Video export' })
    await expect(progress).toBeVisible()
    await page.getByRole('button', { name: 'Cancel video' }).click()
    const note = page.getByRole('region', { name: 'Run file' }).getByRole('status')
    await expect(note).toHaveText(/video export cancelled/)
    await expect(progress).toHaveCount(0)
    await expect(page.getByRole('button', { name: 'Export video…' })).toBeEnabled()
    expect(downloads).toBe(0)
  })
})
