//! The sleep-sort runner: one OS thread per value, three timing modes.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::error::{describe, Code, Error, Result};
use super::events::{Collector, EventSink, Kind, LogWriter, WorkerLogs};
use super::registry::RunCtl;
use super::stats::{self, Percentiles};
use super::timing::{self, CpuPlan};

/// Default time per unit of value (the seed's 100 ms).
pub const DEFAULT_UNIT_MS: f64 = 100.0;
pub const DEFAULT_MAX_VALUES: usize = 10_000;
/// Hard ceiling for `maxValues`.
pub const MAX_VALUES_CEILING: usize = 50_000;
pub const DEFAULT_MAX_DURATION_MS: f64 = 60_000.0;
/// Largest accepted magnitude: past this, `x × unit` is meaningless and f64 ns lose precision.
pub const MAX_ABS_VALUE: f64 = 1e15;
/// Stack of each sorting thread (10,000 of them must fit).
pub const WORKER_STACK: usize = 64 * 1024;

/// How the threads are timed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
  /// The seed: spawned one after another, each sleeps `x × unit` from its own start.
  Classic,
  /// Absolute deadlines from a shared epoch, 1 ns timer slack, one CPU, park after push.
  Scheduled,
  /// Scheduled + SCHED_FIFO.
  Realtime,
}

impl Mode {
  pub fn parse(s: &str) -> Result<Mode> {
    match s {
      "classic" => Ok(Mode::Classic),
      "scheduled" => Ok(Mode::Scheduled),
      "realtime" => Ok(Mode::Realtime),
      other => Err(Error::new(
        Code::BadMode,
        format!("mode {other:?} is not one of 'classic', 'scheduled', 'realtime'"),
      )),
    }
  }

  pub fn as_str(self) -> &'static str {
    match self {
      Mode::Classic => "classic",
      Mode::Scheduled => "scheduled",
      Mode::Realtime => "realtime",
    }
  }
}

/// Options of one sleep-sort run.
#[derive(Clone, Debug)]
pub struct SortOptions {
  pub unit_ms: f64,
  pub mode: Mode,
  pub record_events: bool,
  pub max_values: usize,
  pub max_duration_ms: f64,
}

impl Default for SortOptions {
  fn default() -> Self {
    SortOptions {
      unit_ms: DEFAULT_UNIT_MS,
      mode: Mode::Scheduled,
      record_events: true,
      max_values: DEFAULT_MAX_VALUES,
      max_duration_ms: DEFAULT_MAX_DURATION_MS,
    }
  }
}

/// Result of a run (mirrors `SleepSortResult` in src/shared/api.ts).
#[derive(Clone, Debug, PartialEq)]
pub struct SortOutcome {
  pub run_id: u32,
  /// Values in push order, as given (not shifted).
  pub output: Vec<f64>,
  pub sorted: bool,
  pub misplaced: usize,
  pub inversions: u64,
  pub lateness_ns: Percentiles,
  pub lock_wait_ns: Percentiles,
  pub wall_ms: f64,
  pub threads: usize,
  pub mode: Mode,
  pub unit_ms: f64,
  pub shift: f64,
  pub cancelled: bool,
  pub event_count: u64,
}

/// Checks option values (before anything else).
pub fn check_options(o: &SortOptions) -> Result<()> {
  if !(o.unit_ms.is_finite() && o.unit_ms > 0.0) {
    return Err(Error::new(Code::BadUnit, format!("unitMs {} must be a positive finite number of milliseconds", describe(o.unit_ms))));
  }
  if o.max_values == 0 || o.max_values > MAX_VALUES_CEILING {
    return Err(Error::new(Code::BadOption, format!("maxValues {} must be between 1 and {MAX_VALUES_CEILING}", o.max_values)));
  }
  if !(o.max_duration_ms.is_finite() && o.max_duration_ms > 0.0) {
    return Err(Error::new(Code::BadOption, format!("maxDurationMs {} must be a positive finite number", describe(o.max_duration_ms))));
  }
  Ok(())
}

