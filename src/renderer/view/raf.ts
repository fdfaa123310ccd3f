/**
 * The one requestAnimationFrame loop. Tasks advance time (playback), painters draw canvases from
 * typed arrays; both run in the same frame. The loop sleeps when nothing asked for another frame.
 *
 * Canvas painters share a time budget per frame: once it is spent, the canvases not yet drawn
 * wait for the next frame, which starts with them. A frame is one task of the page's main thread;
 * during a live 10,000-thread run the run's own threads keep both CPUs busy and every millisecond
 * of work can take several of wall time, so one frame drawing every canvas could hold the page for
 * 50 ms or more. Other painters (the DOM overlays) run every frame, after the canvases.
 */
export type FrameTask = (now: number, dtMs: number) => boolean | void

/** wall time (ms) after which a frame leaves the remaining canvases to the next frame */
export const CANVAS_BUDGET_MS = 6

const pageFrame = (cb: (now: number) => void) =>
  (globalThis as unknown as { requestAnimationFrame(cb: (now: number) => void): number }).requestAnimationFrame(cb)

export class RafScheduler {
  private tasks = new Set<FrameTask>()
  private canvases = new Set<FrameTask>()
  private painters = new Set<FrameTask>()
  private once: (() => void)[] = []
  private pending = false
  private last = 0
  /** the canvas the next frame starts with (the first one the last frame left out) */
  private nextCanvas = 0
  /** frame times of the last second, for the benchmark hook */
  frames: number[] = []
  recordFrames = false

  /** `requestFrame` and `clock` are the page's unless a test passes its own */
  constructor(
    private readonly requestFrame: (cb: (now: number) => void) => unknown = pageFrame,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  addTask(t: FrameTask): () => void {
    this.tasks.add(t)
    this.schedule()
    return () => this.tasks.delete(t)
  }

  /** A painter of a canvas: it may wait a frame when the frame's budget is spent. */
  addCanvasPainter(p: FrameTask): () => void {
    this.canvases.add(p)
    this.schedule()
    return () => this.canvases.delete(p)
  }

  /** A painter that runs every frame, after the canvases. */
  addPainter(p: FrameTask): () => void {
    this.painters.add(p)
    this.schedule()
    return () => this.painters.delete(p)
  }

  /** Runs cb once in the next frame (coalescing store updates to one per frame). */
  nextFrame(cb: () => void): void {
    this.once.push(cb)
    this.schedule()
  }

  schedule(): void {
    if (this.pending) return
    this.pending = true
    this.requestFrame((now) => this.frame(now))
  }

  /** One frame: what the loop runs at each animation frame. */
  frame(now: number): void {
    const started = this.clock()
    this.pending = false
    const dt = this.last ? Math.min(100, now - this.last) : 16.7
    this.last = now
    if (this.recordFrames) this.frames.push(now)
    let again = false
    const once = this.once
    this.once = []
    for (const cb of once) cb()
    for (const t of this.tasks) if (t(now, dt)) again = true
    if (this.paintCanvases(now, dt, started)) again = true
    for (const p of this.painters) if (p(now, dt)) again = true
    if (again || this.once.length || this.recordFrames) this.schedule()
    else this.last = 0
  }

  /** Draws canvases from the first one left out last frame until the budget is spent; true to come again. */
  private paintCanvases(now: number, dt: number, started: number): boolean {
    const list = [...this.canvases]
    const n = list.length
    let again = false
    for (let k = 0; k < n; k++) {
      const i = (this.nextCanvas + k) % n
      // at least one canvas a frame, so every canvas is drawn within as many frames as there are
      if (k > 0 && this.clock() - started > CANVAS_BUDGET_MS) {
        this.nextCanvas = i
        return true
      }
      if (list[i](now, dt)) again = true
    }
    return again
  }
}
