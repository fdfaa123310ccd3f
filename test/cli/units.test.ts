/** In-process tests of the CLI's pure parts: durations, argv parsing, input parsing, histograms. */
import { describe, expect, it } from 'vitest'
import { parseCli, UsageError } from '../../src/cli/args'
import { badInputMessage, parseSortInput, parseSumInput } from '../../src/cli/input'
import { integerHistogram, summarizeRepeat } from '../../src/cli/repeat'
import { terminalProgress } from '../../src/cli/runner'
import { formatUnitMs, formatUnitShort, parseDuration } from '../../src/shared/units'

describe('parseDuration', () => {
  it.each([
    ['10ms', 10],
    ['50us', 0.05],
    ['50µs', 0.05],
    ['50μs', 0.05],
    ['1s', 1000],
    ['2.5', 2.5],
    ['0', 0],
    ['250ns', 0.00025],
    ['1e1ms', 10],
    ['10 ms', 10],
    ['10MS', 10],
  ])('%s → %s ms', (text, ms) => {
    const d = parseDuration(text)
    expect(d.ok).toBe(true)
    if (d.ok) expect(d.ms).toBeCloseTo(ms, 12)
  })

  it.each(['', 'ms', '10 parsecs', '1h', 'abc', '--5ms', '1e999'])('rejects %j', (text) => {
    expect(parseDuration(text).ok).toBe(false)
  })

  it('formats units back', () => {
    expect(formatUnitMs(10)).toBe('10 ms')
    expect(formatUnitMs(0.05)).toBe('50 µs')
    expect(formatUnitMs(1000)).toBe('1 s')
    expect(formatUnitMs(1e-6)).toBe('1 ns')
    expect(formatUnitMs(Infinity)).toBe('Infinity')
    // a half-decade sweep unit: six digits in headers, three on the sweep's chart
    expect(formatUnitMs(Math.sqrt(0.1))).toBe('316.228 µs')
    expect(formatUnitShort(Math.sqrt(0.1))).toBe('316 µs')
    expect(formatUnitShort(Math.sqrt(10))).toBe('3.16 ms')
  })
})

describe('parseCli', () => {
  it('reads a sort with options and negative values', () => {
    const c = parseCli(['sort', '-3', '5', '-1.5', '--mode', 'classic', '-u', '50us', '--json'])
    expect(c).toMatchObject({
      kind: 'sort',
      input: { args: ['-3', '5', '-1.5'] },
      mode: 'classic',
      unitMs: 0.05,
      json: true,
      repeat: 1,
    })
  })

  it('accepts units down to the clock’s 1 ns', () => {
    expect(parseCli(['sort', '1', '2', '--unit', '1ns'])).toMatchObject({ unitMs: 1e-6 })
    expect((parseCli(['sort', '1', '--unit', '100ns']) as { unitMs: number }).unitMs).toBeCloseTo(1e-4, 15)
  })

  it('defaults: scheduled, 100 ms', () => {
    expect(parseCli(['sort', '1'])).toMatchObject({ mode: 'scheduled', unitMs: 100, record: true })
  })

  it('reads sum, open, help and version', () => {
    expect(parseCli(['sum', '1', '2', '-t', '4', '--unit', '0'])).toMatchObject({ kind: 'sum', threads: 4, unitMs: 0 })
    expect(parseCli(['open', 'a.threadlab', '--trace', 't.json'])).toMatchObject({
      kind: 'open',
      file: 'a.threadlab',
      trace: 't.json',
    })
    expect(parseCli([])).toEqual({ kind: 'help', topic: undefined })
    expect(parseCli(['--help'])).toEqual({ kind: 'help', topic: undefined })
    expect(parseCli(['sort', '--help'])).toEqual({ kind: 'help', topic: 'sort' })
    expect(parseCli(['help', 'sum'])).toEqual({ kind: 'help', topic: 'sum' })
    expect(parseCli(['--version'])).toEqual({ kind: 'version' })
  })

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['sort', '1', '--bogus'], /--bogus/],
    [['sort', '1', '--mode', 'fast'], /--mode "fast"/],
    [['sort', '1', '--unit', '3 furlongs'], /furlongs/],
    [['sort', '1', '--unit', '2s'], /^--unit "2s": the unit must be from 1 ns to 1 s \(got 2 s\)$/],
    [['sort', '1', '--unit', '0.5ns'], /^--unit "0.5ns": the unit must be from 1 ns to 1 s \(got 0.5 ns\)$/],
    [['sort', '1', '--repeat', '0'], /--repeat "0"/],
    [['sort', '1', '--repeat', '2', '--save', 'x'], /--repeat/],
    [['sort', '1', '-f', 'x.txt'], /not both/],
    [['sum', '1', '--threads', '65'], /--threads "65"/],
    [['open'], /needs a run file/],
    [['sort', '1', '--unit'], /--unit/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(UsageError)
    expect(() => parseCli(argv)).toThrow(message)
  })
})

