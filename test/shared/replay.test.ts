// A replay's two halves: the web host's stream of recorded batches (one frame each, each when the
// client's queue has room, one replay at a time) and the client's receiver that joins them into
// the one batch every host answers with. The socket side is a fake channel here; the real socket
// is exercised by test/web/replay-memory.test.ts, webhost.test.ts and the contract suite.
import { describe, expect, it } from 'vitest'
import type { Outcome } from '../../src/shared/api'
import { EventColumns } from '../../src/shared/columns'
import {
  BatchJoiner,
  joinRecording,
  readBinaryFollows,
  ReplayReceiver,
  type BinaryFollows,
  type Recording,
} from '../../src/shared/replay'
import { ReplayOrder, ReplayStream, type ReplayChannel } from '../../src/web/server/replay-stream'
import { makeBatch } from '../service/fake-engine'

const recordingOf = (runId: number, sizes: number[]): Recording => {
  const batches = sizes.map((n, seq) => makeBatch(runId, seq, n, seq * 100))
  return { runId, events: sizes.reduce((a, b) => a + b, 0), batches }
}
const joinedByColumns = (r: Recording) => EventColumns.fromBatches(r.batches).toBatch(r.runId)

describe('joining a run', () => {
  it('joins recorded batches into the batch the columns would make (seq 0, every event in order)', () => {
    const r = recordingOf(7, [3, 0, 5, 1])
    expect(joinRecording(r)).toEqual({ ok: true, value: joinedByColumns(r) })
    expect(joinRecording(recordingOf(2, []))).toEqual({ ok: true, value: new Float64Array([1, 2, 0, 0]) })
  })

  it('refuses a batch of another run, more events than announced, fewer, and a malformed one', () => {
    const other = new BatchJoiner(1, 4)
    expect(other.add(makeBatch(2, 0, 2))).toMatchObject({ ok: false, error: { code: 'E_BAD_REPLAY' } })
    const more = new BatchJoiner(1, 2)
    expect(more.add(makeBatch(1, 0, 3)).ok).toBe(false)
    const fewer = new BatchJoiner(1, 3)
    expect(fewer.add(makeBatch(1, 0, 2)).ok).toBe(true)
    expect(fewer.done()).toMatchObject({ ok: false, error: { message: expect.stringMatching(/2 of its 3/) } })
    expect(new BatchJoiner(1, 1).add(new Float64Array([1, 1, 0, 1, 99, 0, 0, 0])).ok).toBe(false)
  })

  it('reads only a well-formed announcement', () => {
    expect(readBinaryFollows({ binary: true, runId: 1, events: 2, frames: 1 })).toEqual({
      binary: true,
      runId: 1,
      events: 2,
      frames: 1,
    })
    for (const bad of [null, 3, { binary: true, bytes: 8 }, { binary: 1, runId: 1, events: 2, frames: 1 }])
      expect(readBinaryFollows(bad), JSON.stringify(bad)).toBeNull()
    expect(readBinaryFollows({ binary: true, runId: 1, events: -1, frames: 1 })).toBeNull()
  })
})

describe('receiving a replay', () => {
  const announce = (r: Recording): BinaryFollows => ({
    binary: true,
    runId: r.runId,
    events: r.events,
    frames: r.batches.length,
  })

  it('takes the announced frames, then answers with the joined batch', () => {
    const r = recordingOf(4, [2, 3])
    const receiver = new ReplayReceiver()
    expect(receiver.start(9, announce(r))).toBeNull()
    expect(receiver.receiving).toBe(true)
    expect(receiver.frame(r.batches[0])).toBeNull()
    expect(receiver.frame(r.batches[1])).toEqual({ id: 9, outcome: { ok: true, value: joinedByColumns(r) } })
    expect(receiver.receiving).toBe(false)
  })

  it('answers at once when no frame follows, and with an error when the size cannot be held', () => {
    const receiver = new ReplayReceiver()
    expect(receiver.start(1, { binary: true, runId: 3, events: 0, frames: 0 })).toEqual({
      ok: true,
      value: new Float64Array([1, 3, 0, 0]),
    })
    expect(receiver.start(2, { binary: true, runId: 3, events: 2 ** 52, frames: 1 })).toMatchObject({
      ok: false,
      error: { code: 'E_BAD_REPLAY' },
    })
    expect(receiver.receiving).toBe(false)
  })

  it('a bad frame fails the replay once all its frames are in; a response with its id ends it', () => {
    const r = recordingOf(4, [2, 2])
    const receiver = new ReplayReceiver()
    receiver.start(1, announce(r))
    expect(receiver.frame(makeBatch(5, 0, 2))).toBeNull()
    expect(receiver.frame(r.batches[1])).toMatchObject({ id: 1, outcome: { ok: false } })
    receiver.start(2, announce(r))
    receiver.frame(r.batches[0])
    expect(receiver.ended(3)).toBe(false)
    expect(receiver.ended(2)).toBe(true)
    expect(receiver.receiving).toBe(false)
  })
})

