/**
 * A replay (fetchRunEvents): every recorded batch of a run joined into one batch (seq 0), the value
 * the renderer gets under every host. `BatchJoiner` joins batches into a buffer sized once; the run
 * service joins the recorded batches with it, and the web client joins the frames of a replay
 * stream with it as they arrive (the web host sends the recorded batches themselves, one frame each,
 * so a replay costs the host no copy: see src/web/server/replay-stream.ts). `ReplayReceiver` is the
 * receiving side of that stream (protocol: ./ipc).
 */
import type { Outcome } from './api'
import { BATCH_FORMAT, BATCH_HEADER, EVENT_WIDTH, isBatchError, readBatchHeader } from './events'

const failed = (message: string): Outcome<never> => ({ ok: false, error: { code: 'E_BAD_REPLAY', message } })

/** Joins the batches of one run, in order, into one batch of a size declared up front. */
export class BatchJoiner {
  private readonly out: Float64Array
  private filled = 0

  /** Throws a RangeError when `events` cannot be allocated. */
  constructor(
    readonly runId: number,
    readonly events: number,
  ) {
    this.out = new Float64Array(BATCH_HEADER + events * EVENT_WIDTH)
    this.out[0] = BATCH_FORMAT
    this.out[1] = runId
    this.out[2] = 0
    this.out[3] = events
  }

  /** Appends one batch's events; an error (nothing appended) when it is malformed or too many. */
  add(batch: Float64Array): Outcome<null> {
    const header = readBatchHeader(batch)
    if (isBatchError(header)) return failed(header.message)
    if (header.runId !== this.runId) return failed(`a batch of run ${header.runId} in the replay of run ${this.runId}`)
    if (this.filled + header.count > this.events)
      return failed(`the replay of run ${this.runId} holds more than the ${this.events} events it announced`)
    this.out.set(batch.subarray(BATCH_HEADER), BATCH_HEADER + this.filled * EVENT_WIDTH)
    this.filled += header.count
    return { ok: true, value: null }
  }

  /** The joined batch, once every announced event arrived. */
  done(): Outcome<Float64Array> {
    if (this.filled !== this.events)
      return failed(`the replay of run ${this.runId} ended after ${this.filled} of its ${this.events} events`)
    return { ok: true, value: this.out }
  }
}

/** A run's recorded batches, in the engine's order, and the events they hold. */
export interface Recording {
  readonly runId: number
  readonly events: number
  readonly batches: readonly Float64Array[]
}

/** Joins a run's recorded batches into one (a copy: 32 bytes an event, allocated once). */
export function joinRecording({ runId, events, batches }: Recording): Outcome<Float64Array> {
  const joiner = new BatchJoiner(runId, events)
  for (const b of batches) {
    const added = joiner.add(b)
    if (!added.ok) return added
  }
  return joiner.done()
}

/**
 * The value of a response whose method's result is a batch (fetchRunEvents) on the WebSocket: the
 * result is the next `frames` binary frames (each one recorded batch of run `runId`), `events` in
 * all, unless a response with the same id comes first (the host gave up: that response is the answer).
 */
export interface BinaryFollows {
  binary: true
  runId: number
  events: number
  frames: number
}

const count = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

/** Reads a response value as BinaryFollows; null when it is not one. */
export function readBinaryFollows(value: unknown): BinaryFollows | null {
  if (typeof value !== 'object' || value === null) return null
  const { binary, runId, events, frames } = value as Record<string, unknown>
  if (binary !== true || !count(runId) || !count(events) || !count(frames)) return null
  return { binary, runId, events, frames }
}

/**
 * One WebSocket client's side of replay streams: the host sends one replay at a time and no live
 * batch while it streams, so every binary frame that arrives while a replay is open is the replay's.
 */
export class ReplayReceiver {
  private open: { id: number; joiner: BatchJoiner; left: number; problem: Outcome<never> | null } | null = null

  /** true while binary frames belong to a replay */
  get receiving(): boolean {
    return this.open !== null
  }

  /**
   * A response announcing a replay: starts collecting its frames. Returns the answer at once when
   * no frame follows (or the announced size cannot be allocated), else null.
   */
  start(id: number, follows: BinaryFollows): Outcome<Float64Array> | null {
    let joiner: BatchJoiner
    try {
      joiner = new BatchJoiner(follows.runId, follows.events)
    } catch (e) {
      return failed(
        `the replay of run ${follows.runId} (${follows.events} events) cannot be held: ${(e as Error).message}`,
      )
    }
    if (follows.frames === 0) return joiner.done()
    this.open = { id, joiner, left: follows.frames, problem: null }
    return null
  }

  /** One binary frame of the open replay; returns its answer with the last frame, else null. */
  frame(batch: Float64Array): { id: number; outcome: Outcome<Float64Array> } | null {
    const open = this.open
    if (!open) return null
    if (!open.problem) {
      const added = open.joiner.add(batch)
      if (!added.ok) open.problem = added
    }
    if (--open.left > 0) return null
    this.open = null
    return { id: open.id, outcome: open.problem ?? open.joiner.done() }
  }

  /** A response for `id` arrived: if it ends the open replay (the host gave up), drop what came. */
  ended(id: number): boolean {
    if (this.open?.id !== id) return false
    this.open = null
    return true
  }
}