describe('input parsing', () => {
  it('names the bad token and its position', () => {
    const text = { text: '1 abc 3', source: 'arguments' }
    expect(() => parseSortInput(text)).toThrow(/value 2: "abc" is not a number/)
  })

  it('draws a caret under the bad token', () => {
    const msg = badInputMessage({ text: '1, 2, x7, 4', source: 'arguments' }, [
      { code: 'E_NOT_A_NUMBER', token: 'x7', position: 2, start: 6, end: 8, reason: '"x7" is not a number' },
    ])
    expect(msg.split('\n').slice(1)).toEqual(['  1, 2, x7, 4', '        ^^'])
  })

  it('keeps sums of small integers as numbers', () => {
    expect(parseSumInput({ text: '1 2 3', source: 'arguments' }).values).toEqual([1, 2, 3])
  })

  it('reads integers beyond 2^53 as BigInt64', () => {
    const r = parseSumInput({ text: '9007199254740993, -9223372036854775808 1', source: 'arguments' })
    expect(r.values).toBeInstanceOf(BigInt64Array)
    expect(Array.from(r.values as BigInt64Array)).toEqual([9007199254740993n, -9223372036854775808n, 1n])
  })

  it('refuses integers beyond 64 bits, naming them', () => {
    expect(() => parseSumInput({ text: '1 9223372036854775808', source: 'arguments' })).toThrow(
      /value 2: 9223372036854775808 does not fit in 64 bits/,
    )
  })

  it('leaves decimals as f64', () => {
    expect(parseSumInput({ text: '1e300 0.5', source: 'arguments' }).values).toEqual([1e300, 0.5])
  })
})

describe('repeat summary', () => {
  it('bins whole numbers', () => {
    expect(integerHistogram([0, 0, 1, 3], 10)).toEqual([
      { from: 0, to: 0, runs: 2 },
      { from: 1, to: 1, runs: 1 },
      { from: 2, to: 2, runs: 0 },
      { from: 3, to: 3, runs: 1 },
    ])
    const wide = integerHistogram([0, 100], 10)
    expect(wide.length).toBeLessThanOrEqual(10)
    expect(wide.reduce((a, b) => a + b.runs, 0)).toBe(2)
  })

  it('gives min / median / p90 / max and the sorted share', () => {
    const s = summarizeRepeat(
      [0, 0, 2, 5, 9, 0, 1, 0, 3, 4],
      [true, true, false, false, false, true, false, true, false, false],
      100,
      'scheduled',
      1,
      null,
    )
    expect(s.misplacedStats).toMatchObject({ min: 0, median: 1, p90: 5, max: 9 })
    expect(s.sortedShare).toBe(0.4)
  })
})

describe('progress line', () => {
  it('stays silent off a terminal', () => {
    expect(terminalProgress({ isTTY: false } as NodeJS.WriteStream)).toBeNull()
  })

  it('rewrites one line in place once the run is long, and erases it', async () => {
    let written = ''
    const p = terminalProgress(
      { isTTY: true, write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream,
      50,
    )!
    p.start('sorting', 10, 'pushed')
    p.update(40, 5)
    await new Promise((r) => setTimeout(r, 30))
    expect(written).toBe('')
    await new Promise((r) => setTimeout(r, 200))
    p.stop()
    // eslint-disable-next-line no-control-regex -- the progress line's ANSI erase is what is tested
    expect(written).toMatch(/^\r\x1b\[Ksorting: 40 events · 5\/10 pushed · \d\.\d s/)
    expect(written).not.toContain('\n')
    expect(written.endsWith('\r\x1b[K')).toBe(true)
  })
})
