/**
 * Two sleep-sort runs of the same input, value by value: where each value was pushed and how late
 * it woke in run a and in run b, what changed, and a summary. Pure and JSON-shaped, so the app's
 * Diff view, the CLI (`threadlab diff`) and a run file holding a saved diff all read one object.
 *
 * Definitions (rows are by worker, i.e. by position in the input list):
 * - pos: the value's push position (-1 when it was never pushed). With recorded events it comes
 *   from the worker's own push; without, equal values are matched to output positions in input order.
 * - A position *differs* when the two outputs hold different values there (or only one run pushed
 *   that far). A value *moved* when the value at its run-a position differs in run b — equal values
 *   trading places is no visible change, so it is not a move. `moved` counts values, `differAt`
 *   lists positions: the strip that shows where the two orders part.
 * - cause: the attribution's cause for the value's position when it is misplaced, null when it is
 *   where sorted order puts it. A cause *changed* when it differs between the runs.
 */
import type { RunRequest, RunResult, TimingMode } from './api'
import { attributeColumns, causeCounts, CAUSES, type Cause } from './attribution'
import type { EventColumns } from './columns'
import { buildThreadTable, type ThreadTable } from './threads'

export const RUN_DIFF_FORMAT = 'threadlab-diff'
export const RUN_DIFF_VERSION = 1

/** One run to compare: what a run file holds, or the app's current run. */
export interface DiffRunInput {
  /** how people know it: "classic", "run-a.threadlab", "current run" */
  label: string
  request: RunRequest
  result: RunResult | null
  events: EventColumns
}

export interface RunDiffSide {
  label: string
  mode: TimingMode
  unitMs: number
  misplaced: number
  inversions: number
  cancelled: boolean
  wallMs: number
  output: number[]
  causes: Record<Cause, number>
}

export interface RunDiffRows {
  posA: number[]
  posB: number[]
  /** woke − deadline, ns; NaN when not recorded */
  latenessA: number[]
  latenessB: number[]
  causeA: (Cause | null)[]
  causeB: (Cause | null)[]
}

export interface CauseChange {
  cause: Cause
  a: number
  b: number
}

export interface RunDiffSummary {
  /** values whose run-a position holds another value in run b */
  moved: number
  /** output positions where the two orders differ */
  differing: number
  inversionsA: number
  inversionsB: number
  misplacedA: number
  misplacedB: number
  /** values whose cause changed (including misplaced in one run only) */
  causesChanged: number
  /** per cause whose count differs, a's and b's */
  causeChanges: CauseChange[]
}

export interface RunDiff {
  format: typeof RUN_DIFF_FORMAT
  version: typeof RUN_DIFF_VERSION
  /** the input both runs sorted */
  values: number[]
  a: RunDiffSide
  b: RunDiffSide
  rows: RunDiffRows
  /** output positions where the orders differ, ascending */
  differAt: number[]
  summary: RunDiffSummary
}

export type DiffOutcome = { ok: true; diff: RunDiff } | { ok: false; message: string }

/** Why two runs cannot be compared value by value, or null when they can. */
export function inputMismatch(a: DiffRunInput, b: DiffRunInput): string | null {
  for (const r of [a, b]) {
    if (r.request.experiment !== 'sleep-sort')
      return `${r.label} is a parallel sum; a diff compares two sleep-sort runs value by value`
    if (!r.result || r.result.experiment !== 'sleep-sort')
      return `${r.label} never finished, so it has no order to compare`
  }
  const va = a.request.values,
    vb = b.request.values
  if (va.length !== vb.length)
    return `different inputs: ${a.label} sorted ${count(va.length)}, ${b.label} sorted ${count(vb.length)}`
  let first = -1,
    differing = 0
  for (let i = 0; i < va.length; i++) {
    if (!Object.is(va[i] === 0 ? 0 : va[i], vb[i] === 0 ? 0 : vb[i])) {
      if (first < 0) first = i
      differing++
    }
  }
  if (first < 0) return null
  const sameValues = sortedEqual(va, vb)
  const more = differing > 1 ? ` (${differing} positions differ)` : ''
  return sameValues
    ? `different inputs: the same values in another order — value ${first + 1} is ${va[first]} in ${a.label} and ${vb[first]} in ${b.label}${more}`
    : `different inputs: value ${first + 1} is ${va[first]} in ${a.label} and ${vb[first]} in ${b.label}${more}`
}

