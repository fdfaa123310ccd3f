/** A seeded generator and the reproducible lists it makes (the sweep presets use them). */

/** Seed of the generated presets, so every machine sweeps the same lists. */
export const DEFAULT_PRESET_SEED = 0x7e5d1ab

/** mulberry32: a small, fast, seeded generator of floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `n` integers in 0..max (inclusive), reproducible from `seed`. */
export function randomValues(n: number, max: number, seed = DEFAULT_PRESET_SEED): number[] {
  const random = seededRandom(seed)
  return Array.from({ length: n }, () => Math.floor(random() * (max + 1)))
}

/** 0..n−1 shuffled (Fisher–Yates), reproducible from `seed`. */
export function onesApart(n: number, seed = DEFAULT_PRESET_SEED): number[] {
  const random = seededRandom(seed)
  const values = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[values[i], values[j]] = [values[j], values[i]]
  }
  return values
}
