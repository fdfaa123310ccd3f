// Steps the specs share, by role and accessible name: fill the input, press Run, find the result.
import type { Page } from '@playwright/test'

export async function setInput(page: Page, numbers: string, unitMs: string, mode = 'scheduled'): Promise<void> {
  await page.getByRole('textbox', { name: 'Numbers' }).fill(numbers)
  await page.getByRole('combobox', { name: 'Mode' }).selectOption(mode)
  await page.getByRole('spinbutton', { name: 'Unit (ms)' }).fill(unitMs)
}

export const run = (page: Page) => page.getByRole('button', { name: 'Run', exact: true }).click()
export const result = (page: Page) => page.getByRole('region', { name: 'Result' })
