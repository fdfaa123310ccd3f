/** `sort --repeat N`: the distribution of misplaced values over N runs of the same input. */
import { CAUSES, type Cause } from '../shared/attribution'
import { percentile } from '../shared/stats'
import { bar } from './format'
import { formatUnitMs } from '../shared/units'

export interface RepeatSummary {
  runs: number
  values: number
  mode: string
  unitMs: number
  /** misplaced count of every run, in run order */
  misplaced: number[]
  sortedRuns: number
  sortedShare: number
  misplacedStats: { min: number; median: number; p90: number; max: number; mean: number }
  histogram: Array<{ from: number; to: number; runs: number }>
  /** misplaced values per cause, summed over the runs (only when events were recorded) */
  causes: Record<Cause, number> | null
}

export function summarizeRepeat(
  misplaced: number[],
  sortedFlags: boolean[],
  values: number,
  mode: string,
  unitMs: number,
  causes: Record<Cause, number> | null,
): RepeatSummary {
  const runs = misplaced.length
  const sortedRuns = sortedFlags.filter(Boolean).length
  const min = Math.min(...misplaced)
  const max = Math.max(...misplaced)
  const mean = misplaced.reduce((a, b) => a + b, 0) / Math.max(1, runs)
  return {
    runs,
    values,
    mode,
    unitMs,
    misplaced,
    sortedRuns,
    sortedShare: runs ? sortedRuns / runs : 0,
    misplacedStats: { min, median: percentile(misplaced, 50), p90: percentile(misplaced, 90), max, mean },
    histogram: integerHistogram(misplaced, 10),
    causes,
  }
}

/** At most `maxBins` bins of whole-number ranges [from, to] covering min..max. */
export function integerHistogram(xs: number[], maxBins: number): Array<{ from: number; to: number; runs: number }> {
  if (xs.length === 0) return []
  const min = Math.min(...xs)
  const max = Math.max(...xs)
  const width = Math.max(1, Math.ceil((max - min + 1) / maxBins))
  const bins: Array<{ from: number; to: number; runs: number }> = []
  for (let from = min; from <= max; from += width) bins.push({ from, to: Math.min(max, from + width - 1), runs: 0 })
  for (const x of xs) bins[Math.floor((x - min) / width)].runs++
  return bins
}

export function addCauses(into: Record<Cause, number>, from: Record<Cause, number>): void {
  for (const c of CAUSES) into[c] += from[c]
}

export function formatRepeat(s: RepeatSummary): string {
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`
  const m = s.misplacedStats
  const lines = [
    `runs       ${s.runs} × ${s.values} values (mode ${s.mode}, unit ${formatUnitMs(s.unitMs)})`,
    `sorted     ${s.sortedRuns} of ${s.runs} runs (${pct(s.sortedShare)})`,
    `misplaced  min ${m.min} · median ${m.median} · p90 ${m.p90} · max ${m.max} · mean ${Number(m.mean.toFixed(2))}`,
  ]
  const maxRuns = Math.max(...s.histogram.map((b) => b.runs))
  const labels = s.histogram.map((b) => (b.from === b.to ? `${b.from}` : `${b.from}–${b.to}`))
  const w = Math.max(...labels.map((l) => l.length))
  s.histogram.forEach((b, i) => lines.push(`  ${labels[i].padStart(w)} │${bar(b.runs, maxRuns).padEnd(31)}${b.runs}`))
  if (s.causes) {
    const parts = CAUSES.filter((c) => s.causes![c] > 0).map((c) => `${c} ${s.causes![c]}`)
    if (parts.length) lines.push(`causes     ${parts.join(' · ')} (misplaced values over all runs)`)
  }
  return lines.join('\n') + '\n'
}
