/**
 * What the stats panel and `threadlab sort` say about a run that went wrong: which cause each
 * misplaced value gets when the recorded timeline is partial, which partner it is blamed on, and the
 * sentence — causes listed most frequent first, each with its largest Δ.
 */
import { describe, expect, it } from 'vitest'
import {
  attributeCauses,
  explainRun,
  summarizeCauses,
  type AttributionInput,
  type Cause,
  type CauseAttribution,
} from '../../src/shared/attribution'
import type { TimingMode } from '../../src/shared/api'
import type { ThreadTable } from '../../src/shared/threads'

const MS = 1e6
type Instants = 'sleepStart' | 'deadline' | 'woke' | 'lockAcquired' | 'pushed'

/** A thread table with only the given instants recorded (NaN elsewhere); `index` is each worker's push slot. */
function table(index: number[], instants: Partial<Record<Instants, number[]>> = {}): ThreadTable {
  const n = index.length
  const col = (k: Instants) => Float64Array.from({ length: n }, (_, w) => instants[k]?.[w] ?? NaN)
  const nan = () => new Float64Array(n).fill(NaN)
  return {
    count: n,
    spawned: nan(),
    sleepStart: col('sleepStart'),
    deadline: col('deadline'),
    woke: col('woke'),
    lockWait: nan(),
    lockAcquired: col('lockAcquired'),
    pushed: col('pushed'),
    index: Int32Array.from(index),
    lockReleased: nan(),
    exited: nan(),
    cancelled: nan(),
  }
}

/** Values pushed in the order of `index` (index[w] = where worker w's value landed). */
function run(
  values: number[],
  index: number[],
  instants: Partial<Record<Instants, number[]>>,
  more: { mode?: TimingMode; shift?: number; unitMs?: number } = {},
): AttributionInput {
  const output: number[] = []
  index.forEach((at, w) => at >= 0 && (output[at] = values[w]))
  return { values, output, table: table(index, instants), mode: more.mode ?? 'scheduled', unitMs: 1, ...more }
}

const brief = (c: CauseAttribution) => [c.outputIndex, c.cause, c.partner, c.culprit, c.deltaNs]

