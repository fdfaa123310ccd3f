/** Loads the built addon through its generated entry point (native/index.js), typed by index.d.ts. */
import { createRequire } from 'node:module'
import type * as Native from '../../native/index.js'
import { EventKind, isBatchError, iterateEvents, readBatchHeader, type DecodedEvent } from '../../src/shared/events'

const require = createRequire(import.meta.url)
export const native = require('../../native/index.js') as typeof Native
export const { sort, parallel } = native

export const SEED = [5, 1, 2, 6, 8, 2, 4, 2, 3, 8, 0, 2]

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Decodes batches with the shared decoder, checking headers (format, run id, seq order). */
export function decodeBatches(batches: Float64Array[], runId: number): DecodedEvent[] {
  const events: DecodedEvent[] = []
  batches.forEach((b, i) => {
    const h = readBatchHeader(b)
    if (isBatchError(h)) throw new Error(h.message)
    if (h.runId !== runId) throw new Error(`batch ${i} has run id ${h.runId}, expected ${runId}`)
    if (h.seq !== i) throw new Error(`batch ${i} has seq ${h.seq}`)
    for (const e of iterateEvents(b)) events.push(e)
  })
  return events
}

const FULL: number[] = [
  EventKind.Spawned,
  EventKind.SleepStart,
  EventKind.Woke,
  EventKind.LockWait,
  EventKind.LockAcquired,
  EventKind.Pushed,
  EventKind.LockReleased,
  EventKind.Exited,
]

/** A worker's kinds are legal: the full life, or a prefix (before the push) then cancelled, exited. */
export function legalOrder(kinds: number[]): boolean {
  if (kinds.length === FULL.length && kinds.every((k, i) => k === FULL[i])) return true
  const n = kinds.length
  if (n < 2 || kinds[n - 2] !== EventKind.Cancelled || kinds[n - 1] !== EventKind.Exited) return false
  const prefix = kinds.slice(0, n - 2)
  return prefix.length <= 5 && prefix.every((k, i) => k === FULL[i])
}

/** Polls until the process's thread count is back to at most `baseline` (+ slack), or times out. */
export async function threadsBackTo(baseline: number, slack = 0, timeoutMs = 2000): Promise<number> {
  const end = Date.now() + timeoutMs
  let n = native.threadCount()
  while (n > baseline + slack && Date.now() < end) {
    await sleep(10)
    n = native.threadCount()
  }
  return n
}

export function randomInts(n: number, max: number, seed = 1): number[] {
  let s = seed >>> 0
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out.push(s % max)
  }
  return out
}

export async function codeOf(
  p: Promise<unknown> | (() => unknown),
): Promise<{ code?: string; position?: number; message: string }> {
  try {
    if (typeof p === 'function') p()
    else await p
  } catch (e) {
    const err = e as Error & { code?: string; position?: number }
    return { code: err.code, position: err.position, message: err.message }
  }
  throw new Error('expected an error')
}
