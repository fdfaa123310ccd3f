//! `sort.*`: the sleep-sort experiment as seen from Node.

use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi::threadsafe_function::UnknownReturnValue;
use napi::Env;
use napi_derive::napi;

use crate::engine::error::{Code, Error as EngineError};
use crate::engine::registry::{self, RunCtl};
use crate::engine::sleep_sort::{self, Mode, SortOptions, SortOutcome};
use crate::engine::{self, stats};
use crate::napi_common::*;

/// Options of a sleep sort. Every field is optional.
#[napi(object, namespace = "sort")]
#[allow(dead_code)] // declares the TypeScript shape; the napi layer reads options by hand for precise error codes
pub struct SleepSortOptions {
  /// Time per unit of value in ms (default 100, like the seed). Must be > 0 and finite (E_BAD_UNIT).
  pub unit_ms: Option<f64>,
  /// Timing mode (default 'scheduled'); another string fails with E_BAD_MODE.
  /// 'realtime' fails at once with E_REALTIME_DENIED when SCHED_FIFO is not permitted (or the
  /// machine has one CPU), and with E_REALTIME_LIMIT while another realtime run is active or with
  /// more than `realtimeMaxThreads` values.
  #[napi(ts_type = "'classic' | 'scheduled' | 'realtime'")]
  pub mode: Option<String>,
  /// Stream events to `onBatch` (default true). Statistics are computed either way.
  pub record_events: Option<bool>,
  /// Most values (one OS thread each) accepted, default 10000, at most 50000 (E_TOO_MANY).
  pub max_values: Option<f64>,
  /// Cap on (largest shifted value) × unitMs, default 60000 ms (E_DURATION_CAP).
  pub max_duration_ms: Option<f64>,
}

/// p50 / p99 / max of a duration, ns.
#[napi(object, namespace = "sort")]
#[derive(Clone)]
pub struct Percentiles {
  pub p50: f64,
  pub p99: f64,
  pub max: f64,
}

/// Result of a sleep sort (all durations in ns unless named otherwise).
#[napi(object, namespace = "sort")]
#[derive(Clone)]
pub struct SleepSortResult {
  /// Run id, the same as in every batch header of the run.
  pub run_id: u32,
  /// Values in the order the threads pushed them, as given (not shifted).
  pub output: Vec<f64>,
  /// True when the output equals the input sorted ascending (false for a cancelled run).
  pub sorted: bool,
  /// Positions where the output differs from the sorted input.
  pub misplaced: u32,
  /// Pairs i < j of the output with output[i] > output[j].
  pub inversions: f64,
  /// Wake-up time minus deadline, over the threads that woke.
  pub lateness_ns: Percentiles,
  /// Time from asking for the lock to getting it.
  pub lock_wait_ns: Percentiles,
  /// From the start of the run (spawning included) until every thread has been joined.
  pub wall_ms: f64,
  /// Threads started.
  pub threads: u32,
  #[napi(ts_type = "'classic' | 'scheduled' | 'realtime'")]
  pub mode: String,
  pub unit_ms: f64,
  /// Added to every value so the smallest sleeps 0 (0 when no value was negative).
  pub shift: f64,
  /// True when the run was cancelled; output then holds what was pushed so far.
  pub cancelled: bool,
  /// Events streamed to onBatch (0 with recordEvents: false or without a callback).
  pub event_count: f64,
}

fn pct(p: stats::Percentiles) -> Percentiles {
  Percentiles {
    p50: p.p50,
    p99: p.p99,
    max: p.max,
  }
}

fn to_js(o: SortOutcome) -> SleepSortResult {
  SleepSortResult {
    run_id: o.run_id,
    sorted: o.sorted,
    misplaced: o.misplaced as u32,
    inversions: o.inversions as f64,
    lateness_ns: pct(o.lateness_ns),
    lock_wait_ns: pct(o.lock_wait_ns),
    wall_ms: o.wall_ms,
    threads: o.threads as u32,
    mode: o.mode.as_str().to_string(),
    unit_ms: o.unit_ms,
    shift: o.shift,
    cancelled: o.cancelled,
    event_count: o.event_count as f64,
    output: o.output,
  }
}