/** A client socket's queue, drained by hand. */
function fakeChannel(room: number) {
  const sent: Array<{ id: number; outcome: Outcome<unknown> } | Float64Array> = []
  const state = { open: true, queued: 0 }
  const channel: ReplayChannel = {
    isOpen: () => state.open,
    hasRoom: (bytes) => state.queued === 0 || state.queued + bytes <= room,
    respond: (id, outcome) => void sent.push({ id, outcome }),
    sendBinary: (batch) => {
      sent.push(batch)
      state.queued += batch.byteLength
    },
  }
  return { channel, sent, state }
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms))

describe('streaming a replay (web host)', () => {
  it('sends the recorded batches themselves, each only when the queue has room', async () => {
    const r = recordingOf(6, [4, 4, 4])
    const frame = r.batches[0].byteLength
    const { channel, sent, state } = fakeChannel(frame * 2)
    const stream = new ReplayStream(channel, () => ({ ok: true, value: r }), { waitMs: 5_000, pollMs: 1 })
    const done = stream.send(1, new ReplayOrder(6))
    expect(stream.busy).toBe(true)
    await tick(20)
    // the announcement and the two frames that fit; the third waits
    expect(sent).toEqual([{ id: 1, outcome: { ok: true, value: announce(r) } }, r.batches[0], r.batches[1]])
    expect(sent[1]).toBe(r.batches[0])
    state.queued = 0
    await done
    expect(sent.slice(3)).toEqual([r.batches[2]])
    expect(stream.busy).toBe(false)

    function announce(x: Recording) {
      return { binary: true, runId: x.runId, events: x.events, frames: x.batches.length }
    }
  })

  it('one replay at a time; each looks its run up when its turn comes', async () => {
    let current: Recording = recordingOf(1, [2])
    const lookups: number[] = []
    const { channel, sent, state } = fakeChannel(0)
    state.queued = 1 // nothing fits until the client reads
    const stream = new ReplayStream(
      channel,
      (runId) => {
        lookups.push(runId as number)
        return runId === current.runId
          ? { ok: true, value: current }
          : { ok: false, error: { code: 'E_NO_SUCH_RUN', message: `run ${String(runId)}` } }
      },
      { waitMs: 5_000, pollMs: 1 },
    )
    expect(stream.order(5)).toMatchObject({ ok: false, error: { code: 'E_NO_SUCH_RUN' } })
    const order = stream.order(1)
    if (!order.ok) throw new Error('run 1 is recorded')
    const first = stream.send(1, order.value)
    const second = stream.send(2, order.value)
    await tick(20)
    expect(sent).toEqual([])
    expect(lookups).toEqual([5, 1, 1]) // the orders, then the first replay's turn; the second waits its turn
    current = recordingOf(2, [1]) // the client started another run meanwhile
    state.queued = 0
    await Promise.all([first, second])
    expect(sent[0]).toMatchObject({ id: 1, outcome: { ok: true } })
    expect(sent.at(-1)).toMatchObject({ id: 2, outcome: { ok: false, error: { code: 'E_NO_SUCH_RUN' } } })
  })

  it('gives up with E_SLOW_CLIENT before the announcement, and mid-stream with a response of the same id', async () => {
    const r = recordingOf(3, [4, 4])
    const frame = r.batches[0].byteLength
    const before = fakeChannel(frame)
    before.state.queued = 1
    const stream = new ReplayStream(before.channel, () => ({ ok: true, value: r }), { waitMs: 30, pollMs: 1 })
    await stream.send(1, new ReplayOrder(3))
    expect(before.sent).toEqual([
      { id: 1, outcome: { ok: false, error: expect.objectContaining({ code: 'E_SLOW_CLIENT' }) } },
    ])

    const midway = fakeChannel(frame)
    const stalled = new ReplayStream(midway.channel, () => ({ ok: true, value: r }), { waitMs: 30, pollMs: 1 })
    await stalled.send(7, new ReplayOrder(3))
    expect(midway.sent).toHaveLength(3)
    expect(midway.sent[1]).toBe(r.batches[0])
    expect(midway.sent[2]).toMatchObject({ id: 7, outcome: { ok: false, error: { code: 'E_SLOW_CLIENT' } } })
  })

  it('stops when the socket closes', async () => {
    const r = recordingOf(3, [4, 4])
    const { channel, sent, state } = fakeChannel(r.batches[0].byteLength)
    const stream = new ReplayStream(channel, () => ({ ok: true, value: r }), { waitMs: 5_000, pollMs: 1 })
    const done = stream.send(1, new ReplayOrder(3))
    await tick(10)
    state.open = false
    await done
    // one frame, and nothing after the close (not even an answer: nobody would read it)
    expect(sent.slice(1)).toEqual([r.batches[0]])
  })
})
