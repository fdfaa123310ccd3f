import { describe, expect, it } from 'vitest'
import { EventColumns } from '../../src/shared/columns'
import { decodeRunFile, encodeRunFile, type SavedRun } from '../../src/shared/runfile'
import { changedRows, checkRunDiff, diffRuns, inputMismatch, type RunDiff } from '../../src/shared/rundiff'
import { sleepRun } from './helpers/savedRun'

const MS = 1e6
const input = (label: string, run: SavedRun) => ({ label, ...run })
const diffOf = (a: SavedRun, b: SavedRun): RunDiff => {
  const d = diffRuns(input('a', a), input('b', b))
  if (!d.ok) throw new Error(d.message)
  return d.diff
}

describe('diffRuns', () => {
  it('a run against itself: nothing moved, no cause changed', () => {
    const run = sleepRun([4, 1, 3, 2], { mode: 'classic', spawnGapNs: 3 * MS })
    const d = diffOf(run, run)
    expect(d.summary).toMatchObject({ moved: 0, differing: 0, causesChanged: 0, causeChanges: [] })
    expect(d.summary.inversionsA).toBe(d.summary.inversionsB)
    expect(d.differAt).toEqual([])
    expect(changedRows(d)).toEqual([])
  })

  it('classic against a clean run: positions, lateness and causes per value, and where the orders part', () => {
    const values = [5, 1, 4, 2, 3]
    const classic = sleepRun(values, { mode: 'classic', spawnGapNs: 2 * MS })
    const clean = sleepRun(values, { lateNs: (w) => (w === 1 ? 30_000 : 0) })
    const d = diffOf(classic, clean)
    const outA = classic.result!.output as number[]
    expect(clean.result!.output).toEqual([1, 2, 3, 4, 5])
    expect(d.a.output).toEqual(outA)
    expect(d.b.mode).toBe('scheduled')
    // rows follow the input: value 1 (worker 1) is first in the clean run
    expect(d.rows.posB).toEqual([4, 0, 3, 1, 2])
    for (let w = 0; w < values.length; w++) expect(outA[d.rows.posA[w]]).toBe(values[w])
    expect(d.rows.latenessB[1]).toBe(30_000)
    expect(d.rows.causeB).toEqual([null, null, null, null, null])
    const misplacedA = classic.result!.misplaced
    expect(d.rows.causeA.filter((c) => c !== null).length).toBe(misplacedA)
    expect(d.rows.causeA.filter((c) => c === 'spawn-offset').length).toBe(d.a.causes['spawn-offset'])
    const expectedDiffer = outA.flatMap((v, i) => (v !== i + 1 ? [i] : []))
    expect(d.differAt).toEqual(expectedDiffer)
    expect(d.summary.moved).toBe(expectedDiffer.length)
    expect(d.summary.misplacedB).toBe(0)
    const changes = Object.entries(d.a.causes).flatMap(([cause, a]) => (a > 0 ? [{ cause, a, b: 0 }] : []))
    expect(d.summary.causeChanges).toEqual(changes)
    expect(changes.map((c) => c.cause)).toContain('spawn-offset')
    expect(d.summary.causesChanged).toBe(misplacedA)
  })

  it('equal values trading places is not a move', () => {
    const values = [2, 2, 1]
    const a = sleepRun(values)
    // the same order of values, but the two 2s pushed the other way round
    const b = sleepRun(values, { lateNs: (w) => (w === 0 ? 1_000 : 0) })
    expect(a.result!.output).toEqual(b.result!.output)
    const d = diffOf(a, b)
    expect(d.rows.posA.slice(0, 2)).toEqual([1, 2])
    expect(d.rows.posB.slice(0, 2)).toEqual([2, 1])
    expect(d.summary.moved).toBe(0)
    expect(d.differAt).toEqual([])
  })

  it('without recorded events, equal values are matched in input order', () => {
    const values = [3, 1, 3, 2]
    const a = sleepRun(values)
    const bare = { ...a, events: new EventColumns() }
    const d = diffOf(bare, a)
    expect(d.rows.posA).toEqual([2, 0, 3, 1])
    expect(Number.isNaN(d.rows.latenessA[0])).toBe(true)
    expect(d.summary.moved).toBe(0)
  })

  it('a cancelled run: values pushed in one run only moved, the strip runs past the shorter output', () => {
    const values = [1, 2, 3, 4]
    const full = sleepRun(values)
    const cut = sleepRun(values, { cancelAtNs: 2.5 * MS })
    expect(cut.result!.output).toEqual([1, 2])
    const d = diffOf(full, cut)
    expect(d.rows.posB).toEqual([0, 1, -1, -1])
    expect(d.differAt).toEqual([2, 3])
    expect(d.summary.moved).toBe(2)
  })

  it('builds the diff of two 10,000-value runs', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 1000)
    const a = sleepRun(values, { mode: 'classic', spawnGapNs: 30_000, unitMs: 0.01 })
    const b = sleepRun(values, { unitMs: 0.01 })
    const d = diffOf(a, b)
    expect(d.rows.posA.length).toBe(10_000)
    expect(d.summary.moved).toBeGreaterThan(1000)
    expect(d.summary.inversionsB).toBe(0)
  })
})

