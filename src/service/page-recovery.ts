/**
 * What Electron's main does when the page's renderer process dies: reload it and say why, unless it
 * keeps dying — then ask, instead of reloading in a loop. Pure (the glue in src/main passes the
 * details and the clock), so it is tested without Electron.
 */

/** Electron's RenderProcessGoneDetails, as far as the notice goes. */
export interface GoneDetails {
  reason: string
  exitCode: number
}

const REASONS: Record<string, string> = {
  'clean-exit': 'its process exited',
  'abnormal-exit': 'its process exited abnormally',
  killed: 'its process was killed',
  crashed: 'its process crashed',
  oom: 'its process ran out of memory',
  'launch-failed': 'its process could not start',
  'integrity-failure': 'its code failed an integrity check',
  'memory-eviction': 'the system reclaimed its memory',
}

/** One line saying what happened, for the dialog and the log. */
export function goneNotice(details: GoneDetails): string {
  const why = REASONS[details.reason] ?? `its process stopped (${details.reason})`
  return `The Threadlab page stopped: ${why} (exit code ${details.exitCode}). Any run in progress was cancelled and its threads joined.`
}

/** Reloads allowed within `windowMs` before the next one needs the user's word. */
export const MAX_AUTOMATIC_RELOADS = 3
export const RELOAD_WINDOW_MS = 60_000

/** Remembers recent crashes of one window and decides whether the next reload may be automatic. */
export class ReloadPolicy {
  private times: number[] = []

  constructor(
    private readonly max = MAX_AUTOMATIC_RELOADS,
    private readonly windowMs = RELOAD_WINDOW_MS,
  ) {}

  /** Records a crash at `now`; true: reload at once, false: it keeps crashing, ask first. */
  crashed(now: number): boolean {
    this.times = this.times.filter((t) => now - t < this.windowMs)
    this.times.push(now)
    return this.times.length <= this.max
  }

  /** The user chose to reload after all: start counting afresh. */
  reset(): void {
    this.times = []
  }
}