/// Checks the count before values are even converted (so a million values fail fast).
pub fn check_count(n: usize, max_values: usize) -> Result<()> {
  if n == 0 {
    return Err(Error::new(Code::Empty, "no values to sort"));
  }
  if n > max_values {
    return Err(Error::at(Code::TooMany, max_values, format!("{n} values is more than maxValues {max_values} (one thread each); value {max_values} is the first one over")));
  }
  Ok(())
}

/// Checks one value at `position`.
pub fn check_value(position: usize, v: f64) -> Result<()> {
  if v.is_nan() {
    return Err(Error::at(Code::NotANumber, position, format!("value {position} is NaN, not a number")));
  }
  if v.is_infinite() {
    return Err(Error::at(Code::NotFinite, position, format!("value {position} is {}, not a finite number", describe(v))));
  }
  if v.abs() > MAX_ABS_VALUE {
    return Err(Error::at(Code::TooLarge, position, format!("value {position} ({v}) is too large: the limit is ±{MAX_ABS_VALUE:e}")));
  }
  Ok(())
}

/// A validated run: per-value sleep in ns (after the shift) and the shift.
#[derive(Clone, Debug)]
pub struct Plan {
  pub sleeps_ns: Vec<i64>,
  pub shift: f64,
}

/// Validates everything (options, count, each value, total duration) before any thread starts.
pub fn plan(values: &[f64], o: &SortOptions) -> Result<Plan> {
  check_options(o)?;
  check_count(values.len(), o.max_values)?;
  for (i, &v) in values.iter().enumerate() {
    check_value(i, v)?;
  }
  let min = values.iter().cloned().fold(f64::INFINITY, f64::min);
  let shift = if min < 0.0 { -min } else { 0.0 };
  let (mut imax, mut max) = (0, f64::NEG_INFINITY);
  for (i, &v) in values.iter().enumerate() {
    if v > max {
      max = v;
      imax = i;
    }
  }
  let longest_ms = (max + shift) * o.unit_ms;
  if longest_ms > o.max_duration_ms {
    return Err(Error::at(
      Code::DurationCap,
      imax,
      format!(
        "value {imax} ({max}{}) would sleep {longest_ms} ms at {} ms per unit, over the {} ms cap (maxDurationMs)",
        if shift > 0.0 { format!(", shifted by {shift}") } else { String::new() },
        o.unit_ms,
        o.max_duration_ms
      ),
    ));
  }
  let unit_ns = o.unit_ms * 1e6;
  let sleeps_ns = values.iter().map(|&v| ((v + shift) * unit_ns).round() as i64).collect();
  Ok(Plan { sleeps_ns, shift })
}

/// Everything a worker shares with the others.
struct Shared {
  ctl: Arc<RunCtl>,
  out: Mutex<Vec<f64>>,
  pushed: AtomicUsize,
  n: usize,
  mode: Mode,
  /// Scheduled modes: every deadline is `epoch + value × unit`. The spawner may move the epoch
  /// later while spawning (before any deadline can have passed) if spawning runs slow; it then
  /// bumps the run's generation so sleepers re-read it.
  epoch: AtomicI64,
  worker_cpus: Vec<usize>,
  realtime_failed: AtomicBool,
  panicked: AtomicBool,
}

