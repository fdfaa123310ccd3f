import { describe, expect, it } from 'vitest'
import { attributeColumns } from '../../src/shared/attribution'
import {
  groupMoments,
  longestLockQueue,
  momentArray,
  momentAt,
  momentLabel,
  parallelSumMoments,
  sleepSortMoments,
  stepMoment,
  type Moment,
} from '../../src/shared/moments'
import { momentListOf } from '../../src/shared/momentList'
import { simulateParallelSum, simulateSleepSort, type SimOptions } from './helpers/sim'

const MS = 1e6
const momentsOf = (o: SimOptions) => {
  const run = simulateSleepSort(o)
  const input = { ...run, output: run.output, table: run.table }
  return { run, moments: momentArray(sleepSortMoments(input)) }
}
const kinds = (ms: Moment[]) => ms.map((m) => m.kind)

describe('sleepSortMoments', () => {
  it('a clean run has the epoch, first and last push, latest wake-up and no inversion', () => {
    const { run, moments } = momentsOf({ values: [3, 1, 2], unitMs: 1, lateNs: (w) => (w === 0 ? 50_000 : 0) })
    expect(run.output).toEqual([1, 2, 3])
    expect(kinds(moments)).toEqual(['epoch', 'first-push', 'latest-wake', 'last-push'])
    expect(moments[0].tNs).toBe(0)
    expect(moments[1]).toMatchObject({ workers: [1], tNs: run.table.pushed[1] })
    expect(momentLabel(moments[1])).toBe('first push: 1')
    expect(moments[2]).toMatchObject({ workers: [0], tNs: run.table.woke[0] })
    expect(momentLabel(moments[2])).toBe('latest wake-up: 3 woke 50 µs after its deadline')
    expect(moments[3]).toMatchObject({ workers: [0] })
    expect(momentLabel(moments[3])).toBe('last push: 3')
  })

  it('names which value overtook which, the cause, and sits at the overtaker’s push', () => {
    const values = [1, 2, 3, 4, 5]
    const { run, moments } = momentsOf({ values, unitMs: 1, lateNs: (w) => (w === 1 ? 2.5 * MS : 0) })
    expect(run.output).toEqual([1, 3, 4, 2, 5])
    const inv = moments.filter((m) => m.kind === 'inversion')
    // 3 and 4 both got ahead of 2: two pairs, though three positions are misplaced
    expect(inv.map((m) => [m.overtaker!.value, m.overtaken!.value])).toEqual([
      [3, 2],
      [4, 2],
    ])
    for (const m of inv) {
      expect(m.cause).toBe('timer-lateness')
      expect(m.tNs).toBe(run.table.pushed[m.overtaker!.worker])
      expect(m.workers).toEqual([m.overtaker!.worker, 1])
    }
    expect(momentLabel(inv[0])).toBe('3 overtook 2: 2 woke 2.5 ms late')
    // time order throughout
    for (let i = 1; i < moments.length; i++) expect(moments[i].tNs).toBeGreaterThanOrEqual(moments[i - 1].tNs)
  })

  it('classic spawn offsets are named as such', () => {
    const { moments } = momentsOf({ values: [3, 2, 1], unitMs: 1, mode: 'classic', spawnGapNs: 2 * MS })
    const inv = moments.filter((m) => m.kind === 'inversion')
    expect(inv.length).toBeGreaterThan(0)
    expect(new Set(inv.map((m) => m.cause))).toEqual(new Set(['spawn-offset']))
    expect(inv.map((m) => `${m.overtaker!.value}>${m.overtaken!.value}`)).toContain('3>1')
    expect(momentLabel(moments[0])).toMatch(/each thread sleeps from its own start/)
  })

  it('reuses given attributions and agrees with computing them', () => {
    const run = simulateSleepSort({ values: [4, 1, 3, 2], unitMs: 1, mode: 'classic', spawnGapNs: 3 * MS })
    const input = { ...run, table: run.table }
    const attributions = attributeColumns(input)
    expect(sleepSortMoments({ ...input, attributions })).toEqual(sleepSortMoments(input))
  })

  it('keeps inversions as columns: no label until one is worded, objects only on request', () => {
    const run = simulateSleepSort({ values: [1, 2, 3, 4, 5], unitMs: 1, lateNs: (w) => (w === 1 ? 2.5 * MS : 0) })
    const list = sleepSortMoments({ ...run, table: run.table })
    const i = momentArray(list).findIndex((m) => m.kind === 'inversion')
    const m = momentAt(list, i)!
    expect(m.label).toBeNull()
    expect(momentLabel(m)).toBe('3 overtook 2: 2 woke 2.5 ms late')
    expect(list.landmark[i]).toBe(-1)
    expect(momentAt(list, list.length)).toBeNull()
    expect(momentAt(list, -1)).toBeNull()
  })

  it('stays in time order when the recorded push instants disagree with the push order', () => {
    const run = simulateSleepSort({ values: [6, 5, 4, 3, 2, 1], unitMs: 1, mode: 'classic', spawnGapNs: 2 * MS })
    const table = { ...run.table, pushed: Float64Array.from(run.table.pushed) }
    // the first value pushed gets the latest instant: position order is no longer time order
    const first = table.index.indexOf(0)
    table.pushed[first] = Math.max(...table.pushed) + 1
    const moments = momentArray(sleepSortMoments({ ...run, table }))
    expect(moments.filter((m) => m.kind === 'inversion').length).toBeGreaterThan(1)
    for (let i = 1; i < moments.length; i++) expect(moments[i].tNs).toBeGreaterThanOrEqual(moments[i - 1].tNs)
  })

  it('finds the longest lock queue and the threads in it', () => {
    // five equal deadlines, a slow mutex: all wait at once behind the first
    const { run, moments } = momentsOf({ values: [1, 1, 1, 1, 1], unitMs: 1, holdNs: 100_000 })
    const q = moments.find((m) => m.kind === 'longest-queue')!
    expect(q.workers.length).toBe(4)
    expect(momentLabel(q)).toBe('longest lock queue: 4 threads waiting for the mutex')
    for (const w of q.workers) {
      expect(run.table.lockWait[w]).toBeLessThanOrEqual(q.tNs)
      expect(run.table.lockAcquired[w]).toBeGreaterThan(q.tNs)
    }
  })

  it('leaves out what was never recorded', () => {
    const run = simulateSleepSort({ values: [2, 1], unitMs: 1 })
    const empty = { ...run.table, count: 0 }
    const moments = momentArray(sleepSortMoments({ ...run, table: empty }))
    expect(kinds(moments)).toEqual(['epoch'])
  })

  it('builds the moments of 10,000 threads with thousands of inversions', () => {
    const n = 10_000
    const values = Array.from({ length: n }, (_, i) => (i * 7919) % 1000)
    const { moments } = momentsOf({
      values,
      unitMs: 0.01,
      mode: 'classic',
      spawnGapNs: 30_000,
    })
    const inv = moments.filter((m) => m.kind === 'inversion')
    expect(inv.length).toBeGreaterThan(1000)
    const keys = new Set(inv.map((m) => `${m.overtaker!.worker}/${m.overtaken!.worker}`))
    expect(keys.size).toBe(inv.length)
  })
})

