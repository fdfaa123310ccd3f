// Vitest for a mutation run: only the test files related to the mutated file (MUTATE_TESTS), with a
// fixed fuzz seed so a mutant is killed or not the same way every run.
import { defineConfig } from 'vitest/config'

const include = (process.env.MUTATE_TESTS ?? '').split(',').filter(Boolean)
if (include.length === 0) throw new Error('MUTATE_TESTS names no test file: run through `npm run mutate`')
/**
 * Tests that assert wall-clock time measure the machine, not the code: instrumented by the mutation
 * tool, at nice 19 on a busy machine, they fail with no mutant in place (and fail the dry run).
 */
const TIMED = [
  'is linear and bounded on adversarial inputs',
  'fail fast, without allocating',
  'decodes in bounded time',
  'is refused quickly',
  'attribute quickly',
]
/**
 * Tests whose input is tens of MB: instrumented, every byte of its checksum passes the mutant
 * switches, and on a busy machine the test outruns its own timeout (failing the dry run). A small
 * case of the same rule (invalid UTF-8 in the header is refused) still runs.
 */
const HUGE = ['a decoded run always re-encodes (23 MB of invalid bytes in a string)']
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export default defineConfig({
  root: new URL('..', import.meta.url).pathname,
  test: {
    include,
    testNamePattern: new RegExp(`^(?!.*(${[...TIMED, ...HUGE].map(escape).join('|')}))`),
    env: { FUZZ_SEED: process.env.FUZZ_SEED ?? '20' },
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
