/**
 * Fuzzing the batch decoder (src/shared/events.ts readBatchHeader + src/shared/columns.ts
 * EventColumns.appendBatch), which every receiver of native batches runs on frames it did not make.
 * - valid batches (any rows the wire format can carry) decode to exactly their rows, alone or in a
 *   sequence, and the seq bookkeeping (nextSeq, missedBatches) follows the documented rule;
 * - arbitrary Float64Arrays, and valid batches with one number changed, never throw: either E_BATCH
 *   and nothing is appended, or the header is right and the rows decode exactly;
 * - what is not a Float64Array is refused; a huge declared count is refused without allocating.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EventColumns } from '../../src/shared/columns'
import {
  BATCH_FORMAT,
  BATCH_HEADER,
  EVENT_WIDTH,
  MAX_EVENT_KIND,
  isBatchError,
  iterateEvents,
  readBatchHeader,
} from '../../src/shared/events'
import { check, same, show } from './helpers/assert'
import { fcParams, timeoutFor } from './helpers/budget'

interface Row {
  kind: number
  worker: number
  tNs: number
  arg: number
}

/** The largest worker index the columns can hold (Uint32Array). */
const MAX_WORKER = 0xffff_ffff

function batchOf(runId: number, seq: number, rows: Row[]): Float64Array {
  const b = new Float64Array(BATCH_HEADER + rows.length * EVENT_WIDTH)
  b[0] = BATCH_FORMAT
  b[1] = runId
  b[2] = seq
  b[3] = rows.length
  rows.forEach((r, i) => b.set([r.kind, r.worker, r.tNs, r.arg], BATCH_HEADER + i * EVENT_WIDTH))
  return b
}

/** Checks columns [from, from + rows.length) hold exactly `rows`. */
function checkRows(cols: EventColumns, from: number, rows: Row[]): void {
  for (let i = 0; i < rows.length; i++) {
    const at = from + i
    // kind and worker live in integer columns, where -0 reads back as 0
    same(cols.kind[at], rows[i].kind === 0 ? 0 : rows[i].kind, `kind of row ${i}`)
    same(cols.worker[at], rows[i].worker === 0 ? 0 : rows[i].worker, `worker of row ${i}`)
    same(cols.tNs[at], rows[i].tNs, `tNs of row ${i}`)
    same(cols.arg[at], rows[i].arg, `arg of row ${i}`)
  }
}

/**
 * The documented validity of a batch, written out independently of readBatchHeader: a worker index
 * the columns cannot hold (above 2^32 - 1) makes it invalid (regressions/batch-worker-over-u32.test.ts).
 */
function validity(b: Float64Array): 'valid' | 'invalid' {
  if (b.length < BATCH_HEADER || b[0] !== BATCH_FORMAT) return 'invalid'
  const header = [b[1], b[2], b[3]]
  if (!header.every((v) => Number.isSafeInteger(v) && v >= 0)) return 'invalid'
  const count = b[3]
  if (b.length !== BATCH_HEADER + count * EVENT_WIDTH) return 'invalid'
  for (let i = 0; i < count; i++) {
    const o = BATCH_HEADER + i * EVENT_WIDTH
    if (!Number.isInteger(b[o]) || b[o] < 0 || b[o] > MAX_EVENT_KIND) return 'invalid'
    if (!Number.isInteger(b[o + 1]) || b[o + 1] < 0 || b[o + 1] > MAX_WORKER) return 'invalid'
    if (!Number.isFinite(b[o + 2])) return 'invalid'
  }
  return 'valid'
}

function rowsOf(b: Float64Array): Row[] {
  const rows: Row[] = []
  for (let o = BATCH_HEADER; o + EVENT_WIDTH <= b.length; o += EVENT_WIDTH)
    rows.push({ kind: b[o], worker: b[o + 1], tNs: b[o + 2], arg: b[o + 3] })
  return rows
}

/**
 * One batch through the decoder: never throws; E_BATCH leaves the columns untouched; success means
 * the batch is valid and its rows were appended exactly.
 */
