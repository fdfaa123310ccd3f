/**
 * The renderer's one store: low-rate state only (input, capabilities, run phase and result,
 * playback settings, comparison), built from typed slices on zustand's vanilla `createStore` so it
 * is testable without React. Events never enter it: they live in RunData's typed arrays and the
 * controller copies a count into the store at most once a frame.
 */
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla'
import type { Capabilities, SleepSortRequest, SleepSortResult, ThreadlabErrorInfo, TimingMode } from '../../shared/api'
import { parseNumberList, type ParsedList } from '../../shared/parse'
import { generatePreset, PRESETS, SEED_EXAMPLE, type PresetId, type Random } from './presets'

export const UNIT_MIN = 0.01
export const UNIT_MAX = 1000
export const DEFAULT_UNIT = 10
export const SPEEDS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10] as const

// ── input ──────────────────────────────────────────────────────────────────────────────────────
export interface InputSlice {
  text: string
  parsed: ParsedList
  mode: TimingMode
  unitText: string
  unitMs: number
  /** null while the unit box holds something out of range */
  unitError: string | null
  preset: PresetId | 'custom'
  n: number
  maxValue: number
  setText(text: string): void
  setMode(mode: TimingMode): void
  setUnitText(text: string): void
  setN(n: number): void
  setMaxValue(max: number): void
  applyPreset(id: PresetId, random?: Random): void
}

export function checkUnit(text: string): { unitMs: number; error: string | null } {
  const v = Number(text)
  if (text.trim() === '' || !Number.isFinite(v)) return { unitMs: NaN, error: 'Unit (ms) must be a number' }
  if (v < UNIT_MIN || v > UNIT_MAX) return { unitMs: v, error: `Unit (ms) must be between ${UNIT_MIN} and ${UNIT_MAX}, not ${text}` }
  return { unitMs: v, error: null }
}

const inputSlice: StateCreator<AppState, [], [], InputSlice> = (set, get) => ({
  text: SEED_EXAMPLE,
  parsed: parseNumberList(SEED_EXAMPLE),
  mode: 'scheduled',
  unitText: String(DEFAULT_UNIT),
  unitMs: DEFAULT_UNIT,
  unitError: null,
  preset: 'seed',
  n: 100,
  maxValue: 100,
  setText: (text) => set({ text, parsed: parseNumberList(text), preset: 'custom' }),
  setMode: (mode) => set({ mode }),
  setUnitText: (unitText) => {
    const { unitMs, error } = checkUnit(unitText)
    set({ unitText, unitError: error, ...(error ? {} : { unitMs }) })
  },
  setN: (n) => {
    set({ n })
    const { preset } = get()
    if (preset !== 'custom' && PRESETS.find((p) => p.id === preset)?.generated) get().applyPreset(preset)
  },
  setMaxValue: (maxValue) => {
    set({ maxValue })
    if (get().preset === 'random' || get().preset === 'duplicates') get().applyPreset(get().preset as PresetId)
  },
  applyPreset: (id, random) => {
    const { n, maxValue } = get()
    const out = generatePreset(id, n, maxValue, random)
    set({ text: out.text, parsed: parseNumberList(out.text), preset: id })
    if (out.unitMs !== undefined) get().setUnitText(String(out.unitMs))
  },
})

// ── capabilities ───────────────────────────────────────────────────────────────────────────────
export interface CapsSlice {
  caps: Capabilities | null
  capsError: string | null
  setCaps(caps: Capabilities): void
  setCapsError(message: string): void
}

const capsSlice: StateCreator<AppState, [], [], CapsSlice> = (set, get) => ({
  caps: null,
  capsError: null,
  setCaps: (caps) => {
    set({ caps, capsError: null })
    if (!caps.realtime.allowed && get().mode === 'realtime') set({ mode: 'scheduled' })
  },
  setCapsError: (capsError) => set({ capsError }),
})

// ── run ────────────────────────────────────────────────────────────────────────────────────────
export type Phase = 'idle' | 'starting' | 'running' | 'finished' | 'cancelled' | 'failed'

export interface RunSlice {
  phase: Phase
  runId: number
  request: SleepSortRequest | null
  result: SleepSortResult | null
  error: ThreadlabErrorInfo | null
  /** a message about the input shown after Run was pressed with a bad list */
  runAttemptError: string | null
  events: number
  missed: number
  /** bumped when RunData changed in a way React panels care about (start, finish, replace) */
  dataVersion: number
  runStarting(request: SleepSortRequest): void
  runStarted(runId: number): void
  runProgress(events: number): void
  runMissed(dropped: number): void
  runFinished(result: SleepSortResult, events: number): void
  runFailed(error: ThreadlabErrorInfo): void
  setRunAttemptError(message: string | null): void
}

export function isActive(phase: Phase): boolean {
  return phase === 'starting' || phase === 'running'
}

