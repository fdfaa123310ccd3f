import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EventColumns } from '../../src/shared/columns'
import { EventKind } from '../../src/shared/events'
import { stableOrder } from '../../src/shared/stableOrder'
import { countInversions } from '../../src/shared/stats'
import { buildThreadTable, emptyThreadTable as emptyTable } from '../../src/shared/threads'
import { logHistogram, binOf, membersOf } from '../../src/renderer/model/histogram'
import { mutexAt } from '../../src/renderer/model/mutex'
import { ranks, RunData, valueOrderOf } from '../../src/renderer/model/runData'
import { synthesizeRun } from '../../src/renderer/model/synth'
import { simulateSleepSort } from '../shared/helpers/sim'

/** Cuts a run's columns into packed batches of `size` events. */
function batches(cols: EventColumns, runId: number, size: number): Float64Array[] {
  const out: Float64Array[] = []
  for (let from = 0, seq = 0; from < cols.length; from += size, seq++) {
    const n = Math.min(size, cols.length - from)
    const b = new Float64Array(4 + n * 4)
    b[0] = 1
    b[1] = runId
    b[2] = seq
    b[3] = n
    for (let i = 0; i < n; i++) {
      b[4 + i * 4] = cols.kind[from + i]
      b[5 + i * 4] = cols.worker[from + i]
      b[6 + i * 4] = cols.tNs[from + i]
      b[7 + i * 4] = cols.arg[from + i]
    }
    out.push(b)
  }
  return out
}

