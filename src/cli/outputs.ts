/** The files a run can be written to: --save (run file), --trace (Chrome Trace JSON), --csv. */
import { writeFileSync } from 'node:fs'
import type { RunRequest, RunResult } from '../shared/api'
import type { EventColumns } from '../shared/columns'
import { EventKind } from '../shared/events'
import { encodeRunFile, type MachineFacts, type SavedRun } from '../shared/runfile'
import { buildThreadTable } from '../shared/threads'
import { csvField, exportChromeTrace, toCsv } from '../shared/trace'
import type { Outputs } from './args'
import { EXIT, Failure } from './errors'

export interface RunForFiles {
  request: RunRequest
  result: RunResult
  events: EventColumns
  machine: MachineFacts
  appVersion: string
  options?: Record<string, unknown>
}

export function writeOutputs(o: Partial<Outputs>, run: RunForFiles): void {
  if (o.save) {
    const saved: SavedRun = {
      request: run.request,
      result: run.result,
      machine: run.machine,
      created: new Date().toISOString(),
      appVersion: run.appVersion,
      events: run.events,
      ...(run.options ? { options: run.options } : {}),
    }
    write(o.save, encodeRunFile(saved))
  }
  // tracks in the lane order the run was saved with (the app's default, by value, otherwise)
  const sortByValue = run.options?.sortByValue !== false
  if (o.trace) write(o.trace, JSON.stringify(exportChromeTrace({ ...run, sortByValue })))
  if (o.csv) write(o.csv, runCsv(run))
}

/** Per-thread table: one row per sleep-sort thread, or per parallel-sum chunk. */
export function runCsv(run: RunForFiles): string {
  if (run.request.experiment === 'sleep-sort') {
    // one thread per value: rows come from the values, never from result.threads (a run file is
    // untrusted); events of other workers are ignored by buildThreadTable
    return toCsv(buildThreadTable(run.events, run.request.values.length), run.request.values)
  }
  return sumCsv(run)
}

export const SUM_CSV_COLUMNS = ['chunk', 'size', 'start_ns', 'done_ns', 'duration_ns', 'partial'] as const

function sumCsv(run: RunForFiles): string {
  const result = run.result.experiment === 'parallel-sum' ? run.result : null
  const chunks = result?.chunkSizes.length ?? 0
  const start = new Float64Array(chunks).fill(NaN)
  const done = new Float64Array(chunks).fill(NaN)
  const e = run.events
  for (let i = 0; i < e.length; i++) {
    const w = e.worker[i]
    if (w >= chunks) continue
    if (e.kind[i] === EventKind.ChunkStart) start[w] = e.tNs[i]
    else if (e.kind[i] === EventKind.ChunkDone) done[w] = e.tNs[i]
  }
  const lines: string[] = [SUM_CSV_COLUMNS.join(',')]
  for (let w = 0; w < chunks; w++) {
    const row = [w, result!.chunkSizes[w], start[w], done[w], done[w] - start[w], result!.partials[w] ?? '']
    lines.push(row.map(csvField).join(','))
  }
  return lines.join('\r\n') + '\r\n'
}

function write(path: string, data: string | Uint8Array): void {
  try {
    writeFileSync(path, data)
  } catch (e) {
    throw new Failure(`cannot write ${path}: ${(e as Error).message}`, EXIT.failed)
  }
}
