import { useEffect, useRef, useState, type RefObject } from 'react'
import type { TimingMode } from '../../shared/api'
import { CAUSES } from '../../shared/attribution'
import { type SweepPlan } from '../../shared/sweepPlan'
import { type Resolution, type SweepPoint } from '../../shared/sweepPoints'
import { formatUnitShort } from '../../shared/units'
import { CAUSE_COLORS, CAUSE_HINTS, CAUSE_LABELS, MODE_COLORS } from '../view/sweepColors'

export interface SweepChartProps {
  plan: SweepPlan | null
  points: SweepPoint[]
  /** modes shown in the legend (the plan's, or the chosen ones before a sweep) */
  modes: TimingMode[]
  notAllowed: Map<TimingMode, string>
  resolutions: Resolution[]
  threshold: number
  /** the trial under way, if any */
  current: { mode: TimingMode; unitMs: number } | null
}

const LEFT = 54
const RIGHT = 18
const TOP_H = 130
const BOTTOM_H = 140
const GAP = 38
const AXIS_H = 34

/** Width of an element, kept current with a ResizeObserver. */
function useWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null)
  const [width, setWidth] = useState(0)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    const measure = () => setWidth(Math.round(el.getBoundingClientRect().width))
    const ro = new ResizeObserver(measure)
    ro.observe(el)
    measure()
    return () => ro.disconnect()
  }, [])
  return [ref, width]
}

/**
 * P(sorted) per mode against the unit (log scale, largest unit on the left), and below it the mean
 * misplaced per unit and mode with its causes stacked. SVG, redrawn as points arrive.
 */