describe('RunData', () => {
  it('folds batches into the same table as shared/threads.ts, in any batch size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 40 }),
        fc.constantFrom<'classic' | 'scheduled'>('classic', 'scheduled'),
        fc.integer({ min: 1, max: 50 }),
        (values, mode, size) => {
          const { cols, result } = synthesizeRun(values, mode, 1, 9)
          const d = new RunData()
          d.reset(9, values, 1)
          for (const b of batches(cols, 9, size)) expect(d.append(b)).toBe(true)
          const reference = buildThreadTable(cols, values.length)
          for (const k of [
            'spawned',
            'sleepStart',
            'deadline',
            'woke',
            'lockAcquired',
            'pushed',
            'lockReleased',
            'exited',
          ] as const) {
            expect(Array.from(d.table[k])).toEqual(Array.from(reference[k]))
          }
          // slots in push order, with inversions matching the result's
          expect(d.contiguous).toBe(values.length)
          expect(Array.from(d.slotWorker, (w) => values[w])).toEqual(result.output)
          expect(d.prefixInversions[values.length]).toBe(countInversions(result.output))
          for (let k = 0; k <= values.length; k++)
            expect(d.prefixInversions[k]).toBe(countInversions(result.output.slice(0, k)))
        },
      ),
      { numRuns: 60 },
    )
  })

  it('takes a deadline from Woke when SleepStart was not recorded, in the live table and in shared/threads.ts alike', () => {
    const { cols } = synthesizeRun([3, 1, 2], 'scheduled', 1, 4)
    const partial = new EventColumns()
    for (let i = 0; i < cols.length; i++)
      if (cols.kind[i] !== EventKind.SleepStart)
        partial.push(cols.kind[i] as EventKind, cols.worker[i], cols.tNs[i], cols.arg[i])
    const d = new RunData()
    d.reset(4, [3, 1, 2], 1)
    expect(d.append(partial.toBatch(4))).toBe(true)
    const reference = buildThreadTable(partial, 3)
    const full = buildThreadTable(cols, 3)
    expect(Array.from(d.table.deadline)).toEqual(Array.from(full.deadline))
    expect(Array.from(reference.deadline)).toEqual(Array.from(full.deadline))
    expect(Array.from(d.table.sleepStart).every(Number.isNaN)).toBe(true)
  })

  it('ignores other runs and bad batches', () => {
    const { cols } = synthesizeRun([3, 1, 2], 'scheduled', 1, 4)
    const d = new RunData()
    d.reset(5, [3, 1, 2], 1)
    expect(d.append(batches(cols, 4, 100)[0])).toBe(false)
    expect(d.append(new Float64Array([1, 5, 0, 3]))).toBe(false)
    expect(d.eventCount).toBe(0)
  })

  it('knows how many slots were filled at any instant', () => {
    const values = [4, 0, 2, 9]
    const { cols } = synthesizeRun(values, 'scheduled', 1, 1)
    const d = new RunData()
    d.reset(1, values, 1)
    d.append(cols.toBatch(1))
    d.finish()
    expect(d.filledAt(-Infinity)).toBe(0)
    expect(d.filledAt(Infinity)).toBe(4)
    for (let k = 0; k < 4; k++) {
      expect(d.filledAt(d.slotTime[k])).toBe(k + 1)
      expect(d.filledAt(d.slotTime[k] - 1)).toBe(k)
    }
    // sorted event times for playback
    expect(d.sortedTimes!.length).toBe(cols.length)
    for (let i = 1; i < d.sortedTimes!.length; i++)
      expect(d.sortedTimes![i]).toBeGreaterThanOrEqual(d.sortedTimes![i - 1])
  })

  it('keeps the events in time order as batches arrive: the order playback gets when the run ends', () => {
    const values = Array.from({ length: 60 }, (_, i) => (i * 17) % 23)
    const { cols } = synthesizeRun(values, 'scheduled', 0.01, 3)
    for (const size of [1, 7, 100, cols.length]) {
      const d = new RunData()
      d.reset(3, values, 0.01)
      for (const b of batches(cols, 3, size)) d.append(b)
      d.finish()
      const want = stableOrder(cols.tNs, cols.length)
      expect(Array.from(d.order!)).toEqual(Array.from(want))
      expect(Array.from(d.sortedTimes!)).toEqual(Array.from(want, (i) => cols.tNs[i]))
    }
  })

  it('orders the values once per list: the next run of the same list and replaced events reuse it', () => {
    const values = [5, 1, 5, 3, 0]
    const d = new RunData()
    d.reset(1, values, 1)
    expect(Array.from(d.valueOrder)).toEqual([4, 1, 3, 0, 2])
    expect(Array.from(d.rank)).toEqual([3, 1, 3, 2, 0])
    const first = d.valueOrder
    d.reset(2, values, 1)
    expect(d.valueOrder).toBe(first)
    expect(valueOrderOf(values)).toBe(first)
    // a run file's events replacing the live ones keep the values' arrays
    const { cols } = synthesizeRun(values, 'scheduled', 1, 2)
    const kept = d.values
    d.adopt(cols)
    expect(d.values).toBe(kept)
    expect(d.valueOrder).toBe(first)
    // another list (even with equal numbers) is ordered afresh
    d.reset(3, [...values], 1)
    expect(d.valueOrder).not.toBe(first)
    expect(Array.from(d.valueOrder)).toEqual([4, 1, 3, 0, 2])
  })

  it('marks values that arrived after a larger one', () => {
    const d = new RunData()
    d.reset(1, [5, 3, 8, 1], 1)
    const push = (w: number, slot: number, t: number) => {
      d.cols.push(EventKind.Pushed, w, t, slot)
    }
    push(0, 0, 10)
    push(2, 1, 20)
    push(1, 2, 30)
    push(3, 3, 40)
    d.fold()
    expect(Array.from(d.outOfOrder)).toEqual([0, 0, 1, 1])
    // output 5, 8, 3, 1: 3 follows two larger values, 1 follows three
    expect(Array.from(d.prefixInversions)).toEqual([0, 0, 0, 2, 5])
  })

  it('ranks ties equally', () => {
    expect(Array.from(ranks(Float64Array.from([5, 1, 5, 3])))).toEqual([2, 0, 2, 1])
  })
})

describe('mutex at an instant', () => {
  it('names the holder and the earliest waiters', () => {
    // ten threads wake at t = 100 + w and queue for the mutex; each holds it for 10 ns
    const t = emptyTable(10)
    for (let w = 0; w < 10; w++) {
      t.woke[w] = 100 + w
      t.lockWait[w] = 100 + w
      t.lockAcquired[w] = 200 + w * 10
      t.lockReleased[w] = 210 + w * 10
    }
    const m = mutexAt(t, 235, 4)
    expect(m.holder).toBe(3)
    expect(m.waiting).toBe(6)
    expect(m.waiters).toEqual([4, 5, 6, 7])
    expect(mutexAt(t, 150)).toEqual({ holder: -1, waiters: [0, 1, 2, 3, 4, 5], waiting: 10 })
    expect(mutexAt(t, Infinity)).toEqual({ holder: -1, waiters: [], waiting: 0 })
    // a cancelled waiter no longer waits
    t.cancelled[9] = 230
    expect(mutexAt(t, 235, 4).waiting).toBe(5)
  })
})