fn worker(sh: &Shared, w: &LogWriter, value: f64, sleep_ns: i64) {
  let t0 = timing::now_ns();
  w.record(Kind::Spawned, t0, 0.0);
  let own_start = match sh.mode {
    Mode::Classic => Some(t0),
    Mode::Scheduled | Mode::Realtime => {
      timing::pin_to(&sh.worker_cpus);
      timing::set_timer_slack(1);
      if sh.mode == Mode::Realtime && timing::set_fifo(timing::FIFO_PRIORITY).is_err() {
        sh.realtime_failed.store(true, Ordering::Release);
        sh.ctl.cancel();
      }
      None
    }
  };
  // classic: from the thread's own start (the seed); scheduled: from the shared epoch
  let deadline = || own_start.unwrap_or_else(|| sh.epoch.load(Ordering::Acquire)) + sleep_ns;
  let rel = |d: i64| (d - sh.epoch.load(Ordering::Acquire)) as f64;
  w.record(Kind::SleepStart, timing::now_ns(), rel(deadline()));
  if !sh.ctl.sleep_until(deadline) {
    w.record(Kind::Cancelled, timing::now_ns(), 0.0);
    w.record(Kind::Exited, timing::now_ns(), 0.0);
    return;
  }
  let woke = timing::now_ns();
  w.record(Kind::Woke, woke, rel(deadline()));
  w.record(Kind::LockWait, timing::now_ns(), 0.0);
  let mut g = sh.out.lock().unwrap_or_else(|e| e.into_inner());
  w.record(Kind::LockAcquired, timing::now_ns(), 0.0);
  let index = g.len();
  g.push(value);
  w.record(Kind::Pushed, timing::now_ns(), index as f64);
  drop(g);
  w.record(Kind::LockReleased, timing::now_ns(), 0.0);
  if sh.pushed.fetch_add(1, Ordering::AcqRel) + 1 == sh.n {
    sh.ctl.finish();
  }
  if sh.mode != Mode::Classic {
    // park until the run ends so exiting threads do not disturb the ones still sleeping
    sh.ctl.wait_while_running(None);
  }
  w.record(Kind::Exited, timing::now_ns(), 0.0);
}

/// Least time between the end of spawning and the epoch.
const MIN_MARGIN_NS: i64 = 5_000_000;

/// The epoch is only pushed while it is at least this far away (a sleeper with value 0 that is
/// checking its deadline right now must not see it move under it).
const SAFETY_NS: i64 = 1_000_000;

/// Time to allow for spawning `n` threads at `per_thread` ns each.
fn budget(per_thread: i64, n: usize) -> i64 {
  per_thread * n as i64 * 3 / 2 + MIN_MARGIN_NS
}

/// Estimates what it costs the spawner to start one sorting thread, in ns: the median over a
/// few throwaway threads that do a sorting thread's setup. (The children's setup runs on the
/// sorting CPU while the spawner goes on, so the spawner's side paces spawning.) A low estimate
/// only costs a push of the epoch; a high one costs idle time, so medians and a cap.
fn measure_spawn_cost(worker_cpus: &[usize], realtime: bool, probes: usize) -> i64 {
  let mut spawn = Vec::with_capacity(probes);
  let mut handles = Vec::with_capacity(probes);
  for _ in 0..probes {
    let cpus = worker_cpus.to_vec();
    let t = timing::now_ns();
    let h = std::thread::Builder::new().stack_size(WORKER_STACK).spawn(move || {
      timing::pin_to(&cpus);
      timing::set_timer_slack(1);
      if realtime {
        let _ = timing::set_fifo(timing::FIFO_PRIORITY);
        timing::set_normal();
      }
    });
    spawn.push(timing::now_ns() - t);
    if let Ok(h) = h {
      handles.push(h);
    }
  }
  for h in handles {
    let _ = h.join();
  }
  spawn.sort_unstable();
  spawn.get(spawn.len() / 2).copied().unwrap_or(0).clamp(5_000, 100_000)
}