function decodeOne(cols: EventColumns, b: Float64Array): boolean {
  const before = { length: cols.length, batches: cols.batches, nextSeq: cols.nextSeq, missed: cols.missedBatches }
  let header, err
  try {
    header = readBatchHeader(b)
    err = cols.appendBatch(b)
  } catch (e) {
    throw new Error(`the decoder threw: ${(e as Error).message}`, { cause: e })
  }
  check(isBatchError(header) === (err !== null), 'readBatchHeader and appendBatch disagree')
  const valid = validity(b)
  if (isBatchError(header)) {
    same(header.code, 'E_BATCH', 'error code')
    check(typeof header.message === 'string' && header.message.length > 0, 'an error without a message')
    check(valid !== 'valid', () => `a valid batch was refused: ${header.message}`)
    check(
      cols.length === before.length &&
        cols.batches === before.batches &&
        cols.nextSeq === before.nextSeq &&
        cols.missedBatches === before.missed,
      'a refused batch changed the columns',
    )
    return false
  }
  check(valid !== 'invalid', () => `an invalid batch was accepted: ${show(Array.from(b.subarray(0, 12)))}`)
  same(header.runId, b[1], 'runId')
  same(header.seq, b[2], 'seq')
  same(header.count, b[3], 'count')
  same(cols.length, before.length + header.count, 'length after append')
  same(cols.batches, before.batches + 1, 'batches')
  same(cols.nextSeq, Math.max(before.nextSeq, header.seq + 1), 'nextSeq')
  same(cols.missedBatches, before.missed + Math.max(0, header.seq - before.nextSeq), 'missedBatches')
  const rows = rowsOf(b)
  checkRows(cols, before.length, rows)
  let i = 0
  for (const e of iterateEvents(b)) {
    check(
      Object.is(e.kind, rows[i].kind) &&
        Object.is(e.worker, rows[i].worker) &&
        Object.is(e.tNs, rows[i].tNs) &&
        Object.is(e.arg, rows[i].arg),
      `iterateEvents row ${i}`,
    )
    i++
  }
  same(i, rows.length, 'iterateEvents count')
  return true
}

// ---- generators -------------------------------------------------------------------------------