export function diffRuns(a: DiffRunInput, b: DiffRunInput): DiffOutcome {
  const problem = inputMismatch(a, b)
  if (problem) return { ok: false, message: problem }
  const values = a.request.values
  const sa = analyse(a, values),
    sb = analyse(b, values)
  const n = values.length
  const outA = sa.side.output,
    outB = sb.side.output
  const differAt: number[] = []
  for (let i = 0, m = Math.max(outA.length, outB.length); i < m; i++) {
    if (i >= outA.length || i >= outB.length || outA[i] !== outB[i]) differAt.push(i)
  }
  let moved = 0,
    causesChanged = 0
  for (let w = 0; w < n; w++) {
    if (valueMoved(values, sa.pos, sb.pos, outB, w)) moved++
    if (sa.cause[w] !== sb.cause[w]) causesChanged++
  }
  const causeChanges = CAUSES.filter((c) => sa.side.causes[c] !== sb.side.causes[c]).map((c) => ({
    cause: c,
    a: sa.side.causes[c],
    b: sb.side.causes[c],
  }))
  return {
    ok: true,
    diff: {
      format: RUN_DIFF_FORMAT,
      version: RUN_DIFF_VERSION,
      values: [...values],
      a: sa.side,
      b: sb.side,
      rows: {
        posA: sa.pos,
        posB: sb.pos,
        latenessA: sa.lateness,
        latenessB: sb.lateness,
        causeA: sa.cause,
        causeB: sb.cause,
      },
      differAt,
      summary: {
        moved,
        differing: differAt.length,
        inversionsA: sa.side.inversions,
        inversionsB: sb.side.inversions,
        misplacedA: sa.side.misplaced,
        misplacedB: sb.side.misplaced,
        causesChanged,
        causeChanges,
      },
    },
  }
}

function analyse(run: DiffRunInput, values: readonly number[]) {
  const result = run.result as Extract<RunResult, { experiment: 'sleep-sort' }>
  const n = values.length
  const table = buildThreadTable(run.events, n)
  const pos = positions(table, values, result.output, run.events.length > 0)
  const lateness = new Array<number>(n)
  for (let w = 0; w < n; w++) lateness[w] = table.woke[w] - table.deadline[w]
  const cause = new Array<Cause | null>(n).fill(null)
  const attributions = attributeColumns({
    values,
    shift: result.shift,
    unitMs: result.unitMs,
    mode: result.mode,
    output: result.output,
    table,
  })
  const byPosition = new Int32Array(result.output.length).fill(-1)
  pos.forEach((p, w) => p >= 0 && (byPosition[p] = w))
  for (let o = 0; o < attributions.length; o++) {
    const w = attributions.worker[o] >= 0 ? attributions.worker[o] : byPosition[attributions.outputIndex[o]]
    if (w >= 0) cause[w] = CAUSES[attributions.cause[o]]
  }
  const side: RunDiffSide = {
    label: run.label,
    mode: result.mode,
    unitMs: result.unitMs,
    misplaced: result.misplaced,
    inversions: result.inversions,
    cancelled: result.cancelled,
    wallMs: result.wallMs,
    output: [...result.output],
    causes: causeCounts(attributions),
  }
  return { side, pos, lateness, cause }
}

/** Push position per worker: from the events when recorded, else equal values in input order. */
function positions(table: ThreadTable, values: readonly number[], output: readonly number[], recorded: boolean) {
  const n = values.length
  const pos = new Array<number>(n).fill(-1)
  if (recorded) {
    for (let w = 0; w < n; w++) {
      const i = table.index[w]
      if (i >= 0 && i < output.length && output[i] === values[w]) pos[w] = i
    }
    return pos
  }
  const queues = new Map<number, number[]>()
  for (let w = n - 1; w >= 0; w--) {
    const q = queues.get(values[w])
    if (q) q.push(w)
    else queues.set(values[w], [w])
  }
  output.forEach((v, i) => {
    const w = queues.get(v)?.pop()
    if (w !== undefined) pos[w] = i
  })
  return pos
}

