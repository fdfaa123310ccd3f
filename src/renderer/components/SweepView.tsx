import { useEffect, useMemo } from 'react'
import { useStore } from 'zustand'
import { useShallow } from 'zustand/react/shallow'
import { TIMING_MODES, type TimingMode } from '../../shared/api'
import { LIMITS } from '../../shared/limits'
import { modesNotAllowed } from '../../shared/sweepDriver'
import { SWEEP_LIMITS, SWEEP_PRESETS, type SweepPresetId } from '../../shared/sweepPlan'
import { resolutionDetail } from '../../shared/sweepPoints'
import { describeResolution } from '../../shared/sweepText'
import { formatUnitShort } from '../../shared/units'
import { formatMs, isActive } from '../model/store'
import { checkSweep, isSweeping, type SweepState } from '../model/sweepController'
import { useApp, useServices } from '../view/context'
import { saveText } from '../view/saveText'
import { MODE_COLORS } from '../view/sweepColors'
import { MachinePanel } from './MachinePanel'
import { ScaleNote } from './ScaleNote'
import { SweepChart } from './SweepChart'
import { viewPanelId, viewTabId } from './ViewTabs'
import './sweep.css'

const THRESHOLD = 0.99

/**
 * The Sweep view: the same list over a range of units, in every mode, trials per unit; P(sorted)
 * and mean misplaced (causes stacked) plotted live; each mode's resolution; the machine's figures.
 */
export function SweepView() {
  const { sweep } = useServices()
  useEffect(() => sweep.ensureMeasured(), [sweep])
  return (
    <div className="body sweep-body" role="tabpanel" id={viewPanelId('sweep')} aria-labelledby={viewTabId('sweep')}>
      <aside className="left" aria-label="Sweep settings">
        <SweepSettingsPanel />
      </aside>
      <main className="center sweep-center">
        <SweepResults />
      </main>
      <aside className="right" aria-label="Measurement">
        <MachinePanel />
      </aside>
    </div>
  )
}

const pick = (s: SweepState) => ({
  preset: s.preset,
  fromText: s.fromText,
  toText: s.toText,
  stepsText: s.stepsText,
  trialsText: s.trialsText,
  modes: s.modes,
  phase: s.phase,
  runsDone: s.runsDone,
  runsPlanned: s.runsPlanned,
  current: s.current,
  note: s.note,
  error: s.error,
  figures: s.machine.figures,
  hasResult: s.result !== null,
  resultCancelled: s.result?.cancelled ?? false,
  elapsedMs: s.result?.elapsedMs ?? 0,
})

