/**
 * Runs the sleep-sort analysis (runAnalysis.ts) on a worker thread (the page's is made by
 * view/analysisWorker.ts), so the main thread only pays for sending the run and receiving the
 * answer. Where no worker can be had (tests in Node, a worker that fails to load) the same
 * function runs on the main thread in a task of its own.
 */
import type { AttributionInput } from '../../shared/attribution'
import { analyseSort, type RunAnalysis } from './runAnalysis'

export type AnalysisReply = { id: number; ok: true; analysis: RunAnalysis } | { id: number; ok: false; message: string }

export interface AnalysisRequest {
  id: number
  input: AttributionInput
}

/** The part of a Worker this client uses. */
export interface AnalysisWorker {
  postMessage(message: AnalysisRequest): void
  addEventListener(type: 'message', listener: (e: { data: AnalysisReply }) => void): void
  addEventListener(type: 'error', listener: () => void): void
  terminate(): void
}

export type Analyse = (input: AttributionInput) => Promise<RunAnalysis>

/** `work` on the main thread in a task after the one that asked (the frame showing the result paints first). */
export function inLaterTask<T>(work: () => T): Promise<T> {
  return new Promise((resolve, reject) =>
    setTimeout(() => {
      try {
        resolve(work())
      } catch (e) {
        reject(e)
      }
    }, 0),
  )
}

const inline = (input: AttributionInput) => inLaterTask(() => analyseSort(input))

/**
 * An analyser that keeps one worker for the page (started on first use). A worker that fails to
 * start or to load sends every pending and later request to the main thread.
 */
export function createAnalyser(makeWorker: () => AnalysisWorker | null): Analyse {
  let worker: AnalysisWorker | null | undefined
  let nextId = 0
  const pending = new Map<number, { input: AttributionInput; resolve(a: RunAnalysis): void; reject(e: Error): void }>()
  const fallBack = () => {
    worker?.terminate()
    worker = null
    const waiting = [...pending.values()]
    pending.clear()
    for (const p of waiting) inline(p.input).then(p.resolve, p.reject)
  }
  const start = (): AnalysisWorker | null => {
    try {
      const w = makeWorker()
      w?.addEventListener('message', ({ data: reply }) => {
        const p = pending.get(reply.id)
        if (!p) return
        pending.delete(reply.id)
        if (reply.ok) p.resolve(reply.analysis)
        else p.reject(new Error(reply.message))
      })
      w?.addEventListener('error', fallBack)
      return w
    } catch {
      return null
    }
  }
  return (input) => {
    if (worker === undefined) worker = start()
    if (!worker) return inline(input)
    const id = ++nextId
    return new Promise((resolve, reject) => {
      pending.set(id, { input, resolve, reject })
      worker!.postMessage({ id, input })
    })
  }
}
