/** Help text: `threadlab --help` and `threadlab <command> --help`. */
import { LIMITS } from '../shared/limits'
import { formatUnitMs } from '../shared/units'
import type { CommandName } from './args'

const MAIN = `threadlab — watch OS threads race: sleep sort and parallel sum on real threads

Usage:
  threadlab sort [values…] [options]     sleep-sort the values (one thread per value)
  threadlab sum [values…] [options]      add the values on worker threads, exactly
  threadlab open <file.threadlab>        print the stats of a saved run
  threadlab diff <a.threadlab> <b.threadlab>  compare two runs of the same input, value by value
  threadlab help <command>               options of one command
  threadlab --version

Values are numbers separated by spaces, commas or newlines: as arguments, from a file
(--file path, -f path), or from stdin ("-", or when nothing is given and stdin is a pipe).

Examples:
  threadlab sort 5 1 2 6 8 2 4 2 3 8 0 2 --unit 10ms
  threadlab sort --file values.txt --mode classic --unit 1ms --repeat 20
  seq 1000 | shuf | threadlab sort --unit 50us --json
  threadlab sum 9007199254740993 1 1 --threads 2

Exit codes: 0 ok · 1 the run failed · 2 bad usage or bad input · 130 interrupted (Ctrl-C)
`

const SORT = `Usage: threadlab sort [values…] [options]

Sleep sort: one OS thread per value sleeps value × unit, then pushes its value. Prints the push
order and how wrong it was (misplaced values, inversions, wake lateness, lock waits, and why).

Options:
  -u, --unit <time>      time per unit of value: 10ms, 50us (or 50µs), 1s, 250ns; a bare number
                         is ms (default 100ms; ${formatUnitMs(LIMITS.minUnitMs)} to ${formatUnitMs(LIMITS.maxUnitMs)})
  -m, --mode <mode>      classic | scheduled | realtime (default scheduled)
                           classic    the seed: each thread sleeps from its own start
                           scheduled  absolute deadlines from one shared epoch, low timer slack
                           realtime   scheduled + SCHED_FIFO (needs CAP_SYS_NICE or an rtprio limit)
  -f, --file <path>      read the values from a file ("-" for stdin)
  -n, --repeat <N>       run N times; print the distribution of misplaced values
      --json             print the result as one JSON object
      --trace <out.json> write a Chrome Trace (open in chrome://tracing or ui.perfetto.dev)
      --csv <out.csv>    write the per-thread table
      --save <out.threadlab>  write the run file (threadlab open, or the app, reads it)
      --max-values <N>   allow up to N values (default ${LIMITS.maxValues}, at most ${LIMITS.maxValuesCeiling})
      --no-events        do not record events (no lateness, lock waits or explanation)
  -h, --help             this help

Limits: largest value × unit ≤ ${LIMITS.maxDurationMs / 1000} s. Negative values are shifted so the smallest sleeps 0.
`

const SUM = `Usage: threadlab sum [values…] [options]

Parallel sum: the values are split into one chunk per thread, each thread adds its chunk, the
partial sums are combined. Integers are summed exactly (beyond 2^53 too: such tokens are read as
64-bit integers); decimals with a compensated (Neumaier) sum.

Options:
  -t, --threads <N>      worker threads, 1 to ${LIMITS.maxThreads} (default: the machine's cores)
  -u, --unit <time>      artificial delay per value, to watch the work being shared (default 0)
  -f, --file <path>      read the values from a file ("-" for stdin)
      --json             print the result as one JSON object
      --trace <out.json> write a Chrome Trace
      --csv <out.csv>    write the per-thread table
      --save <out.threadlab>  write the run file
  -h, --help             this help
`

const OPEN = `Usage: threadlab open <file.threadlab> [options]

Prints the stats of a saved run (the same as when it was made).

Options:
      --json             print the result as one JSON object
      --trace <out.json> re-export the run as a Chrome Trace
      --csv <out.csv>    write the per-thread table
  -h, --help             this help
`

const DIFF = `Usage: threadlab diff <a.threadlab> <b.threadlab> [options]
       threadlab diff <saved-diff.threadlab> [--json]

Compares two sleep-sort runs of the same input value by value: each value's push position and
wake lateness in both runs and the change, the values that moved, inversions in each, the causes
that changed, and a strip of where the two orders differ. Runs of different inputs are refused.

Options:
      --json             print the whole diff as one JSON object (positions from 0)
      --save <out.threadlab>  write run a with the diff inside (reopen it with diff or the app)
  -h, --help             this help
`

export function usage(topic?: CommandName): string {
  return topic === 'sort' ? SORT : topic === 'sum' ? SUM : topic === 'open' ? OPEN : topic === 'diff' ? DIFF : MAIN
}
