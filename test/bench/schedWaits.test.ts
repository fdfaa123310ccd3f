import { describe, expect, it } from 'vitest'
import { type SchedEvent, whereTimeWent } from '../../bench/_schedWaits.mjs'

// A made-up scheduler trace on two CPUs (µs): the page's thread 7 runs on CPU 1, is preempted by
// a sorting thread (100), sits in CPU 1's queue while CPU 0 idles, is moved to CPU 0, runs, sleeps,
// is woken and runs to the end. Its task spans 0..1000.
const sw = (
  t: number,
  cpu: number,
  prevTid: number,
  prevState: string,
  nextTid: number,
  nextComm: string,
): SchedEvent => ({
  t,
  cpu,
  pid: 1,
  kind: 'switch',
  prevTid,
  prevState,
  nextTid,
  nextComm,
})
const events: SchedEvent[] = [
  sw(-50, 0, 9, 'S', 0, 'swapper/0'),
  sw(-10, 1, 0, 'R', 7, 'page'),
  sw(100, 1, 7, 'R', 100, 'tl-sort'),
  sw(300, 1, 100, 'S', 101, 'tl-sort'),
  { t: 400, cpu: 0, pid: 1, kind: 'migrate', tid: 7, to: 0 },
  sw(450, 0, 0, 'R', 7, 'page'),
  sw(600, 0, 7, 'S', 0, 'swapper/0'),
  { t: 700, cpu: 0, pid: 1, kind: 'waking', tid: 7, target: 0 },
  sw(750, 0, 0, 'R', 7, 'page'),
]

describe('whereTimeWent: what a thread did during a task, from scheduler events', () => {
  const w = whereTimeWent(events, { tid: 7, fromUs: 0, toUs: 1000 })

  it('splits the task into running, runnable in a queue and asleep', () => {
    // ran 0..100, 450..600, 750..1000; queued 100..450 (CPU 1 then CPU 0) and 700..750; asleep 600..700
    expect(w.runMs).toBeCloseTo(0.5, 6)
    expect(w.queuedMs).toBeCloseTo(0.4, 6)
    expect(w.asleepMs).toBeCloseTo(0.1, 6)
    expect([...w.queuedOn].map(([cpu, ms]) => [cpu, +ms.toFixed(3)])).toEqual([
      [1, 0.3],
      [0, 0.1],
    ])
  })

  it('says what every CPU ran while the thread waited in a queue', () => {
    const ran = Object.fromEntries(
      [...w.whileQueued].map(([cpu, names]) => [cpu, names.map(([n, ms]) => [n, +ms.toFixed(3)])]),
    )
    // queued 100..450 and 700..750: CPU 1 ran the sorting threads all along, CPU 0 idled (the
    // thread was not moved there until 400, and after the wake-up at 700 it ran at 750)
    expect(ran[1]).toEqual([['tl-sort', 0.4]])
    expect(ran[0]).toEqual([['idle', 0.4]])
  })
})
