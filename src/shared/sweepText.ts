/** How a sweep's units and resolutions read as text. */
import type { Resolution } from './sweepPoints'

/** "316 µs" style label of a unit in ms. */
export function formatUnitMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms)
  const ns = ms * 1e6
  const [x, unit] =
    ns >= 1e9 ? [ns / 1e9, 's'] : ns >= 1e6 ? [ns / 1e6, 'ms'] : ns >= 1e3 ? [ns / 1e3, 'µs'] : [ns, 'ns']
  return `${Number(x.toPrecision(3))} ${unit}`
}

/** One line about a resolution, e.g. "31.6 µs (fails at 10 µs)", "≤ 1 µs (finest tested)". */
export function describeResolution(r: Resolution): string {
  switch (r.kind) {
    case 'bracketed':
      return `${formatUnitMs(r.unitMs!)} (not reliable at ${formatUnitMs(r.failedAtMs!)})`
    case 'finer-than-tested':
      return `≤ ${formatUnitMs(r.unitMs!)} (reliable at every unit tested)`
    case 'coarser-than-tested':
      return `> ${formatUnitMs(r.largestMs!)} (not reliable even at the largest unit tested)`
    case 'not-measured':
      return 'not measured'
  }
}