type SortSlot = ResultSlot<SortOutcome, SleepSortResult>;

fn parse_options(options: Option<Unknown>) -> std::result::Result<SortOptions, EngineError> {
  let o = options_object(options)?;
  let mut opts = SortOptions::default();
  if let Some(u) = opt_number(&o, "unitMs", |m| {
    EngineError::new(Code::BadUnit, format!("unitMs: {m}"))
  })? {
    opts.unit_ms = u;
  }
  if let Some(m) = opt_string(&o, "mode", |m| EngineError::new(Code::BadMode, format!("mode: {m}")))? {
    opts.mode = Mode::parse(&m)?;
  }
  if let Some(r) = opt_bool(&o, "recordEvents")? {
    opts.record_events = r;
  }
  if let Some(m) = opt_number(&o, "maxValues", |m| {
    EngineError::new(Code::BadOption, format!("maxValues: {m}"))
  })? {
    opts.max_values = as_count(m, "maxValues", Code::BadOption)?;
  }
  if let Some(m) = opt_number(&o, "maxDurationMs", |m| {
    EngineError::new(Code::BadOption, format!("maxDurationMs: {m}"))
  })? {
    opts.max_duration_ms = m;
  }
  sleep_sort::check_options(&opts)?;
  Ok(opts)
}

fn read_sort_values(env: &Env, values: &Unknown, opts: &SortOptions) -> std::result::Result<Vec<f64>, EngineError> {
  read_values(
    env,
    values,
    |n| sleep_sort::check_count(n, opts.max_values),
    sleep_sort::check_value,
  )
}

/// Validates and starts a run (shared by `sleepSort` and `startSleepSort`).
fn start(
  env: &Env,
  values: Unknown,
  options: Option<Unknown>,
  on_batch: Option<&Function<Float64Array, UnknownReturnValue>>,
) -> napi::Result<(Arc<RunCtl>, Arc<SortSlot>)> {
  ensure_cleanup_hook(env);
  let opts = check(env, parse_options(options))?;
  let values = check(env, read_sort_values(env, &values, &opts))?;
  let tsfn = match on_batch {
    Some(f) if opts.record_events => Some(batch_tsfn(f)?),
    // without recording there is nothing to stream; no ThreadsafeFunction is kept
    _ => None,
  };
  let slot = SortSlot::new(to_js);
  let slot2 = Arc::clone(&slot);
  let ctl = RunCtl::new(registry::next_run_id());
  let sink = tsfn.map(|t| Box::new(TsfnSink::new(t, Arc::clone(&ctl))) as Box<dyn engine::events::EventSink>);
  check(
    env,
    engine::start_sleep_sort(values, opts, Arc::clone(&ctl), sink, move |r| slot2.complete(r)),
  )?;
  Ok((ctl, slot))
}

/// Sorts `values` by sleeping: one OS thread per value sleeps `value × unitMs`, then pushes it
/// to a shared vector. Resolves with the output and its statistics; rejects with an Error whose
/// `code` is one of E_EMPTY, E_NOT_A_NUMBER, E_NOT_FINITE, E_TOO_LARGE, E_TOO_MANY,
/// E_DURATION_CAP, E_BAD_UNIT, E_BAD_MODE, E_BAD_OPTION, E_BAD_INPUT, E_REALTIME_DENIED,
/// E_REALTIME_LIMIT, E_THREAD_BUDGET (the process-wide thread budget would be crossed), E_RESOURCE
/// or E_INTERNAL, and `position` = index of the offending value when one is at fault.
/// Nothing is streamed; nothing starts when validation fails.
#[napi(
  namespace = "sort",
  ts_args_type = "values: Array<unknown> | Float64Array, options?: SleepSortOptions",
  ts_return_type = "Promise<SleepSortResult>"
)]
pub fn sleep_sort<'e>(env: &'e Env, values: Unknown, options: Option<Unknown>) -> napi::Result<Object<'e>> {
  guard(env, "sort.sleepSort", || match start(env, values, options, None) {
    Ok((_ctl, slot)) => slot.promise(env),
    Err(e) => {
      let (d, promise) =
        env.create_deferred::<SleepSortResult, Box<dyn FnOnce(Env) -> napi::Result<SleepSortResult> + Send>>()?;
      d.reject(e);
      Ok(promise)
    }
  })
}

