// Wall-clock and process-CPU timing for the Node benches: medians over repetitions in this one
// process (on a loaded machine wall > CPU: other processes held the cores).

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const cpuMs = (u) => (u.user + u.system) / 1000

/**
 * Runs every step once per repetition (in order, the output of one feeding the next): medians of
 * wall and CPU ms per step and in total, and the first repetition on its own (its code not yet
 * optimised, as in the first run a page analyses).
 */
export function timeSteps(steps, reps) {
  const wall = steps.map(() => []),
    cpu = steps.map(() => [])
  let outs
  for (let r = 0; r < reps; r++) {
    outs = []
    steps.forEach(([, fn], i) => {
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      outs.push(fn(outs))
      wall[i].push(performance.now() - t0)
      cpu[i].push(cpuMs(process.cpuUsage(c0)))
    })
  }
  const total = (xs) => xs[0].map((_, r) => xs.reduce((sum, x) => sum + x[r], 0))
  return {
    parts: steps.map(([name], i) => ({ name, ms: median(wall[i]), cpuMs: median(cpu[i]), firstMs: wall[i][0] })),
    ms: median(total(wall)),
    cpuMs: median(total(cpu)),
    firstMs: total(wall)[0],
    firstCpuMs: total(cpu)[0],
    outs,
  }
}

/** Median wall and CPU ms of `fn` over `reps` calls, and its last output. */
export function time(fn, reps) {
  const t = timeSteps([['all', () => fn()]], reps)
  return { ms: t.ms, cpuMs: t.cpuMs, out: t.outs[0] }
}
