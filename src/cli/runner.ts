/**
 * Runs one experiment in the addon: collects its batches into EventColumns, shows a progress line
 * on a terminal, and turns Ctrl-C into a clean cancel (cancel → await the joined result).
 */
import type { Engine, EngineRun, EngineSleepSortResult, EngineSumResult } from '../service/addon'
import { EventColumns } from '../shared/columns'
import { EventKind } from '../shared/events'
import type { TimingMode } from '../shared/api'

export interface Progress {
  start(label: string, total: number | null, doneWord: string): void
  update(events: number, done: number): void
  stop(): void
}

export interface Finished<R> {
  result: R
  cols: EventColumns
  /** the signal that cancelled the run, if one did */
  signal: NodeJS.Signals | null
}

/** Error from the addon with its stable code (E_*) and, for one bad value, its index. */
export interface AddonError extends Error {
  code?: string
  position?: number
}

export class Interrupt {
  signal: NodeJS.Signals | null = null
  private current: EngineRun<unknown> | null = null
  private readonly onSignal = (signal: NodeJS.Signals) => {
    if (this.signal) {
      // a second Ctrl-C while the cancel is being joined: give up waiting
      process.exit(signal === 'SIGINT' ? 130 : 143)
    }
    this.signal = signal
    this.current?.cancel()
  }

  private saved: Array<[NodeJS.Signals, NodeJS.SignalsListener[]]> = []

  /** Takes over SIGINT and SIGTERM (the bin's quick-exit handlers step aside until uninstall). */
  install(): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      this.saved.push([signal, process.listeners(signal) as NodeJS.SignalsListener[]])
      process.removeAllListeners(signal)
      process.on(signal, this.onSignal)
    }
  }

  uninstall(): void {
    for (const [signal, listeners] of this.saved) {
      process.off(signal, this.onSignal)
      for (const l of listeners) process.on(signal, l)
    }
    this.saved = []
  }

  watch(run: EngineRun<unknown> | null): void {
    this.current = run
    if (run && this.signal) run.cancel()
  }
}

async function collect<R>(
  start: (onBatch: (batch: Float64Array) => void) => EngineRun<R>,
  doneKind: EventKind,
  interrupt: Interrupt,
  progress: Progress | null,
): Promise<Finished<R>> {
  const cols = new EventColumns(4096)
  let done = 0
  let bad: string | null = null
  const onBatch = (batch: Float64Array) => {
    const from = cols.length
    const err = cols.appendBatch(batch)
    if (err) {
      bad ??= err.message
      return
    }
    for (let i = from; i < cols.length; i++) if (cols.kind[i] === doneKind) done++
    progress?.update(cols.length, done)
  }
  try {
    const run = start(onBatch)
    interrupt.watch(run as EngineRun<unknown>)
    const result = await run.result()
    if (bad) throw Object.assign(new Error(`the addon sent a malformed batch: ${bad}`), { code: 'E_BATCH' })
    return { result, cols, signal: interrupt.signal }
  } finally {
    interrupt.watch(null)
    progress?.stop()
  }
}

export interface SortRunOptions {
  unitMs: number
  mode: TimingMode
  recordEvents: boolean
  maxValues?: number
}

export function runSleepSort(
  engine: Engine,
  values: number[],
  options: SortRunOptions,
  interrupt: Interrupt,
  progress: Progress | null,
): Promise<Finished<EngineSleepSortResult>> {
  progress?.start('sorting', values.length, 'pushed')
  const engineOptions = {
    unitMs: options.unitMs,
    mode: options.mode,
    recordEvents: options.recordEvents,
    ...(options.maxValues ? { maxValues: options.maxValues } : {}),
  }
  return collect(
    (onBatch) => engine.startSleepSort(values, engineOptions, onBatch),
    EventKind.Pushed,
    interrupt,
    progress,
  )
}

export interface SumRunOptions {
  threads?: number
  unitMs: number
}

export function runSum(
  engine: Engine,
  values: number[] | BigInt64Array,
  options: SumRunOptions,
  interrupt: Interrupt,
  progress: Progress | null,
): Promise<Finished<EngineSumResult>> {
  progress?.start('summing', options.threads ?? null, 'chunks done')
  const engineOptions = { unitMs: options.unitMs, ...(options.threads ? { threads: options.threads } : {}) }
  return collect(
    (onBatch) => engine.startSum(values as number[], engineOptions, onBatch),
    EventKind.ChunkDone,
    interrupt,
    progress,
  )
}

/**
 * The progress line: only on a terminal, only once a run has lasted `delayMs`, rewritten in place
 * at most every 100 ms, erased when the run ends.
 */
export function terminalProgress(stream: NodeJS.WriteStream, delayMs = 300): Progress | null {
  if (!stream.isTTY) return null
  let events = 0
  let done = 0
  let total: number | null = null
  let label = ''
  let doneWord = ''
  let started = 0
  let shown = false
  let timer: ReturnType<typeof setInterval> | null = null
  const draw = () => {
    if (Date.now() - started < delayMs) return
    shown = true
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    const of = total === null ? `${done}` : `${done}/${total}`
    const what =
      events === 0 && total !== null
        ? `starting ${total} threads`
        : `${events.toLocaleString('en-US')} events · ${of} ${doneWord}`
    stream.write(`\r\x1b[K${label}: ${what} · ${seconds} s`)
  }
  return {
    start(l, t, w) {
      label = l
      total = t
      doneWord = w
      events = done = 0
      started = Date.now()
      shown = false
      timer = setInterval(draw, 100)
      timer.unref()
    },
    update(e, d) {
      events = e
      done = d
    },
    stop() {
      if (timer) clearInterval(timer)
      timer = null
      if (shown) stream.write('\r\x1b[K')
    },
  }
}