/// A running sleep sort started by `startSleepSort`.
#[napi(namespace = "sort")]
pub struct SleepSortRun {
  ctl: Arc<RunCtl>,
  slot: Arc<SortSlot>,
}

#[napi(namespace = "sort")]
impl SleepSortRun {
  /// Cancels the run at once: sleeping threads wake, record `cancelled` and `exited`, and are
  /// joined. `result()` then resolves with `cancelled: true` and the partial output. Idempotent.
  #[napi]
  pub fn cancel(&self) {
    self.ctl.cancel();
  }

  /// The run's result. Resolves after the last batch has been delivered to `onBatch` and every
  /// thread of the run has been joined; rejects only on an internal failure.
  #[napi(ts_return_type = "Promise<SleepSortResult>")]
  pub fn result<'e>(&self, env: &'e Env) -> napi::Result<Object<'e>> {
    guard(env, "SleepSortRun.result", || self.slot.promise(env))
  }

  /// Run id, as in every batch header of this run.
  #[napi(getter)]
  pub fn run_id(&self) -> u32 {
    self.ctl.id
  }
}

/// Starts a sleep sort and streams its events: `onBatch` receives packed Float64Array batches
/// `[1, runId, seq, count, (kind, worker, tNs, arg) × count]` (see src/shared/events.ts), at most
/// every ~8 ms or 4096 events, one call per batch. Validation errors are thrown synchronously
/// (same codes as `sleepSort`) before any thread starts. Node stays alive while the run is active.
#[napi(
  namespace = "sort",
  ts_args_type = "values: Array<unknown> | Float64Array, options: SleepSortOptions | undefined | null, onBatch: (batch: Float64Array) => void"
)]
pub fn start_sleep_sort(
  env: &Env,
  values: Unknown,
  options: Option<Unknown>,
  on_batch: Function<Float64Array, UnknownReturnValue>,
) -> napi::Result<SleepSortRun> {
  guard(env, "sort.startSleepSort", || {
    let (ctl, slot) = start(env, values, options, Some(&on_batch))?;
    Ok(SleepSortRun { ctl, slot })
  })
}

/// Realtime scheduling permission, probed for real.
#[napi(object, namespace = "sort")]
pub struct RealtimeCapability {
  /// True when a thread may switch to SCHED_FIFO (mode 'realtime' works).
  pub allowed: bool,
  /// When not allowed: why, and how to allow it.
  pub reason: Option<String>,
}

/// The process-wide thread budget: the sorting and summing threads (plus each run's coordinator
/// and collector) of every run in this process never exceed `budget`; a run that would is refused
/// with E_THREAD_BUDGET before any thread starts.
#[napi(object, namespace = "sort")]
pub struct ThreadBudget {
  /// Most threads the runs of this process may hold at once (fixed when the process starts).
  pub budget: f64,
  /// Threads reserved by the runs active now.
  pub in_use: f64,
  /// Runs holding threads now.
  pub runs: f64,
  /// Where the budget comes from (the machine's limits and threads alive at start).
  pub basis: String,
}

/// What this machine offers the experiments.
#[napi(object, namespace = "sort")]
pub struct Capabilities {
  /// CPUs available to the process.
  pub cpus: u32,
  /// Operating system, e.g. "linux".
  pub os: String,
  pub realtime: RealtimeCapability,
  /// Most sorting threads of one realtime run (one realtime run at a time per process).
  pub realtime_max_threads: u32,
  /// The calling thread's timer slack in ns (the kernel default is 50000; sorting threads use 1).
  pub timer_slack_ns: f64,
  pub thread_budget: ThreadBudget,
}

