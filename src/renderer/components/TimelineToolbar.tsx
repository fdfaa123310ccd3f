import type { ReactNode } from 'react'
import { TimelineZoomButtons } from './TimelineCanvas'

export interface LegendItem {
  label: ReactNode
  hint: string
  /** a swatch of this colour */
  color?: string
  /** or a swatch drawn by CSS (tick, notch, value-ramp, arrow) */
  swatch?: string
  /** text inside the swatch */
  mark?: string
}

/** A timeline view's toolbar: its legend, then its tools around the shared + − Fit buttons. */
export function TimelineToolbar(props: {
  legendLabel: string
  legend: LegendItem[]
  zoomLabels: [zoomIn: string, zoomOut: string]
  before?: ReactNode
  after?: ReactNode
}) {
  return (
    <div className="lanes-toolbar">
      <ul className="legend" aria-label={props.legendLabel}>
        {props.legend.map((s) => (
          <li key={s.hint} title={s.hint}>
            <span
              className={s.swatch ? `swatch ${s.swatch}` : 'swatch'}
              style={s.color ? { background: s.color } : undefined}
            >
              {s.mark}
            </span>
            {s.label}
          </li>
        ))}
      </ul>
      <div className="lanes-tools">
        {props.before}
        <TimelineZoomButtons inLabel={props.zoomLabels[0]} outLabel={props.zoomLabels[1]} />
        {props.after}
      </div>
    </div>
  )
}
