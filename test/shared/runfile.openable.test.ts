/**
 * What every opener (the app and `threadlab open`) refuses after a file decodes: a run the views
 * cannot show. The error code and the message are what the person opening the file sees.
 */
import { describe, expect, it } from 'vitest'
import { LIMITS } from '../../src/shared/limits'
import { openableProblem, type SavedRun } from '../../src/shared/runfile'
import { sleepRun } from './helpers/savedRun'

const run = sleepRun([2, 1])
const withRequest = (request: object): SavedRun => ({ ...run, request: { ...run.request, ...request } as never })

describe('openableProblem', () => {
  it('opens a saved sleep sort, with or without its result', () => {
    expect(openableProblem(run)).toBeNull()
    expect(openableProblem({ ...run, result: null })).toBeNull()
  })

  it('opens a saved parallel sum (a sum has no output list to check)', () => {
    const sum: SavedRun = {
      ...run,
      request: { experiment: 'parallel-sum', values: [1, 2], threads: 2 },
      result: {
        experiment: 'parallel-sum',
        runId: 2,
        sum: 3,
        sumText: '3',
        kind: 'integer',
        exact: true,
        partials: [1, 2],
        chunkSizes: [1, 1],
        threads: 2,
        wallMs: 1,
        cancelled: false,
        eventCount: 0,
      } as never,
    }
    expect(openableProblem(sum)).toBeNull()
  })

  it('refuses more threads than Threadlab can show, with the counts written out', () => {
    expect(openableProblem(withRequest({ values: new Array(LIMITS.maxValuesCeiling).fill(1) }))).toBeNull()
    expect(openableProblem(withRequest({ values: new Array(LIMITS.maxValuesCeiling + 1).fill(1) }))).toEqual({
      code: 'E_TOO_MANY',
      message: 'the run has 50,001 threads, more than the 50,000 Threadlab can show',
    })
  })

  it('refuses a unit that is not a positive number of ms', () => {
    for (const unitMs of [0, -2, NaN])
      expect(openableProblem(withRequest({ unitMs }))).toEqual({
        code: 'E_CORRUPT',
        message: `the run's unit ${unitMs} ms is not positive`,
      })
    expect(openableProblem(withRequest({ unitMs: 0.001 }))).toBeNull()
  })

  it('refuses a sleep-sort result without its output', () => {
    const result = { ...run.result, output: undefined as never }
    expect(openableProblem({ ...run, result })).toEqual({
      code: 'E_CORRUPT',
      message: 'the run’s result has no output',
    })
  })

  it('holds a parallel sum to none of the sleep-sort limits', () => {
    const sum: SavedRun = {
      ...run,
      request: { experiment: 'parallel-sum', values: new Array(LIMITS.maxValuesCeiling + 1).fill(1), unitMs: 0 },
      result: null,
    }
    expect(openableProblem(sum)).toBeNull()
  })
})