function SweepSettingsPanel() {
  const { sweep } = useServices()
  const s = useStore(sweep.store, useShallow(pick))
  const app = useApp((st) => ({ caps: st.caps, phase: st.phase }))
  const set = sweep.store.getState().set
  const sweeping = isSweeping(s.phase)
  const runActive = isActive(app.phase)
  const realtimeDenied = app.caps ? !app.caps.realtime.allowed : false
  const checked = useMemo(
    () => checkSweep(s, app.caps, s.figures),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [s.preset, s.fromText, s.toText, s.stepsText, s.trialsText, s.modes, app.caps, s.figures],
  )
  const presetInfo = SWEEP_PRESETS.find((p) => p.id === s.preset)

  const save = () => {
    const rec = sweep.record()
    if (!rec) return
    const stamp = rec.savedAt.replace(/[:.]/g, '-').replace(/-\d+Z$/, 'Z')
    saveText(`threadlab-sweep-${rec.preset}-${stamp}.json`, JSON.stringify(rec, null, 2))
  }

  return (
    <div className="input-panel sweep-settings">
      <div className="field">
        <label htmlFor="sweep-preset">Sweep preset</label>
        <select
          id="sweep-preset"
          value={s.preset}
          disabled={sweeping}
          onChange={(e) => set({ preset: e.target.value as SweepPresetId })}
        >
          {SWEEP_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
        {presetInfo && <p className="muted small">{presetInfo.hint}</p>}
      </div>
      <div className="row">
        <div className="field grow">
          <label htmlFor="sweep-from">From unit (ms)</label>
          <input
            id="sweep-from"
            type="number"
            min={LIMITS.minUnitMs}
            max={1000}
            step="any"
            value={s.fromText}
            disabled={sweeping}
            onChange={(e) => set({ fromText: e.target.value })}
          />
        </div>
        <div className="field grow">
          <label htmlFor="sweep-to">To unit (ms)</label>
          <input
            id="sweep-to"
            type="number"
            min={LIMITS.minUnitMs}
            max={1000}
            step="any"
            value={s.toText}
            disabled={sweeping}
            onChange={(e) => set({ toText: e.target.value })}
          />
        </div>
      </div>
      <div className="row">
        <div className="field grow">
          <label htmlFor="sweep-steps">Steps</label>
          <input
            id="sweep-steps"
            type="number"
            min={1}
            max={SWEEP_LIMITS.maxSteps}
            step={1}
            value={s.stepsText}
            disabled={sweeping}
            onChange={(e) => set({ stepsText: e.target.value })}
          />
        </div>
        <div className="field grow">
          <label htmlFor="sweep-trials">Trials</label>
          <input
            id="sweep-trials"
            type="number"
            min={1}
            max={SWEEP_LIMITS.maxTrials}
            step={1}
            value={s.trialsText}
            disabled={sweeping}
            onChange={(e) => set({ trialsText: e.target.value })}
          />
        </div>
      </div>
      <p className="muted small">Units log-spaced from the larger to the smaller end; trials per unit and mode.</p>
      <fieldset className="modes" disabled={sweeping}>
        <legend>Modes</legend>
        {TIMING_MODES.map((m) => {
          const denied = m === 'realtime' && realtimeDenied
          return (
            <label key={m} className={denied ? 'denied' : ''} title={denied ? app.caps?.realtime.reason : undefined}>
              <input
                type="checkbox"
                checked={s.modes.includes(m) && !denied}
                disabled={denied}
                aria-describedby={denied ? 'sweep-realtime-denied' : undefined}
                onChange={(e) => sweep.store.getState().toggleMode(m, e.target.checked)}
              />
              {m}
            </label>
          )
        })}
        {realtimeDenied && (
          <p id="sweep-realtime-denied" className="small warn">
            realtime not allowed: {app.caps?.realtime.reason ?? 'no CAP_SYS_NICE or rtprio limit'}
          </p>
        )}
      </fieldset>
      <p className="small sweep-estimate" aria-live="polite">
        {checked.ok ? (
          <>
            {checked.value.runs.toLocaleString()} runs of {checked.value.values.length.toLocaleString()} values · about{' '}
            {formatMs(checked.value.estimateMs)}
            {checked.value.rateLimited && <span className="muted"> (the host allows 120 runs a minute)</span>}
          </>
        ) : (
          <span className="warn">{checked.error}</span>
        )}
      </p>
      <div className="buttons">
        <button
          type="button"
          className="primary"
          disabled={sweeping || !checked.ok || runActive}
          onClick={() => void sweep.run()}
          title={runActive ? 'a run is active in the Run view: cancel it or let it finish' : undefined}
        >
          Run sweep
        </button>
        <button type="button" disabled={!sweeping || s.phase === 'cancelling'} onClick={() => sweep.cancel()}>
          Cancel sweep
        </button>
      </div>
      {runActive && !sweeping && (
        <p className="small warn">A run is active in the Run view: the sweep can start when it ends.</p>
      )}
      <SweepStatus s={s} />
      {s.error && (
        <p className="alert shown" role="alert">
          {s.error}
        </p>
      )}
      <div className="buttons">
        <button
          type="button"
          disabled={!s.hasResult || sweeping}
          onClick={save}
          title="Download the sweep as JSON: the list, the plan, every point, resolutions and the machine figures"
        >
          Save sweep…
        </button>
      </div>
    </div>
  )
}

function SweepStatus({ s }: { s: ReturnType<typeof pick> }) {
  const share = s.runsPlanned ? s.runsDone / s.runsPlanned : 0
  let text: string
  switch (s.phase) {
    case 'idle':
      text = 'No sweep yet.'
      break
    case 'running':
      text = `${s.runsDone} of ${s.runsPlanned} runs${s.current ? ` · ${s.current.mode} at ${formatUnitShort(s.current.unitMs)}, trial ${s.current.trial + 1}` : ''}`
      break
    case 'cancelling':
      text = `Cancelling after ${s.runsDone} of ${s.runsPlanned} runs…`
      break
    case 'cancelled':
      text = `Sweep cancelled after ${s.runsDone} of ${s.runsPlanned} runs.`
      break
    case 'done':
      text = `Sweep done: ${s.runsPlanned} runs in ${formatMs(s.elapsedMs)}.`
      break
    case 'failed':
      text = `Sweep stopped after ${s.runsDone} of ${s.runsPlanned} runs.`
      break
  }
  return (
    <div className={`sweep-status sweep-${s.phase}`}>
      <p className="small" role="status">
        {text}
      </p>
      {s.note && <p className="small muted">{s.note}</p>}
      {s.runsPlanned > 0 && <progress max={1} value={share} aria-label="Sweep progress" />}
    </div>
  )
}

function SweepResults() {
  const { sweep } = useServices()
  const caps = useApp((st) => st.caps)
  const { plan, points, modes, current, result, phase } = useStore(
    sweep.store,
    useShallow((s) => ({
      plan: s.plan,
      points: s.points,
      modes: s.modes,
      current: s.current,
      result: s.result,
      phase: s.phase,
    })),
  )
  const shownModes: TimingMode[] = plan ? plan.modes : TIMING_MODES.filter((m) => modes.includes(m))
  const notAllowed = useMemo(() => {
    const map = modesNotAllowed(shownModes, caps ?? undefined)
    for (const p of points) if (p.status === 'not-allowed') map.set(p.mode, p.reason ?? 'not allowed here')
    return map
  }, [shownModes, caps, points])
  const resolutions = useMemo(() => shownModes.map((m) => resolutionDetail(points, m, THRESHOLD)), [shownModes, points])
  return (
    <>
      <SweepChart
        plan={plan}
        points={points}
        modes={shownModes}
        notAllowed={notAllowed}
        resolutions={resolutions}
        threshold={THRESHOLD}
        current={isSweeping(phase) ? current : null}
      />
      <ScaleNote />
      <section className="panel resolution" aria-label="Resolution">
        <h2>Resolution</h2>
        <p className="muted small">
          The smallest unit at which a mode sorted at least {Math.round(THRESHOLD * 100)}% of its trials, as it did at
          every larger unit: this machine&apos;s resolution.
          {result?.cancelled && ' The sweep was cancelled: figures cover the units measured.'}
        </p>
        <ul className="resolution-list">
          {shownModes.map((m) => {
            const denied = notAllowed.get(m)
            const r = resolutions.find((x) => x.mode === m)!
            const text = denied
              ? `not allowed: ${denied}`
              : isSweeping(phase) && r.kind === 'not-measured'
                ? 'measuring…'
                : describeResolution(r)
            let done = 0,
              planned = 0
            for (const p of points)
              if (p.mode === m && p.status !== 'not-allowed') {
                done += p.trials
                planned += p.planned
              }
            const coverage =
              denied || r.kind === 'not-measured' || done >= planned
                ? ''
                : `${isSweeping(phase) ? 'so far' : 'partial'}: ${done} of ${planned} trials`
            return (
              <li key={m} className={`res-${denied ? 'denied' : r.kind}`}>
                <span className="swatch line" style={{ background: MODE_COLORS[m] }} />
                <b>{m}</b>
                <span className="res-text">
                  {text}
                  {coverage && <span className="muted res-coverage"> · {coverage}</span>}
                </span>
              </li>
            )
          })}
        </ul>
      </section>
    </>
  )
}
