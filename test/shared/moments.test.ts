import { describe, expect, it } from 'vitest'
import { attributeCauses } from '../../src/shared/attribution'
import {
  groupMoments,
  longestLockQueue,
  parallelSumMoments,
  sleepSortMoments,
  stepMoment,
  type Moment,
} from '../../src/shared/moments'
import { simulateParallelSum, simulateSleepSort, type SimOptions } from './helpers/sim'

const MS = 1e6
const momentsOf = (o: SimOptions) => {
  const run = simulateSleepSort(o)
  const input = { ...run, output: run.output, table: run.table }
  return { run, moments: sleepSortMoments(input) }
}
const kinds = (ms: Moment[]) => ms.map((m) => m.kind)

describe('sleepSortMoments', () => {
  it('a clean run has the epoch, first and last push, latest wake-up and no inversion', () => {
    const { run, moments } = momentsOf({ values: [3, 1, 2], unitMs: 1, lateNs: (w) => (w === 0 ? 50_000 : 0) })
    expect(run.output).toEqual([1, 2, 3])
    expect(kinds(moments)).toEqual(['epoch', 'first-push', 'latest-wake', 'last-push'])
    expect(moments[0].tNs).toBe(0)
    expect(moments[1]).toMatchObject({ workers: [1], label: 'first push: 1', tNs: run.table.pushed[1] })
    expect(moments[2]).toMatchObject({ workers: [0], tNs: run.table.woke[0] })
    expect(moments[2].label).toBe('latest wake-up: 3 woke 50 µs after its deadline')
    expect(moments[3]).toMatchObject({ workers: [0], label: 'last push: 3' })
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
    expect(inv[0].label).toBe('3 overtook 2: 2 woke 2.5 ms late')
    // time order throughout
    for (let i = 1; i < moments.length; i++) expect(moments[i].tNs).toBeGreaterThanOrEqual(moments[i - 1].tNs)
  })

  it('classic spawn offsets are named as such', () => {
    const { moments } = momentsOf({ values: [3, 2, 1], unitMs: 1, mode: 'classic', spawnGapNs: 2 * MS })
    const inv = moments.filter((m) => m.kind === 'inversion')
    expect(inv.length).toBeGreaterThan(0)
    expect(new Set(inv.map((m) => m.cause))).toEqual(new Set(['spawn-offset']))
    expect(inv.map((m) => `${m.overtaker!.value}>${m.overtaken!.value}`)).toContain('3>1')
    expect(moments[0].label).toMatch(/each thread sleeps from its own start/)
  })

  it('reuses given attributions and agrees with computing them', () => {
    const run = simulateSleepSort({ values: [4, 1, 3, 2], unitMs: 1, mode: 'classic', spawnGapNs: 3 * MS })
    const input = { ...run, table: run.table }
    const attributions = attributeCauses(input)
    expect(sleepSortMoments({ ...input, attributions })).toEqual(sleepSortMoments(input))
  })

  it('finds the longest lock queue and the threads in it', () => {
    // five equal deadlines, a slow mutex: all wait at once behind the first
    const { run, moments } = momentsOf({ values: [1, 1, 1, 1, 1], unitMs: 1, holdNs: 100_000 })
    const q = moments.find((m) => m.kind === 'longest-queue')!
    expect(q.workers.length).toBe(4)
    expect(q.label).toBe('longest lock queue: 4 threads waiting for the mutex')
    for (const w of q.workers) {
      expect(run.table.lockWait[w]).toBeLessThanOrEqual(q.tNs)
      expect(run.table.lockAcquired[w]).toBeGreaterThan(q.tNs)
    }
  })

  it('leaves out what was never recorded', () => {
    const run = simulateSleepSort({ values: [2, 1], unitMs: 1 })
    const empty = { ...run.table, count: 0 }
    const moments = sleepSortMoments({ ...run, table: empty })
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
    const moments = parallelSumMoments(sim.cols)
    expect(kinds(moments)).toEqual(['epoch', 'slowest-chunk', 'fold'])
    // chunk 0 has 3 elements, started first: done at 3001 after 3000 ns, the others at 2 elements
    expect(moments[1]).toMatchObject({ workers: [0], tNs: 3001, label: 'slowest chunk: chunk 1 took 3 µs' })
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
      label: '',
    })
    const list = [
      m('epoch', null),
      m('inversion', 'tie'),
      m('inversion', 'timer-lateness'),
      m('inversion', 'timer-lateness'),
      m('last-push', null),
    ]
    expect(groupMoments(list).map((g) => [g.key, g.indices])).toEqual([
      ['run', [0, 4]],
      ['timer-lateness', [2, 3]],
      ['tie', [1]],
    ])
  })
})

describe('stepMoment', () => {
  const at = (...ts: number[]) => ts.map((tNs) => ({ tNs }) as Moment)
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
    expect(stepMoment([], -1, 0, 1)).toBe(-1)
  })
})
