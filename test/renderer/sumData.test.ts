import { describe, expect, it } from 'vitest'
import { EventColumns } from '../../src/shared/columns'
import { EventKind } from '../../src/shared/events'
import { RunData } from '../../src/renderer/model/runData'
import {
  ChunkState,
  CombineState,
  describeChunkSizes,
  formatTotal,
  MAX_CHUNKS,
  SumChunks,
  sumTiming,
} from '../../src/renderer/model/sumData'
import { synthesizeSum } from './helpers/fakeHost'

/** The events of a real 2-thread sum of `1..10, 2^31−1, 2^31−1` at 1 ms per element (engine output). */
const REAL: [number, number, number, number][] = [
  [9, 0, 217258, 6],
  [9, 1, 245781, 6],
  [10, 0, 1305800, 1],
  [10, 1, 1314406, 1],
  [10, 1, 2302089, 2],
  [10, 0, 2310494, 2],
  [10, 0, 3305561, 3],
  [10, 1, 3314037, 3],
  [10, 1, 4314654, 4],
  [10, 0, 4322879, 4],
  [10, 0, 5304591, 5],
  [10, 1, 5313608, 5],
  [11, 1, 6305047, 4294967328],
  [11, 0, 6391409, 21],
  [12, 0, 6461010, 21],
  [12, 1, 6461341, 4294967349],
]

function realBatch(runId = 4): Float64Array {
  const b = new Float64Array(4 + REAL.length * 4)
  b.set([1, runId, 0, REAL.length])
  REAL.forEach((e, i) => b.set(e, 4 + i * 4))
  return b
}

describe('SumChunks', () => {
  const s = new SumChunks(2)
  for (const [k, w, t, a] of REAL) s.add(k, w, t, a)

  it('folds chunk events into per-chunk starts, lengths, partials and folds', () => {
    expect(s.count).toBe(2)
    expect(s.length).toEqual([6, 6])
    expect(s.partial).toEqual([21, 4294967328])
    expect(s.folds.map((f) => [f.chunk, f.total])).toEqual([
      [0, 21],
      [1, 4294967349],
    ])
    expect(s.progN[0]).toEqual([1, 2, 3, 4, 5])
  })

  it('answers progress at an instant: 0 before the start, steps between, the length once done', () => {
    expect(s.progressAt(0, 0)).toBe(0)
    expect(s.progressAt(0, 217258)).toBe(0)
    expect(s.progressAt(0, 1305800)).toBe(1)
    expect(s.progressAt(0, 3400000)).toBe(3)
    expect(s.progressAt(1, 6305047)).toBe(6)
    expect(s.progressAt(0, 6305047)).toBe(5)
    expect(s.progressAt(0, 1e12)).toBe(6)
    expect(s.totalProgressAt(4400000)).toEqual({ done: 8, total: 12 })
  })

  it('gives each chunk its state over time and the same as segments', () => {
    const end = 6461341
    expect(s.stateAt(0, 100, end, false)).toBe(ChunkState.Empty)
    expect(s.stateAt(0, 3e6, end, false)).toBe(ChunkState.Summing)
    expect(s.stateAt(1, 6.4e6, end, false)).toBe(ChunkState.Done)
    expect(s.stateAt(0, 6461010, end, false)).toBe(ChunkState.Folded)
    const seg = new Float64Array(12)
    const n = s.segments(1, end, false, seg)
    expect(Array.from(seg.subarray(0, n * 3))).toEqual([
      245781,
      6305047,
      ChunkState.Summing,
      6305047,
      6461341,
      ChunkState.Done,
      6461341,
      6461341,
      ChunkState.Folded,
    ])
    for (const t of [245781, 3e6, 6305047, 6.4e6, 6461341]) {
      let state: number = ChunkState.Empty
      for (let i = 0; i < n; i++) if (seg[i * 3] <= t && t <= seg[i * 3 + 1]) state = seg[i * 3 + 2]
      expect(state, `at ${t}`).toBe(s.stateAt(1, t, end, false))
    }
  })

  it('tracks the combine step: waiting for the join, folding, ready; the running total at each instant', () => {
    const start = s.firstStart()
    expect(start).toBe(217258)
    expect(s.foldingStart()).toBe(6391409) // the last worker finished: the coordinator joined them all
    expect(s.combineStateAt(100, start)).toBe(CombineState.Empty)
    expect(s.combineStateAt(5e6, start)).toBe(CombineState.Waiting)
    expect(s.combineStateAt(6.42e6, start)).toBe(CombineState.Folding)
    expect(s.combineStateAt(6461341, start)).toBe(CombineState.Ready)
    expect(s.totalAt(6.4e6)).toBeNaN()
    expect(s.totalAt(6461010)).toBe(21)
    expect(s.totalAt(7e6)).toBe(4294967349)
    expect(s.foldedAt(6461200)).toBe(1)
    const seg = new Float64Array(9)
    expect(s.combineSegments(start, 7e6, seg)).toBe(3)
    expect(Array.from(seg)).toEqual([
      217258,
      6391409,
      CombineState.Waiting,
      6391409,
      6461341,
      CombineState.Folding,
      6461341,
      7e6,
      CombineState.Ready,
    ])
  })

  it('a cancelled chunk sums until its last step, then is cancelled', () => {
    const c = new SumChunks(1)
    c.add(EventKind.ChunkStart, 0, 10, 100)
    c.add(EventKind.ChunkProgress, 0, 50, 6)
    c.add(EventKind.ChunkProgress, 0, 80, 9) // the progress recorded on cancel
    const seg = new Float64Array(12)
    expect(c.segments(0, 200, true, seg)).toBe(2)
    expect(Array.from(seg.subarray(0, 6))).toEqual([10, 80, ChunkState.Summing, 80, 200, ChunkState.Cancelled])
    expect(c.stateAt(0, 120, 200, true)).toBe(ChunkState.Cancelled)
    expect(c.stateAt(0, 120, 200, false)).toBe(ChunkState.Summing)
    expect(c.progressAt(0, 1000)).toBe(9)
  })

  it('ignores other kinds and chunk indexes past the cap; keeps progress in time order', () => {
    const c = new SumChunks()
    c.add(EventKind.Pushed, 0, 1, 1)
    c.add(EventKind.ChunkStart, MAX_CHUNKS + 5, 1, 1)
    c.add(EventKind.ChunkStart, 4_000_000_000, 1, 1)
    expect(c.count).toBe(0)
    expect(c.ignored).toBe(2)
    c.add(EventKind.ChunkProgress, 2, 30, 3)
    c.add(EventKind.ChunkProgress, 2, 10, 1)
    c.add(EventKind.ChunkProgress, 2, 20, 2)
    expect(c.count).toBe(3)
    expect(c.progT[2]).toEqual([10, 20, 30])
    expect(c.progN[2]).toEqual([1, 2, 3])
  })

  it('sums up the timing: fastest, slowest, imbalance, combine time', () => {
    const t = sumTiming(s)
    expect(t.slowestChunk).toBe(0)
    expect(t.slowest).toBe(6391409 - 217258)
    expect(t.fastest).toBe(6305047 - 245781)
    expect(t.imbalance).toBeCloseTo(t.slowest / t.fastest)
    expect(t.combineNs).toBe(6461341 - 6391409)
  })
})

