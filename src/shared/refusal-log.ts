/**
 * A host logs one line per refused call so a person can see what a client got wrong, but a hostile
 * client can send thousands of bad calls a second. Per client, the first `perMinute` refusals of
 * each minute are written as they come; the rest are only counted, and one line says how many when
 * that minute ends (or when the client goes). Pure: the clock and the timer are injectable.
 */
import { LIMITS } from './limits'

export interface RefusalLogOptions {
  /** lines written one by one per window (default LIMITS.maxRefusalLinesPerMinute) */
  perWindow?: number
  /** the window, ms (default one minute) */
  windowMs?: number
  now?: () => number
}

export interface LimitedLog {
  /** writes `line`, or counts it once this window's lines are spent */
  (line: string): void
  /** writes the count of lines not written, if any (the client has gone) */
  flush(): void
}

/** Wraps `write` for one client, named `client` in the summary line. */
export function limitRefusalLog(
  write: (line: string) => void,
  client: string,
  options: RefusalLogOptions = {},
): LimitedLog {
  const perWindow = options.perWindow ?? LIMITS.maxRefusalLinesPerMinute
  const windowMs = options.windowMs ?? 60_000
  const now = options.now ?? Date.now
  let windowStart = now()
  let written = 0
  let skipped = 0
  let timer: ReturnType<typeof setTimeout> | null = null

  const flush = () => {
    if (timer) clearTimeout(timer)
    timer = null
    if (skipped > 0) {
      write(
        `threadlab: … ${skipped.toLocaleString('en-US')} more refused calls from ${client} ` +
          `(only the first ${perWindow} of a minute are logged one by one)`,
      )
    }
    skipped = 0
  }

  const log = ((line: string) => {
    const t = now()
    if (t - windowStart >= windowMs) {
      flush()
      windowStart = t
      written = 0
    }
    if (written < perWindow) {
      written++
      write(line)
      return
    }
    skipped++
    // the summary goes out when the window ends even if the client then falls silent
    if (!timer) {
      timer = setTimeout(flush, Math.max(0, windowStart + windowMs - t))
      // Node's timer must not keep the process alive for this (a browser's timer is a number)
      ;(timer as { unref?: () => void }).unref?.()
    }
  }) as LimitedLog
  log.flush = flush
  return log
}
