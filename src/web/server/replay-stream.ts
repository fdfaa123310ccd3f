/**
 * Replays (fetchRunEvents) for one WebSocket client, sent without a copy: the run's recorded
 * batches go out as they are, one binary frame each, each only once the client's queue has room,
 * one replay at a time. A replay waiting for its turn holds its run id and nothing else; the run is
 * looked up when its turn comes, so a client that stops reading and asks again and again costs the
 * host no more than what its queue may hold. Protocol: BinaryFollows (src/shared/replay.ts).
 */
import type { Outcome } from '../../shared/api'
import type { BinaryFollows, Recording } from '../../shared/replay'

/** What the stream needs of the client's socket. */
export interface ReplayChannel {
  /** false once the socket is no longer open */
  isOpen(): boolean
  /** whether a replay frame of `bytes` may be queued now */
  hasRoom(bytes: number): boolean
  /** answers a request (a frame the client needs, through the host's gate) */
  respond(id: number, outcome: Outcome<unknown>): void
  sendBinary(batch: Float64Array): void
}

export interface ReplayStreamOptions {
  /** how long a replay waits for room (for its first frame, then for each next one) before E_SLOW_CLIENT */
  waitMs: number
  /** how often the queue is looked at while a replay waits (default 10 ms) */
  pollMs?: number
}

/** fetchRunEvents accepted: what is held until the replay's turn comes. */
export class ReplayOrder {
  constructor(readonly runId: number) {}
}

const SLOW: Outcome<never> = {
  ok: false,
  error: { code: 'E_SLOW_CLIENT', message: 'this client has too much unread data queued: read it, then ask again' },
}

export class ReplayStream {
  private pending = 0
  private turn: Promise<void> = Promise.resolve()
  private readonly pollMs: number

  constructor(
    private readonly channel: ReplayChannel,
    private readonly lookup: (runId: unknown) => Outcome<Recording>,
    private readonly options: ReplayStreamOptions,
  ) {
    this.pollMs = options.pollMs ?? 10
  }

  /**
   * true while a replay waits or streams: live batches are dropped meanwhile (a binary frame among
   * the replay's would be taken for one of them, and the replay needs the room)
   */
  get busy(): boolean {
    return this.pending > 0
  }

  /** Answers fetchRunEvents: refused at once when there is no such run, else an order to stream it. */
  order(runId: unknown): Outcome<ReplayOrder> {
    const found = this.lookup(runId)
    return found.ok ? { ok: true, value: new ReplayOrder(found.value.runId) } : found
  }

  /** Streams one replay as the answer to request `id`; settles once it is sent, refused or the socket closed. */
  send(id: number, order: ReplayOrder): Promise<void> {
    this.pending++
    const mine = this.turn.then(() => this.stream(id, order.runId))
    this.turn = mine.catch(() => undefined)
    return mine.finally(() => this.pending--)
  }

  private async stream(id: number, runId: number): Promise<void> {
    // looked up now: the run may have been replaced while this replay waited for its turn
    const found = this.lookup(runId)
    if (!found.ok) return this.channel.respond(id, found)
    const { events, batches } = found.value
    if (!(await this.room(id, batches[0]?.byteLength ?? 0))) return
    const follows: BinaryFollows = { binary: true, runId, events, frames: batches.length }
    this.channel.respond(id, { ok: true, value: follows })
    for (const batch of batches) {
      if (!(await this.room(id, batch.byteLength))) return
      this.channel.sendBinary(batch)
    }
  }

  /**
   * Waits until a frame of `bytes` fits. False when the socket closed, or when the wait timed out:
   * then request `id` is answered with E_SLOW_CLIENT (mid-stream, a response with the replay's id
   * ends it: the client drops the frames it got).
   */
  private async room(id: number, bytes: number): Promise<boolean> {
    const deadline = Date.now() + this.options.waitMs
    while (this.channel.isOpen() && !this.channel.hasRoom(bytes)) {
      if (Date.now() > deadline) {
        this.channel.respond(id, SLOW)
        return false
      }
      await new Promise((r) => setTimeout(r, this.pollMs))
    }
    return this.channel.isOpen()
  }
}
