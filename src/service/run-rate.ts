/**
 * How many runs a host starts per minute, shared by every client of that host (every socket of a
 * web host holds the same token; Electron has one window), so a client cannot reset its allowance
 * by reconnecting. A sliding 60 s window of start times.
 */
import type { ThreadlabErrorInfo } from '../shared/api'
import { LIMITS } from '../shared/limits'

export interface RunRateOptions {
  /** starts allowed in any 60 s window (default LIMITS.maxRunsPerMinute) */
  perMinute?: number
  /** clock, replaceable in tests */
  now?: () => number
}

const WINDOW_MS = 60_000

export class RunRate {
  readonly perMinute: number
  private readonly now: () => number
  private starts: number[] = []

  constructor(options: RunRateOptions = {}) {
    this.perMinute = options.perMinute ?? LIMITS.maxRunsPerMinute
    this.now = options.now ?? Date.now
  }

  /**
   * Counts one start now when it fits the window; otherwise counts nothing and returns the refusal
   * (checked and counted in one step, so clients racing each other cannot overshoot).
   */
  take(): ThreadlabErrorInfo | null {
    const now = this.now()
    this.starts = this.starts.filter((t) => now - t < WINDOW_MS)
    if (this.starts.length >= this.perMinute) {
      return {
        code: 'E_RATE_LIMIT',
        message: `more than ${this.perMinute} runs in a minute on this host (all its clients together): wait a moment`,
      }
    }
    this.starts.push(now)
    return null
  }
}
