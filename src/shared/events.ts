/**
 * The packed event batch: the one wire format from the native engine to the renderer.
 *
 * A batch is a Float64Array (f64 keeps ns timestamps exact for 104 days and values exact to 2^53):
 *   [0] BATCH_FORMAT   [1] runId   [2] seq (0, 1, 2, … per run)   [3] eventCount
 *   then eventCount rows of EVENT_WIDTH numbers: kind, worker, tNs, arg
 * The native collector builds it; main, preload and the web host forward it unchanged.
 */
export const BATCH_FORMAT = 1
export const BATCH_HEADER = 4
export const EVENT_WIDTH = 4

/** Event kinds. Numeric values are part of the wire format: never renumber. */
export const EventKind = {
  Spawned: 0,
  /** arg: absolute deadline in ns since the epoch */
  SleepStart: 1,
  /** arg: the deadline again, so lateness = t - arg without a join */
  Woke: 2,
  LockWait: 3,
  LockAcquired: 4,
  /** arg: index in the shared vector */
  Pushed: 5,
  LockReleased: 6,
  Exited: 7,
  Cancelled: 8,
  /** parallel sum, worker = chunk index; arg: chunk length */
  ChunkStart: 9,
  /** arg: elements done so far in this chunk */
  ChunkProgress: 10,
  /** arg: the chunk's partial sum (as f64; exact value is in the result) */
  ChunkDone: 11,
  /** worker = chunk folded in; arg: running total (as f64) */
  Combined: 12,
} as const
export type EventKind = (typeof EventKind)[keyof typeof EventKind]

export const EVENT_KIND_NAMES: Record<EventKind, string> = {
  0: 'spawned',
  1: 'sleep-start',
  2: 'woke',
  3: 'lock-wait',
  4: 'lock-acquired',
  5: 'pushed',
  6: 'lock-released',
  7: 'exited',
  8: 'cancelled',
  9: 'chunk-start',
  10: 'chunk-progress',
  11: 'chunk-done',
  12: 'combined',
}

export const MAX_EVENT_KIND = 12

export interface BatchHeader {
  runId: number
  seq: number
  count: number
}

export type BatchDecodeError = { code: 'E_BATCH'; message: string }

/**
 * Checks a batch's header and length without copying. Returns the header or a typed error;
 * never throws, so a hostile or truncated frame cannot take the receiver down.
 */
/** The largest worker index: the event columns and the run file store workers as u32. */
export const MAX_WORKER = 0xffff_ffff

export function readBatchHeader(batch: Float64Array): BatchHeader | BatchDecodeError {
  if (!(batch instanceof Float64Array)) return { code: 'E_BATCH', message: 'batch is not a Float64Array' }
  if (batch.length < BATCH_HEADER)
    return {
      code: 'E_BATCH',
      message: `batch has ${batch.length} numbers, fewer than the ${BATCH_HEADER}-number header`,
    }
  if (batch[0] !== BATCH_FORMAT)
    return { code: 'E_BATCH', message: `batch format ${batch[0]} is not the supported ${BATCH_FORMAT}` }
  const runId = batch[1],
    seq = batch[2],
    count = batch[3]
  for (const [name, v] of [
    ['runId', runId],
    ['seq', seq],
    ['eventCount', count],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0)
      return { code: 'E_BATCH', message: `batch ${name} ${v} is not a non-negative integer` }
  }
  if (batch.length !== BATCH_HEADER + count * EVENT_WIDTH) {
    return {
      code: 'E_BATCH',
      message: `batch says ${count} events but holds ${(batch.length - BATCH_HEADER) / EVENT_WIDTH}`,
    }
  }
  for (let i = 0; i < count; i++) {
    const o = BATCH_HEADER + i * EVENT_WIDTH
    const kind = batch[o]
    if (!Number.isInteger(kind) || kind < 0 || kind > MAX_EVENT_KIND)
      return { code: 'E_BATCH', message: `event ${i} has unknown kind ${kind}` }
    if (!Number.isInteger(batch[o + 1]) || batch[o + 1] < 0 || batch[o + 1] > MAX_WORKER)
      return { code: 'E_BATCH', message: `event ${i} has bad worker ${batch[o + 1]}` }
    if (!Number.isFinite(batch[o + 2])) return { code: 'E_BATCH', message: `event ${i} has a non-finite time` }
  }
  return { runId, seq, count }
}

export function isBatchError(h: BatchHeader | BatchDecodeError): h is BatchDecodeError {
  return (h as BatchDecodeError).code === 'E_BATCH'
}

/** One decoded event, for tests and tools; the renderer reads the columns directly instead. */
export interface DecodedEvent {
  kind: EventKind
  worker: number
  tNs: number
  arg: number
}

export function* iterateEvents(batch: Float64Array): Generator<DecodedEvent> {
  const count = batch[3]
  for (let i = 0; i < count; i++) {
    const o = BATCH_HEADER + i * EVENT_WIDTH
    yield { kind: batch[o] as EventKind, worker: batch[o + 1], tNs: batch[o + 2], arg: batch[o + 3] }
  }
}
