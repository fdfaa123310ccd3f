/**
 * Preset number lists for the `Numbers` box. Pure: the random source is injectable for tests.
 */
import type { Experiment } from '../../shared/api'

export type PresetId =
  'seed' | 'random' | 'reversed' | 'duplicates' | 'one-apart' | 'close-call' | 'sum-range' | 'sum-decimals' | 'sum-i32'

export interface PresetInfo {
  id: PresetId
  label: string
  /** generated from N (and the range) rather than fixed */
  generated: boolean
  hint: string
  /** the experiments the preset is offered for */
  experiments: readonly Experiment[]
}

const SORT: readonly Experiment[] = ['sleep-sort']
const SUM: readonly Experiment[] = ['parallel-sum']
const BOTH: readonly Experiment[] = ['sleep-sort', 'parallel-sum']

/** 2^31 − 1, the largest i32: the seed's i32 sum of a few of these wraps around */
export const I32_MAX = 2147483647

export const SEED_EXAMPLE = '5 1 2 6 8 2 4 2 3 8 0 2'

export const PRESETS: readonly PresetInfo[] = [
  {
    id: 'seed',
    label: 'seed example',
    generated: false,
    hint: 'the 12 numbers of the original sleep sort',
    experiments: BOTH,
  },
  { id: 'random', label: 'random (N, range)', generated: true, hint: 'N random integers in 0..max', experiments: SORT },
  {
    id: 'reversed',
    label: 'reversed',
    generated: true,
    hint: 'N−1 down to 0: the last spawned sleeps least',
    experiments: SORT,
  },
  {
    id: 'duplicates',
    label: 'many duplicates',
    generated: true,
    hint: 'N values drawn from only 5 distinct numbers',
    experiments: SORT,
  },
  {
    id: 'one-apart',
    label: 'values 1 apart',
    generated: true,
    hint: '0..N−1 shuffled: neighbours one unit apart',
    experiments: SORT,
  },
  {
    id: 'close-call',
    label: 'close call',
    generated: false,
    hint: '400 values 399..0 at 1 ms: spawn time leaks into classic mode',
    experiments: SORT,
  },
  {
    id: 'sum-range',
    label: '1..1000',
    generated: false,
    hint: 'the integers 1 to 1000: the sum is 500,500',
    experiments: SUM,
  },
  {
    id: 'sum-decimals',
    label: 'random decimals (N, range)',
    generated: true,
    hint: 'N random decimals in 0..max: summed with compensation, not exactly',
    experiments: SUM,
  },
  {
    id: 'sum-i32',
    label: 'near 2^31 (overflows i32)',
    generated: false,
    hint: '16 values near 2^31 − 1: an i32 sum (the seed’s) would wrap around; ours is exact',
    experiments: SUM,
  },
]

/** The presets offered for an experiment, in menu order. */
export function presetsFor(experiment: Experiment): PresetInfo[] {
  return PRESETS.filter((p) => p.experiments.includes(experiment))
}

export interface PresetOutput {
  text: string
  /** a unit (ms) the preset is meant for, when it has one */
  unitMs?: number
}

export type Random = () => number

export function generatePreset(id: PresetId, n: number, max: number, random: Random = Math.random): PresetOutput {
  const count = Math.max(1, Math.min(50_000, Math.floor(n) || 1))
  const hi = Math.max(0, Math.floor(max) || 0)
  switch (id) {
    case 'seed':
      return { text: SEED_EXAMPLE }
    case 'random':
      return { text: join(Array.from({ length: count }, () => Math.floor(random() * (hi + 1)))) }
    case 'reversed':
      return { text: join(Array.from({ length: count }, (_, i) => count - 1 - i)) }
    case 'duplicates': {
      const distinct = [0, 1, 2, 3, 4].map((k) => Math.round((k * hi) / 4))
      return { text: join(Array.from({ length: count }, () => distinct[Math.floor(random() * distinct.length)])) }
    }
    case 'one-apart': {
      const values = Array.from({ length: count }, (_, i) => i)
      for (let i = values.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1))
        ;[values[i], values[j]] = [values[j], values[i]]
      }
      return { text: join(values) }
    }
    case 'close-call':
      return { text: join(Array.from({ length: 400 }, (_, i) => 399 - i)), unitMs: 1 }
    case 'sum-range':
      return { text: join(Array.from({ length: 1000 }, (_, i) => i + 1)) }
    case 'sum-decimals':
      // two decimals each, so the list reads well and the compensated sum is worth a look
      return { text: join(Array.from({ length: count }, () => Math.round(random() * Math.max(1, hi) * 100) / 100)) }
    case 'sum-i32':
      return { text: join(Array.from({ length: 16 }, (_, i) => I32_MAX - i * 1000)) }
  }
}

function join(values: number[]): string {
  // 20 per line keeps big lists readable in the textarea
  const lines: string[] = []
  for (let i = 0; i < values.length; i += 20) lines.push(values.slice(i, i + 20).join(' '))
  return lines.join('\n')
}
