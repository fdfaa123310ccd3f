// The openFile event (a file named on Electron's command line): the shape check of what main
// pushes, and the client's hub that holds a file until the page subscribes, then delivers it once.
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import type { OpenFileMessage } from '../../src/shared/api'
import { MAX_OPEN_FILE_MESSAGE, MAX_OPEN_FILE_NAME, parseOpenFileMessage } from '../../src/shared/openfile'
import { EventHub } from '../../src/shared/transport'

const bytes = new Uint8Array([0x54, 0x48, 0x52])
const error = { code: 'E_TOO_LARGE', message: 'run.threadlab is 300 MiB, more than the 256 MiB Threadlab opens' }

/**
 * The openFile event as a page's client holds it (the map marks it keepLatest and checks it with
 * parseOpenFileMessage): a listener that throws is reported, not propagated.
 */
function recordingDeliver() {
  const thrown: unknown[] = []
  const hub = new EventHub((_message, e) => {
    if (e !== undefined) thrown.push(e)
  })
  return { hub, thrown }
}

function createOpenFileInbox(hub: EventHub) {
  return {
    push: (data: unknown) => hub.emit('openFile', data),
    subscribe: (listener: (f: OpenFileMessage) => void) =>
      hub.subscribe('openFile', listener as (value: unknown) => void),
    get size() {
      return hub.size('openFile')
    },
  }
}

describe('parseOpenFileMessage', () => {
  it('accepts what main sends: { name, bytes } or { name, error }, as fresh objects', () => {
    const a = { name: 'run.threadlab', bytes }
    const pa = parseOpenFileMessage(a)
    expect(pa).toEqual(a)
    expect(pa).not.toBe(a)
    expect(pa && 'bytes' in pa && pa.bytes).toBe(bytes) // not copied
    const b = { name: 'missing.txt', error }
    expect(parseOpenFileMessage(b)).toEqual(b)
    expect(parseOpenFileMessage({ name: 'x', error: { ...error, position: 3 } })).toEqual({
      name: 'x',
      error: { ...error, position: 3 },
    })
    // an empty file is still a file
    expect(parseOpenFileMessage({ name: 'empty.txt', bytes: new Uint8Array(0) })).toEqual({
      name: 'empty.txt',
      bytes: new Uint8Array(0),
    })
  })

  it('accepts a Uint8Array from another realm (IPC and contextBridge build their own)', () => {
    const foreign = runInNewContext('new Uint8Array([1, 2, 3])') as Uint8Array
    expect(foreign instanceof Uint8Array).toBe(false)
    const out = parseOpenFileMessage({ name: 'a.txt', bytes: foreign })
    expect(out && 'bytes' in out && Array.from(out.bytes)).toEqual([1, 2, 3])
  })

  it('cuts an overlong error message', () => {
    const out = parseOpenFileMessage({ name: 'a', error: { code: 'E_READ', message: 'x'.repeat(10_000) } })
    expect(out && 'error' in out && out.error.message.length).toBe(MAX_OPEN_FILE_MESSAGE)
  })

  const bad: [string, unknown][] = [
    ['null', null],
    ['a string', 'run.threadlab'],
    ['an array', ['run.threadlab', bytes]],
    ['no name', { bytes }],
    ['an empty name', { name: '', bytes }],
    ['a number as name', { name: 7, bytes }],
    ['a path as name', { name: '/etc/passwd', bytes }],
    ['a NUL in the name', { name: 'a\0b', bytes }],
    ['an overlong name', { name: 'a'.repeat(MAX_OPEN_FILE_NAME + 1), bytes }],
    ['neither bytes nor error', { name: 'a' }],
    ['both bytes and error', { name: 'a', bytes, error }],
    ['an extra field', { name: 'a', bytes, path: '/home/x/a' }],
    ['bytes as a plain array', { name: 'a', bytes: [1, 2, 3] }],
    ['bytes as a Float64Array', { name: 'a', bytes: new Float64Array(2) }],
    ['bytes as an ArrayBuffer', { name: 'a', bytes: new ArrayBuffer(4) }],
    ['bytes as a string', { name: 'a', bytes: 'THREADLAB' }],
    ['an error without a code', { name: 'a', error: { message: 'm' } }],
    ['an error code not in E_ form', { name: 'a', error: { code: 'oops', message: 'm' } }],
    ['an error without a message', { name: 'a', error: { code: 'E_READ' } }],
    ['an error as a string', { name: 'a', error: 'E_READ' }],
    ['a fractional error position', { name: 'a', error: { ...error, position: 1.5 } }],
    [
      'a throwing getter',
      Object.defineProperty({ bytes }, 'name', {
        enumerable: true,
        get() {
          throw new Error('boom')
        },
      }),
    ],
  ]
  for (const [what, data] of bad) {
    it(`refuses ${what}`, () => {
      expect(parseOpenFileMessage(data)).toBeNull()
    })
  }
})

