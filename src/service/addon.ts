/**
 * The one place the native addon is loaded. It lives outside the bundle (native/index.js and its
 * .node file), so it is required at run time by path (see addonPath).
 *
 * The run service talks to the small `Engine` interface below, never to the addon's module object,
 * so tests can put a fake behind it and the real addon is checked against the same boundary.
 */
import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type * as Addon from '../../native/index'
import type { TimingMode } from '../shared/api'

export type BatchSink = (batch: Float64Array) => void

/** A run started in the engine: cancel is immediate, result settles once every thread is joined. */
export interface EngineRun<R> {
  readonly runId: number
  cancel(): void
  result(): Promise<R>
}

export interface EngineSleepSortOptions {
  unitMs: number
  mode: TimingMode
  recordEvents: boolean
}

export interface EngineSumOptions {
  threads?: number
  unitMs?: number
}

export type EngineSleepSortResult = Addon.sort.SleepSortResult

export type EngineSumResult = Addon.parallel.ParallelSumResult

export type EngineCapabilities = Addon.sort.Capabilities

export type EngineThreadBudget = Addon.sort.ThreadBudget

export interface Engine {
  startSleepSort(
    values: number[],
    options: EngineSleepSortOptions,
    onBatch: BatchSink,
  ): EngineRun<EngineSleepSortResult>
  startSum(values: number[], options: EngineSumOptions, onBatch: BatchSink): EngineRun<EngineSumResult>
  /** describes the machine (about 65 µs: it reads the cgroup's CPU limits); see threadBudget */
  capabilities(): EngineCapabilities
  /** the thread budget and what is in use now, alone (cheap) */
  threadBudget(): EngineThreadBudget
  /** runs whose threads are not all joined yet */
  activeRuns(): number
  /** OS threads of this process right now (for leak checks: compare before and after) */
  threadCount(): number
  /** cancels every run and joins every thread: call on quit */
  shutdown(): void
}

/** The addon module as its index.js exports it. */
type AddonModule = typeof Addon

/**
 * THREADLAB_NATIVE, else the nearest native/index.js above this file: the repository's native/
 * from src/service (tests), out/main or a bundler chunk folder below it (builds).
 */
export function addonPath(): string {
  if (process.env.THREADLAB_NATIVE) return resolve(process.env.THREADLAB_NATIVE)
  for (let dir = __dirname, i = 0; i < 5; dir = dirname(dir), i++) {
    const candidate = join(dir, 'native', 'index.js')
    if (existsSync(candidate)) return candidate
  }
  return resolve(__dirname, '../../native/index.js')
}

let engine: Engine | null = null

/** Loads the addon once (throws a readable error when it is missing or fails to load). */
export function loadEngine(): Engine {
  if (engine) return engine
  const path = addonPath()
  let addon: AddonModule
  try {
    addon = createRequire(__filename)(path) as AddonModule
  } catch (e) {
    throw new Error(
      `The native addon could not be loaded from ${path} (${(e as Error).message}). Build it with \`npm run build:native\`.`,
      { cause: e },
    )
  }
  engine = {
    startSleepSort: (values, options, onBatch) => addon.sort.startSleepSort(values, options, onBatch),
    startSum: (values, options, onBatch) => addon.parallel.startSum(values, options, onBatch),
    capabilities: () => addon.sort.capabilities(),
    threadBudget: () => addon.sort.threadBudget(),
    activeRuns: () => addon.activeRuns(),
    threadCount: () => addon.threadCount(),
    shutdown: () => addon.shutdown(),
  }
  return engine
}
