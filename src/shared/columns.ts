/**
 * A run's events as growable typed-array columns: the one in-memory form that the renderer's
 * canvas, run files, trace export, cause attribution and the CLI all read. Appending a batch copies
 * its rows once; nothing allocates per event.
 */
import { BATCH_HEADER, EVENT_WIDTH, EventKind, isBatchError, readBatchHeader, type BatchDecodeError } from './events'

export class EventColumns {
  kind: Uint8Array
  worker: Uint32Array
  tNs: Float64Array
  arg: Float64Array
  length = 0
  /** batches appended, to spot gaps (seq numbers are consecutive per run) */
  batches = 0
  nextSeq = 0
  missedBatches = 0

  constructor(capacity = 1024) {
    this.kind = new Uint8Array(capacity)
    this.worker = new Uint32Array(capacity)
    this.tNs = new Float64Array(capacity)
    this.arg = new Float64Array(capacity)
  }

  get capacity(): number {
    return this.kind.length
  }

  /** Appends a packed batch. Returns an error (and appends nothing) when the batch is malformed. */
  appendBatch(batch: Float64Array): BatchDecodeError | null {
    const header = readBatchHeader(batch)
    if (isBatchError(header)) return header
    if (header.seq > this.nextSeq) this.missedBatches += header.seq - this.nextSeq
    this.nextSeq = Math.max(this.nextSeq, header.seq + 1)
    this.reserve(this.length + header.count)
    for (let i = 0, o = BATCH_HEADER; i < header.count; i++, o += EVENT_WIDTH) {
      const at = this.length + i
      this.kind[at] = batch[o]
      this.worker[at] = batch[o + 1]
      this.tNs[at] = batch[o + 2]
      this.arg[at] = batch[o + 3]
    }
    this.length += header.count
    this.batches++
    return null
  }

  push(kind: EventKind, worker: number, tNs: number, arg: number): void {
    this.reserve(this.length + 1)
    const at = this.length++
    this.kind[at] = kind
    this.worker[at] = worker
    this.tNs[at] = tNs
    this.arg[at] = arg
  }

  reserve(needed: number): void {
    if (needed <= this.capacity) return
    let next = Math.max(1024, this.capacity * 2)
    while (next < needed) next *= 2
    this.kind = grow(this.kind, new Uint8Array(next))
    this.worker = grow(this.worker, new Uint32Array(next))
    this.tNs = grow(this.tNs, new Float64Array(next))
    this.arg = grow(this.arg, new Float64Array(next))
  }

  /** Events ordered by time (stable), as batches from several workers interleave. */
  sortedByTime(): EventColumns {
    const order = new Uint32Array(this.length)
    for (let i = 0; i < order.length; i++) order[i] = i
    order.sort((a, b) => this.tNs[a] - this.tNs[b] || a - b)
    const out = new EventColumns(Math.max(1, this.length))
    for (const i of order) out.push(this.kind[i] as EventKind, this.worker[i], this.tNs[i], this.arg[i])
    return out
  }

  /** One packed batch holding every event (runId given, seq 0): for replay and run files. */
  toBatch(runId: number): Float64Array {
    const out = new Float64Array(BATCH_HEADER + this.length * EVENT_WIDTH)
    out[0] = 1
    out[1] = runId
    out[2] = 0
    out[3] = this.length
    for (let i = 0, o = BATCH_HEADER; i < this.length; i++, o += EVENT_WIDTH) {
      out[o] = this.kind[i]
      out[o + 1] = this.worker[i]
      out[o + 2] = this.tNs[i]
      out[o + 3] = this.arg[i]
    }
    return out
  }

  static fromBatches(batches: Iterable<Float64Array>): EventColumns {
    const cols = new EventColumns()
    for (const b of batches) {
      const err = cols.appendBatch(b)
      if (err) throw new Error(err.message)
    }
    return cols
  }
}

function grow<T extends Uint8Array | Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from as never)
  return to
}