/// Describes the machine: CPU count, OS, whether SCHED_FIFO is permitted (tried once per process
/// on a short-lived thread and undone), the default timer slack and the thread budget.
#[napi(namespace = "sort")]
pub fn capabilities(env: &Env) -> napi::Result<Capabilities> {
  guard(env, "sort.capabilities", || {
    let c = engine::capabilities();
    Ok(Capabilities {
      cpus: c.cpus as u32,
      os: std::env::consts::OS.to_string(),
      realtime: RealtimeCapability {
        allowed: c.realtime_allowed,
        reason: c.realtime_reason,
      },
      realtime_max_threads: c.realtime_max_threads as u32,
      timer_slack_ns: c.timer_slack_ns as f64,
      thread_budget: c.thread_budget.into(),
    })
  })
}

/// The thread budget and what is in use now, without describing the rest of the machine (cheap:
/// hosts answer `capabilities` from a copy made once and read only this live part again).
#[napi(namespace = "sort")]
pub fn thread_budget() -> ThreadBudget {
  engine::budget::budget().snapshot().into()
}

impl From<engine::budget::Snapshot> for ThreadBudget {
  fn from(s: engine::budget::Snapshot) -> ThreadBudget {
    ThreadBudget {
      budget: s.limit as f64,
      in_use: s.in_use as f64,
      runs: s.runs as f64,
      basis: s.basis,
    }
  }
}

/// Output and wall time of the bare baseline.
#[napi(object, namespace = "sort")]
pub struct BareSleepSortResult {
  pub output: Vec<f64>,
  pub wall_ms: f64,
}

/// Benchmark baseline (not for apps): the seed's std-only sleep sort — thread::spawn,
/// thread::sleep(x × unit), Mutex push, no events, not cancellable — run off the JS thread.
#[napi(namespace = "sort", ts_return_type = "Promise<BareSleepSortResult>")]
pub fn bare_sleep_sort<'e>(env: &'e Env, values: Float64Array, unit_ms: f64) -> napi::Result<Object<'e>> {
  guard(env, "sort.bareSleepSort", || {
    let v = values.to_vec();
    for (i, &x) in v.iter().enumerate() {
      check(env, sleep_sort::check_value(i, x))?;
    }
    if !(unit_ms > 0.0 && unit_ms.is_finite())
      || v.iter().cloned().fold(0.0, f64::max) * unit_ms > 60_000.0
      || v.len() > 50_000
    {
      return Err(js_error(
        env,
        &EngineError::new(Code::BadOption, "bareSleepSort: values or unitMs out of range"),
      ));
    }
    // the baseline's threads count against the budget like a run's (its thread plus one per value)
    let lease = check(
      env,
      engine::budget::reserve(v.len() as u64 + 1, "the bare sleep-sort baseline"),
    )?;
    let (d, promise) =
      env.create_deferred::<BareSleepSortResult, Box<dyn FnOnce(Env) -> napi::Result<BareSleepSortResult> + Send>>()?;
    std::thread::Builder::new()
      .stack_size(256 * 1024)
      .spawn(move || {
        let r = std::panic::catch_unwind(|| sleep_sort::bare_sleep_sort(&v, unit_ms));
        drop(lease);
        d.resolve(Box::new(move |env: Env| match r {
          Ok((output, wall_ms)) => Ok(BareSleepSortResult { output, wall_ms }),
          Err(p) => Err(js_error(&env, &EngineError::from_panic(p, "bareSleepSort"))),
        }));
      })
      .map_err(|e| napi::Error::from_reason(e.to_string()))?;
    Ok(promise)
  })
}

/// Totals of a stream benchmark.
#[napi(object, namespace = "sort")]
pub struct StreamBenchmarkResult {
  pub events: f64,
  pub batches: f64,
}

