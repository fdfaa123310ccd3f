import { useMemo } from 'react'
import { useStore } from 'zustand'
import { scaleStory } from '../../shared/scales'
import { sweepPreset } from '../../shared/sweepPlan'
import { useServices } from '../view/context'

/**
 * Beside the sweep: what does the sorting at each scale of unit for the swept list on this machine
 * (time, then the kernel's timer queue) and where it must end (ties at 1 ns).
 */
export function ScaleNote() {
  const { sweep } = useServices()
  const values = useStore(sweep.store, (s) => s.values)
  const preset = useStore(sweep.store, (s) => s.preset)
  const p99 = useStore(sweep.store, (s) => s.machine.figures?.emptySleepLatenessNs.p99 ?? null)
  const story = useMemo(() => scaleStory(values ?? sweepPreset(preset), p99), [values, preset, p99])
  return (
    <section className="panel scale-note" aria-label="What sorts at each scale">
      <h2>What sorts at each scale</h2>
      <ol className="small">
        {story.parts.map((p) => (
          <li key={p.scale}>
            <b>{p.title}.</b> {p.text}
          </li>
        ))}
      </ol>
    </section>
  )
}
