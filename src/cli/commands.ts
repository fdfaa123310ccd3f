/**
 * The commands that run something: sort, sum (in the addon) and open (a run file). Loaded only
 * when needed, so `--help` and `--version` stay quick.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import type { ParallelSumRequest, SleepSortRequest } from '../shared/api'
import { CAUSES, type Cause } from '../shared/attribution'
import { validateRunRequest } from '../shared/validate'
import { loadEngine, type Engine } from '../service/addon'
import type { Command } from './args'
import { EXIT, Failure, INPUT_CODES } from './errors'
import { appVersion } from './version'
import { formatSortReport, formatSumReport } from './format'
import { parseSortInput, parseSumInput, readInputText } from './input'
import { readRunFile } from './readRun'
import { writeOutputs } from './outputs'
import { addCauses, formatRepeat, summarizeRepeat } from './repeat'
import { sortReport, sumReport, toSortResult, toSumResult } from './report'
import { Interrupt, runSleepSort, runSum, terminalProgress, type AddonError } from './runner'

const out = (text: string) => process.stdout.write(text)
const err = (text: string) => process.stderr.write(text)

// ---- sort -------------------------------------------------------------------------------------

export async function sortCommand(c: Extract<Command, { kind: 'sort' }>): Promise<number> {
  const text = await readInputText(c.input)
  const { values } = parseSortInput(text, c.maxValues)
  const checked = validateRunRequest(
    { experiment: 'sleep-sort', values, mode: c.mode, unitMs: c.unitMs, recordEvents: c.record },
    { maxValues: c.maxValues },
  )
  if (!checked.ok) throw new Failure(`${checked.error.message}${hint(checked.error.code)}`, EXIT.usage)
  const request = checked.value as SleepSortRequest
  return withEngine(async (engine, interrupt) => {
    const progress = terminalProgress(process.stderr)
    const options = { unitMs: c.unitMs, mode: c.mode, recordEvents: c.record, maxValues: c.maxValues }
    if (c.repeat > 1) {
      const misplaced: number[] = []
      const sorted: boolean[] = []
      const causes = c.record ? (Object.fromEntries(CAUSES.map((k) => [k, 0])) as Record<Cause, number>) : null
      for (let i = 0; i < c.repeat; i++) {
        const run = await runSleepSort(engine, values, options, interrupt, progress)
        if (run.signal) return cancelled(`run ${i + 1} of ${c.repeat}`, run.signal)
        const report = sortReport(request, toSortResult(run.result), run.cols)
        misplaced.push(report.misplaced)
        sorted.push(report.sorted)
        if (causes && report.causes) addCauses(causes, report.causes)
      }
      const summary = summarizeRepeat(misplaced, sorted, values.length, c.mode, c.unitMs, causes)
      out(c.json ? JSON.stringify(summary) + '\n' : formatRepeat(summary))
      return EXIT.ok
    }
    const run = await runSleepSort(engine, values, options, interrupt, progress)
    if (run.signal) return cancelled(`${run.result.output.length} of ${values.length} values pushed`, run.signal)
    const result = toSortResult(run.result)
    const report = sortReport(request, result, run.cols)
    writeOutputs(c, { request, result, events: run.cols, machine: machineFacts(engine), appVersion: appVersion() })
    out(c.json ? JSON.stringify(report) + '\n' : formatSortReport(report))
    return EXIT.ok
  })
}

// ---- sum --------------------------------------------------------------------------------------

export async function sumCommand(c: Extract<Command, { kind: 'sum' }>): Promise<number> {
  const text = await readInputText(c.input)
  const input = parseSumInput(text)
  const checked = validateRunRequest(
    {
      experiment: 'parallel-sum',
      values: input.numbers,
      unitMs: c.unitMs,
      ...(c.threads ? { threads: c.threads } : {}),
    },
    { cpus: availableParallelism() },
  )
  if (!checked.ok) throw new Failure(checked.error.message, EXIT.usage)
  const request = checked.value as ParallelSumRequest
  return withEngine(async (engine, interrupt) => {
    const run = await runSum(
      engine,
      input.values,
      { threads: c.threads, unitMs: c.unitMs },
      interrupt,
      terminalProgress(process.stderr),
    )
    if (run.signal) return cancelled('sum', run.signal)
    const result = toSumResult(run.result)
    const report = sumReport(request, result)
    const options =
      input.values instanceof BigInt64Array ? { exactValues: Array.from(input.values, String) } : undefined
    writeOutputs(c, {
      request,
      result,
      events: run.cols,
      machine: machineFacts(engine),
      appVersion: appVersion(),
      options,
    })
    out(c.json ? JSON.stringify(report) + '\n' : formatSumReport(report))
    return EXIT.ok
  })
}

// ---- open -------------------------------------------------------------------------------------

export async function openCommand(c: Extract<Command, { kind: 'open' }>): Promise<number> {
  const run = await readRunFile(c.file)
  if (!run.result)
    throw new Failure(`${c.file}: the saved run never finished, so it has no result to show`, EXIT.failed)
  writeOutputs(c, {
    request: run.request,
    result: run.result,
    events: run.events,
    machine: run.machine,
    appVersion: run.appVersion,
    options: run.options,
  })
  if (run.request.experiment === 'sleep-sort' && run.result.experiment === 'sleep-sort') {
    const report = sortReport(run.request, run.result, run.events)
    out(c.json ? JSON.stringify(report) + '\n' : formatSortReport(report))
  } else if (run.request.experiment === 'parallel-sum' && run.result.experiment === 'parallel-sum') {
    const report = sumReport(run.request, run.result)
    out(c.json ? JSON.stringify(report) + '\n' : formatSumReport(report))
  }
  return EXIT.ok
}

// ---- engine lifetime --------------------------------------------------------------------------

/**
 * Loads the addon, installs the Ctrl-C handler, runs `body`, then shuts the engine down (every
 * thread joined) whatever happened. With THREADLAB_DEBUG_THREADS=1 it prints the process's thread
 * count before and after, so tests can see nothing was left behind.
 */
