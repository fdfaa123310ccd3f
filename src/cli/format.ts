/** Text for people: the stats of one run, a sum, the distribution of repeated runs. */
import { formatDurationNs } from '../shared/stats'
import type { SortReport, SumReport } from './report'
import { formatUnitMs } from '../shared/units'

const label = (name: string) => name.padEnd(11)

export function formatNumber(v: number): string {
  return Object.is(v, -0) ? '0' : String(v)
}

export function formatMs(ms: number): string {
  return formatDurationNs(ms * 1e6)
}

function percentileLine(p: { p50: number; p99: number; max: number }): string {
  if ([p.p50, p.p99, p.max].every((x) => x === null || Number.isNaN(x))) return 'not recorded'
  return `p50 ${formatDurationNs(p.p50)} · p99 ${formatDurationNs(p.p99)} · max ${formatDurationNs(p.max)}`
}

export function formatSortReport(r: SortReport): string {
  const n = r.input.length
  const lines: string[] = []
  lines.push(`${label('output')}${r.output.map(formatNumber).join(' ')}`)
  const verdict = r.cancelled ? `no (cancelled after ${r.output.length} of ${n} values)` : r.sorted ? 'yes' : 'no'
  lines.push(`${label('sorted')}${verdict}`)
  lines.push(`${label('misplaced')}${r.misplaced} of ${n}`)
  lines.push(`${label('inversions')}${r.inversions}`)
  lines.push(`${label('lateness')}${percentileLine(r.latenessNs)}`)
  lines.push(`${label('lock wait')}${percentileLine(r.lockWaitNs)}`)
  lines.push(`${label('wall')}${formatMs(r.wallMs)}`)
  lines.push(`${label('threads')}${r.threads} (mode ${r.mode}, unit ${formatUnitMs(r.unitMs)})`)
  if (r.shift !== 0)
    lines.push(`${label('shift')}+${formatNumber(r.shift)}: negative values were shifted so the smallest sleeps 0`)
  if (r.explanation) lines.push(`${label('why')}${r.explanation}`)
  return lines.join('\n') + '\n'
}

export function formatSumReport(r: SumReport): string {
  const lines: string[] = []
  lines.push(`${label('sum')}${r.sum}`)
  lines.push(`${label('kind')}${r.kind}${r.exact ? ' (exact)' : ' (rounded: Neumaier-compensated f64)'}`)
  lines.push(`${label('partials')}${r.partials.join(' ')}`)
  lines.push(`${label('chunks')}${r.chunkSizes.join(' ')} (values per thread)`)
  lines.push(`${label('threads')}${r.threads}${r.unitMs > 0 ? ` (unit ${formatUnitMs(r.unitMs)} per value)` : ''}`)
  lines.push(`${label('wall')}${formatMs(r.wallMs)}`)
  if (r.cancelled) lines.push(`${label('cancelled')}yes: the sum covers only the chunks that finished`)
  return lines.join('\n') + '\n'
}

/** Bars of a text histogram, longest = width characters. */
export function bar(count: number, maxCount: number, width = 30): string {
  if (count === 0 || maxCount === 0) return ''
  return '█'.repeat(Math.max(1, Math.round((count / maxCount) * width)))
}
