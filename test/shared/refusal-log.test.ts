// The per-client limit on refusal lines (src/shared/refusal-log.ts) with a hand-driven clock: the
// transports' own tests (test/contract/call-limits.test.ts) flood a real host with bad calls.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { limitRefusalLog } from '../../src/shared/refusal-log'

afterEach(() => {
  vi.useRealTimers()
})

describe('limitRefusalLog', () => {
  it('writes the first lines of a window, counts the rest, and says how many when the window ends', () => {
    vi.useFakeTimers()
    let t = 0
    const lines: string[] = []
    const log = limitRefusalLog((l) => lines.push(l), 'client 7', { perWindow: 3, windowMs: 1000, now: () => t })
    for (let i = 0; i < 10; i++) log(`refused ${i}`)
    expect(lines).toEqual(['refused 0', 'refused 1', 'refused 2'])
    t = 1000
    vi.advanceTimersByTime(1000)
    expect(lines.slice(3)).toEqual([expect.stringMatching(/^threadlab: … 7 more refused calls from client 7 /)])
    // a new window writes lines again
    log('refused 10')
    expect(lines.at(-1)).toBe('refused 10')
    expect(lines).toHaveLength(5)
  })

  it('flush writes what is still counted (the client went away), once', () => {
    const lines: string[] = []
    const log = limitRefusalLog((l) => lines.push(l), 'window 2', { perWindow: 1, now: () => 0 })
    log('a')
    log('b')
    log('c')
    log.flush()
    log.flush()
    expect(lines).toEqual(['a', expect.stringMatching(/… 2 more refused calls from window 2/)])
  })

  it('writes nothing more when nothing was held back', () => {
    const lines: string[] = []
    const log = limitRefusalLog((l) => lines.push(l), 'x', { perWindow: 5, now: () => 0 })
    log('only')
    log.flush()
    expect(lines).toEqual(['only'])
  })
})
