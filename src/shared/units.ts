/**
 * Units of time, one source for every host: the unit range a sleep-sort run accepts (the UI's box,
 * the CLI's --unit, the request validator and the sweep all check this), durations as people type
 * them (`10ms`, `50us` / `50µs`, `1s`, `250ns`, or a bare number of milliseconds) and as they read
 * them.
 */
import { LIMITS } from './limits'

/**
 * Why `ms` is not a sleep-sort unit, or null. The engine rounds each deadline to a whole
 * nanosecond, its clock's unit: 1 ns is the finest unit that still gives distinct integers
 * distinct deadlines.
 */
export function unitProblem(ms: number): string | null {
  if (!Number.isFinite(ms)) return `the unit must be a finite duration (got ${ms})`
  if (ms < LIMITS.minUnitMs || ms > LIMITS.maxUnitMs)
    return `the unit must be from ${formatUnitMs(LIMITS.minUnitMs)} to ${formatUnitMs(LIMITS.maxUnitMs)} (got ${formatUnitMs(ms)})`
  return null
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3, // Greek mu, as some keyboards type it
  ms: 1,
  s: 1000,
}
const DURATION_RE = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([a-zA-Zµμ]*)$/

export type DurationParse = { ok: true; ms: number } | { ok: false; reason: string }

export function parseDuration(text: string): DurationParse {
  const m = DURATION_RE.exec(text.trim())
  if (!m) return { ok: false, reason: `"${text}" is not a duration (try 10ms, 50us, 1s, or a number of ms)` }
  const unit = m[2] === '' ? 'ms' : m[2].toLowerCase().replace('μ', 'µ')
  const scale = UNIT_MS[unit]
  if (scale === undefined)
    return { ok: false, reason: `"${m[2]}" in "${text}" is not a time unit (use ns, us, µs, ms or s)` }
  const ms = Number(m[1]) * scale
  if (!Number.isFinite(ms)) return { ok: false, reason: `"${text}" is not a finite duration` }
  return { ok: true, ms }
}

/** "10 ms", "50 µs", "1 s": the unit as people typed it, for headers. */
export function formatUnitMs(ms: number): string {
  return formatUnit(ms, 6)
}

/**
 * "316 µs", "3.16 ms": three significant digits, for the sweep's log-spaced units (its half-decade
 * steps are irrational: 316.228 µs says more than anyone reads off a chart).
 */
export function formatUnitShort(ms: number): string {
  return formatUnit(ms, 3)
}

function formatUnit(ms: number, digits: number): string {
  if (!Number.isFinite(ms)) return String(ms)
  if (ms === 0) return '0'
  const trim = (x: number) => String(Number(x.toPrecision(digits)))
  if (ms >= 1000) return `${trim(ms / 1000)} s`
  if (ms >= 1) return `${trim(ms)} ms`
  if (ms >= 1e-3) return `${trim(ms * 1e3)} µs`
  return `${trim(ms * 1e6)} ns`
}