describe('which partner a misplaced value is blamed on', () => {
  it('the larger value before it wins a draw with the smaller value after it', () => {
    // output 6 4 3 2: 4 sits 2 units below the 6 before it and 2 units above the 2 after it
    const input = run([6, 4, 3, 2], [0, 1, 2, 3], { woke: [1, 2, 3, 4].map((t) => t * MS) })
    const four = attributeCauses(input).find((c) => c.value === 4)!
    expect(four).toMatchObject({ direction: 'late', partner: 0, workers: [1, 0] })
  })

  it('the partner with the bigger gap wins otherwise', () => {
    // output 5 4 1 0: 4 is 1 unit under the 5 before it and 4 units over the 0 after it
    const input = run([5, 4, 1, 0], [0, 1, 2, 3], { woke: [1, 2, 3, 4].map((t) => t * MS) })
    const four = attributeCauses(input).find((c) => c.value === 4)!
    expect(four).toMatchObject({ direction: 'early', partner: 3, culprit: 3 })
  })

  it('the first value, pushed too early, is blamed on the smaller value after it, never on one after that', () => {
    // output 2 3 1: nothing comes before the 2; the 1 after it is its partner
    const input = run([2, 3, 1], [0, 1, 2], { woke: [1, 2, 3].map((t) => t * MS) })
    expect(attributeCauses(input).find((c) => c.outputIndex === 0)).toMatchObject({ direction: 'early', partner: 2 })
  })

  it('a cancelled run blames the smallest value never pushed, the first of equals', () => {
    // 1 was pushed; 5 and 5 were not; 9 came out second
    const input = run([1, 5, 5, 9], [0, -1, -1, 1], { woke: [1 * MS, NaN, NaN, 2 * MS] })
    expect(attributeCauses(input).map((c) => [c.value, c.cause, c.partner])).toEqual([[9, 'cancelled', 1]])
  })

  it('a complete run is never called cancelled, even when a push went unrecorded', () => {
    // 1 and 1.0000001 tie at 1 µs per unit; the 0.5's push is missing from the table
    const input: AttributionInput = {
      ...run([1.0000001, 1, 0.5], [1, 2, -1], { woke: [1e3, 1e3, 500] }, { unitMs: 0.001 }),
      output: [0.5, 1.0000001, 1],
    }
    expect(attributeCauses(input).map((c) => [c.value, c.cause, c.partner])).toEqual([
      [1.0000001, 'tie', 1],
      [1, 'tie', 0],
    ])
  })

  it('among tied values, each is paired with a tied value it is out of order with', () => {
    // at 1 µs per unit 1 and 1.0000001 tie; output b b a a (b = 1.0000001, a = 1)
    const input = run([1.0000001, 1.0000001, 1, 1], [0, 1, 2, 3], { woke: [1e3, 1e3, 1e3, 1e3] }, { unitMs: 0.001 })
    expect(attributeCauses(input).map((c) => [c.outputIndex, c.cause, c.direction, c.partner])).toEqual([
      [0, 'tie', 'early', 3],
      [1, 'tie', 'early', 3],
      [2, 'tie', 'late', 0],
      [3, 'tie', 'late', 0],
    ])
    // a b' b with b' < b, all tied: b' is out of order only with the b after it
    const rising = run([1, 1.0000002, 1.0000001], [0, 1, 2], { woke: [1e3, 1e3, 1e3] }, { unitMs: 0.001 })
    expect(attributeCauses(rising).map((c) => [c.outputIndex, c.direction, c.partner])).toEqual([
      [1, 'early', 2],
      [2, 'late', 1],
    ])
  })

  it('a tie with a value never pushed names that value, not a tied larger one pushed after', () => {
    // 1, 1.0000001 and 1.0000002 tie at 1 µs per unit; the 1 was never pushed
    const input = run([1, 1.0000001, 1.0000002], [-1, 0, 1], { woke: [NaN, 1e3, 1e3] }, { unitMs: 0.001 })
    expect(attributeCauses(input).map((c) => [c.outputIndex, c.cause, c.partner])).toEqual([
      [0, 'tie', 0],
      [1, 'tie', 0],
    ])
  })

  it('an output longer than the input (a damaged file) expects nothing past the input and explains nothing there', () => {
    const input: AttributionInput = { ...run([1, 2], [0, 1], { woke: [1 * MS, 2 * MS] }), output: [1, 2, 3] }
    const [extra] = attributeCauses(input)
    expect(extra).toMatchObject({ outputIndex: 2, value: 3, cause: 'unknown', direction: 'late', partner: -1 })
    expect(extra.expected).toBeNaN()
  })

  it('rows of the table past the input are not workers', () => {
    const input: AttributionInput = {
      ...run([2, 1, 7], [0, -1, 1], { woke: [1 * MS, 2 * MS, 3 * MS] }),
      values: [2, 1],
    }
    expect(attributeCauses({ ...input, output: [2, 1] }).map((c) => c.worker)).toEqual([0, -1])
  })

  it('a value pushed twice in the table counts for the first worker that claims its slot', () => {
    // workers 1 and 2 both claim slot 1, where the 1 landed; the run stopped before the 3 was pushed
    const input = { ...run([2, 1, 3], [0, 1, 1], { woke: [1 * MS, 2 * MS, NaN] }), output: [2, 1] }
    expect(attributeCauses(input).map((c) => [c.value, c.worker])).toEqual([
      [2, 0],
      [1, 1],
    ])
  })
})

