import { useEffect, useRef } from 'react'
import { EVENT_KIND_NAMES, EventKind } from '../../shared/events'
import { formatTotal } from '../model/sumData'
import { formatNs } from '../model/playback'
import { isActive, SPEEDS } from '../model/store'
import { useApp, useServices } from '../view/context'
import { seek, stepPlayback, togglePlay } from '../view/playbackActions'

const SLIDER_STEPS = 10_000

/** Play / pause, step, the `Time` scrub slider and the `Speed` select. */
export function PlaybackBar() {
  const services = useServices()
  const { controller, playhead, raf, store } = services
  const s = useApp((st) => ({ phase: st.phase, playing: st.playing, speed: st.speed, dataVersion: st.dataVersion }))
  const sliderRef = useRef<HTMLInputElement>(null)
  const readoutRef = useRef<HTMLSpanElement>(null)
  const eventRef = useRef<HTMLSpanElement>(null)
  const live = isActive(s.phase)
  const replayable = !live && controller.data.finished && (controller.data.sortedTimes?.length ?? 0) > 0

  useEffect(() => {
    let seen = -1
    let seenData = -1
    return raf.addPainter(() => {
      const d = controller.data
      if (playhead.version === seen && d.version === seenData) return false
      seen = playhead.version
      seenData = d.version
      const [start, end] = d.span()
      const slider = sliderRef.current
      if (slider && document.activeElement !== slider) {
        slider.value = String(Math.round(((playhead.tNs - start) / (end - start)) * SLIDER_STEPS))
      }
      if (slider) slider.setAttribute('aria-valuetext', `${formatNs(playhead.tNs)} since the epoch`)
      if (readoutRef.current)
        readoutRef.current.textContent = d.eventCount ? `${formatNs(playhead.tNs, 4)} / ${formatNs(end, 4)}` : ''
      if (eventRef.current) {
        const i = playhead.index
        if (d.order && i >= 0 && i < d.order.length) {
          const e = d.order[i]
          const w = d.cols.worker[e]
          const kind = d.cols.kind[e] as EventKind
          const what =
            kind >= EventKind.ChunkStart
              ? describeChunkEvent(kind, w, d.cols.arg[e])
              : `thread ${w} (value ${d.values[w] ?? '?'}) ${EVENT_KIND_NAMES[kind]}`
          eventRef.current.textContent = `event ${(i + 1).toLocaleString()} / ${d.order.length.toLocaleString()}: ${what}`
        } else {
          eventRef.current.textContent = live ? `live · ${d.eventCount.toLocaleString()} events` : ''
        }
      }
      return false
    })
  }, [controller, playhead, raf, live])

  const onSlide = (v: number) => {
    const [start, end] = controller.data.span()
    seek(services, start + (v / SLIDER_STEPS) * (end - start))
  }

  return (
    <div className="playback" role="group" aria-label="Playback">
      <button
        type="button"
        onClick={() => stepPlayback(services, -1)}
        disabled={!replayable}
        aria-label="Step back"
        title="Step back (,)"
      >
        <Icon d="M3 2h2v12H3zM14 2v12L6 8z" />
      </button>
      <button
        type="button"
        className="play"
        onClick={() => togglePlay(services)}
        disabled={!replayable}
        aria-label={s.playing ? 'Pause' : 'Play'}
        title="Play / pause (Space)"
      >
        {s.playing ? <Icon d="M3 2h4v12H3zM9 2h4v12H9z" /> : <Icon d="M4 2v12l10-6z" />}
      </button>
      <button
        type="button"
        onClick={() => stepPlayback(services, 1)}
        disabled={!replayable}
        aria-label="Step forward"
        title="Step forward (.)"
      >
        <Icon d="M11 2h2v12h-2zM2 2v12l8-6z" />
      </button>
      <input
        ref={sliderRef}
        className="scrub"
        type="range"
        min={0}
        max={SLIDER_STEPS}
        step={1}
        defaultValue={SLIDER_STEPS}
        aria-label="Time"
        disabled={!replayable}
        onChange={(e) => onSlide(Number(e.target.value))}
      />
      <span
        className="readout mono"
        ref={readoutRef}
        title="time since the run's epoch (threads spawned before it show negative times) / end of the run"
      />
      <label className="speed">
        <span>Speed</span>
        <select aria-label="Speed" value={s.speed} onChange={(e) => store.getState().setSpeed(Number(e.target.value))}>
          {SPEEDS.map((v) => (
            <option key={v} value={v}>
              {v}×
            </option>
          ))}
        </select>
      </label>
      {live && (
        <span className="live-dot" title="following the live stream">
          ● live
        </span>
      )}
      <span className="event-readout muted small mono" ref={eventRef} aria-live="off" />
    </div>
  )
}

function Icon({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 16 16" aria-hidden="true">
      <path d={d} />
    </svg>
  )
}

/** A parallel-sum event in words, for the event readout. */
function describeChunkEvent(kind: EventKind, chunk: number, arg: number): string {
  switch (kind) {
    case EventKind.ChunkStart:
      return `chunk ${chunk} started (${formatTotal(arg)} values)`
    case EventKind.ChunkProgress:
      return `chunk ${chunk} progress: ${formatTotal(arg)} values done`
    case EventKind.ChunkDone:
      return `chunk ${chunk} done: partial ${formatTotal(arg)}`
    case EventKind.Combined:
      return `combined chunk ${chunk}: running total ${formatTotal(arg)}`
    default:
      return `chunk ${chunk} ${EVENT_KIND_NAMES[kind]}`
  }
}
