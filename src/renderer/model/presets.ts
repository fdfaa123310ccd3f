/**
 * Preset number lists for the `Numbers` box. Pure: the random source is injectable for tests.
 */
export type PresetId = 'seed' | 'random' | 'reversed' | 'duplicates' | 'one-apart' | 'close-call'

export interface PresetInfo {
  id: PresetId
  label: string
  /** generated from N (and the range) rather than fixed */
  generated: boolean
  hint: string
}

export const SEED_EXAMPLE = '5 1 2 6 8 2 4 2 3 8 0 2'

export const PRESETS: readonly PresetInfo[] = [
  { id: 'seed', label: 'seed example', generated: false, hint: 'the 12 numbers of the original sleep sort' },
  { id: 'random', label: 'random (N, range)', generated: true, hint: 'N random integers in 0..max' },
  { id: 'reversed', label: 'reversed', generated: true, hint: 'N−1 down to 0: the last spawned sleeps least' },
  { id: 'duplicates', label: 'many duplicates', generated: true, hint: 'N values drawn from only 5 distinct numbers' },
  { id: 'one-apart', label: 'values 1 apart', generated: true, hint: '0..N−1 shuffled: neighbours one unit apart' },
  { id: 'close-call', label: 'close call', generated: false, hint: '400 values 399..0 at 1 ms: spawn time leaks into classic mode' },
]

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
  }
}

function join(values: number[]): string {
  // 20 per line keeps big lists readable in the textarea
  const lines: string[] = []
  for (let i = 0; i < values.length; i += 20) lines.push(values.slice(i, i + 20).join(' '))
  return lines.join('\n')
}