describe('causes from a partial timeline', () => {
  it('measures lateness from the nominal deadline, shift included, when sleep-start was not recorded', () => {
    // values -1 and -2 shifted by 2 sleep 1 ms and 0 ms; -2 woke at 3 ms: 3 ms late
    const input = run([-1, -2], [0, 1], { woke: [1 * MS, 3 * MS] }, { shift: 2 })
    expect(attributeCauses(input).map(brief)).toEqual([
      [0, 'timer-lateness', 1, 1, 3 * MS],
      [1, 'timer-lateness', 0, 1, 3 * MS],
    ])
    expect(explainRun(input)).toBe(
      '2 of 2 values out of place: 1 thread woke up to 3 ms (3 units) late and was overtaken.',
    )
  })

  it('in classic mode the nominal deadline counts from the thread’s own sleep start', () => {
    // 1 started sleeping 5 ms after 3: its deadline (6 ms) is after 3's (3 ms)
    const classic = run([3, 1], [0, 1], { sleepStart: [0, 5 * MS], woke: [3 * MS, 6 * MS] }, { mode: 'classic' })
    expect(attributeCauses(classic).map(brief)).toEqual([
      [0, 'spawn-offset', 1, 1, 5 * MS],
      [1, 'spawn-offset', 0, 1, 5 * MS],
    ])
    // without sleep starts, a classic deadline is unknown
    const blind = run([3, 1], [0, 1], { woke: [3 * MS, 6 * MS] }, { mode: 'classic' })
    expect(attributeCauses(blind).map((c) => c.cause)).toEqual(['unknown', 'unknown'])
  })

  it('equal sleep starts in classic mode make it lateness, not a spawn offset', () => {
    // 3 and 1 both started at 0: 1's deadline (1 ms) came first, and it woke 3 ms late
    const input = run([3, 1], [0, 1], { sleepStart: [0, 0], woke: [3 * MS, 4 * MS] }, { mode: 'classic' })
    expect(attributeCauses(input).map(brief)).toEqual([
      [0, 'timer-lateness', 1, 1, 3 * MS],
      [1, 'timer-lateness', 0, 1, 3 * MS],
    ])
  })

  it('equal absolute deadlines are lateness: the offset alone did not invert them', () => {
    // 3 sleeps 3 ms from 0, 1 sleeps 1 ms from 2 ms: both deadlines at 3 ms; 1 woke 0.5 ms late
    const input = run([3, 1], [0, 1], { sleepStart: [0, 2 * MS], woke: [3 * MS, 3.5 * MS] }, { mode: 'classic' })
    expect(attributeCauses(input).map((c) => [c.cause, c.deltaNs])).toEqual([
      ['timer-lateness', 0.5 * MS],
      ['timer-lateness', 0.5 * MS],
    ])
  })

  it('a spawn offset without its own sleep start counts back from the deadline', () => {
    // 1's deadline is 6 ms and it sleeps 1 ms: it started 5 ms after 3 did
    const input = run([3, 1], [0, 1], { sleepStart: [0, NaN], deadline: [3 * MS, 6 * MS], woke: [3 * MS, 6 * MS] })
    expect(attributeCauses(input).map((c) => [c.cause, c.deltaNs])).toEqual([
      ['spawn-offset', 5 * MS],
      ['spawn-offset', 5 * MS],
    ])
  })

  it('waking at the same instant and losing the mutex is a lock hand-off', () => {
    const input = run([1, 2], [1, 0], { woke: [2 * MS, 2 * MS], lockAcquired: [2.4 * MS, 2.1 * MS] })
    expect(attributeCauses(input).map((c) => [c.cause, c.deltaNs])).toEqual([
      ['lock-handoff', 0.4 * MS],
      ['lock-handoff', 0.4 * MS],
    ])
  })

  it('a recorded deadline is used as it is', () => {
    const input = run([3, 1], [0, 1], { deadline: [3 * MS, 1 * MS], woke: [3 * MS, 4.5 * MS] })
    expect(attributeCauses(input).map((c) => c.deltaNs)).toEqual([3.5 * MS, 3.5 * MS])
  })

  it('a spawn offset without sleep starts is measured as zero', () => {
    const input = run([3, 1], [0, 1], { deadline: [3 * MS, 5 * MS], woke: [3 * MS, 5 * MS] }, { mode: 'classic' })
    expect(attributeCauses(input).map(brief)).toEqual([
      [0, 'spawn-offset', 1, 1, 0],
      [1, 'spawn-offset', 0, 1, 0],
    ])
  })

  it('lock hand-off is measured to the push when the acquisition was not recorded', () => {
    const input = run([1, 2], [1, 0], { woke: [1 * MS, 2 * MS], pushed: [4 * MS, 3 * MS] })
    expect(attributeCauses(input).map(brief)).toEqual([
      [0, 'lock-handoff', 0, 0, 3 * MS],
      [1, 'lock-handoff', 1, 0, 3 * MS],
    ])
    const acquired = run([1, 2], [1, 0], {
      woke: [1 * MS, 2 * MS],
      lockAcquired: [2.5 * MS, 2 * MS],
      pushed: [4 * MS, 3 * MS],
    })
    expect(attributeCauses(acquired).map((c) => c.deltaNs)).toEqual([1.5 * MS, 1.5 * MS])
  })

  it('is unknown when a wake-up, both lock instants, or who pushed a value is missing', () => {
    const causes = (i: AttributionInput) => attributeCauses(i).map((c) => [c.cause, c.culprit])
    const locked = { lockAcquired: [3 * MS, 2.5 * MS], pushed: [3.1 * MS, 2.6 * MS] }
    expect(causes(run([1, 2], [1, 0], { woke: [1 * MS, NaN], ...locked }))).toEqual([
      ['unknown', 0],
      ['unknown', 0],
    ])
    expect(causes(run([1, 2], [1, 0], { woke: [NaN, 2 * MS], ...locked }))).toEqual([
      ['unknown', 0],
      ['unknown', 0],
    ])
    // the larger value's pusher was not recorded: nobody to compare the 1 with
    const noPartner: AttributionInput = {
      ...run([1, 2], [1, -1], { woke: [1 * MS, 2 * MS], ...locked }),
      output: [2, 1],
    }
    expect(attributeCauses(noPartner).map((c) => [c.outputIndex, c.cause, c.culprit])).toEqual([
      [0, 'unknown', -1],
      [1, 'unknown', -1],
    ])
    // classic deadlines need the sleep start of both threads
    const halfClassic = run([3, 1], [0, 1], { sleepStart: [0, NaN], woke: [3 * MS, 6 * MS] }, { mode: 'classic' })
    expect(attributeCauses(halfClassic).map((c) => c.cause)).toEqual(['unknown', 'unknown'])
    expect(causes(run([1, 2], [1, 0], { woke: [1 * MS, 2 * MS] }))).toEqual([
      ['unknown', 0],
      ['unknown', 0],
    ])
    // worker 1's push was not recorded: output [2, 1] but nobody is known to have pushed the 1
    const unpushed: AttributionInput = { ...run([1, 2], [-1, 0], { woke: [1 * MS, 2 * MS] }), output: [2, 1] }
    expect(attributeCauses(unpushed).map((c) => [c.cause, c.worker, c.culprit, c.workers])).toEqual([
      ['unknown', 1, -1, [1]],
      ['unknown', -1, -1, [1]],
    ])
    expect(explainRun(unpushed)).toBe(
      '2 of 2 values out of place: 2 values could not be explained from the recorded events.',
    )
  })

  it('a tie with a value never pushed (the run was cancelled) blames that value', () => {
    const input = run([2, 1.0000001, 1], [-1, 0, -1], { woke: [NaN, 1 * MS, NaN] }, { unitMs: 0.001 })
    expect(attributeCauses(input).map((c) => [c.cause, c.direction, c.partner, c.culprit, c.deltaNs])).toEqual([
      ['tie', 'early', 2, 2, 0],
    ])
    expect(explainRun(input)).toBe(
      'Cancelled after 1 of 3 values, in order: the only value out of place had equal deadlines, where any order is correct.',
    )
  })
})

