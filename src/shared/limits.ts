/**
 * Every cap that protects the machine, named in one place. The engine enforces its own copies
 * (count, duration, unit) so the addon is safe without this layer; hosts check these first so
 * a request is refused before any thread starts, and the UI shows them.
 */
export const LIMITS = {
  /** values per sleep-sort run by default (one OS thread each) */
  maxValues: 10_000,
  /** the engine's hard ceiling, reachable by raising maxValues */
  maxValuesCeiling: 50_000,
  /** values per parallel-sum run */
  maxSumValues: 1_000_000,
  /** max × unit, in ms */
  maxDurationMs: 60_000,
  /**
   * sleep-sort unit range, ms: 1 ns (the clock's unit; the engine rounds every deadline to a whole
   * ns) to 1 s. Every host checks this one range (see units.ts)
   */
  minUnitMs: 1e-6,
  maxUnitMs: 1000,
  /** parallel-sum workers */
  maxThreads: 64,
  /** bytes of one request message (IPC or WebSocket) */
  maxMessageBytes: 16 * 1024 * 1024,
  /** characters of a typed or loaded number list */
  maxInputChars: 20 * 1024 * 1024,
  /** runs a host may start per minute, all its clients (sockets, windows) together */
  maxRunsPerMinute: 120,
  /** bytes queued for one slow client before live batches are dropped (the run keeps them) */
  maxQueuedBytesPerClient: 8 * 1024 * 1024,
  /** calls one client may have being answered at once (instant ones such as capabilities not counted) */
  maxCallsInFlight: 32,
  /**
   * bytes of the requests one client may have being answered at once: one request of the largest
   * size plus 1 MiB for every small call beside it (no other call needs more than a few hundred bytes)
   */
  maxInFlightBytesPerClient: 17 * 1024 * 1024,
  /** refused calls one client gets logged line by line per minute; the rest are counted in one line */
  maxRefusalLinesPerMinute: 20,
} as const

export type Limits = typeof LIMITS

/** The largest file read as a number list (UTF-8 takes at most 4 bytes a character). */
export const MAX_LIST_FILE_BYTES = LIMITS.maxInputChars * 4