export function SweepChart(props: SweepChartProps) {
  const { plan, points, modes, notAllowed, resolutions, threshold, current } = props
  const [wrapRef, width] = useWidth<HTMLDivElement>()
  const units = plan?.units ?? []
  const planModes = plan?.modes ?? modes
  const W = Math.max(320, width)
  const plotW = W - LEFT - RIGHT
  const topY = 26
  const botY = topY + TOP_H + GAP
  const H = botY + BOTTOM_H + AXIS_H

  // x: log distance from the largest unit, half a step of padding on both sides
  const hi = units.length ? units[0] : 1
  const lo = units.length ? units[units.length - 1] : 0.01
  const span = Math.log10(hi) - Math.log10(lo)
  const step = units.length > 1 ? span / (units.length - 1) : 1
  const X = (u: number) =>
    span > 0 ? LEFT + ((Math.log10(hi) - Math.log10(u) + step / 2) / (span + step)) * plotW : LEFT + plotW / 2
  const groupW = units.length ? Math.min(90, (plotW / units.length) * 0.72) : 0
  const active = planModes.filter((m) => !notAllowed.has(m))
  const barW = active.length ? groupW / active.length : 0
  const byMode = (m: TimingMode) => points.filter((p) => p.mode === m)
  const measured = points.filter((p) => p.trials > 0)

  const PY = (p: number) => topY + (1 - p) * TOP_H
  let maxMean = 0
  for (const p of measured) if ((p.meanMisplaced ?? 0) > maxMean) maxMean = p.meanMisplaced ?? 0
  const yMax = niceCeil(Math.max(1, maxMean))
  const MY = (v: number) => botY + BOTTOM_H - (v / yMax) * BOTTOM_H
  const labelEvery = Math.max(1, Math.ceil(64 / Math.max(1, plotW / Math.max(1, units.length))))
  const modeOffset = (m: TimingMode) => (active.indexOf(m) - (active.length - 1) / 2) * 4

  const summary = modeSummaries(planModes, points, notAllowed)

  return (
    <section className="sweep-chart" aria-label="Sweep chart">
      <div className="sweep-legends">
        <ul className="legend" aria-label="Modes">
          {modes.map((m) => (
            <li key={m} title={notAllowed.get(m)}>
              <span className="swatch line" style={{ background: MODE_COLORS[m] }} />
              <b>{m}</b>
              <span className="muted">{summary.get(m) ?? ''}</span>
            </li>
          ))}
        </ul>
        <ul className="legend" aria-label="Causes">
          {CAUSES.map((c) => (
            <li key={c} title={CAUSE_HINTS[c]}>
              <span className="swatch" style={{ background: CAUSE_COLORS[c] }} />
              {CAUSE_LABELS[c]}
            </li>
          ))}
        </ul>
      </div>
      <div ref={wrapRef} className="sweep-svg-wrap">
        <svg
          width={W}
          height={H}
          viewBox={`0 0 ${W} ${H}`}
          role="img"
          aria-label={`P(sorted) and mean misplaced against the unit, ${measured.length} of ${points.length} points measured`}
        >
          {/* ── P(sorted) ─────────────────────────────────────────── */}
          <text x={8} y={12} className="axis-title">
            P(sorted)
          </text>
          {[0, 0.5, 1].map((p) => (
            <g key={p}>
              <line x1={LEFT} x2={LEFT + plotW} y1={PY(p)} y2={PY(p)} className="grid" />
              <text x={LEFT - 6} y={PY(p) + 4} className="tick" textAnchor="end">
                {Math.round(p * 100)}%
              </text>
            </g>
          ))}
          <line x1={LEFT} x2={LEFT + plotW} y1={PY(threshold)} y2={PY(threshold)} className="threshold" />
          <text x={LEFT + plotW - 2} y={PY(threshold) + 12} className="tick" textAnchor="end">
            {Math.round(threshold * 100)}% = reliable
          </text>
          {units.map((u) => (
            <line key={u} x1={X(u)} x2={X(u)} y1={topY} y2={topY + TOP_H} className="grid faint" />
          ))}
          {current && units.includes(current.unitMs) && (
            <rect
              x={X(current.unitMs) - groupW / 2 - 4}
              y={topY}
              width={groupW + 8}
              height={botY + BOTTOM_H - topY}
              className="current-band"
            />
          )}
          {active.map((m) => {
            const ps = byMode(m)
              .filter((p) => p.trials > 0)
              .sort((a, b) => b.unitMs - a.unitMs)
            const dx = modeOffset(m)
            const d = ps
              .map((p, i) => `${i ? 'L' : 'M'}${(X(p.unitMs) + dx).toFixed(1)},${PY(p.pSorted ?? 0).toFixed(1)}`)
              .join(' ')
            return (
              <g key={m} className="series">
                {ps.length > 1 && <path d={d} stroke={MODE_COLORS[m]} className="series-line" />}
                {ps.map((p) => (
                  <circle
                    key={p.unitMs}
                    cx={X(p.unitMs) + dx}
                    cy={PY(p.pSorted ?? 0)}
                    r={3.5}
                    fill={p.status === 'done' ? MODE_COLORS[m] : '#111318'}
                    stroke={MODE_COLORS[m]}
                    strokeWidth={1.5}
                  >
                    <title>{`${m} at ${formatUnitShort(p.unitMs)}: ${p.sortedTrials} of ${p.trials} trials sorted (${pct(p.pSorted)})${p.status !== 'done' ? ` · ${p.status}` : ''}`}</title>
                  </circle>
                ))}
                {byMode(m)
                  .filter((p) => p.status === 'failed')
                  .map((p) => (
                    <g
                      key={`x${p.unitMs}`}
                      className="failed-mark"
                      transform={`translate(${X(p.unitMs) + dx},${PY(0)})`}
                    >
                      <path d="M-4,-4L4,4M-4,4L4,-4" />
                      <title>{`${m} at ${formatUnitShort(p.unitMs)} failed: ${p.reason ?? 'unknown error'}`}</title>
                    </g>
                  ))}
              </g>
            )
          })}
          {resolutions.map((r) =>
            r.unitMs !== null && units.includes(r.unitMs) ? (
              <path
                key={r.mode}
                d={`M${X(r.unitMs) + modeOffset(r.mode) - 5},${topY - 9}L${X(r.unitMs) + modeOffset(r.mode) + 5},${topY - 9}L${X(r.unitMs) + modeOffset(r.mode)},${topY - 2}Z`}
                fill={MODE_COLORS[r.mode]}
              >
                <title>{`${r.mode}: reliable down to ${formatUnitShort(r.unitMs)}`}</title>
              </path>
            ) : null,
          )}

          {/* ── mean misplaced, causes stacked ───────────────────── */}
          <text x={8} y={botY - 12} className="axis-title">
            mean misplaced
          </text>
          {[0, yMax / 2, yMax].map((v) => (
            <g key={v}>
              <line x1={LEFT} x2={LEFT + plotW} y1={MY(v)} y2={MY(v)} className="grid" />
              <text x={LEFT - 6} y={MY(v) + 4} className="tick" textAnchor="end">
                {formatCount(v)}
              </text>
            </g>
          ))}
          {units.map((u) => (
            <g key={u}>
              {active.map((m, mi) => {
                const p = points.find((q) => q.mode === m && q.unitMs === u)
                const x0 = X(u) - groupW / 2 + mi * barW
                const w = Math.max(1, barW - (barW > 6 ? 2 : 0))
                if (!p || p.trials === 0) return null
                let acc = 0
                const causes = CAUSES.filter((c) => p.meanCauses[c] > 0)
                return (
                  <g key={m}>
                    {causes.map((c) => {
                      const v = p.meanCauses[c]
                      const y1 = MY(acc),
                        y0 = MY(acc + v)
                      acc += v
                      return (
                        <rect key={c} x={x0} y={y0} width={w} height={Math.max(0.5, y1 - y0)} fill={CAUSE_COLORS[c]} />
                      )
                    })}
                    <rect x={x0} y={botY + BOTTOM_H + 1} width={w} height={3} fill={MODE_COLORS[m]} />
                    <rect
                      x={x0}
                      y={MY(p.meanMisplaced ?? 0) - 1}
                      width={w}
                      height={botY + BOTTOM_H - MY(p.meanMisplaced ?? 0) + 5}
                      className="hit"
                    >
                      <title>{barTitle(p)}</title>
                    </rect>
                  </g>
                )
              })}
            </g>
          ))}
          {units.map((u, i) =>
            i === units.length - 1 || (i % labelEvery === 0 && units.length - 1 - i >= labelEvery) ? (
              <text key={u} x={X(u)} y={botY + BOTTOM_H + 18} className="tick" textAnchor="middle">
                {formatUnitShort(u)}
              </text>
            ) : null,
          )}
          <text x={LEFT + plotW} y={H - 3} className="tick" textAnchor="end">
            unit per value, log scale → smaller
          </text>
          {!plan && (
            <text x={LEFT + plotW / 2} y={topY + TOP_H / 2} className="placeholder" textAnchor="middle">
              Run a sweep to plot P(sorted) and mean misplaced against the unit.
            </text>
          )}
        </svg>
      </div>
      {measured.length > 0 && (
        <details className="sweep-data">
          <summary>Data ({measured.length} points)</summary>
          <table>
            <thead>
              <tr>
                <th>mode</th>
                <th>unit</th>
                <th>trials</th>
                <th>P(sorted)</th>
                <th>mean misplaced</th>
                {CAUSES.map((c) => (
                  <th key={c}>{CAUSE_LABELS[c]}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {measured.map((p) => (
                <tr key={`${p.mode}${p.unitMs}`}>
                  <td>{p.mode}</td>
                  <td>{formatUnitShort(p.unitMs)}</td>
                  <td>
                    {p.trials}/{p.planned}
                  </td>
                  <td>{pct(p.pSorted)}</td>
                  <td>{formatCount(p.meanMisplaced ?? 0)}</td>
                  {CAUSES.map((c) => (
                    <td key={c}>{formatCount(p.meanCauses[c])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  )
}

function modeSummaries(
  modes: TimingMode[],
  points: SweepPoint[],
  notAllowed: Map<TimingMode, string>,
): Map<TimingMode, string> {
  const out = new Map<TimingMode, string>()
  for (const m of modes) {
    if (notAllowed.has(m)) {
      out.set(m, 'not allowed')
      continue
    }
    const ps = points.filter((p) => p.mode === m)
    if (!ps.length) continue
    const done = ps.filter((p) => p.status === 'done').length
    const failed = ps.filter((p) => p.status === 'failed').length
    out.set(m, `${done}/${ps.length} units${failed ? ` · ${failed} failed` : ''}`)
  }
  return out
}

function barTitle(p: SweepPoint): string {
  const parts = CAUSES.filter((c) => p.meanCauses[c] > 0).map(
    (c) => `${CAUSE_LABELS[c]} ${formatCount(p.meanCauses[c])}`,
  )
  return `${p.mode} at ${formatUnitShort(p.unitMs)}: mean misplaced ${formatCount(p.meanMisplaced ?? 0)}${parts.length ? ` (${parts.join(', ')})` : ''} over ${p.trials} ${p.trials === 1 ? 'trial' : 'trials'}`
}

export function pct(p: number | null): string {
  if (p === null) return '—'
  return `${Number((p * 100).toFixed(p > 0.99 && p < 1 ? 1 : 0))}%`
}

function formatCount(v: number): string {
  if (v === 0) return '0'
  if (v >= 100) return String(Math.round(v))
  return String(Number(v.toPrecision(2)))
}

/** 1, 2, 5 × 10^k at or above v. */
function niceCeil(v: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(v)))
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p
  return 10 * p
}
