import { LANE_STATE_COUNT, LaneState } from '../model/lanes'

/** Lane state colours (index = LaneState), as CSS strings and as RGB for ImageData. */
export const STATE_COLORS: string[] = [
  'rgba(0,0,0,0)', // empty
  '#5d6677', // spawning
  '#2f6db5', // sleeping
  '#f0a640', // late (past deadline)
  '#e04b4b', // woken, waiting for lock
  '#3fcf78', // holding lock
  '#7b67c9', // done (parked)
  '#343a47', // exited
  '#c94fa8', // cancelled
]

export const STATE_RGB: Uint8Array = (() => {
  const out = new Uint8Array(LANE_STATE_COUNT * 3)
  STATE_COLORS.forEach((c, i) => {
    if (!c.startsWith('#')) return
    out[i * 3] = parseInt(c.slice(1, 3), 16)
    out[i * 3 + 1] = parseInt(c.slice(3, 5), 16)
    out[i * 3 + 2] = parseInt(c.slice(5, 7), 16)
  })
  return out
})()

/** States shown in the legend, in reading order. */
export const LEGEND_STATES: LaneState[] = [
  LaneState.Spawning,
  LaneState.Sleeping,
  LaneState.Overslept,
  LaneState.Waiting,
  LaneState.Holding,
  LaneState.Parked,
  LaneState.Exited,
  LaneState.Cancelled,
]

const STOPS = [
  [70, 50, 126],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
]

/** Value colour (viridis-like) for t in [0, 1], as packed RGB. */
export function valueRgb(t: number, out: Uint8Array | number[] = [0, 0, 0]): Uint8Array | number[] {
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1)
  const i = Math.min(STOPS.length - 2, Math.floor(x))
  const f = x - i
  for (let k = 0; k < 3; k++) out[k] = Math.round(STOPS[i][k] + (STOPS[i + 1][k] - STOPS[i][k]) * f)
  return out
}

const cssCache = new Map<number, string>()
/** Value colour as a CSS string, quantised to 256 steps (cached). */
export function valueCss(t: number): string {
  const q = Math.round(Math.min(1, Math.max(0, t)) * 255)
  let c = cssCache.get(q)
  if (!c) {
    const [r, g, b] = valueRgb(q / 255) as number[]
    c = `rgb(${r},${g},${b})`
    cssCache.set(q, c)
  }
  return c
}

export const THEME = {
  bg: '#111318',
  panel: '#181b22',
  grid: '#232833',
  axis: '#8b93a3',
  text: '#d7dbe3',
  muted: '#8b93a3',
  accent: '#4f9dff',
  bad: '#ff5d5d',
  playhead: '#ffffff',
  highlight: '#ffe14d',
}
