/**
 * The host's caps (Capabilities.limits, else LIMITS) as plain-language lines for the Limits
 * disclosure of the input panel. No DOM, so tests read exactly what the page shows.
 */
import type { ThreadBudget } from '../../shared/api'
import type { Limits } from '../../shared/limits'
import { formatUnitMs } from '../../shared/units'
import { formatMs } from './store'

export interface LimitLine {
  /** which limit, in words */
  label: string
  /** its value, formatted (thousands separated, units named) */
  value: string
  /** what it applies to, when the label alone does not say */
  hint?: string
}

// one formatter: toLocaleString with options builds a new one per call (8 ms of a re-render measured)
const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 })
const count = (n: number) => COUNT.format(n)

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 20 && bytes % 2 ** 20 === 0) return `${count(bytes / 2 ** 20)} MiB`
  if (bytes >= 2 ** 20) return `${count(Number((bytes / 2 ** 20).toPrecision(3)))} MiB`
  if (bytes >= 1024) return `${count(Number((bytes / 1024).toPrecision(3)))} KiB`
  return `${count(bytes)} bytes`
}

/** The host's caps, then (once the host has answered) its process-wide thread budget. */
export function describeLimits(limits: Limits, budget?: ThreadBudget): LimitLine[] {
  const lines: LimitLine[] = [
    { label: 'Values per sleep sort', value: count(limits.maxValues), hint: 'one OS thread each' },
    { label: 'Values per parallel sum', value: count(limits.maxSumValues) },
    {
      label: 'Longest run',
      value: formatMs(limits.maxDurationMs),
      hint: 'largest value × unit (a sum: values per thread × unit)',
    },
    {
      label: 'Unit',
      value: `${formatUnitMs(limits.minUnitMs)} – ${formatUnitMs(limits.maxUnitMs)}`,
      hint: 'a sum may also use 0 (full speed)',
    },
    { label: 'Parallel-sum threads', value: `1–${count(limits.maxThreads)}` },
    { label: 'Request size', value: formatBytes(limits.maxMessageBytes), hint: 'one request to the host' },
    { label: 'Number list', value: `${count(limits.maxInputChars)} characters`, hint: 'typed or loaded' },
    { label: 'Runs per minute', value: count(limits.maxRunsPerMinute), hint: 'all windows and tabs together' },
    {
      label: 'Live data queued per client',
      value: formatBytes(limits.maxQueuedBytesPerClient),
      hint: 'beyond it live frames are skipped, then replayed',
    },
  ]
  if (budget) {
    lines.push({
      label: 'Threads of all runs together',
      value: count(budget.budget),
      hint: `every client of this host; ${count(budget.inUse)} in use when asked · ${budget.basis}`,
    })
  }
  return lines
}