/// Benchmark (not for apps): pushes `events` synthetic events through the same batching and
/// ThreadsafeFunction path as a run, as fast as possible, from a native thread. Resolves after
/// `onBatch` has handled the last batch.
#[napi(
  namespace = "sort",
  ts_args_type = "events: number, onBatch: (batch: Float64Array) => void",
  ts_return_type = "Promise<StreamBenchmarkResult>"
)]
pub fn stream_benchmark<'e>(
  env: &'e Env,
  events: f64,
  on_batch: Function<Float64Array, UnknownReturnValue>,
) -> napi::Result<Object<'e>> {
  guard(env, "sort.streamBenchmark", || {
    let total = check(env, as_count(events, "events", Code::BadOption))? as u64;
    let ctl = RunCtl::new(registry::next_run_id());
    let sink = TsfnSink::new(batch_tsfn(&on_batch)?, Arc::clone(&ctl));
    let (d, promise) = env
      .create_deferred::<StreamBenchmarkResult, Box<dyn FnOnce(Env) -> napi::Result<StreamBenchmarkResult> + Send>>()?;
    let id = ctl.id;
    std::thread::Builder::new()
      .stack_size(256 * 1024)
      .spawn(move || {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
          engine::events::stream_synthetic(id, total, Box::new(sink))
        }));
        d.resolve(Box::new(move |env: Env| match r {
          Ok((events, batches)) => Ok(StreamBenchmarkResult {
            events: events as f64,
            batches: batches as f64,
          }),
          Err(p) => Err(js_error(&env, &EngineError::from_panic(p, "streamBenchmark"))),
        }));
      })
      .map_err(|e| napi::Error::from_reason(e.to_string()))?;
    Ok(promise)
  })
}

/// Cost of the event recorder, ns per event.
#[napi(object, namespace = "sort")]
pub struct RecordCost {
  /// A worker writing one event into its own log (timestamp included).
  pub record_ns: f64,
  /// The collector draining the logs and packing the events into batches.
  pub pack_ns: f64,
}

/// Benchmark (not for apps): measures the recorder with `workers` × 8 events on this thread.
#[napi(namespace = "sort")]
pub fn record_cost_benchmark(env: &Env, workers: f64) -> napi::Result<RecordCost> {
  guard(env, "sort.recordCostBenchmark", || {
    let n = check(env, as_count(workers, "workers", Code::BadOption))?.clamp(1, 1_000_000);
    let (record_ns, pack_ns) = engine::events::record_cost(n);
    Ok(RecordCost { record_ns, pack_ns })
  })
}

/// Lateness of the two ways to sleep, ns.
#[napi(object, namespace = "sort")]
pub struct SleepAccuracy {
  /// The cancellable futex wait to an absolute deadline the engine uses.
  pub futex: Percentiles,
  /// clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME), not cancellable.
  pub nanosleep: Percentiles,
}

/// Benchmark (not for apps): `samples` sleeps of `sleepUs` each with 1 ns timer slack, by the
/// cancellable futex wait and by clock_nanosleep, interleaved in blocks. Blocks the calling thread.
#[napi(namespace = "sort")]
pub fn sleep_accuracy_benchmark(env: &Env, samples: f64, sleep_us: f64) -> napi::Result<SleepAccuracy> {
  guard(env, "sort.sleepAccuracyBenchmark", || {
    let n = check(env, as_count(samples, "samples", Code::BadOption))?.clamp(1, 100_000);
    let ns = (sleep_us.clamp(0.0, 100_000.0) * 1e3) as i64;
    let (mut f, mut c) = (Vec::new(), Vec::new());
    for _ in 0..10 {
      f.extend(engine::timing::sleep_lateness(n.div_ceil(10), ns, true));
      c.extend(engine::timing::sleep_lateness(n.div_ceil(10), ns, false));
    }
    Ok(SleepAccuracy {
      futex: pct(stats::percentiles(&f)),
      nanosleep: pct(stats::percentiles(&c)),
    })
  })
}