describe('RunData for a parallel sum', () => {
  it('keeps no per-value arrays, folds chunk events, sorts them for playback', () => {
    const d = new RunData()
    d.reset(
      4,
      Array.from({ length: 1_000_000 }, (_, i) => i),
      0,
      'parallel-sum',
      2,
    )
    expect(d.values.length).toBe(0)
    expect(d.threads).toBe(0)
    expect(d.sum.count).toBe(2)
    expect(d.append(realBatch(5))).toBe(false) // another run
    expect(d.append(realBatch(4))).toBe(true)
    d.finish()
    expect(d.eventCount).toBe(16)
    expect(d.sum.totalAt(Infinity)).toBe(4294967349)
    expect(Array.from(d.sortedTimes!)).toEqual(REAL.map((e) => e[2]).sort((a, b) => a - b))
    expect(d.span()).toEqual([0, 6461341])
  })

  it('replaceAll and adopt keep it a sum', () => {
    const { cols } = synthesizeSum(
      Array.from({ length: 100 }, (_, i) => i + 1),
      4,
      0.01,
      2,
    )
    const d = new RunData()
    d.reset(2, [], 0.01, 'parallel-sum', 4)
    expect(d.replaceAll(cols.toBatch(2))).toBe(true)
    expect(d.experiment).toBe('parallel-sum')
    expect(d.sum.count).toBe(4)
    expect(d.sum.totalAt(Infinity)).toBe(5050)
    const copy = new EventColumns()
    copy.appendBatch(cols.toBatch(2))
    d.adopt(copy)
    expect(d.sum.folds).toHaveLength(4)
  })
})

describe('sum formatting', () => {
  it('describes chunk sizes compactly', () => {
    expect(describeChunkSizes([6, 6])).toBe('6, 6')
    expect(describeChunkSizes([334, 333, 333])).toBe('334, 333, 333')
    expect(describeChunkSizes([500, 500, 500, 499])).toBe('3 × 500, 499')
    expect(describeChunkSizes([])).toBe('—')
  })

  it('formats totals: integers in full, others to ten significant digits', () => {
    expect(formatTotal(4294967349)).toBe('4,294,967,349')
    expect(formatTotal(2.5)).toBe('2.5')
    expect(formatTotal(NaN)).toBe('—')
    expect(formatTotal(1e300)).toMatch(/e\+300$/)
  })
})
