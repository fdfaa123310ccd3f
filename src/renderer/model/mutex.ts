import type { ThreadTable } from '../../shared/threads'

export interface MutexState {
  /** worker holding the mutex at the instant (-1: free) */
  holder: number
  /** workers waiting for it, earliest waiter first (at most `keep`) */
  waiters: number[]
  waiting: number
}

/** Who holds the mutex and who waits for it at time t. O(threads). */
export function mutexAt(table: ThreadTable, t: number, keep = 6): MutexState {
  let holder = -1
  let waiting = 0
  const waiters: number[] = []
  const n = table.count
  for (let w = 0; w < n; w++) {
    const acq = table.lockAcquired[w]
    if (acq <= t) {
      const rel = table.lockReleased[w]
      if (!(rel <= t) && !(table.cancelled[w] <= t)) holder = w
      continue
    }
    const wait = table.lockWait[w]
    const woke = table.woke[w]
    const since = wait === wait ? wait : woke
    if (since <= t && !(table.cancelled[w] <= t)) {
      waiting++
      // keep the `keep` earliest waiters by insertion: no sort of thousands per frame
      if (waiters.length < keep || since < sinceOf(table, waiters[waiters.length - 1])) {
        let i = waiters.length < keep ? waiters.length : keep - 1
        while (i > 0 && sinceOf(table, waiters[i - 1]) > since) {
          waiters[i] = waiters[i - 1]
          i--
        }
        waiters[i] = w
      }
    }
  }
  return { holder, waiters, waiting }
}

function sinceOf(table: ThreadTable, w: number): number {
  const wait = table.lockWait[w]
  return wait === wait ? wait : table.woke[w]
}
