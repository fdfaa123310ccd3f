// Capabilities as a host reports them, for renderer tests that script a host.
import type { Capabilities } from '../../../src/shared/api'
import { LIMITS } from '../../../src/shared/limits'

export function testCapabilities(overrides: Partial<Capabilities> = {}): Capabilities {
  return {
    cpus: 2,
    os: 'test',
    realtime: { allowed: true },
    realtimeMaxThreads: 10_000,
    timerSlackNs: 1,
    limits: LIMITS,
    threadBudget: { budget: 16_000, inUse: 0, runs: 0, basis: 'test host' },
    ...overrides,
  }
}