describe('longestLockQueue', () => {
  it('does not count a hand-over at the same instant as a queue', () => {
    const wait = Float64Array.from([0, 10, 20])
    const acq = Float64Array.from([0, 10, 20])
    expect(longestLockQueue(wait, acq, 3)).toBeNull()
    const overlapping = longestLockQueue(Float64Array.from([0, 5, 6]), Float64Array.from([10, 12, 14]), 3)
    expect(overlapping).toEqual({ tNs: 6, workers: [0, 1, 2] })
  })
})

describe('parallelSumMoments', () => {
  it('finds the slowest chunk and the fold', () => {
    const sim = simulateParallelSum([1, 2, 3, 4, 5, 6, 7], 3)
    const moments = momentArray(parallelSumMoments(sim.cols))
    expect(kinds(moments)).toEqual(['epoch', 'slowest-chunk', 'fold'])
    // chunk 0 has 3 elements, started first: done at 3001 after 3000 ns, the others at 2 elements
    expect(moments[1]).toMatchObject({ workers: [0], tNs: 3001 })
    expect(momentLabel(moments[1])).toBe('slowest chunk: chunk 1 took 3 µs')
    expect(moments[2].workers).toEqual([0, 1, 2])
    expect(moments[2].tNs).toBe(Math.max(3001, 500 + 2001, 1000 + 2001) + 100)
  })
})

describe('groupMoments', () => {
  it('puts the landmarks first and inversions by cause, most frequent first', () => {
    const m = (kind: Moment['kind'], cause: Moment['cause']): Moment => ({
      kind,
      tNs: 0,
      workers: [],
      cause,
      overtaker: null,
      overtaken: null,
      deltaNs: NaN,
      label: '',
    })
    const list = [
      m('epoch', null),
      m('inversion', 'tie'),
      m('inversion', 'timer-lateness'),
      m('inversion', 'timer-lateness'),
      m('last-push', null),
    ]
    expect(groupMoments(momentListOf(list)).map((g) => [g.key, g.indices])).toEqual([
      ['run', [0, 4]],
      ['timer-lateness', [2, 3]],
      ['tie', [1]],
    ])
  })
})

describe('stepMoment', () => {
  const at = (...ts: number[]) => momentListOf(ts.map((tNs) => ({ ...landmark, tNs })))
  const landmark: Moment = {
    kind: 'epoch',
    tNs: 0,
    workers: [],
    cause: null,
    overtaker: null,
    overtaken: null,
    deltaNs: NaN,
    label: '',
  }
  it('steps by position while the playhead is on the current moment, so equal instants are each visited', () => {
    const ms = at(0, 5, 5, 9)
    expect(stepMoment(ms, 1, 5, 1)).toBe(2)
    expect(stepMoment(ms, 2, 5, 1)).toBe(3)
    expect(stepMoment(ms, 2, 5, -1)).toBe(1)
    expect(stepMoment(ms, 3, 9, 1)).toBe(-1)
    expect(stepMoment(ms, 0, 0, -1)).toBe(-1)
  })
  it('after the playhead moved, goes to the nearest moment in that direction', () => {
    const ms = at(0, 5, 5, 9)
    expect(stepMoment(ms, 0, 3, 1)).toBe(1)
    expect(stepMoment(ms, 0, 7, -1)).toBe(2)
    expect(stepMoment(ms, -1, 5, 1)).toBe(3)
    expect(stepMoment(ms, -1, 5, -1)).toBe(0)
    expect(stepMoment(ms, -1, 100, 1)).toBe(-1)
    expect(stepMoment(at(), -1, 0, 1)).toBe(-1)
  })
})