const runSlice: StateCreator<AppState, [], [], RunSlice> = (set) => ({
  phase: 'idle',
  runId: -1,
  request: null,
  result: null,
  error: null,
  runAttemptError: null,
  events: 0,
  missed: 0,
  dataVersion: 0,
  runStarting: (request) =>
    set((s) => ({ phase: 'starting', request, result: null, error: null, runAttemptError: null, events: 0, missed: 0, runId: -1, dataVersion: s.dataVersion + 1, highlight: null, playing: false })),
  runStarted: (runId) => set((s) => (isActive(s.phase) ? { phase: 'running', runId } : {})),
  runProgress: (events) => set((s) => (s.events === events ? {} : { events })),
  runMissed: (dropped) => set((s) => ({ missed: s.missed + dropped })),
  runFinished: (result, events) =>
    set((s) => ({ phase: result.cancelled ? 'cancelled' : 'finished', result, events, error: null, dataVersion: s.dataVersion + 1 })),
  runFailed: (error) => set((s) => ({ phase: 'failed', error, dataVersion: s.dataVersion + 1 })),
  setRunAttemptError: (runAttemptError) => set({ runAttemptError }),
})

// ── playback and view ──────────────────────────────────────────────────────────────────────────
export interface HighlightRange {
  /** lateness range in ns, [lo, hi) */
  lo: number
  hi: number
  label: string
}

export interface PlaybackSlice {
  playing: boolean
  speed: number
  sortByValue: boolean
  highlight: HighlightRange | null
  setPlaying(playing: boolean): void
  setSpeed(speed: number): void
  setSortByValue(byValue: boolean): void
  setHighlight(h: HighlightRange | null): void
}

const playbackSlice: StateCreator<AppState, [], [], PlaybackSlice> = (set) => ({
  playing: false,
  speed: 0.1,
  sortByValue: true,
  highlight: null,
  setPlaying: (playing) => set({ playing }),
  setSpeed: (speed) => set({ speed: Math.min(10, Math.max(0.01, speed)) }),
  setSortByValue: (sortByValue) => set({ sortByValue }),
  setHighlight: (highlight) => set({ highlight }),
})

// ── comparison ─────────────────────────────────────────────────────────────────────────────────
export interface CompareEntry {
  mode: TimingMode
  status: 'waiting' | 'running' | 'done' | 'failed' | 'cancelled' | 'skipped'
  result?: SleepSortResult
  error?: string
}

export interface CompareSlice {
  compare: { active: boolean; entries: CompareEntry[] } | null
  compareBegin(modes: TimingMode[], skipped: { mode: TimingMode; reason: string }[]): void
  compareUpdate(mode: TimingMode, patch: Partial<CompareEntry>): void
  compareEnd(): void
  compareClose(): void
}

const compareSlice: StateCreator<AppState, [], [], CompareSlice> = (set) => ({
  compare: null,
  compareBegin: (modes, skipped) =>
    set({
      compare: {
        active: true,
        entries: [
          ...modes.map((mode): CompareEntry => ({ mode, status: 'waiting' })),
          ...skipped.map(({ mode, reason }): CompareEntry => ({ mode, status: 'skipped', error: reason })),
        ],
      },
    }),
  compareUpdate: (mode, patch) =>
    set((s) => (s.compare ? { compare: { ...s.compare, entries: s.compare.entries.map((e) => (e.mode === mode ? { ...e, ...patch } : e)) } } : {})),
  compareEnd: () =>
    set((s) => (s.compare ? { compare: { active: false, entries: s.compare.entries.map((e) => (e.status === 'waiting' || e.status === 'running' ? { ...e, status: 'cancelled' } : e)) } } : {})),
  compareClose: () => set({ compare: null }),
})

export type AppState = InputSlice & CapsSlice & RunSlice & PlaybackSlice & CompareSlice
export type AppStore = StoreApi<AppState>

export function createAppStore(): AppStore {
  return createStore<AppState>()((...a) => ({
    ...inputSlice(...a),
    ...capsSlice(...a),
    ...runSlice(...a),
    ...playbackSlice(...a),
    ...compareSlice(...a),
  }))
}

/** The one line for the `alert` element: input problems first, then the run's own error. */
export function alertText(s: Pick<AppState, 'parsed' | 'unitError' | 'error' | 'runAttemptError' | 'capsError'>, describe: (p: ParsedList) => string): string {
  const parts: string[] = []
  if (s.parsed.errors.length) parts.push(describe(s.parsed))
  if (s.unitError) parts.push(s.unitError)
  if (s.runAttemptError) parts.push(s.runAttemptError)
  if (s.error) parts.push(s.error.message.includes(s.error.code) ? s.error.message : `${s.error.message} (${s.error.code})`)
  if (s.capsError) parts.push(s.capsError)
  // a broken connection answers every call with the same message: say it once
  return parts.filter((p, i) => parts.findIndex((q) => q === p || q.startsWith(p) || p.startsWith(q)) === i).join(' · ')
}

/** The run's total duration problem (largest shifted value × unit over the cap), or null. */
export function durationError(values: number[], unitMs: number, maxDurationMs: number): string | null {
  if (!values.length || !Number.isFinite(unitMs)) return null
  let lo = Infinity, hi = -Infinity
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v }
  const ms = (hi - Math.min(0, lo)) * unitMs
  if (ms <= maxDurationMs) return null
  return `the longest sleep would be ${formatMs(ms)} (largest value × unit), more than the ${formatMs(maxDurationMs)} cap`
}

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toPrecision(3))} s`
  if (ms >= 1) return `${Number(ms.toPrecision(3))} ms`
  return `${Number((ms * 1000).toPrecision(3))} µs`
}
