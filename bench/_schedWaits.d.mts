// Types for bench/_schedWaits.mjs, imported by its unit test.
export type SchedEvent =
  | {
      t: number
      cpu: number
      pid: number
      kind: 'switch'
      prevTid: number
      prevState: string
      nextTid: number
      nextComm: string
    }
  | { t: number; cpu: number; pid: number; kind: 'waking'; tid: number; target: number }
  | { t: number; cpu: number; pid: number; kind: 'migrate'; tid: number; to: number }

export declare function perfAvailable(): boolean
export declare function recordScheduler(file: string): Promise<{ stop(): Promise<SchedEvent[]> }>
export declare function whereTimeWent(
  events: SchedEvent[],
  window: { tid: number; fromUs: number; toUs: number },
): {
  runMs: number
  queuedMs: number
  asleepMs: number
  queuedOn: Map<number, number>
  whileQueued: Map<number, [string, number][]>
}