function sortedEqual(a: readonly number[], b: readonly number[]): boolean {
  const x = Float64Array.from(a).sort(),
    y = Float64Array.from(b).sort()
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false
  return true
}

function count(n: number): string {
  return `${n} ${n === 1 ? 'value' : 'values'}`
}

/** Rows of the values that moved or whose cause changed, in input order (for text and tables). */
export function changedRows(diff: RunDiff): number[] {
  const { posA, posB, causeA, causeB } = diff.rows
  const out: number[] = []
  for (let w = 0; w < diff.values.length; w++)
    if (valueMoved(diff.values, posA, posB, diff.b.output, w) || causeA[w] !== causeB[w]) out.push(w)
  return out
}

/** The value at worker w's run-a position is another in run b (or it was pushed in one run only). */
export function valueMoved(
  values: readonly number[],
  posA: readonly number[],
  posB: readonly number[],
  outB: readonly number[],
  w: number,
): boolean {
  const p = posA[w]
  return p >= 0 ? p >= outB.length || outB[p] !== values[w] : posB[w] >= 0
}

// ---- shape check (a diff read back from a run file) ---------------------------------------------

const isNumArray = (x: unknown, n: number) =>
  Array.isArray(x) && x.length === n && x.every((v) => typeof v === 'number')
const isCauseArray = (x: unknown, n: number) =>
  Array.isArray(x) && x.length === n && x.every((v) => v === null || CAUSES.includes(v as Cause))

/** Why `x` is not a RunDiff, or null when it is one. */
export function checkRunDiff(x: unknown): string | null {
  if (typeof x !== 'object' || x === null) return 'it is not an object'
  const d = x as Record<string, unknown>
  if (d.format !== RUN_DIFF_FORMAT) return `format is not "${RUN_DIFF_FORMAT}"`
  if (d.version !== RUN_DIFF_VERSION) return `version ${String(d.version)} is not ${RUN_DIFF_VERSION}`
  if (!Array.isArray(d.values) || !d.values.every((v) => typeof v === 'number' && Number.isFinite(v)))
    return 'values is not a list of finite numbers'
  const n = d.values.length
  for (const key of ['a', 'b'] as const) {
    const s = d[key] as Record<string, unknown> | null
    if (typeof s !== 'object' || s === null) return `${key} is missing`
    if (typeof s.label !== 'string') return `${key}.label is not text`
    if (typeof s.unitMs !== 'number' || typeof s.misplaced !== 'number' || typeof s.inversions !== 'number')
      return `${key} lacks unitMs, misplaced or inversions`
    if (!Array.isArray(s.output) || s.output.length > n || !s.output.every((v) => typeof v === 'number'))
      return `${key}.output is not a list of at most ${n} numbers`
    const causes = s.causes as Record<string, unknown> | null
    if (typeof causes !== 'object' || causes === null || !CAUSES.every((c) => typeof causes[c] === 'number'))
      return `${key}.causes is not a count per cause`
  }
  const rows = d.rows as Record<string, unknown> | null
  if (typeof rows !== 'object' || rows === null) return 'rows is missing'
  for (const key of ['posA', 'posB', 'latenessA', 'latenessB'])
    if (!isNumArray(rows[key], n)) return `rows.${key} is not ${n} numbers`
  for (const key of ['causeA', 'causeB']) if (!isCauseArray(rows[key], n)) return `rows.${key} is not ${n} causes`
  if (!Array.isArray(d.differAt) || !d.differAt.every((v) => Number.isSafeInteger(v) && v >= 0 && v <= n))
    return 'differAt is not a list of positions'
  const s = d.summary as Record<string, unknown> | null
  if (typeof s !== 'object' || s === null || typeof s.moved !== 'number' || !Array.isArray(s.causeChanges))
    return 'summary is missing'
  return null
}