describe('the openFile event in a client (EventHub)', () => {
  it('keeps a file that arrives before anyone subscribes and hands it to the first subscriber only', () => {
    const inbox = createOpenFileInbox(recordingDeliver().hub)
    expect(inbox.push({ name: 'early.threadlab', bytes })).toBe(true)
    const first: OpenFileMessage[] = []
    const second: OpenFileMessage[] = []
    inbox.subscribe((f) => first.push(f))
    // delivered before subscribe returned
    expect(first).toEqual([{ name: 'early.threadlab', bytes }])
    inbox.subscribe((f) => second.push(f))
    expect(second).toEqual([])
    // a later file goes to every listener, once each
    inbox.push({ name: 'later.txt', error })
    expect(first.map((f) => f.name)).toEqual(['early.threadlab', 'later.txt'])
    expect(second.map((f) => f.name)).toEqual(['later.txt'])
  })

  it('a file pushed while someone listens is not kept for a later subscriber', () => {
    const inbox = createOpenFileInbox(recordingDeliver().hub)
    const seen: string[] = []
    const off = inbox.subscribe((f) => seen.push(`a:${f.name}`))
    inbox.push({ name: 'one', bytes })
    off()
    inbox.subscribe((f) => seen.push(`b:${f.name}`))
    expect(seen).toEqual(['a:one'])
  })

  it('keeps only the newest unclaimed file', () => {
    const inbox = createOpenFileInbox(recordingDeliver().hub)
    inbox.push({ name: 'old', bytes })
    inbox.push({ name: 'new', bytes })
    const seen: string[] = []
    inbox.subscribe((f) => seen.push(f.name))
    inbox.subscribe((f) => seen.push(`again:${f.name}`))
    expect(seen).toEqual(['new'])
  })

  it('ignores a malformed push without dropping the unclaimed file', () => {
    const inbox = createOpenFileInbox(recordingDeliver().hub)
    inbox.push({ name: 'good', bytes })
    expect(inbox.push({ name: 'bad', bytes: 'nope' })).toBe(false)
    expect(inbox.push(undefined)).toBe(false)
    const seen: string[] = []
    inbox.subscribe((f) => seen.push(f.name))
    expect(seen).toEqual(['good'])
    expect(inbox.push({ name: 'bad' })).toBe(false)
    expect(seen).toEqual(['good'])
  })

  it('after the last listener leaves, the next file waits again', () => {
    const inbox = createOpenFileInbox(recordingDeliver().hub)
    const off = inbox.subscribe(() => {})
    off()
    expect(inbox.size).toBe(0)
    inbox.push({ name: 'waiting', bytes })
    const seen: string[] = []
    inbox.subscribe((f) => seen.push(f.name))
    expect(seen).toEqual(['waiting'])
  })

  it('reports a throwing listener, which neither loses the file for others nor throws listener neither loses the file for others nor throws', () => {
    const { hub, thrown } = recordingDeliver()
    const inbox = createOpenFileInbox(hub)
    inbox.push({ name: 'early', bytes })
    // the throwing first subscriber claimed it: the file is delivered once, not retried
    expect(() =>
      inbox.subscribe(() => {
        throw new Error('listener bug')
      }),
    ).not.toThrow()
    expect(thrown).toHaveLength(1)
    const seen: string[] = []
    inbox.subscribe((f) => seen.push(f.name))
    expect(() => inbox.push({ name: 'next', bytes })).not.toThrow()
    expect(thrown).toHaveLength(2)
    expect(seen).toEqual(['next'])
  })

  it('each subscription is its own: the same function twice hears each file twice, one dispose leaves the other', () => {
    const inbox = createOpenFileInbox(recordingDeliver().hub)
    const seen: string[] = []
    const listener = (f: OpenFileMessage) => seen.push(f.name)
    const off1 = inbox.subscribe(listener)
    inbox.subscribe(listener)
    inbox.push({ name: 'x', bytes })
    off1()
    off1()
    inbox.push({ name: 'y', bytes })
    expect(seen).toEqual(['x', 'x', 'y'])
  })

  it('refuses a listener that is not a function', () => {
    const inbox = createOpenFileInbox(recordingDeliver().hub)
    expect(() => inbox.subscribe('nope' as unknown as (f: OpenFileMessage) => void)).toThrow(TypeError)
  })
})
