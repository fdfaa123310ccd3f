/**
 * `threadlab diff`: the real binary on run files — two real runs of the addon (classic against
 * realtime), simulated runs whose every row is known, refusals and a saved diff reopened.
 */
import { createRequire } from 'node:module'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeRunFile, encodeRunFile } from '../../src/shared/runfile'
import { diffRuns, type RunDiff } from '../../src/shared/rundiff'
import { sleepRun } from '../shared/helpers/savedRun'
import { field, threadlab } from './helpers'

const dir = mkdtempSync(join(tmpdir(), 'threadlab-diff-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const realtimeAllowed: boolean = createRequire(__filename)('../../native/index.js').sort.capabilities().realtime.allowed

const write = (name: string, bytes: Uint8Array) => {
  const file = join(dir, name)
  writeFileSync(file, bytes)
  return file
}
const VALUES = [5, 1, 4, 2, 3]
const classic = sleepRun(VALUES, { mode: 'classic', spawnGapNs: 2e6 })
const clean = sleepRun(VALUES)

describe('threadlab diff', () => {
  it('prints the values that moved, inversions, causes and the strip', async () => {
    const a = write('a.threadlab', encodeRunFile(classic))
    const b = write('b.threadlab', encodeRunFile(clean))
    const r = await threadlab(['diff', a, b])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const d = diffRuns({ label: 'a', ...classic }, { label: 'b', ...clean })
    if (!d.ok) throw new Error(d.message)
    expect(field(r.stdout, 'a')).toBe(
      `a.threadlab: classic, unit 1 ms — ${classic.result.misplaced} misplaced, ${classic.result.inversions} inversions`,
    )
    expect(field(r.stdout, 'moved')).toBe(`${d.diff.summary.moved} of 5 values`)
    expect(field(r.stdout, 'inversions')).toBe(`${classic.result.inversions} → 0`)
    const strip = d.diff.a.output.map((v, i) => (v === d.diff.b.output[i] ? '·' : '^')).join('')
    expect(field(r.stdout, 'orders')).toBe(`${strip}  (^ where they differ)`)
    expect(field(r.stdout, 'causes')).toMatch(/^spawn-offset \d+ → 0/)
    // one table row per changed value: 5 was overtaken in classic, is last in the clean run
    const row5 = r.stdout.split('\n').find((l) => l.startsWith('5 '))!
    const pa = d.diff.rows.posA[0] + 1
    expect(row5.split(/\s{2,}/).slice(0, 4)).toEqual(['5', String(pa), '5', `+${5 - pa}`])
    expect(r.stdout.split('\n').filter((l) => /^\d+ {2}/.test(l)).length).toBe(d.diff.summary.moved)

    const json = await threadlab(['diff', a, b, '--json'])
    expect(json.code).toBe(0)
    const parsed = JSON.parse(json.stdout) as RunDiff
    expect(parsed.summary).toEqual(d.diff.summary)
    expect(parsed.rows.posB).toEqual([4, 0, 3, 1, 2])
    expect(parsed.a.label).toBe('a.threadlab')
  })

  it('a file diffed against itself shows no change', async () => {
    const a = write('same.threadlab', encodeRunFile(classic))
    const r = await threadlab(['diff', a, a])
    expect(r.code).toBe(0)
    expect(field(r.stdout, 'moved')).toBe('0 of 5 values')
    expect(field(r.stdout, 'orders')).toBe('identical')
    expect(field(r.stdout, 'causes')).toBe('no change')
  })

  it('refuses runs of different inputs, saying how they differ (exit 2)', async () => {
    const a = write('x.threadlab', encodeRunFile(sleepRun([1, 2, 3])))
    const b = write('y.threadlab', encodeRunFile(sleepRun([1, 2, 4])))
    const r = await threadlab(['diff', a, b])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe('threadlab: different inputs: value 3 is 3 in x.threadlab and 4 in y.threadlab\n')
    const usage = await threadlab(['diff'])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toMatch(/diff takes two run files/)
  })

  it('--save writes run a with the diff, and diff reopens it', async () => {
    const a = write('sa.threadlab', encodeRunFile(classic))
    const b = write('sb.threadlab', encodeRunFile(clean))
    const saved = join(dir, 'saved.threadlab')
    const first = await threadlab(['diff', a, b, '--save', saved])
    expect(first.code).toBe(0)
    const decoded = decodeRunFile(readFileSync(saved))
    expect(decoded.ok && decoded.value.diff?.summary.moved).toBeGreaterThan(0)
    const again = await threadlab(['diff', saved])
    expect(again.code).toBe(0)
    expect(again.stdout).toBe(first.stdout)
    const plain = await threadlab(['diff', a])
    expect(plain.code).toBe(2)
    expect(plain.stderr).toMatch(/holds one run and no saved diff/)
  })

  it.skipIf(!realtimeAllowed)('real runs: classic against realtime at 20 µs', async () => {
    const values = Array.from({ length: 60 }, (_, i) => String((i * 37) % 60))
    const a = join(dir, 'classic-real.threadlab'),
      b = join(dir, 'realtime-real.threadlab')
    expect((await threadlab(['sort', ...values, '--mode', 'classic', '--unit', '20us', '--save', a])).code).toBe(0)
    const realtime = await threadlab(['sort', ...values, '--mode', 'realtime', '--unit', '20us', '--json', '--save', b])
    expect(realtime.code).toBe(0)
    const r = await threadlab(['diff', a, b, '--json'])
    expect(r.code).toBe(0)
    const d = JSON.parse(r.stdout) as RunDiff
    expect(d.b.mode).toBe('realtime')
    // the diff reports the saved run's own count (realtime is usually, not always, exact here)
    expect(d.summary.inversionsB).toBe((JSON.parse(realtime.stdout) as { inversions: number }).inversions)
    expect(d.summary.moved).toBeGreaterThan(0)
    expect(d.summary.moved).toBe(d.differAt.length)
  })
})
