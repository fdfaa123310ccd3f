// A file named on Electron's command line reaches the page as an OpenFileMessage (api.onOpenFile);
// main.tsx hands it to controller.openHostFile. Here the fake host pushes it the same way.
import { describe, expect, it } from 'vitest'
import type { OpenFileMessage } from '../../src/shared/api'
import { deferredApi } from '../../src/renderer/model/deferredApi'
import { LIST_FILE_MAX_BYTES } from '../../src/renderer/model/runFiles'
import { FakeHost, setup, tick } from './helpers/fakeHost'

/** setup() plus the subscription main.tsx makes */
function wired(host = new FakeHost()) {
  const env = setup(host)
  env.host.onOpenFile((file) => env.controller.openHostFile(file))
  return env
}

async function finishedSort(env = wired()) {
  await env.controller.loadCapabilities()
  await env.controller.run()
  env.host.playLast()
  await tick()
  expect(env.store.getState().phase).toBe('finished')
  return env
}

function savedBytes(env: Awaited<ReturnType<typeof finishedSort>>): Uint8Array {
  const out = env.controller.saveRun()
  if (!out.ok) throw new Error(out.error.message)
  return out.value.data as Uint8Array
}

/** what must not change when a file is refused */
const KEPT = ['phase', 'result', 'request', 'runId', 'events', 'dataVersion', 'source', 'text', 'error'] as const

describe('a file named on the command line', () => {
  it('with run-file bytes opens the run, as if chosen with Open run…', async () => {
    const live = await finishedSort()
    const bytes = savedBytes(live)
    const env = wired()
    await env.controller.loadCapabilities()
    env.host.openFile({ name: 'seed.threadlab', bytes })
    const s = env.store.getState()
    expect(s.phase).toBe('finished')
    expect(s.source).toMatchObject({ kind: 'file', name: 'seed.threadlab' })
    expect(s.request).toEqual(live.store.getState().request)
    expect(s.events).toBe(live.store.getState().events)
    expect(s.fileError).toBeNull()
    expect(env.controller.data.eventCount).toBe(live.controller.data.eventCount)
    expect(s.text).toBe('5 1 2 6 8 2 4 2 3 8 0 2')
  })

  it('is known as a run by its magic bytes whatever its name', async () => {
    const bytes = savedBytes(await finishedSort())
    const env = wired()
    env.host.openFile({ name: 'downloaded-run', bytes })
    expect(env.store.getState().phase).toBe('finished')
    expect(env.store.getState().source).toMatchObject({ kind: 'file', name: 'downloaded-run' })
  })

  it('with an error shows the error and keeps the current run', async () => {
    const env = await finishedSort()
    const before = env.store.getState()
    const data = env.controller.data
    const count = data.eventCount,
      version = data.version
    const file: OpenFileMessage = {
      name: 'huge.threadlab',
      error: { code: 'E_TOO_LARGE', message: 'huge.threadlab is 300 MiB, more than the 256 MiB Threadlab opens' },
    }
    env.host.openFile(file)
    const after = env.store.getState()
    expect(after.fileError).toEqual({
      code: 'E_TOO_LARGE',
      message: 'could not open huge.threadlab: huge.threadlab is 300 MiB, more than the 256 MiB Threadlab opens',
    })
    for (const k of KEPT) expect(after[k], k).toBe(before[k])
    expect(env.controller.data).toBe(data)
    expect(data.eventCount).toBe(count)
    expect(data.version).toBe(version)
    expect(env.controller.canSave()).toBe(true)
  })

  it('with damaged run-file bytes names the problem and keeps the current run', async () => {
    const env = await finishedSort()
    const bytes = savedBytes(env).slice(0, 200)
    const before = env.store.getState()
    env.host.openFile({ name: 'cut.threadlab', bytes })
    const after = env.store.getState()
    expect(after.fileError?.code).toBe('E_TRUNCATED')
    expect(after.fileError?.message).toMatch(/^could not open cut\.threadlab: /)
    for (const k of KEPT) expect(after[k], k).toBe(before[k])
  })

  it('with other bytes fills the number list (UTF-8, byte-order mark dropped) and leaves the run alone', async () => {
    const env = await finishedSort()
    const before = env.store.getState()
    env.store.getState().setFileError({ code: 'E_OLD', message: 'an older refusal' })
    env.host.openFile({ name: 'numbers.txt', bytes: new TextEncoder().encode('\uFEFF3, 1, 2\n−5') })
    const after = env.store.getState()
    expect(after.text).toBe('3, 1, 2\n−5')
    expect(after.fileError).toBeNull()
    for (const k of ['phase', 'result', 'request', 'runId', 'events', 'dataVersion', 'source'] as const)
      expect(after[k], k).toBe(before[k])
  })

  it('refuses a list too big to be one, leaving the text as it was', () => {
    const env = wired()
    const text = env.store.getState().text
    expect(env.controller.openHostFile({ name: 'big.txt', bytes: new Uint8Array(LIST_FILE_MAX_BYTES + 1) })).toBe(false)
    expect(env.store.getState().fileError?.code).toBe('E_TOO_LARGE')
    expect(env.store.getState().text).toBe(text)
  })

  it('is refused while a run is active (E_BUSY), and the run goes on', async () => {
    const bytes = savedBytes(await finishedSort())
    const env = wired()
    await env.controller.run()
    env.host.openFile({ name: 'seed.threadlab', bytes })
    expect(env.store.getState().fileError?.code).toBe('E_BUSY')
    expect(env.store.getState().phase).toBe('running')
  })

  it('reaches a listener subscribed through deferredApi once the host is ready', async () => {
    const host = new FakeHost()
    const seen: string[] = []
    const off = deferredApi(Promise.resolve(host)).onOpenFile((f) => seen.push(f.name))
    await tick()
    host.openFile({ name: 'a.txt', bytes: new Uint8Array(0) })
    off()
    host.openFile({ name: 'b.txt', bytes: new Uint8Array(0) })
    expect(seen).toEqual(['a.txt'])
  })
})