/// Runs a sleep sort to completion (or cancellation) on the calling thread, which acts as the
/// spawner and coordinator. `values` must have passed [`plan`].
pub fn run(
  run_id: u32,
  values: &[f64],
  plan: &Plan,
  opts: &SortOptions,
  ctl: &Arc<RunCtl>,
  sink: Option<Box<dyn EventSink>>,
) -> Result<SortOutcome> {
  let n = values.len();
  let started = timing::now_ns();
  let cpus = CpuPlan::detect();
  let scheduled = opts.mode != Mode::Classic;
  // Classic: the epoch is the start. Scheduled: the epoch is now + a spawn budget measured on a
  // few throwaway threads; if spawning runs slower, the spawner pushes the epoch later (never
  // earlier) while no deadline can have passed. Sleepers re-read the epoch whenever their timer
  // fires, so a push costs each sleeper one early wake-up at its old deadline — spread out in
  // deadline order — instead of a wake-up storm.
  let mut per_thread = if scheduled { measure_spawn_cost(&cpus.workers, opts.mode == Mode::Realtime, n.min(16)) } else { 0 };
  let epoch = if scheduled { timing::now_ns() + budget(per_thread, n) } else { timing::now_ns() };
  let logs = WorkerLogs::new(n);
  let start_collector = |sink: Box<dyn EventSink>, epoch: i64| {
    Collector::spawn(run_id, epoch, logs.clone(), sink, if scheduled { cpus.others.clone() } else { Vec::new() })
      .map_err(|e| Error::new(Code::Resource, format!("could not start the event collector thread: {e}")))
  };
  let mut sink = if opts.record_events { sink } else { None };
  // classic streams from the start; scheduled once the epoch is final (after spawning), so every
  // batch's times are relative to the same epoch
  let mut collector = match (scheduled, sink.take()) {
    (false, Some(s)) => Some(start_collector(s, epoch)?),
    (_, s) => {
      sink = s;
      None
    }
  };
  let shared = Arc::new(Shared {
    ctl: Arc::clone(ctl),
    out: Mutex::new(Vec::with_capacity(n)),
    pushed: AtomicUsize::new(0),
    n,
    mode: opts.mode,
    epoch: AtomicI64::new(epoch),
    worker_cpus: cpus.workers.clone(),
    realtime_failed: Default::default(),
    panicked: Default::default(),
  });
  let mut handles = Vec::with_capacity(n);
  let mut spawn_error = None;
  // Realtime: the spawner itself runs SCHED_FIFO (below the sorting threads) on the other CPU,
  // so a busy machine cannot stall it past the epoch; it goes back to normal once done. Each
  // child inherits that policy and CPU, so the spawner yields after every spawn: the child runs
  // at once, moves itself to the sorting CPU, raises itself above the spawner and sleeps.
  let fifo_spawner = opts.mode == Mode::Realtime && timing::pin_to(&cpus.others) && timing::set_fifo(timing::FIFO_PRIORITY - 1).is_ok();
  let spawn_start = timing::now_ns();
  let mut pushes = 0;
  #[allow(clippy::needless_range_loop)] // i indexes values, sleeps and logs alike
  for i in 0..n {
    if !ctl.is_running() {
      break;
    }
    if scheduled && i > 0 {
      let now = timing::now_ns();
      let epoch = shared.epoch.load(Ordering::Acquire);
      if i % 16 == 0 {
        per_thread = per_thread.max((now - spawn_start) / i as i64);
      }
      // running late, and no sleeper can have reached its deadline yet: push the epoch
      if now + (n - i) as i64 * per_thread + MIN_MARGIN_NS > epoch && now + SAFETY_NS < epoch {
        shared.epoch.store(now + budget(per_thread, n - i), Ordering::Release);
        pushes += 1;
      }
    }
    let w = logs.writer(i).expect("each log handed out once");
    let sh = Arc::clone(&shared);
    let (v, s) = (values[i], plan.sleeps_ns[i]);
    let r = std::thread::Builder::new().stack_size(WORKER_STACK).spawn(move || {
      let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| worker(&sh, &w, v, s)));
      if r.is_err() {
        sh.panicked.store(true, Ordering::Release);
        sh.ctl.cancel();
      }
    });
    if fifo_spawner {
      // SAFETY: plain syscall
      unsafe { libc::sched_yield() };
    }
    match r {
      Ok(h) => handles.push(h),
      Err(e) => {
        spawn_error = Some(Error::new(Code::Resource, format!("could not start thread {i} of {n}: {e}")));
        ctl.cancel();
        break;
      }
    }
  }
  if fifo_spawner {
    timing::set_normal();
  }
  if scheduled {
    // In scheduled mode the spawner ran unpinned (its children inherit its mask before pinning
    // themselves, and spawning is measurably faster so); from now on it stays off the sorting CPU.
    timing::pin_to(&cpus.others);
    // keep the last-spawned threads' time to settle asleep before the epoch
    let now = timing::now_ns();
    let epoch = shared.epoch.load(Ordering::Acquire);
    if now + MIN_MARGIN_NS > epoch && now + SAFETY_NS < epoch {
      shared.epoch.store(now + MIN_MARGIN_NS, Ordering::Release);
      pushes += 1;
    }
  }
  let epoch = shared.epoch.load(Ordering::Acquire);
  if std::env::var_os("THREADLAB_DEBUG").is_some() {
    eprintln!(
      "threadlab: run {run_id} {:?}: epoch at +{:.1} ms ({pushes} pushes, {:.1} µs/thread), {} threads spawned by +{:.1} ms",
      opts.mode,
      (epoch - started) as f64 / 1e6,
      per_thread as f64 / 1e3,
      handles.len(),
      (timing::now_ns() - started) as f64 / 1e6
    );
  }
  if let Some(s) = sink.take() {
    collector = Some(start_collector(s, epoch)?);
  }
  // wait until every value is pushed or the run is cancelled
  ctl.wait_while_running(None);
  // FINISHED or CANCELLED: both wake every parked/sleeping thread
  let threads = handles.len();
  for h in handles {
    let _ = h.join();
  }
  let event_count = collector.map(|c| c.finish()).unwrap_or(0);
  let ended = timing::now_ns();
  if let Some(e) = spawn_error {
    return Err(e);
  }
  if shared.realtime_failed.load(Ordering::Acquire) {
    return Err(Error::new(Code::RealtimeDenied, format!("a sorting thread could not switch to SCHED_FIFO. {}", timing::REALTIME_HOWTO)));
  }
  if shared.panicked.load(Ordering::Acquire) {
    return Err(Error::internal("a sorting thread panicked"));
  }
  let output = std::mem::take(&mut *shared.out.lock().unwrap_or_else(|e| e.into_inner()));
  let cancelled = ctl.is_cancelled() && output.len() < n;
  let reference = stats::sorted_copy(values);
  let misplaced = stats::misplaced(&output, &reference);
  let mut lateness = Vec::with_capacity(n);
  let mut lock_wait = Vec::with_capacity(n);
  for i in 0..n {
    let log = logs.log(i);
    if let Some((t, d)) = log.find(Kind::Woke) {
      lateness.push(t - epoch - d as i64);
    }
    if let (Some((a, _)), Some((b, _))) = (log.find(Kind::LockWait), log.find(Kind::LockAcquired)) {
      lock_wait.push(b - a);
    }
  }
  Ok(SortOutcome {
    run_id,
    sorted: !cancelled && output.len() == n && misplaced == 0,
    misplaced,
    inversions: stats::inversions(&output),
    lateness_ns: stats::percentiles(&lateness),
    lock_wait_ns: stats::percentiles(&lock_wait),
    wall_ms: (ended - started) as f64 / 1e6,
    threads,
    mode: opts.mode,
    unit_ms: opts.unit_ms,
    shift: plan.shift,
    cancelled,
    event_count: if opts.record_events { event_count } else { 0 },
    output,
  })
}

/// The seed, std only, for comparison: spawn, sleep `x × unit`, lock, push. No events, no
/// cancellation. Returns (output, wall ms).
pub fn bare_sleep_sort(values: &[f64], unit_ms: f64) -> (Vec<f64>, f64) {
  let t0 = std::time::Instant::now();
  let out = Arc::new(Mutex::new(Vec::with_capacity(values.len())));
  let handles: Vec<_> = values
    .iter()
    .map(|&v| {
      let out = Arc::clone(&out);
      std::thread::Builder::new()
        .stack_size(WORKER_STACK)
        .spawn(move || {
          std::thread::sleep(std::time::Duration::from_nanos((v.max(0.0) * unit_ms * 1e6) as u64));
          out.lock().unwrap().push(v);
        })
        .expect("spawn")
    })
    .collect();
  for h in handles {
    let _ = h.join();
  }
  let v = std::mem::take(&mut *out.lock().unwrap());
  (v, t0.elapsed().as_secs_f64() * 1e3)
}