const anyDouble = fc.oneof(
  fc.double(),
  fc.constantFrom(NaN, -0, Infinity, -Infinity, 2 ** 32, 2 ** 53, 2 ** 53 + 2, Number.MAX_VALUE, 5e-324),
)
const row: fc.Arbitrary<Row> = fc.record({
  kind: fc.integer({ min: 0, max: MAX_EVENT_KIND }),
  worker: fc.oneof(
    fc.integer({ min: 0, max: 20_000 }),
    fc.integer({ min: 0, max: MAX_WORKER }),
    fc.constant(MAX_WORKER),
  ),
  tNs: fc.oneof(
    fc.integer({ min: 0, max: 60e9 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constant(-0),
  ),
  arg: anyDouble,
})
const header = { runId: fc.oneof(fc.nat(1000), fc.maxSafeNat()), seq: fc.oneof(fc.nat(20), fc.maxSafeNat()) }
const validBatch = fc
  .record({ ...header, rows: fc.array(row, { maxLength: 40 }) })
  .map(({ runId, seq, rows }) => ({ rows, batch: batchOf(runId, seq, rows) }))

/** A valid batch with one number replaced by an arbitrary double (or the array cut or extended). */
const mutatedBatch = fc
  .tuple(validBatch, fc.nat(), anyDouble, fc.integer({ min: 0, max: 3 }))
  .map(([{ batch }, at, x, how]) => {
    if (how === 0 || batch.length === 0) {
      const b = batch.slice()
      if (b.length) b[at % b.length] = x
      return b
    }
    if (how === 1) return batch.slice(0, at % (batch.length + 1))
    if (how === 2) {
      const b = new Float64Array(batch.length + 1 + (at % 8))
      b.set(batch)
      b[batch.length] = x
      return b
    }
    // the header's count, off by a little
    const b = batch.slice()
    if (b.length >= BATCH_HEADER) b[3] = Math.max(0, b[3] + ((at % 5) - 2))
    return b
  })

describe('batch decoder (fuzz)', () => {
  it(
    'valid batches decode to exactly their rows',
    () => {
      fc.assert(
        fc.property(validBatch, ({ rows, batch }) => {
          const cols = new EventColumns(1 + (rows.length % 3)) // small capacity: growth is exercised
          check(decodeOne(cols, batch), 'a valid batch was refused')
          checkRows(cols, 0, rows)
        }),
        fcParams(2000),
      )
    },
    timeoutFor(2000),
  )

  it(
    'a sequence of batches appends in order; seq gaps are counted as missed',
    () => {
      fc.assert(
        fc.property(
          fc.array(fc.record({ seq: fc.nat(12), rows: fc.array(row, { maxLength: 300 }) }), { maxLength: 12 }),
          (parts) => {
            const cols = new EventColumns(0 + (parts.length % 2))
            const all: Row[] = []
            for (const { seq, rows } of parts) {
              check(decodeOne(cols, batchOf(7, seq, rows)), 'refused')
              all.push(...rows)
            }
            same(cols.length, all.length, 'total length')
            checkRows(cols, 0, all)
            const rebuilt = EventColumns.fromBatches([cols.toBatch(7)])
            checkRows(rebuilt, 0, all)
          },
        ),
        fcParams(500, 5),
      )
    },
    timeoutFor(500, 5, 5),
  )

  it(
    'arbitrary Float64Arrays never throw; E_BATCH or an exact decode',
    () => {
      const arbitrary = fc.oneof(
        fc.float64Array({ maxLength: 40 }),
        // plausible headers over arbitrary rows
        fc
          .tuple(
            fc.constantFrom(1, 1, 1, 0, 2, NaN),
            anyDouble,
            anyDouble,
            fc.nat(10),
            fc.float64Array({ maxLength: 40 }),
          )
          .map(([f, r, s, c, rest]) =>
            Float64Array.from([f, Math.abs(Math.trunc(r)) || 0, Math.abs(Math.trunc(s)) || 0, c, ...rest]),
          ),
      )
      fc.assert(
        fc.property(arbitrary, (b) => {
          decodeOne(new EventColumns(), b)
        }),
        fcParams(3000),
      )
    },
    timeoutFor(3000),
  )

  it(
    'valid batches with one number changed never throw; E_BATCH or an exact decode',
    () => {
      fc.assert(
        fc.property(mutatedBatch, (b) => {
          decodeOne(new EventColumns(), b)
        }),
        fcParams(3000),
      )
    },
    timeoutFor(3000),
  )

  it('refuses what is not a Float64Array, and huge declared counts without allocating', () => {
    for (const x of [
      null,
      undefined,
      [1, 0, 0, 0],
      new Float32Array(4),
      new DataView(new ArrayBuffer(32)),
      new Uint8Array(32),
      { length: 4, 0: 1 },
      'batch',
    ]) {
      const cols = new EventColumns()
      expect(readBatchHeader(x as never)).toMatchObject({ code: 'E_BATCH' })
      expect(cols.appendBatch(x as never)).toMatchObject({ code: 'E_BATCH' })
      expect(cols.length).toBe(0)
    }
    const cols = new EventColumns()
    for (const count of [2 ** 53 - 1, 2 ** 31, 2 ** 26]) {
      const b = Float64Array.from([1, 1, 0, count, 0, 0, 0, 0])
      expect(cols.appendBatch(b)).toMatchObject({ code: 'E_BATCH' })
    }
    expect(cols.capacity).toBe(1024)
  })

  it('decodes a 1,000,000-event batch in bounded time', () => {
    const n = 1_000_000
    const b = new Float64Array(BATCH_HEADER + n * EVENT_WIDTH)
    b.set([1, 3, 0, n])
    for (let i = 0, o = BATCH_HEADER; i < n; i++, o += EVENT_WIDTH) b.set([i % 13, i, i * 10, -i], o)
    const cols = new EventColumns()
    const t0 = performance.now()
    expect(cols.appendBatch(b)).toBeNull()
    expect(performance.now() - t0).toBeLessThan(2000)
    expect(cols.length).toBe(n)
    expect([cols.kind[n - 1], cols.worker[n - 1], cols.tNs[n - 1], cols.arg[n - 1]]).toEqual([
      (n - 1) % 13,
      n - 1,
      (n - 1) * 10,
      -(n - 1),
    ])
    expect(cols.capacity).toBeLessThan(2 * n + 1024)
  })
})
