/**
 * The fuzz budget. `npm test` runs every property with its default (small) number of runs, about a
 * minute for all of test/fuzz on a 2-core machine; `npm run fuzz` (scripts/fuzz.mjs) sets
 * FUZZ_RUNS (default 200000) and FUZZ_LONG=1 and runs the same files.
 *
 *   FUZZ_RUNS=N   runs per property, divided by the property's cost (a run-file round trip costs
 *                 ~50 parser runs), never below the default
 *   FUZZ_SEED=S   replay a fast-check seed (printed with every failure)
 *   FUZZ_LONG=1   the host tests run longer (vanishing clients: 60 s instead of 20 s)
 */
import type { Parameters as FcParameters } from 'fast-check'

const envRuns = Number(process.env.FUZZ_RUNS ?? '')
export const FUZZ_RUNS: number | null = Number.isFinite(envRuns) && envRuns > 0 ? Math.floor(envRuns) : null
export const FUZZ_LONG = process.env.FUZZ_LONG === '1'
const envSeed = Number(process.env.FUZZ_SEED ?? '')
export const FUZZ_SEED: number | undefined = process.env.FUZZ_SEED && Number.isInteger(envSeed) ? envSeed : undefined

/** Runs for one property: `base` normally, FUZZ_RUNS / cost under `npm run fuzz`. */
export function runs(base: number, cost = 1): number {
  if (FUZZ_RUNS === null) return base
  return Math.max(base, Math.floor(FUZZ_RUNS / cost))
}

/** fast-check parameters for one property. */
export function fcParams<T = unknown>(base: number, cost = 1, extra: FcParameters<T> = {}): FcParameters<T> {
  const p: FcParameters<T> = { numRuns: runs(base, cost), ...extra }
  if (FUZZ_SEED !== undefined) p.seed = FUZZ_SEED
  return p
}

/**
 * A per-test timeout: 60 s normally; under `npm run fuzz` it grows with the budget (20 × the
 * expected time, at least 10 min) so only a real hang trips it.
 */
export function timeoutFor(base: number, cost = 1, msPerRun = 1): number {
  if (FUZZ_RUNS === null) return 60_000
  return Math.max(600_000, runs(base, cost) * msPerRun * 20)
}
