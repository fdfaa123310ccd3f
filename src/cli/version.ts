import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

/** The package's version (package.json next to src/). */
export function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as { version: string }).version
  } catch {
    return '0.0.0'
  }
}
