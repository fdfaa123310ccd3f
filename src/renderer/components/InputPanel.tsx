import { useMemo, useRef, useState, type DragEvent, type ReactNode } from 'react'
import { TIMING_MODES, type Experiment, type TimingMode } from '../../shared/api'
import { LIMITS } from '../../shared/limits'
import type { TokenError } from '../../shared/parse'
import { PRESETS, presetsFor, type PresetId } from '../model/presets'
import { LIST_FILE_MAX_BYTES } from '../model/runFiles'
import { isActive, SUM_UNIT_MIN, THREADS_MAX, THREADS_MIN, UNIT_MAX, UNIT_MIN } from '../model/store'
import { useApp, useServices } from '../view/context'
import { looksLikeRunFile, openRunFile } from '../view/runFileActions'
import { AlertBox } from './AlertBox'
import { LimitsDisclosure } from './LimitsDisclosure'

const MAX_MARKS = 200

export function InputPanel({ modKey }: { modKey: string }) {
  const { store, controller } = useServices()
  const s = useApp((st) => ({
    text: st.text,
    parsed: st.parsed,
    mode: st.mode,
    unitText: st.unitText,
    preset: st.preset,
    n: st.n,
    maxValue: st.maxValue,
    caps: st.caps,
    phase: st.phase,
    unitMs: st.unitMs,
    compareActive: st.compare?.active ?? false,
    experiment: st.experiment,
    threadsText: st.threadsText,
    threads: st.threads,
  }))
  const sum = s.experiment === 'parallel-sum'
  const act = store.getState()
  const textRef = useRef<HTMLTextAreaElement>(null)
  const backdropRef = useRef<HTMLDivElement>(null)
  const fileRef = useRef<HTMLInputElement>(null)
  const [dragging, setDragging] = useState(false)
  const [fileNote, setFileNote] = useState<string | null>(null)
  const active = isActive(s.phase)
  const realtimeDenied = s.caps ? !s.caps.realtime.allowed : false
  const presetInfo = PRESETS.find((p) => p.id === s.preset && p.experiments.includes(s.experiment))
  const workers = Math.max(
    1,
    Math.min(Number.isFinite(s.threads) ? s.threads : (s.caps?.cpus ?? 1), s.parsed.values.length || 1),
  )

  const tokenErrors = s.parsed.errors
  const marks = useMemo(() => renderMarks(s.text, tokenErrors), [s.text, tokenErrors])
  const summary = useMemo(
    () => (sum ? summarizeSum(s.parsed.values, s.unitMs, workers) : summarize(s.parsed.values, s.unitMs)),
    [sum, s.parsed.values, s.unitMs, workers],
  )

  const syncScroll = () => {
    if (backdropRef.current && textRef.current) {
      backdropRef.current.scrollTop = textRef.current.scrollTop
      backdropRef.current.scrollLeft = textRef.current.scrollLeft
    }
  }

  const selectToken = (e: TokenError) => {
    const ta = textRef.current
    if (!ta) return
    ta.focus()
    ta.setSelectionRange(e.start, Math.min(e.end, e.start + 200))
  }

  const loadFile = async (file: File) => {
    // a run file dropped or chosen here opens as a run, not as a list of numbers
    if (await looksLikeRunFile(file)) {
      if (await openRunFile(controller, file)) setFileNote(null)
      return
    }
    if (file.size > LIST_FILE_MAX_BYTES) {
      setFileNote(`${file.name} is ${Math.round(file.size / 1e6)} MB: too big for a number list`)
      return
    }
    const text = await file.text()
    act.setText(text)
    setFileNote(`loaded ${file.name} (${text.length.toLocaleString()} characters)`)
  }

  const onDrop = (e: DragEvent) => {
    e.preventDefault()
    setDragging(false)
    const file = e.dataTransfer.files[0]
    if (file) void loadFile(file)
  }

  const run = () => {
    if (tokenErrors.length) {
      const first = tokenErrors.find((t) => t.position >= 0)
      if (first) selectToken(first)
    }
    void controller.run()
  }

  return (
    <div className="input-panel">
      <div className="field">
        <label htmlFor="experiment">Experiment</label>
        <select
          id="experiment"
          value={s.experiment}
          onChange={(e) => act.setExperiment(e.target.value as Experiment)}
          disabled={active}
        >
          <option value="sleep-sort">sleep sort</option>
          <option value="parallel-sum">parallel sum</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="numbers">Numbers</label>
        <div
          className={`numbers-wrap${dragging ? ' dragging' : ''}${tokenErrors.some((t) => t.position >= 0) ? ' has-errors' : ''}`}
          onDragOver={(e) => {
            e.preventDefault()
            setDragging(true)
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <div className="numbers-backdrop" ref={backdropRef} aria-hidden="true">
            {marks}
          </div>
          <textarea
            id="numbers"
            ref={textRef}
            value={s.text}
            spellCheck={false}
            aria-invalid={tokenErrors.length > 0}
            aria-describedby="numbers-help token-errors"
            onChange={(e) => act.setText(e.target.value)}
            onScroll={syncScroll}
            rows={7}
          />
        </div>
        <p className="summary small">{summary}</p>
        <p id="numbers-help" className="muted small">
          Commas, spaces or new lines between numbers. Drop a file here or{' '}
          <button type="button" className="link" onClick={() => fileRef.current?.click()}>
            Open list…
          </button>
          <input
            ref={fileRef}
            type="file"
            accept=".txt,.csv,.tsv,text/plain"
            hidden
            onChange={(e) => {
              const f = e.target.files?.[0]
              if (f) void loadFile(f)
              e.target.value = ''
            }}
          />
        </p>
        {fileNote && <p className="muted small">{fileNote}</p>}
        {!sum && s.parsed.hasNegatives && (
          <p className="note small" role="note">
            Negative values: every value is shifted by +{formatShift(s.parsed.values)} so the smallest sleeps 0. The
            output shows the original numbers.
          </p>
        )}
        <ul id="token-errors" className="token-errors" aria-label="Bad values">
          {tokenErrors.slice(0, 50).map((e, i) => (
            <li key={i}>
              <button
                type="button"
                className="token-error"
                onClick={() => selectToken(e)}
                title="select it in the list"
              >
                {e.position >= 0 ? (
                  <>
                    <b>value {e.position + 1}</b>{' '}
                    <span className="muted">
                      (chars {e.start + 1}–{e.end})
                    </span>
                    : {e.reason}
                  </>
                ) : (
                  e.reason
                )}
              </button>
            </li>
          ))}
          {tokenErrors.length > 50 && <li className="muted small">…and {tokenErrors.length - 50} more</li>}
        </ul>
      </div>

      <div className="row">
        <div className="field grow">
          <label htmlFor="preset">Preset</label>
          <select
            id="preset"
            value={presetInfo ? s.preset : 'custom'}
            onChange={(e) => {
              if (e.target.value !== 'custom') act.applyPreset(e.target.value as PresetId)
            }}
          >
            <option value="custom" disabled>
              custom
            </option>
            {presetsFor(s.experiment).map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          className="icon-button"
          disabled={!presetInfo?.generated}
          onClick={() => presetInfo && act.applyPreset(presetInfo.id)}
          title="generate again"
          aria-label="Generate again"
        >
          ↻
        </button>
      </div>
      {presetInfo && <p className="muted small preset-hint">{presetInfo.hint}</p>}
      <div className="row">
        <div className="field">
          <label htmlFor="n">N</label>
          <input
            id="n"
            type="number"
            min={1}
            max={LIMITS.maxValues}
            step={1}
            value={s.n}
            onChange={(e) => {
              const v = Math.round(Number(e.target.value))
              if (v >= 1 && v <= LIMITS.maxValuesCeiling) act.setN(v)
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="max-value">Max value</label>
          <input
            id="max-value"
            type="number"
            min={0}
            max={1e6}
            step={1}
            value={s.maxValue}
            onChange={(e) => {
              const v = Math.round(Number(e.target.value))
              if (v >= 0 && v <= 1e6) act.setMaxValue(v)
            }}
          />
        </div>
      </div>

      <div className="row">
        {sum ? (
          <div className="field grow">
            <label htmlFor="threads">Threads</label>
            <input
              id="threads"
              type="number"
              min={THREADS_MIN}
              max={THREADS_MAX}
              step={1}
              value={s.threadsText}
              placeholder={s.caps ? String(s.caps.cpus) : 'cores'}
              aria-describedby="mode-help"
              onChange={(e) => act.setThreadsText(e.target.value)}
            />
          </div>
        ) : (
          <div className="field grow">
            <label htmlFor="mode">Mode</label>
            <select
              id="mode"
              value={s.mode}
              onChange={(e) => act.setMode(e.target.value as TimingMode)}
              aria-describedby="mode-help"
            >
              {TIMING_MODES.map((m) => (
                <option key={m} value={m} disabled={m === 'realtime' && realtimeDenied}>
                  {m}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor="unit">Unit (ms)</label>
          <input
            id="unit"
            type="number"
            min={sum ? SUM_UNIT_MIN : UNIT_MIN}
            max={UNIT_MAX}
            step="any"
            value={s.unitText}
            aria-describedby={sum ? 'unit-help' : undefined}
            onChange={(e) => act.setUnitText(e.target.value)}
          />
        </div>
      </div>
      {sum && (
        <p id="unit-help" className="unit-help small">
          Unit = <b>delay per element</b> each worker waits per value it adds, to watch the work being shared (0 = full
          speed).
        </p>
      )}
      <p id="mode-help" className="muted small">
        {sum ? SUM_HELP : MODE_HELP[s.mode]}
        {!sum && realtimeDenied && (
          <>
            <br />
            <span className="warn">
              realtime unavailable: {s.caps?.realtime.reason ?? 'not allowed on this machine'}
            </span>
          </>
        )}
      </p>

      <div className="buttons">
        <button type="button" className="primary" onClick={run} title={`${modKey}+Enter`}>
          Run
        </button>
        <button type="button" onClick={() => void controller.cancel()} disabled={!active} title="Esc">
          Cancel
        </button>
        {!sum && (
          <button type="button" onClick={() => void controller.compareModes()} disabled={active || s.compareActive}>
            Compare modes
          </button>
        )}
      </div>
      <p className="muted small keys">{modKey}+Enter run · Esc cancel · Space play · , . step</p>
      <AlertBox />
      <LimitsDisclosure />
    </div>
  )
}

const MODE_HELP: Record<TimingMode, string> = {
  classic: 'The seed: threads spawned one by one, each sleeps value × unit from its own start.',
  scheduled: 'All threads asleep before a shared epoch, absolute deadlines, one CPU, low timer slack.',
  realtime: 'scheduled plus SCHED_FIFO: the kernel wakes threads in deadline order.',
}

const SUM_HELP =
  'Each worker sums one contiguous chunk; the partials are then folded into the total (integers exactly, decimals compensated).'

function renderMarks(text: string, errors: TokenError[]): ReactNode[] {
  const spans = errors
    .filter((e) => e.position >= 0 && e.end > e.start)
    .slice(0, MAX_MARKS)
    .sort((a, b) => a.start - b.start)
  const out: ReactNode[] = []
  let at = 0
  spans.forEach((e, i) => {
    if (e.start < at) return
    out.push(text.slice(at, e.start))
    out.push(
      <mark key={i} title={e.reason}>
        {text.slice(e.start, e.end)}
      </mark>,
    )
    at = e.end
  })
  out.push(text.slice(at))
  // a trailing newline needs a character after it to take up a line, as in the textarea
  out.push('\u200b')
  return out
}

function summarize(values: number[], unitMs: number): string {
  if (!values.length) return 'no values'
  let lo = Infinity,
    hi = -Infinity
  for (const v of values) {
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  const longest = (hi - Math.min(0, lo)) * unitMs
  return `${values.length.toLocaleString()} values · ${lo}..${hi} · longest sleep ${longest >= 1000 ? `${(longest / 1000).toPrecision(3)} s` : `${Number(longest.toPrecision(3))} ms`}`
}

function summarizeSum(values: number[], unitMs: number, workers: number): string {
  if (!values.length) return 'no values'
  const perThread = Math.ceil(values.length / workers)
  const ms = perThread * unitMs
  const time =
    unitMs > 0 ? ` · about ${ms >= 1000 ? `${(ms / 1000).toPrecision(3)} s` : `${Number(ms.toPrecision(3))} ms`}` : ''
  return `${values.length.toLocaleString()} values · ${workers} ${workers === 1 ? 'chunk' : 'chunks'} of ≤ ${perThread.toLocaleString()}${time}`
}

function formatShift(values: number[]): string {
  let lo = 0
  for (const v of values) if (v < lo) lo = v
  return String(-lo)
}
