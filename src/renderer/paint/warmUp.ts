/**
 * A small synthetic run drawn once, off screen, while the page is idle. The first use of each font
 * the painters draw with (a family at a size, matched through the system's font configuration)
 * and the first calls of the painters' code cost tens of milliseconds; without this the first live
 * run pays them inside its frames, while its threads keep both CPUs busy. The run is the replay
 * benchmark's synthetic kind (model/synth.ts); nothing here touches the app's state.
 */
import { EventColumns } from '../../shared/columns'
import { EventKind } from '../../shared/events'
import { RunData } from '../model/runData'
import { synthesizeRun } from '../model/synth'
import { paintRunScene } from './runScene'
import type { Surface } from './surface'

/** enough threads for the vector's per-column raster (200 or more) and, on 120 px, aggregated lanes */
const THREADS = 300
export const WARM_UP_SIZE = { width: 1200, topHeight: 220, lanesHeight: 120 } as const

/**
 * The synthetic run as a live one stands half-way: the events up to its middle push have arrived,
 * the mutex is held and ties queue for it, so the card names a holder and waiters.
 */
export function warmUpRun(): RunData {
  const values = Array.from({ length: THREADS }, (_, i) => i % 7)
  const { cols } = synthesizeRun(values, 'scheduled', 0.01, 0)
  const pushes: number[] = []
  for (let i = 0; i < cols.length; i++) if (cols.kind[i] === EventKind.Pushed) pushes.push(cols.tNs[i])
  const middle = pushes.sort((a, b) => a - b)[pushes.length >> 1]
  const arrived = new EventColumns(cols.length)
  for (let i = 0; i < cols.length; i++)
    if (cols.tNs[i] <= middle) arrived.push(cols.kind[i] as EventKind, cols.worker[i], cols.tNs[i], cols.arg[i])
  const d = new RunData()
  d.reset(0, values, 0.01)
  d.append(arrived.toBatch(0))
  return d
}

/** Draws the warm-up run the way the views draw a live run at its latest instant (paint/runScene.ts). */
export function paintWarmUp(s: Surface, d: RunData = warmUpRun()): void {
  const span = d.span()
  paintRunScene(s, {
    data: d,
    phase: 'running',
    window: { t0: span[0], t1: span[1] },
    order: d.valueOrder,
    tNs: d.maxT,
    exact: null,
    highlight: null,
    title: 'warm-up',
    ...WARM_UP_SIZE,
  })
}
