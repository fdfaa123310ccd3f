/**
 * Playback index math (pure) and the transient playhead the rAF loop reads. The playhead is a
 * plain mutable object rather than store state: it changes every frame and only canvases read it.
 */

export interface Playhead {
  /** the instant shown, ns since the run's epoch */
  tNs: number
  /** index into the time-sorted events of the last event at or before tNs (-1: none) */
  index: number
  /** follow the live edge of the stream */
  follow: boolean
  /** bumped on every change, so the loop can skip redraws */
  version: number
}

export function createPlayhead(): Playhead {
  return { tNs: 0, index: -1, follow: true, version: 0 }
}

/** Index of the last time ≤ t in ascending `times` (-1 when t precedes them all). */
export function indexAt(times: ArrayLike<number>, t: number): number {
  let lo = 0,
    hi = times.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (times[mid] <= t) lo = mid + 1
    else hi = mid
  }
  return lo - 1
}

/** One event forward: the next event strictly later than t (or the next index on ties). */
export function stepForward(times: ArrayLike<number>, index: number): number {
  if (times.length === 0) return -1
  return Math.min(times.length - 1, Math.max(0, index + 1))
}

export function stepBack(times: ArrayLike<number>, index: number): number {
  if (times.length === 0) return -1
  return Math.min(times.length - 1, Math.max(0, index - 1))
}

/**
 * Advances the playhead by a wall-clock interval at a speed (1× = real time of the run).
 * Returns the new time, clamped to [start, end].
 */
export function advance(tNs: number, dtMs: number, speed: number, start: number, end: number): number {
  const next = tNs + dtMs * 1e6 * speed
  return Math.min(end, Math.max(start, next))
}

export function setPlayheadTime(p: Playhead, times: ArrayLike<number> | null, tNs: number): void {
  p.tNs = tNs
  p.index = times ? indexAt(times, tNs) : -1
  p.version++
}

export function setPlayheadIndex(p: Playhead, times: ArrayLike<number>, index: number): void {
  p.index = index
  p.tNs = index >= 0 && index < times.length ? times[index] : p.tNs
  p.version++
}

/** A duration in ns as short text: 12.3 ms, 45.6 µs, 789 ns, 1.23 s. */
export function formatNs(ns: number, digits = 3): string {
  if (!Number.isFinite(ns)) return '—'
  const a = Math.abs(ns)
  if (a >= 1e9) return `${trim(ns / 1e9, digits)} s`
  if (a >= 1e6) return `${trim(ns / 1e6, digits)} ms`
  if (a >= 1e3) return `${trim(ns / 1e3, digits)} µs`
  return `${Math.round(ns)} ns`
}

function trim(v: number, digits: number): string {
  return Number(v.toPrecision(digits)).toString()
}
