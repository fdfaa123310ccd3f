// The finished run's analysis (statistics figures and moments): the same whether computed one by
// one, through a worker (messages cloned as a real worker's are), or on the main thread in a later
// task when no worker can be had. The worker itself runs in Chromium in e2e.
import { describe, expect, it } from 'vitest'
import { attributeColumns, explainRun, type AttributionInput } from '../../src/shared/attribution'
import { groupMoments, sleepSortMoments } from '../../src/shared/moments'
import { latenessArray, lockWaitArray, percentiles } from '../../src/shared/stats'
import {
  createAnalyser,
  type AnalysisReply,
  type AnalysisRequest,
  type AnalysisWorker,
} from '../../src/renderer/model/analysisClient'
import { analyseSort } from '../../src/renderer/model/runAnalysis'
import { simulateSleepSort } from '../shared/helpers/sim'

/** A classic run of n values in reverse order: spawn order wins, about one inversion moment per value. */
function reversedRun(n: number): AttributionInput {
  const run = simulateSleepSort({
    values: Array.from({ length: n }, (_, i) => n - i),
    unitMs: 0.001,
    mode: 'classic',
    spawnGapNs: 50_000,
    lateNs: (w) => (w % 7) * 3_000,
  })
  return {
    values: run.values,
    shift: run.shift,
    unitMs: run.unitMs,
    mode: run.mode,
    output: run.output,
    table: run.table,
  }
}

/** A worker stand-in: the real analysis behind structured clones, answering in a later task. */
function cloningWorker(): AnalysisWorker & { posted: number } {
  const listeners: ((e: { data: AnalysisReply }) => void)[] = []
  const w = {
    posted: 0,
    postMessage(message: AnalysisRequest) {
      const { id, input } = structuredClone(message)
      setTimeout(() => {
        w.posted++
        const data = structuredClone({ id, ok: true, analysis: analyseSort(input) } as AnalysisReply)
        for (const l of listeners) l({ data })
      }, 0)
    },
    addEventListener(type: string, listener: never) {
      if (type === 'message') listeners.push(listener)
    },
    terminate() {},
  }
  return w
}

describe('the run analysis', () => {
  const input = reversedRun(80)

  it('is the statistics and moments computed one by one', () => {
    const a = analyseSort(input)
    const moments = sleepSortMoments(input)
    expect(a.moments).toEqual(moments)
    expect(a.groups).toEqual(groupMoments(moments))
    expect(a.figures!.sentence).toBe(explainRun(input, attributeColumns(input)))
    expect(a.figures!.late).toEqual(percentiles(latenessArray(input.table)))
    expect(a.figures!.lockWait).toEqual(percentiles(lockWaitArray(input.table)))
    expect(a.figures!.hist.total).toBe(80)
  })

  it('comes back the same from a worker, each answer to its own request', async () => {
    const big = reversedRun(3000)
    const expected = analyseSort(big)
    expect(expected.moments.length).toBeGreaterThan(2000)
    const worker = cloningWorker()
    const analyse = createAnalyser(() => worker)
    const [a, b] = await Promise.all([analyse(big), analyse(input)])
    expect(a).toEqual(expected)
    expect(b).toEqual(analyseSort(input))
    expect(worker.posted).toBe(2)
  })

  it('runs on the main thread, after the asking task, where no worker can be had', async () => {
    const analyse = createAnalyser(() => null)
    let done = false
    const answer = analyse(input).then((a) => ((done = true), a))
    await Promise.resolve()
    expect(done).toBe(false)
    expect(await answer).toEqual(analyseSort(input))
  })

  it('falls back to the main thread when the worker fails to load', async () => {
    let fail: () => void = () => {}
    let terminated = false
    const broken: AnalysisWorker = {
      postMessage() {},
      addEventListener(type: string, listener: never) {
        if (type === 'error') fail = listener
      },
      terminate() {
        terminated = true
      },
    }
    let made = 0
    const analyse = createAnalyser(() => (made++, broken))
    const pending = analyse(input)
    fail()
    expect(await pending).toEqual(analyseSort(input))
    expect(terminated).toBe(true)
    expect(await analyse(input)).toEqual(analyseSort(input))
    expect(made).toBe(1)
  })

  it('rejects with the worker’s message when the analysis fails there', async () => {
    const listeners: ((e: { data: AnalysisReply }) => void)[] = []
    const failing: AnalysisWorker = {
      postMessage: ({ id }) =>
        setTimeout(() => listeners.forEach((l) => l({ data: { id, ok: false, message: 'bad table' } }))),
      addEventListener(type: string, listener: never) {
        if (type === 'message') listeners.push(listener)
      },
      terminate() {},
    }
    await expect(createAnalyser(() => failing)(input)).rejects.toThrow('bad table')
  })
})
