// The Limits disclosure's lines: every cap of src/shared/limits.ts, in words, from the host's figures.
import { describe, expect, it } from 'vitest'
import { LIMITS, type Limits } from '../../src/shared/limits'
import { describeLimits, formatBytes } from '../../src/renderer/model/limitsText'

const byLabel = (limits: Limits) => Object.fromEntries(describeLimits(limits).map((l) => [l.label, l.value]))

describe('describeLimits', () => {
  it('names each cap with its value, formatted', () => {
    expect(byLabel(LIMITS)).toEqual({
      'Values per sleep sort': '10,000',
      'Values per parallel sum': '1,000,000',
      'Longest run': '60 s',
      Unit: '1 ns – 1 s',
      'Parallel-sum threads': '1–64',
      'Request size': '16 MiB',
      'Number list': '20,971,520 characters',
      'Runs per minute': '120',
      'Live data queued per client': '8 MiB',
    })
  })

  it('shows the host’s figures, not the defaults', () => {
    const host = {
      ...LIMITS,
      maxValues: 20_000,
      maxDurationMs: 90_500,
      maxThreads: 8,
      maxRunsPerMinute: 30,
      maxQueuedBytesPerClient: 3 * 2 ** 19,
    } as unknown as Limits
    const lines = byLabel(host)
    expect(lines['Values per sleep sort']).toBe('20,000')
    expect(lines['Longest run']).toBe('90.5 s')
    expect(lines['Parallel-sum threads']).toBe('1–8')
    expect(lines['Runs per minute']).toBe('30')
    expect(lines['Live data queued per client']).toBe('1.5 MiB')
  })

  it('adds the host’s thread budget once the host has answered', () => {
    const lines = describeLimits(LIMITS, { budget: 16_234, inUse: 10_002, runs: 1, basis: 'half of what is free' })
    expect(lines.at(-1)).toEqual({
      label: 'Threads of all runs together',
      value: '16,234',
      hint: 'every client of this host; 10,002 in use when asked · half of what is free',
    })
  })

  it('formats byte counts', () => {
    expect(formatBytes(512)).toBe('512 bytes')
    expect(formatBytes(64 * 1024)).toBe('64 KiB')
    expect(formatBytes(16 * 2 ** 20)).toBe('16 MiB')
  })
})
