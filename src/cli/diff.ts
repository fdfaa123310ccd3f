/**
 * `threadlab diff a.threadlab b.threadlab`: two runs of the same input, value by value (text, or
 * `--json` for the whole diff); `--save out.threadlab` writes run a with the diff inside, which
 * `threadlab diff out.threadlab` (one file) prints again.
 */
import { writeFileSync } from 'node:fs'
import { basename } from 'node:path'
import { encodeRunFile } from '../shared/runfile'
import { changedRows, diffRuns, type RunDiff } from '../shared/rundiff'
import { formatDurationNs } from '../shared/stats'
import type { Command } from './args'
import { EXIT, Failure } from './errors'
import { formatNumber } from './format'
import { readRunFile } from './readRun'
import { formatUnitMs } from '../shared/units'

/** rows of the text report before it points at --json */
export const TEXT_ROWS = 40
/** characters of the strip that shows where the orders differ */
export const STRIP_WIDTH = 60

export async function diffCommand(c: Extract<Command, { kind: 'diff' }>): Promise<number> {
  let diff: RunDiff
  if (c.files.length === 1) {
    const run = await readRunFile(c.files[0])
    if (!run.diff) throw new Failure(`${c.files[0]} holds one run and no saved diff: give two run files`, EXIT.usage)
    diff = run.diff
  } else {
    const [fa, fb] = c.files
    const [a, b] = [await readRunFile(fa), await readRunFile(fb)]
    const label = (f: string) => (basename(fa) === basename(fb) ? f : basename(f))
    const d = diffRuns({ label: label(fa), ...a }, { label: label(fb), ...b })
    if (!d.ok) throw new Failure(d.message, EXIT.usage)
    diff = d.diff
    if (c.save) {
      try {
        writeFileSync(c.save, encodeRunFile({ ...a, diff }))
      } catch (e) {
        throw new Failure(`cannot write ${c.save}: ${(e as Error).message}`, EXIT.failed)
      }
    }
  }
  process.stdout.write(c.json ? JSON.stringify(diff) + '\n' : formatDiff(diff))
  return EXIT.ok
}

const label = (name: string) => name.padEnd(11)

export function formatDiff(d: RunDiff): string {
  const s = d.summary
  const n = d.values.length
  const side = (x: RunDiff['a']) =>
    `${x.label}: ${x.mode}, unit ${formatUnitMs(x.unitMs)} — ${x.misplaced} misplaced, ${x.inversions} inversions${x.cancelled ? ' (cancelled)' : ''}`
  const lines = [`${label('a')}${side(d.a)}`, `${label('b')}${side(d.b)}`]
  lines.push(`${label('moved')}${s.moved} of ${n} values`)
  lines.push(
    `${label('orders')}${s.differing === 0 ? 'identical' : `${diffStrip(d, STRIP_WIDTH)}  (^ where they differ)`}`,
  )
  lines.push(`${label('inversions')}${s.inversionsA} → ${s.inversionsB}`)
  const causes = s.causeChanges.map((c) => `${c.cause} ${c.a} → ${c.b}`).join(', ')
  lines.push(
    `${label('causes')}${causes || 'no change'}${s.causesChanged ? ` (${s.causesChanged} values changed cause)` : ''}`,
  )
  const rows = changedRows(d)
  if (rows.length) {
    lines.push('')
    const cols = ['value', 'push a', 'push b', 'change', 'late a', 'late b', 'cause a → b']
    const table = rows.slice(0, TEXT_ROWS).map((w) => {
      const pa = d.rows.posA[w],
        pb = d.rows.posB[w]
      const pos = (p: number) => (p >= 0 ? String(p + 1) : '—')
      const change = pa >= 0 && pb >= 0 ? (pb === pa ? '0' : `${pb > pa ? '+' : ''}${pb - pa}`) : '—'
      const late = (ns: number) => (Number.isFinite(ns) ? formatDurationNs(ns) : '—')
      const cause = (x: string | null) => x ?? 'in place'
      return [
        formatNumber(d.values[w]),
        pos(pa),
        pos(pb),
        change,
        late(d.rows.latenessA[w]),
        late(d.rows.latenessB[w]),
        `${cause(d.rows.causeA[w])} → ${cause(d.rows.causeB[w])}`,
      ]
    })
    const widths = cols.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)))
    const row = (r: string[]) => r.map((x, i) => (i === r.length - 1 ? x : x.padEnd(widths[i]))).join('  ')
    lines.push(row(cols), ...table.map(row))
    if (rows.length > TEXT_ROWS) lines.push(`… ${rows.length - TEXT_ROWS} more (--json lists every value)`)
  }
  return lines.join('\n') + '\n'
}

/** `width` characters over the output positions: ^ where some position in that stretch differs. */
export function diffStrip(d: RunDiff, width: number): string {
  const positions = Math.max(d.a.output.length, d.b.output.length)
  const cells = Math.min(width, positions)
  const marks = new Array<string>(cells).fill('·')
  for (const p of d.differAt) marks[Math.min(cells - 1, Math.floor((p * cells) / positions))] = '^'
  return marks.join('')
}
