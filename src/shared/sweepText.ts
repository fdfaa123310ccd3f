/** How a sweep's units and resolutions read as text. */
import type { Resolution } from './sweepPoints'
import { formatUnitShort } from './units'

/** One line about a resolution, e.g. "31.6 µs (fails at 10 µs)", "≤ 1 µs (finest tested)". */
export function describeResolution(r: Resolution): string {
  switch (r.kind) {
    case 'bracketed':
      return `${formatUnitShort(r.unitMs!)} (not reliable at ${formatUnitShort(r.failedAtMs!)})`
    case 'finer-than-tested':
      return `≤ ${formatUnitShort(r.unitMs!)} (reliable at every unit tested)`
    case 'coarser-than-tested':
      return `> ${formatUnitShort(r.largestMs!)} (not reliable even at the largest unit tested)`
    case 'not-measured':
      return 'not measured'
  }
}
