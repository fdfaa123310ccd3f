// What Electron's main does when the page's renderer dies (the glue passes Electron's details and
// the clock): reload and say why, and ask instead of reloading in a loop.
import { describe, expect, it } from 'vitest'
import { MAX_AUTOMATIC_RELOADS, RELOAD_WINDOW_MS, ReloadPolicy, goneNotice } from '../../src/service/page-recovery'

describe('page recovery', () => {
  it('says why the page stopped, in words, with the exit code and what happened to the run', () => {
    expect(goneNotice({ reason: 'oom', exitCode: 9 })).toBe(
      'The Threadlab page stopped: its process ran out of memory (exit code 9). Any run in progress was cancelled and its threads joined.',
    )
    expect(goneNotice({ reason: 'crashed', exitCode: 139 })).toMatch(/crashed \(exit code 139\)/)
    expect(goneNotice({ reason: 'something-new', exitCode: 1 })).toMatch(/stopped \(something-new\)/)
  })

  it(`reloads at once up to ${MAX_AUTOMATIC_RELOADS} times a minute, then asks; old crashes age out`, () => {
    const policy = new ReloadPolicy()
    const t0 = 1_000_000
    for (let i = 0; i < MAX_AUTOMATIC_RELOADS; i++) expect(policy.crashed(t0 + i * 1000)).toBe(true)
    expect(policy.crashed(t0 + 5000)).toBe(false)
    // a minute after the first ones, crashing again is a fresh start
    expect(policy.crashed(t0 + 5000 + RELOAD_WINDOW_MS)).toBe(true)
  })

  it('after the user chose to reload, counts afresh', () => {
    const policy = new ReloadPolicy(1, 60_000)
    expect(policy.crashed(0)).toBe(true)
    expect(policy.crashed(1)).toBe(false)
    policy.reset()
    expect(policy.crashed(2)).toBe(true)
  })
})
