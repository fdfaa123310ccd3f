import { useStore } from 'zustand'
import { formatDurationNs } from '../../shared/stats'
import type { LatenessFigures, MachineFigures } from '../../shared/machineFigures'
import { isSweeping } from '../model/sweepController'
import { useServices } from '../view/context'

const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x)
/** A duration that may have crossed JSON as null (NaN): "—" then. */
const dur = (ns: unknown) => (num(ns) ? formatDurationNs(ns) : '—')

/**
 * "Honest measurement": what shapes the sweep's numbers on this machine, measured by the host
 * (measureMachine) when the Sweep view first opens and on request, and saved with every sweep.
 */
export function MachinePanel() {
  const { sweep } = useServices()
  const machine = useStore(sweep.store, (s) => s.machine)
  const sweeping = useStore(sweep.store, (s) => isSweeping(s.phase))
  const f = machine.figures
  const measuring = machine.status === 'measuring'
  return (
    <section className="panel machine" aria-label="Machine" aria-busy={measuring}>
      <div className="panel-head">
        <h2>Machine</h2>
        <button
          type="button"
          onClick={() => void sweep.measure()}
          disabled={measuring || sweeping}
          title={
            sweeping
              ? 'wait for the sweep to end: its runs would disturb the figures'
              : 'measure the figures again (about a second)'
          }
        >
          Measure again
        </button>
      </div>
      <p className="muted small">What shapes the numbers here. Shown beside every sweep and saved with it.</p>
      {measuring && (
        <p className="small" role="status">
          Measuring (about a second)…
        </p>
      )}
      {machine.error && <p className="small warn">Could not measure: {machine.error}</p>}
      {f ? <Figures f={f} /> : !measuring && !machine.error && <p className="muted small">Not measured yet.</p>}
    </section>
  )
}

function Figures({ f }: { f: MachineFigures }) {
  const late = f.emptySleepLatenessNs
  const noise = num(f.recordingWallOnMs) && num(f.recordingWallOffMs) && f.recordingWallOnMs <= f.recordingWallOffMs
  return (
    <>
      <dl className="stat-grid machine-grid">
        <dt>CPUs</dt>
        <dd>
          {f.cpus} · {f.os}
        </dd>
        <dt title="the kernel's default timer slack for a thread here; sorting threads in scheduled and realtime modes lower theirs to 1 ns">
          timer slack
        </dt>
        <dd>{dur(f.timerSlackNs)}</dd>
        <dt>realtime</dt>
        <dd className={f.realtime.allowed ? 'ok' : 'partial'}>{f.realtime.allowed ? 'allowed' : 'not allowed'}</dd>
        <dt title="(wall with recording on − wall with it off) / events, same classic run">recording cost</dt>
        <dd>
          {num(f.recordingCostNsPerEvent)
            ? `${noise ? '≈ 0 ns' : formatDurationNs(f.recordingCostNsPerEvent)}/event`
            : '—'}
        </dd>
        <dt title="median gap between consecutive spawns of a classic run">spawn</dt>
        <dd>{num(f.spawnNsPerThread) ? `${formatDurationNs(f.spawnNsPerThread)}/thread` : '—'}</dd>
      </dl>
      {!f.realtime.allowed && (
        <p className="small note realtime-howto">
          {/* the host's reason says why and how to allow it: one text, written by the engine */}
          {f.realtime.reason ?? 'Realtime scheduling (SCHED_FIFO) is not permitted here.'}
        </p>
      )}
      {num(f.recordingWallOnMs) && (
        <p className="muted small">
          recording on {f.recordingWallOnMs.toFixed(2)} ms vs off{' '}
          {num(f.recordingWallOffMs) ? f.recordingWallOffMs.toFixed(2) : '—'} ms for{' '}
          {f.recordingEvents.toLocaleString()} events{noise ? ' (within the noise)' : ''}; spawn of{' '}
          {f.spawnThreads.toLocaleString()} threads
        </p>
      )}
      <h3 className="sub">Empty-sleep lateness</h3>
      <dl className="stat-grid">
        <dt>p50</dt>
        <dd>{dur(late.p50)}</dd>
        <dt>p99</dt>
        <dd>{dur(late.p99)}</dd>
        <dt>max</dt>
        <dd>{dur(late.max)}</dd>
      </dl>
      <LatenessHistogram late={late} />
      <p className="muted fine">
        {f.method}. Took {Math.round(f.tookMs)} ms.
      </p>
    </>
  )
}

function LatenessHistogram({ late }: { late: LatenessFigures }) {
  const counts = late.histogram.counts
  const edges = late.histogram.edges
  if (!counts.length) return null
  const peak = Math.max(1, ...counts)
  const W = 240,
    H = 66,
    LABEL = 11,
    bw = W / counts.length
  return (
    <figure className="machine-hist">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="img"
        aria-label={`Empty-sleep lateness histogram: ${late.samples} sleeps from ${dur(edges[0])} to ${dur(edges[edges.length - 1])}`}
      >
        {counts.map((c, i) => {
          const h = c ? Math.max(2, (c / peak) * (H - LABEL - 2)) : 0
          return (
            <g key={i}>
              <rect x={i * bw + 0.5} y={H - h} width={Math.max(1, bw - 1)} height={h} className="hist-bar">
                <title>{`${dur(edges[i])}–${dur(edges[i + 1])}: ${c} of ${late.samples} sleeps`}</title>
              </rect>
              {c > 0 && (
                <text x={i * bw + bw / 2} y={H - h - 2} className="hist-count" textAnchor="middle">
                  {c}
                </text>
              )}
            </g>
          )
        })}
      </svg>
      <figcaption className="hist-caption">
        <span>{dur(edges[0])}</span>
        <span>{late.samples} sleeps</span>
        <span>{dur(edges[edges.length - 1])}</span>
      </figcaption>
    </figure>
  )
}
