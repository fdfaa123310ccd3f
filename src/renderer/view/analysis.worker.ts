/**
 * The run analysis (model/runAnalysis.ts) on a worker thread: a finished 10,000-thread sleep sort's
 * statistics and moments cost more than a frame, and nothing in them needs the page.
 */
import type { AnalysisReply, AnalysisRequest } from '../model/analysisClient'
import { analyseSort } from '../model/runAnalysis'

const scope = self as unknown as {
  onmessage: ((e: { data: AnalysisRequest }) => void) | null
  postMessage(reply: AnalysisReply): void
}

scope.onmessage = (e) => {
  const { id, input } = e.data
  try {
    scope.postMessage({ id, ok: true, analysis: analyseSort(input) })
  } catch (err) {
    scope.postMessage({ id, ok: false, message: (err as Error).message })
  }
}
