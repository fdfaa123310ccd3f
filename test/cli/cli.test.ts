/**
 * The real `threadlab` binary, spawned as a user would run it (node bin/threadlab.mjs …) against
 * the real addon: output, JSON, inputs, exit codes, run files, traces and Ctrl-C.
 */
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CSV_COLUMNS, validateChromeTrace } from '../../src/shared/trace'
import { decodeRunFile } from '../../src/shared/runfile'
import { field, threadlab } from './helpers'

const dir = mkdtempSync(join(tmpdir(), 'threadlab-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const realtimeAllowed: boolean = createRequire(__filename)('../../native/index.js').sort.capabilities().realtime.allowed
const SEED = ['5', '1', '2', '6', '8', '2', '4', '2', '3', '8', '0', '2']

describe('threadlab sort', () => {
  it('sorts the seed example and prints its stats', async () => {
    // Scheduled mode is right unless this 2-core VM stalls a wake-up by a whole unit (it can, under
    // load): a wrong order must come with its explanation, and one of three tries must be sorted.
    let r = await threadlab(['sort', ...SEED, '--unit', '10ms'])
    for (let tries = 1; tries < 3 && field(r.stdout, 'sorted') !== 'yes'; tries++) {
      expect(field(r.stdout, 'why')).toMatch(/out of place/)
      r = await threadlab(['sort', ...SEED, '--unit', '10ms'])
    }
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(field(r.stdout, 'output')).toBe('0 1 2 2 2 2 3 4 5 6 8 8')
    expect(field(r.stdout, 'sorted')).toBe('yes')
    expect(field(r.stdout, 'misplaced')).toBe('0 of 12')
    expect(field(r.stdout, 'inversions')).toBe('0')
    expect(field(r.stdout, 'lateness')).toMatch(/^p50 .+ · p99 .+ · max .+$/)
    expect(field(r.stdout, 'lock wait')).toMatch(/p99 /)
    expect(field(r.stdout, 'wall')).toMatch(/^\d+(\.\d+)? (ms|s)$/)
    expect(field(r.stdout, 'threads')).toBe('12 (mode scheduled, unit 10 ms)')
    expect(field(r.stdout, 'why')).toBeUndefined()
  })

  it.skipIf(!realtimeAllowed)('realtime mode sorts the seed example exactly, first time', async () => {
    const r = await threadlab(['sort', ...SEED, '--unit', '1ms', '--mode', 'realtime'])
    expect(r.code).toBe(0)
    expect(field(r.stdout, 'output')).toBe('0 1 2 2 2 2 3 4 5 6 8 8')
    expect(field(r.stdout, 'sorted')).toBe('yes')
  })

  it('--json prints one machine-readable object', async () => {
    const r = await threadlab(['sort', ...SEED, '--unit', '10ms', '--json'])
    expect(r.code).toBe(0)
    expect(r.stdout.trim().split('\n')).toHaveLength(1)
    const j = JSON.parse(r.stdout)
    expect(j).toMatchObject({ experiment: 'sleep-sort', threads: 12, mode: 'scheduled', unitMs: 10, cancelled: false })
    expect([...j.output].sort((a: number, b: number) => a - b)).toEqual([0, 1, 2, 2, 2, 2, 3, 4, 5, 6, 8, 8])
    expect(typeof j.misplaced).toBe('number')
    expect(j.sorted).toBe(j.misplaced === 0)
    expect(j.input).toEqual(SEED.map(Number))
    expect(j.latenessNs.p99).toBeGreaterThanOrEqual(0)
    expect(j.eventCount).toBeGreaterThan(0)
    if (j.sorted) expect(j.explanation).toBeNull()
    else expect(j.explanation).toMatch(/out of place/)
  })

  it('explains a wrong order (classic mode at a tiny unit)', async () => {
    const values = Array.from({ length: 200 }, (_, i) => String(199 - i))
    const r = await threadlab(['sort', ...values, '--mode', 'classic', '--unit', '5us', '--json'])
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j.sorted).toBe(false)
    expect(j.misplaced).toBeGreaterThan(0)
    expect(j.explanation).toMatch(/values out of place/)
    expect(Object.values(j.causes as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(j.misplaced)
  })

  it('--no-events runs without recording', async () => {
    const r = await threadlab(['sort', '3', '1', '2', '--unit', '1ms', '--no-events', '--json'])
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j.eventCount).toBe(0)
    expect(j.output).toHaveLength(3)
    if (!j.sorted) expect(j.explanation).toMatch(/no events were recorded/)
  })

  it('reads stdin when no values are given', async () => {
    const r = await threadlab(['sort', '--unit', '5ms', '--json'], { input: '3\n1\n2\n' })
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j.input).toEqual([3, 1, 2])
    expect([...j.output].sort()).toEqual([1, 2, 3])
  })

  it('reads stdin for "-"', async () => {
    const r = await threadlab(['sort', '-', '--unit', '5ms', '--json'], { input: '30, 10, 20' })
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).input).toEqual([30, 10, 20])
    expect(JSON.parse(r.stdout).output).toHaveLength(3)
  })

  it('reads a file with --file and -f', async () => {
    const path = join(dir, 'values.txt')
    writeFileSync(path, '5, 3\n4;-1\n')
    for (const flag of ['--file', '-f']) {
      const r = await threadlab(['sort', flag, path, '--unit', '5ms'])
      expect(r.code).toBe(0)
      expect(
        field(r.stdout, 'output')!
          .split(' ')
          .map(Number)
          .sort((a, b) => a - b),
      ).toEqual([-1, 3, 4, 5])
      expect(field(r.stdout, 'misplaced')).toMatch(/ of 4$/)
      expect(field(r.stdout, 'shift')).toMatch(/^\+1: negative values were shifted/)
    }
  })

  it('exits 2 naming the bad token and its position', async () => {
    const r = await threadlab(['sort', '1', 'abc', '3'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('"abc"')
    expect(r.stderr).toMatch(/value 2\b/)
    expect(r.stderr).toContain('^^^')
  })

  it('exits 2 on bad usage, with a pointer to --help', async () => {
    for (const args of [
      ['sort', '1', '--unit', '3 parsecs'],
      ['sort', '1', '--mode', 'fast'],
      ['sort', '1', '--nope'],
      ['nope'],
    ]) {
      const r = await threadlab(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(/--help/)
    }
  })

  it('exits 2 when the run would exceed the duration cap', async () => {
    const r = await threadlab(['sort', '1', '70', '--unit', '1s'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/70 s|more than the 60 s/)
  })

  it('exits 2 on an empty file, 2 on a missing one', async () => {
    const empty = join(dir, 'empty.txt')
    writeFileSync(empty, ' \n')
    expect((await threadlab(['sort', '-f', empty])).stderr).toMatch(/empty/)
    const r = await threadlab(['sort', '-f', join(dir, 'missing.txt')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/no such file/)
  })

  it('--repeat prints the distribution of misplaced values', async () => {
    const r = await threadlab(['sort', '3', '1', '2', '--unit', '1ms', '--repeat', '4'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^runs +4 × 3 values \(mode scheduled, unit 1 ms\)$/m)
    expect(r.stdout).toMatch(/^sorted +\d of 4 runs \(\d+(\.\d)?%\)$/m)
    expect(r.stdout).toMatch(/^misplaced +min \d+ · median \d+ · p90 \d+ · max \d+/m)
    expect(r.stdout).toMatch(/│/)
    const j = JSON.parse((await threadlab(['sort', '3', '1', '2', '--unit', '1ms', '-n', '3', '--json'])).stdout)
    expect(j.runs).toBe(3)
    expect(j.misplaced).toHaveLength(3)
    expect(j.sortedShare).toBeGreaterThanOrEqual(0)
    expect(j.histogram.reduce((a: number, b: { runs: number }) => a + b.runs, 0)).toBe(3)
  })
})

describe('run files and exports', () => {
  it('--save then open gives the same stats', async () => {
    const file = join(dir, 'classic.threadlab')
    const values = Array.from({ length: 60 }, (_, i) => String((i * 37) % 60))
    const ran = await threadlab(['sort', ...values, '--mode', 'classic', '--unit', '20us', '--save', file])
    expect(ran.code).toBe(0)
    const opened = await threadlab(['open', file])
    expect(opened.code).toBe(0)
    expect(opened.stdout).toBe(ran.stdout)
    const ranJson = await threadlab(['sort', ...values, '--unit', '20us', '--json', '--save', file])
    const openedJson = await threadlab(['open', file, '--json'])
    expect(JSON.parse(openedJson.stdout)).toEqual(JSON.parse(ranJson.stdout))
    const decoded = decodeRunFile(readFileSync(file))
    expect(decoded.ok).toBe(true)
    if (decoded.ok) {
      expect(decoded.value.machine.cpus).toBeGreaterThan(0)
      expect(decoded.value.request).toMatchObject({ experiment: 'sleep-sort', mode: 'scheduled', unitMs: 0.02 })
      expect(decoded.value.events.length).toBe(JSON.parse(ranJson.stdout).eventCount)
    }
  })

  it('--trace writes a Chrome Trace that validates, and open --trace re-exports it', async () => {
    const trace = join(dir, 'run.json')
    const file = join(dir, 'run.threadlab')
    const r = await threadlab(['sort', ...SEED, '--unit', '1ms', '--trace', trace, '--save', file])
    expect(r.code).toBe(0)
    const obj = JSON.parse(readFileSync(trace, 'utf8'))
    expect(validateChromeTrace(obj)).toEqual([])
    expect(obj.traceEvents.length).toBeGreaterThan(12)
    const again = join(dir, 'again.json')
    expect((await threadlab(['open', file, '--trace', again])).code).toBe(0)
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(trace, 'utf8'))
  })

  it('--csv writes one row per thread', async () => {
    const csv = join(dir, 'run.csv')
    expect((await threadlab(['sort', ...SEED, '--unit', '1ms', '--csv', csv])).code).toBe(0)
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\r\n')
    expect(lines[0]).toBe(CSV_COLUMNS.join(','))
    expect(lines).toHaveLength(13)
  })

  it('open refuses what is not a run file (exit 2)', async () => {
    const bogus = join(dir, 'bogus.threadlab')
    writeFileSync(bogus, 'hello')
    const r = await threadlab(['open', bogus])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/E_NOT_A_RUN/)
    expect((await threadlab(['open', join(dir, 'nope.threadlab')])).code).toBe(2)
  })
})

describe('threadlab sum', () => {
  it('adds small integers and prints partials and chunk sizes', async () => {
    const r = await threadlab(['sum', '1', '2', '3', '4', '5', '--threads', '2'])
    expect(r.code).toBe(0)
    expect(field(r.stdout, 'sum')).toBe('15')
    expect(field(r.stdout, 'kind')).toBe('integer (exact)')
    expect(
      field(r.stdout, 'partials')!
        .split(' ')
        .map(BigInt)
        .reduce((a, b) => a + b),
    ).toBe(15n)
    expect(field(r.stdout, 'chunks')).toMatch(/^\d+ \d+ \(values per thread\)$/)
    expect(field(r.stdout, 'threads')).toMatch(/^2/)
    expect(field(r.stdout, 'wall')).toBeDefined()
  })

  it('is exact for integers beyond 2^53', async () => {
    const big = ['9007199254740993', '9007199254740993', '1', '-4611686018427387904', '9223372036854775807']
    const exact = big.map(BigInt).reduce((a, b) => a + b)
    const r = await threadlab(['sum', ...big, '--threads', '4', '--json'])
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j).toMatchObject({ experiment: 'parallel-sum', sum: exact.toString(), kind: 'integer', exact: true })
    expect(j.partials.map(BigInt).reduce((a: bigint, b: bigint) => a + b)).toBe(exact)
    expect(j.chunkSizes.reduce((a: number, b: number) => a + b, 0)).toBe(5)
  })

  it('saves and reopens a sum', async () => {
    const file = join(dir, 'sum.threadlab')
    const ran = await threadlab(['sum', '1.5', '2.25', '3', '--threads', '2', '--save', file])
    expect(ran.code).toBe(0)
    const opened = await threadlab(['open', file])
    expect(opened.stdout).toBe(ran.stdout)
  })

  it('exits 2 on --threads 0', async () => {
    expect((await threadlab(['sum', '1', '--threads', '0'])).code).toBe(2)
  })
})

describe('help, version, exit codes', () => {
  it('prints usage', async () => {
    const r = await threadlab(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/threadlab sort/)
    expect(r.stdout).toMatch(/Exit codes/)
    const s = await threadlab(['sort', '--help'])
    expect(s.code).toBe(0)
    expect(s.stdout).toMatch(/--unit/)
    expect(s.stdout).toMatch(/--repeat/)
    expect((await threadlab(['sum', '-h'])).stdout).toMatch(/--threads/)
  })

  it('prints the version', async () => {
    const r = await threadlab(['--version'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^threadlab \d+\.\d+\.\d+\n$/)
  })
})

// Root may always use SCHED_FIFO: drop CAP_SYS_NICE and the rtprio limit to see the refusal.
const canDenyRealtime = ['setpriv', 'prlimit'].every((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0)

describe('run failures', () => {
  it.skipIf(!canDenyRealtime)("exits 1 with the addon's advice when realtime is not allowed", async () => {
    const r = await threadlab(['sort', '2', '1', '--mode', 'realtime', '--unit', '1ms'], {
      prefix: ['setpriv', '--bounding-set=-sys_nice', '--inh-caps=-sys_nice', 'prlimit', '--rtprio=0', '--'],
    })
    expect(r.code, r.stderr).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/E_REALTIME_DENIED/)
    expect(r.stderr).toMatch(/CAP_SYS_NICE|rtprio/)
  })
})

describe('Ctrl-C', () => {
  it('cancels a long run, joins every thread and exits 130', async () => {
    const values = Array.from({ length: 2000 }, (_, i) => String((i * 7919) % 2000)).join('\n')
    let sentAt = 0
    const r = await threadlab(['sort', '--unit', '10ms'], {
      input: values,
      env: { THREADLAB_DEBUG_THREADS: '1' },
      onSpawn(child, output) {
        // wait until the engine is loaded and the run is starting, then let it run ~500 ms
        const poll = setInterval(() => {
          if (!output.stderr().includes('threads at start')) return
          clearInterval(poll)
          setTimeout(() => {
            sentAt = Date.now()
            child.kill('SIGINT')
          }, 500)
        }, 10)
      },
    })
    const tookMs = Date.now() - sentAt
    expect(r.code, r.stderr).toBe(130)
    expect(sentAt).toBeGreaterThan(0)
    expect(tookMs).toBeLessThan(3000)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/interrupted \(\d+ of 2000 values pushed\)/)
    const start = Number(/threads at start (\d+)/.exec(r.stderr)?.[1])
    const after = Number(/threads after shutdown (\d+)/.exec(r.stderr)?.[1])
    expect(start).toBeGreaterThan(0)
    expect(after).toBeLessThanOrEqual(start)
    expect(r.stderr).toMatch(/active runs 0/)
  })
})
