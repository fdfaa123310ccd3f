import type { TimingMode } from '../../shared/api'
import type { Cause } from '../../shared/attribution'

/** One colour per timing mode: the sweep's lines, bars' baselines and legend. */
export const MODE_COLORS: Record<TimingMode, string> = {
  classic: '#ff8a65',
  scheduled: '#4f9dff',
  realtime: '#3fcf78',
}

/** One colour per cause of a misplaced value (the stacked bars); the lanes' colours where they share a meaning. */
export const CAUSE_COLORS: Record<Cause, string> = {
  'spawn-offset': '#a98bf0',
  'timer-lateness': '#f0a640',
  'lock-handoff': '#e04b4b',
  tie: '#6f7a8c',
  cancelled: '#c94fa8',
  unknown: '#3c4250',
}

export const CAUSE_LABELS: Record<Cause, string> = {
  'spawn-offset': 'spawn offset',
  'timer-lateness': 'timer lateness',
  'lock-handoff': 'lock handoff',
  tie: 'tie (equal deadlines)',
  cancelled: 'cancelled',
  unknown: 'unknown',
}

export const CAUSE_HINTS: Record<Cause, string> = {
  'spawn-offset': 'a thread started sleeping so late that perfect timers would still invert the pair (classic mode)',
  'timer-lateness': 'a thread woke late and a larger value overtook it',
  'lock-handoff': 'it woke first but a larger value got the mutex first',
  tie: 'equal deadlines: any order is correct',
  cancelled: 'the run stopped before a smaller value was pushed',
  unknown: 'not explained by the recorded events',
}
