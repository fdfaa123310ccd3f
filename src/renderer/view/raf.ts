/**
 * The one requestAnimationFrame loop. Tasks advance time (playback), painters draw canvases from
 * typed arrays; both run in the same frame. The loop sleeps when nothing asked for another frame.
 */
export type FrameTask = (now: number, dtMs: number) => boolean | void

export class RafScheduler {
  private tasks = new Set<FrameTask>()
  private painters = new Set<FrameTask>()
  private once: (() => void)[] = []
  private pending = 0
  private last = 0
  /** frame times of the last second, for the benchmark hook */
  frames: number[] = []
  recordFrames = false

  addTask(t: FrameTask): () => void {
    this.tasks.add(t)
    this.schedule()
    return () => this.tasks.delete(t)
  }

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
    this.pending = requestAnimationFrame((now) => this.frame(now))
  }

  private frame(now: number): void {
    this.pending = 0
    const dt = this.last ? Math.min(100, now - this.last) : 16.7
    this.last = now
    if (this.recordFrames) this.frames.push(now)
    let again = false
    const once = this.once
    this.once = []
    for (const cb of once) cb()
    for (const t of this.tasks) if (t(now, dt)) again = true
    for (const p of this.painters) if (p(now, dt)) again = true
    if (again || this.once.length || this.recordFrames) this.schedule()
    else this.last = 0
  }
}