async function withEngine(body: (engine: Engine, interrupt: Interrupt) => Promise<number>): Promise<number> {
  let engine: Engine
  try {
    engine = loadEngine()
  } catch (e) {
    throw new Failure((e as Error).message, EXIT.failed)
  }
  const debug = process.env.THREADLAB_DEBUG_THREADS === '1'
  machineFacts(engine) // probes realtime on a short-lived thread: before the baseline
  const baseline = engine.threadCount()
  if (debug) err(`threadlab: debug: threads at start ${baseline} [${threadNames()}]\n`)
  const interrupt = new Interrupt()
  interrupt.install()
  try {
    return await body(engine, interrupt)
  } catch (e) {
    const ae = e as AddonError
    if (typeof ae?.code === 'string' && ae.code.startsWith('E_')) {
      const where =
        ae.position !== undefined && !ae.message.includes(`value ${ae.position + 1}`)
          ? ` (value ${ae.position + 1})`
          : ''
      throw new Failure(
        `${ae.code}: ${ae.message}${where}${hint(ae.code)}`,
        INPUT_CODES.has(ae.code) ? EXIT.usage : EXIT.failed,
      )
    }
    throw e
  } finally {
    engine.shutdown()
    if (debug) {
      // A run's coordinator thread can still be exiting for a moment after its result settled.
      const immediately = engine.threadCount()
      const t0 = Date.now()
      let now = immediately
      while (now > baseline && Date.now() - t0 < 1000) {
        await new Promise((r) => setTimeout(r, 5))
        now = engine.threadCount()
      }
      const settle =
        now === immediately ? '' : `, ${immediately} right after shutdown, settled in ${Date.now() - t0} ms`
      err(
        `threadlab: debug: threads after shutdown ${now} (active runs ${engine.activeRuns()}${settle}) [${threadNames()}]\n`,
      )
    }
    interrupt.uninstall()
  }
}

/** Names of this process's threads (Linux), for the debug lines. */
function threadNames(): string {
  try {
    const names = readdirSync('/proc/self/task').map((t) => readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim())
    const counts = new Map<string, number>()
    for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1)
    return [...counts].map(([n, k]) => (k > 1 ? `${n}×${k}` : n)).join(', ')
  } catch {
    return 'unknown'
  }
}

function cancelled(what: string, signal: NodeJS.Signals): number {
  err(`threadlab: interrupted (${what}); the run was cancelled and its threads joined\n`)
  return signal === 'SIGTERM' ? 143 : EXIT.interrupted
}

let facts: ReturnType<typeof factsOf> | null = null
function factsOf(engine: Engine) {
  const caps = engine.capabilities()
  return { cpus: caps.cpus, os: caps.os, timerSlackNs: caps.timerSlackNs, realtimeAllowed: caps.realtime.allowed }
}
function machineFacts(engine: Engine) {
  return (facts ??= factsOf(engine))
}

function hint(code: string): string {
  if (code === 'E_DURATION_CAP') return ' (use a smaller --unit or smaller values)'
  if (code === 'E_TOO_MANY') return ' (raise the cap with --max-values, up to 50000)'
  return ''
}