describe('inputMismatch', () => {
  const a = input('a.threadlab', sleepRun([1, 2, 3]))
  it('refuses different inputs, saying how they differ', () => {
    expect(inputMismatch(a, input('b.threadlab', sleepRun([1, 2])))).toBe(
      'different inputs: a.threadlab sorted 3 values, b.threadlab sorted 2 values',
    )
    expect(inputMismatch(a, input('b.threadlab', sleepRun([1, 5, 7])))).toBe(
      'different inputs: value 2 is 2 in a.threadlab and 5 in b.threadlab (2 positions differ)',
    )
    expect(inputMismatch(a, input('b.threadlab', sleepRun([3, 2, 1])))).toBe(
      'different inputs: the same values in another order — value 1 is 1 in a.threadlab and 3 in b.threadlab (2 positions differ)',
    )
    const d = diffRuns(a, input('b.threadlab', sleepRun([1, 2])))
    expect(d.ok).toBe(false)
  })
  it('refuses a parallel sum and a run without a result', () => {
    const sum = { ...a, label: 'sum', request: { experiment: 'parallel-sum' as const, values: [1, 2, 3] } }
    expect(inputMismatch(a, sum)).toMatch(/^sum is a parallel sum/)
    expect(inputMismatch({ ...a, result: null }, a)).toBe('a.threadlab never finished, so it has no order to compare')
  })
})

describe('a diff in a run file', () => {
  it('is saved and reopened as it was', () => {
    const values = [5, 1, 4, 2, 3]
    const a = sleepRun(values, { mode: 'classic', spawnGapNs: 2 * MS })
    const b = sleepRun(values, { lateNs: (w) => (w === 1 ? 30_000 : 0) })
    const diff = diffOf(a, b)
    const bytes = encodeRunFile({ ...a, diff })
    const back = decodeRunFile(bytes)
    if (!back.ok) throw new Error(back.error.message)
    expect(back.value.diff).toEqual(diff)
    expect(encodeRunFile(back.value)).toEqual(bytes)
    expect(checkRunDiff(back.value.diff)).toBeNull()
  })

  it('a malformed diff is refused, naming what is wrong', () => {
    const a = sleepRun([2, 1])
    const diff = diffOf(a, a)
    const broken = { ...diff, rows: { ...diff.rows, posB: [0] } }
    const back = decodeRunFile(encodeRunFile({ ...a, diff: broken }))
    expect(back.ok).toBe(false)
    if (!back.ok) expect(back.error.message).toBe('the header is malformed: diff: rows.posB is not 2 numbers')
  })
})