describe('mutex at the live edge', () => {
  it('is what the scan of every thread finds, after every batch, with cancellations and late arrivals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 40 }),
        fc.option(fc.integer({ min: 0, max: 40_000_000 }), { nil: undefined }),
        fc.constantFrom<'time' | 'by-worker'>('time', 'by-worker'),
        fc.integer({ min: 0, max: 5000 }),
        (values, size, cancelAtNs, interleave, preLock) => {
          const run = simulateSleepSort({
            values,
            unitMs: 1,
            cancelAtNs,
            interleave,
            holdNs: 3_000,
            lateNs: (w) => (w * 7919) % 4_000,
            preLockNs: (w) => (w % 3) * preLock,
          })
          const d = new RunData()
          d.reset(2, values, 1)
          for (const b of batches(run.cols, 2, size)) {
            d.append(b)
            for (const keep of [0, 1, 6, values.length]) {
              expect(d.mutexAt(d.maxT, keep)).toEqual(mutexAt(d.table, d.maxT, keep))
              expect(d.mutexAt(Infinity, keep)).toEqual(mutexAt(d.table, Infinity, keep))
            }
          }
        },
      ),
      { numRuns: 150 },
    )
  })
})

describe('mutex at the live edge, event by event', () => {
  it('follows waiters whose waiting time moves, leave, or are cancelled, in any arrival order', () => {
    // per worker: woke, then maybe lock-wait (later or earlier than woke), acquire, release, or a cancel
    const worker = fc.record({
      woke: fc.integer({ min: 0, max: 50 }),
      wait: fc.option(fc.integer({ min: -20, max: 60 }), { nil: undefined }),
      hold: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
      cancel: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
    })
    fc.assert(
      fc.property(fc.array(worker, { minLength: 1, maxLength: 40 }), fc.array(fc.nat()), (workers, shuffle) => {
        const events: [EventKind, number, number][] = []
        workers.forEach((p, w) => {
          const own: [EventKind, number, number][] = [[EventKind.Woke, w, p.woke]]
          if (p.wait !== undefined) own.push([EventKind.LockWait, w, p.woke + p.wait])
          if (p.hold !== undefined) {
            const at = 100 + w * 50
            own.push([EventKind.LockAcquired, w, at], [EventKind.LockReleased, w, at + p.hold])
          }
          if (p.cancel !== undefined) own.push([EventKind.Cancelled, w, p.cancel])
          events.push(...own)
        })
        // arrival order: any interleaving (the table only cares which steps are known)
        shuffle.forEach((k, i) => {
          const a = i % events.length,
            b = k % events.length
          ;[events[a], events[b]] = [events[b], events[a]]
        })
        const d = new RunData()
        d.reset(
          1,
          workers.map((_, i) => i),
          1,
        )
        for (const [kind, w, t] of events) {
          d.cols.push(kind, w, t, 0)
          d.fold()
          for (const keep of [0, 2, workers.length])
            expect(d.mutexAt(Infinity, keep)).toEqual(mutexAt(d.table, Infinity, keep))
        }
      }),
      { numRuns: 300 },
    )
  })
})

describe('lateness histogram', () => {
  it('counts every finite value once, on log bins', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: -1e3, max: 1e8, noNaN: true }), fc.constant(NaN)), { maxLength: 200 }),
        fc.integer({ min: 1, max: 30 }),
        (values, bins) => {
          const h = logHistogram(values, bins)
          const finite = values.filter(Number.isFinite)
          expect(h.total).toBe(finite.length)
          expect(h.counts.reduce((a, b) => a + b, 0)).toBe(finite.length)
          for (let i = 1; i < h.edges.length; i++) expect(h.edges[i]).toBeGreaterThanOrEqual(h.edges[i - 1])
          let members = 0
          for (let b = 0; b < h.counts.length; b++) {
            const m = membersOf(values, h.edges, b)
            expect(m.length).toBe(h.counts[b])
            members += m.length
          }
          expect(members).toBe(finite.length)
        },
      ),
    )
  })

  it('puts values at or above the top edge in the last bin', () => {
    const h = logHistogram([100, 1000, 10_000], 2)
    expect(binOf(h.edges, 10_000)).toBe(1)
    expect(binOf(h.edges, 0)).toBe(0)
  })
})