describe('the sentence', () => {
  const att = (cause: Cause, culprit: number, deltaNs: number): CauseAttribution => ({
    outputIndex: 0,
    value: 0,
    expected: 0,
    worker: 0,
    cause,
    direction: 'late',
    partner: -1,
    culprit,
    deltaNs,
    workers: [],
  })
  const input = (mode: TimingMode = 'scheduled'): AttributionInput => ({
    ...run([1, 2, 3, 4, 5, 6], [0, 1, 2, 3, 4, 5], {}),
    mode,
  })

  it('lists causes most frequent first, and in the fixed order on a draw', () => {
    const list = [
      att('lock-handoff', 1, MS),
      att('timer-lateness', 2, MS),
      att('timer-lateness', 3, MS),
      att('spawn-offset', 4, MS),
      att('unknown', -1, NaN),
      att('timer-lateness', 2, 2 * MS),
    ]
    expect(summarizeCauses(list)).toEqual([
      { cause: 'timer-lateness', count: 3, culprits: 2, maxDeltaNs: 2 * MS },
      { cause: 'spawn-offset', count: 1, culprits: 1, maxDeltaNs: MS },
      { cause: 'lock-handoff', count: 1, culprits: 1, maxDeltaNs: MS },
      { cause: 'unknown', count: 1, culprits: 1, maxDeltaNs: NaN },
    ])
  })

  it('gives the largest Δ of each cause, ignoring the unmeasured', () => {
    const list = [att('timer-lateness', 0, NaN), att('timer-lateness', 1, 12 * MS), att('timer-lateness', 2, 4 * MS)]
    expect(explainRun(input(), list)).toBe(
      '3 of 6 values out of place: 3 threads woke up to 12 ms (12 units) late and were overtaken.',
    )
  })

  it('says how late in units only from a tenth of a unit, singular at exactly one', () => {
    const late = (ns: number) => explainRun(input(), [att('timer-lateness', 0, ns)])
    expect(late(MS)).toBe('1 of 6 values out of place: 1 thread woke up to 1 ms (1 unit) late and was overtaken.')
    expect(late(0.1 * MS)).toBe(
      '1 of 6 values out of place: 1 thread woke up to 100 µs (0.1 units) late and was overtaken.',
    )
    expect(late(0.09 * MS)).toBe('1 of 6 values out of place: 1 thread woke up to 90 µs late and was overtaken.')
    expect(late(1.26 * MS)).toBe(
      '1 of 6 values out of place: 1 thread woke up to 1.26 ms (1.3 units) late and was overtaken.',
    )
    expect(late(12.6 * MS)).toBe(
      '1 of 6 values out of place: 1 thread woke up to 12.6 ms (13 units) late and was overtaken.',
    )
    expect(late(NaN)).toBe('1 of 6 values out of place: 1 thread woke late and was overtaken.')
  })

  it('names who started threads late by mode, and the other causes in their own words', () => {
    const one = (cause: Cause, culprits: number[], mode?: TimingMode, deltaNs = 2 * MS) =>
      explainRun(
        input(mode),
        culprits.map((c) => att(cause, c, deltaNs)),
      )
    expect(one('spawn-offset', [1], 'classic')).toBe(
      '1 of 6 values out of place: classic mode started 1 thread up to 2 ms after the first.',
    )
    expect(one('spawn-offset', [1, 2], 'realtime')).toBe(
      '2 of 6 values out of place: the spawner started 2 threads up to 2 ms after the first.',
    )
    expect(one('lock-handoff', [1], 'scheduled', NaN)).toBe(
      '1 of 6 values out of place: 1 thread woke in order but got the mutex after a larger value (some time after waking).',
    )
    expect(one('cancelled', [1], 'scheduled', NaN)).toBe(
      '1 of 6 values out of place: the run was cancelled before 1 smaller value was pushed.',
    )
    expect(one('cancelled', [1, 2], 'scheduled', NaN)).toBe(
      '2 of 6 values out of place: the run was cancelled before 2 smaller values were pushed.',
    )
    expect(explainRun(input(), [att('tie', 0, 0), att('tie', 1, 0), att('unknown', -1, NaN)])).toBe(
      '1 of 6 values out of place: 2 values had equal deadlines (any order is correct); 1 value could not be explained from the recorded events.',
    )
  })

  it('counts threads by distinct culprit, or by value when no culprit is known', () => {
    expect(summarizeCauses([att('unknown', -1, NaN), att('unknown', -1, NaN)])[0].culprits).toBe(2)
    expect(summarizeCauses([att('timer-lateness', 4, MS), att('timer-lateness', -1, MS)])[0].culprits).toBe(1)
  })

  it('gives no units for a zero unit', () => {
    const zero = { ...input(), unitMs: 0 }
    expect(explainRun(zero, [att('timer-lateness', 0, 2 * MS)])).toBe(
      '1 of 6 values out of place: 1 thread woke up to 2 ms late and was overtaken.',
    )
  })

  it('a complete run whose only misplaced value is a tie is in order', () => {
    expect(explainRun(input(), [att('tie', 0, 0)])).toBe(
      'In order: the only value out of place had equal deadlines, where any order is correct.',
    )
  })
})
