/**
 * The page's run-analysis worker (analysis.worker.ts, bundled as a module worker of its own), or
 * null where this page cannot have one: model/analysisClient.ts then analyses on the main thread.
 */
import type { AnalysisWorker } from '../model/analysisClient'

export function analysisWorker(): AnalysisWorker | null {
  if (typeof Worker === 'undefined') return null
  return new Worker(new URL('./analysis.worker.ts', import.meta.url), { type: 'module', name: 'run analysis' })
}
