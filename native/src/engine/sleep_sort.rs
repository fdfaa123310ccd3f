//! The sleep-sort runner: one OS thread per value, three timing modes.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::error::{describe, Code, Error, Result};
use super::events::{Collector, EventSink, Kind, LogWriter, WorkerLogs};
use super::registry::{RunCtl, RUNNING, STATUS_MASK};
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
  /// Scheduled modes: timers the sorting threads armed on a provisional epoch (engine only, for
  /// tests and the debug line). Each costs its thread a wake-up at a stale deadline; realtime arms
  /// none (see `Shared::provisional_timers`).
  pub provisional_timers: usize,
  /// Sorting threads whose first instruction ran with a CPU mask other than the sorting CPU's
  /// alone (engine only, for tests): classic threads start anywhere (the seed); scheduled and
  /// realtime ones are spawned from the sorting CPU and start there (0).
  pub threads_born_elsewhere: usize,
}

/// Checks option values (before anything else).
pub fn check_options(o: &SortOptions) -> Result<()> {
  if !(o.unit_ms.is_finite() && o.unit_ms > 0.0) {
    return Err(Error::new(
      Code::BadUnit,
      format!(
        "unitMs {} must be a positive finite number of milliseconds",
        describe(o.unit_ms)
      ),
    ));
  }
  if o.max_values == 0 || o.max_values > MAX_VALUES_CEILING {
    return Err(Error::new(
      Code::BadOption,
      format!("maxValues {} must be between 1 and {MAX_VALUES_CEILING}", o.max_values),
    ));
  }
  if !(o.max_duration_ms.is_finite() && o.max_duration_ms > 0.0) {
    return Err(Error::new(
      Code::BadOption,
      format!(
        "maxDurationMs {} must be a positive finite number",
        describe(o.max_duration_ms)
      ),
    ));
  }
  Ok(())
}

/// Checks the count before values are even converted (so a million values fail fast).
pub fn check_count(n: usize, max_values: usize) -> Result<()> {
  if n == 0 {
    return Err(Error::new(Code::Empty, "no values to sort"));
  }
  if n > max_values {
    return Err(Error::at(
      Code::TooMany,
      max_values,
      format!(
        "{n} values is more than maxValues {max_values} (one thread each); value {max_values} is the first one over"
      ),
    ));
  }
  Ok(())
}

/// Checks one value at `position`.
pub fn check_value(position: usize, v: f64) -> Result<()> {
  if v.is_nan() {
    return Err(Error::at(
      Code::NotANumber,
      position,
      format!("value {position} is NaN, not a number"),
    ));
  }
  if v.is_infinite() {
    return Err(Error::at(
      Code::NotFinite,
      position,
      format!("value {position} is {}, not a finite number", describe(v)),
    ));
  }
  if v.abs() > MAX_ABS_VALUE {
    return Err(Error::at(
      Code::TooLarge,
      position,
      format!("value {position} ({v}) is too large: the limit is ±{MAX_ABS_VALUE:e}"),
    ));
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
        if shift > 0.0 {
          format!(", shifted by {shift}")
        } else {
          String::new()
        },
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
  /// Scheduled modes: every deadline is `epoch + value × unit`. Provisional (planned) until
  /// `epoch_final`: the spawner may move it later while spawning; a sleeper re-reads it whenever
  /// its timer fires. Final once every thread has reported asleep (see `run`).
  epoch: AtomicI64,
  /// Scheduled modes: 0 while the epoch is provisional, 1 once the spawner has published the
  /// final epoch. No thread passes its deadline while this is 0: a thread whose provisional
  /// deadline comes first waits on this word (futex) until the epoch is final.
  epoch_final: AtomicU32,
  /// Scheduled modes: threads that have recorded SleepStart and are about to wait. The spawner
  /// waits (futex on this word, woken by the last thread) until every spawned thread got here,
  /// and only then fixes the epoch, so every thread is asleep before the epoch.
  asleep: AtomicU32,
  /// Scheduled modes: threads whose provisional deadline passed before the epoch was final (they
  /// all wake when it is published, so the epoch leaves them time to go back to sleep).
  gated: AtomicU32,
  /// Whether a sleeper may arm its timer on the provisional epoch (scheduled) or waits for the
  /// final one before arming any (realtime). A timer armed on a provisional epoch that is later
  /// pushed fires at a stale deadline and puts its thread in the run queue early; on realtime's one
  /// FIFO queue such a thread then stays ahead of every thread woken after it, and when the queue
  /// is backed up past its real deadline it pushes out of order. Measured before this rule, in
  /// realtime runs of 60 values at 10-20 µs units: 25 of 900 misordered, every one with a pushed
  /// epoch (none of the 333 runs without a push), and a kernel trace of one showed its output as two
  /// sorted streams, the threads armed before the push and those armed after.
  provisional_timers: bool,
  /// Timers armed on a provisional epoch (see `SortOutcome::provisional_timers`).
  provisional_arms: AtomicUsize,
  /// See `SortOutcome::threads_born_elsewhere`.
  born_elsewhere: AtomicUsize,
  /// Realtime: threads that armed their timer on the final epoch, and when the last one did.
  armed: AtomicU32,
  all_armed_at: AtomicI64,
  worker_cpus: Vec<usize>,
  realtime_failed: AtomicBool,
  panicked: AtomicBool,
}

/// Scheduled modes: sleeps until `epoch + sleep_ns` on the run's state word (so `cancel()` ends
/// it at once), re-reading the epoch whenever the timer fires, and never returns true before the
/// epoch is final — a provisional deadline that passes first (or, in realtime, any provisional
/// epoch) parks the thread on `epoch_final` until the spawner publishes. Returns false when the
/// run stopped first.
fn sleep_to_deadline(sh: &Shared, sleep_ns: i64) -> bool {
  let mut gated = false;
  let mut armed = false;
  loop {
    let w = sh.ctl.state.load(Ordering::Acquire);
    if w & STATUS_MASK != RUNNING {
      return false;
    }
    // read the flag before the epoch: once it is 1, the epoch read after it is the final one
    let fin = sh.epoch_final.load(Ordering::Acquire) != 0;
    let d = sh.epoch.load(Ordering::Acquire) + sleep_ns;
    if (fin || sh.provisional_timers) && timing::now_ns() < d {
      if !fin {
        sh.provisional_arms.fetch_add(1, Ordering::Relaxed);
      } else if !armed && !sh.provisional_timers {
        armed = true;
        if sh.armed.fetch_add(1, Ordering::AcqRel) + 1 == sh.n as u32 {
          sh.all_armed_at.store(timing::now_ns(), Ordering::Release);
        }
      }
      timing::futex_wait_until(&sh.ctl.state, w, Some(d));
    } else if fin {
      return true;
    } else {
      if !gated {
        gated = true;
        sh.gated.fetch_add(1, Ordering::AcqRel);
      }
      // the spawner always publishes (also when the run is cancelled, or it unwinds)
      timing::futex_wait_until(&sh.epoch_final, 0, None);
    }
  }
}

fn worker(sh: &Shared, w: &LogWriter, value: f64, sleep_ns: i64) {
  let t0 = timing::now_ns();
  w.record(Kind::Spawned, t0, 0.0);
  // after t0, so the check costs no sleeper any of its sleep
  if !timing::confined_to(&sh.worker_cpus) {
    sh.born_elsewhere.fetch_add(1, Ordering::Relaxed);
  }
  let reached = match sh.mode {
    Mode::Classic => {
      // from the thread's own start (the seed); the epoch is the run's start and fixed
      let deadline = t0 + sleep_ns;
      let rel = (deadline - sh.epoch.load(Ordering::Acquire)) as f64;
      w.record(Kind::SleepStart, timing::now_ns(), rel);
      sh.ctl.sleep_until(|| deadline)
    }
    Mode::Scheduled | Mode::Realtime => {
      timing::pin_to(&sh.worker_cpus);
      timing::set_timer_slack(1);
      if sh.mode == Mode::Realtime && timing::set_fifo(timing::FIFO_PRIORITY).is_err() {
        sh.realtime_failed.store(true, Ordering::Release);
        sh.ctl.cancel();
      }
      // from the shared epoch: the deadline relative to it is sleep_ns whatever the epoch becomes.
      // SleepStart is recorded before this thread counts itself asleep, so it precedes the epoch.
      w.record(Kind::SleepStart, timing::now_ns(), sleep_ns as f64);
      if sh.asleep.fetch_add(1, Ordering::AcqRel) + 1 == sh.n as u32 {
        timing::futex_wake_all(&sh.asleep);
      }
      sleep_to_deadline(sh, sleep_ns)
    }
  };
  if !reached {
    w.record(Kind::Cancelled, timing::now_ns(), 0.0);
    w.record(Kind::Exited, timing::now_ns(), 0.0);
    return;
  }
  let woke = timing::now_ns();
  let deadline_rel = match sh.mode {
    Mode::Classic => (t0 + sleep_ns - sh.epoch.load(Ordering::Acquire)) as f64,
    _ => sleep_ns as f64,
  };
  w.record(Kind::Woke, woke, deadline_rel);
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

/// Least time between the moment every thread is asleep and the epoch.
const MIN_MARGIN_NS: i64 = 5_000_000;

/// Time allowed for each thread the publication wakes to arm its timer, as a share of what it costs
/// to spawn one (the measured per-thread figure): 1/2. Measured in 10,000-thread realtime runs here:
/// the last timer was armed 55-80 ms after the publication (5.5-8 µs per thread) against 50-86 µs
/// to spawn a thread, so half leaves three to five times the room, and the epoch lands about where
/// the spawn budget put it before (wall time of such a run: 1.4-1.8 s, as before).
const ARM_SHARE_OF_SPAWN: i64 = 2;

/// While waiting for the threads to report asleep, the spawner re-checks for cancellation this often.
const ASLEEP_POLL_NS: i64 = 2_000_000;

/// Publishes the epoch as final and wakes the threads waiting for it. Also on drop, so no sorting
/// thread can be left waiting for an epoch if the spawner returns early or unwinds.
struct PublishEpoch<'a>(&'a Shared);

impl PublishEpoch<'_> {
  fn publish(self) {}
}

impl Drop for PublishEpoch<'_> {
  fn drop(&mut self) {
    self.0.epoch_final.store(1, Ordering::Release);
    timing::futex_wake_all(&self.0.epoch_final);
  }
}

/// Time to allow for spawning `n` threads at `per_thread` ns each.
fn budget(per_thread: i64, n: usize) -> i64 {
  per_thread * n as i64 * 3 / 2 + MIN_MARGIN_NS
}

/// Estimates what it costs the spawner to start one sorting thread, in ns: the median over a
/// few throwaway threads that do a sorting thread's setup, spawned as the run's threads will be
/// (in scheduled mode from the sorting CPU, so their setup shares the spawner's CPU, as the real
/// children's will). A low estimate only costs a push of the epoch; a high one costs idle time, so
/// medians and a cap.
fn measure_spawn_cost(worker_cpus: &[usize], realtime: bool, probes: usize) -> i64 {
  let mut spawn = Vec::with_capacity(probes);
  let mut handles = Vec::with_capacity(probes);
  for _ in 0..probes {
    let cpus = worker_cpus.to_vec();
    let t = timing::now_ns();
    let h = timing::Reaped::spawn(std::thread::Builder::new().stack_size(WORKER_STACK), move || {
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
  let tids: Vec<i32> = handles.into_iter().map(|h| h.join_deferred().1).collect();
  timing::wait_threads_gone(tids, timing::RELEASE_TIMEOUT);
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
  if scheduled {
    // Spawn from the sorting CPU: a thread inherits its creator's CPU mask, so each is born where
    // it will sleep. Spawned from anywhere, each started up (stack, first page faults) on whichever
    // CPU was idle — often the one left to the rest of the machine — and only then moved: a
    // 10,000-thread spawn took both CPUs for ~0.4 s, and the app's page waited ~100 ms at a time
    // for a CPU (a kernel trace of the live bench). Runs take as long as before.
    timing::pin_to(&cpus.workers);
  }
  // Classic: the epoch is the start. Scheduled: the planned epoch is now + a spawn budget
  // measured on a few throwaway threads; if spawning runs slower, the spawner pushes it later
  // (never earlier). Sleepers re-read the epoch whenever their timer fires, so a push costs each
  // sleeper one early wake-up at its old deadline — spread out in deadline order — instead of a
  // wake-up storm. The epoch only becomes final once every thread has reported asleep (below).
  let mut per_thread = if scheduled {
    measure_spawn_cost(&cpus.workers, opts.mode == Mode::Realtime, n.min(16))
  } else {
    0
  };
  let epoch = if scheduled {
    timing::now_ns() + budget(per_thread, n)
  } else {
    timing::now_ns()
  };
  let logs = WorkerLogs::new(n);
  let start_collector = |sink: Box<dyn EventSink>, epoch: i64| {
    Collector::spawn(
      run_id,
      epoch,
      logs.clone(),
      sink,
      if scheduled { cpus.others.clone() } else { Vec::new() },
    )
    .map_err(|e| {
      Error::new(
        Code::Resource,
        format!("could not start the event collector thread: {e}"),
      )
    })
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
    epoch_final: AtomicU32::new(if scheduled { 0 } else { 1 }),
    asleep: AtomicU32::new(0),
    gated: AtomicU32::new(0),
    provisional_timers: opts.mode != Mode::Realtime,
    provisional_arms: AtomicUsize::new(0),
    born_elsewhere: AtomicUsize::new(0),
    armed: AtomicU32::new(0),
    all_armed_at: AtomicI64::new(0),
    worker_cpus: cpus.workers.clone(),
    realtime_failed: Default::default(),
    panicked: Default::default(),
  });
  let mut handles = Vec::with_capacity(n);
  let mut spawn_error = None;
  // Realtime: the spawner stays SCHED_OTHER (a FIFO spawner would hold a CPU for the whole spawn
  // and hand its policy to every child); each child, once started on the sorting CPU, switches to
  // SCHED_FIFO (with SCHED_RESET_ON_FORK), so it runs before the spawner until it waits for the
  // epoch. How fast it spawns does not touch the order, since no realtime thread arms a timer
  // before the epoch is final: 60-value runs at 10-20 µs, 0 of 600 misordered, with the spawner on
  // the other CPU and again spawning from this one (10,000 values 0 misplaced at 1 µs to 1 ns);
  // before that rule, 17 of 300 with a SCHED_OTHER spawner and 8 of 600 with a FIFO one (a slower
  // spawner pushes the epoch more often).
  let spawn_start = timing::now_ns();
  let mut pushes = 0;
  let publish = PublishEpoch(&shared);
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
      // running late: push the (provisional) epoch. A sleeper whose old deadline already passed
      // waits for the final epoch, so a push is never too late to be safe, only to be free.
      if now + (n - i) as i64 * per_thread + MIN_MARGIN_NS > epoch {
        shared.epoch.store(now + budget(per_thread, n - i), Ordering::Release);
        pushes += 1;
      }
    }
    let w = logs.writer(i).expect("each log handed out once");
    let sh = Arc::clone(&shared);
    let (v, s) = (values[i], plan.sleeps_ns[i]);
    let r = timing::Reaped::spawn(std::thread::Builder::new().stack_size(WORKER_STACK), move || {
      let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| worker(&sh, &w, v, s)));
      if r.is_err() {
        sh.panicked.store(true, Ordering::Release);
        sh.ctl.cancel();
      }
    });
    match r {
      Ok(h) => handles.push(h),
      Err(e) => {
        spawn_error = Some(Error::new(
          Code::Resource,
          format!("could not start thread {i} of {n}: {e}"),
        ));
        ctl.cancel();
        break;
      }
    }
  }
  if scheduled {
    // From now on the spawner stays off the sorting CPU.
    timing::pin_to(&cpus.others);
    // Every sorting thread is asleep before the epoch: wait until each spawned thread has
    // recorded SleepStart and counted itself (the last one wakes us), or the run ended.
    let spawned = handles.len() as u32;
    loop {
      let a = shared.asleep.load(Ordering::Acquire);
      if a >= spawned || !ctl.is_running() {
        break;
      }
      timing::futex_wait_until(&shared.asleep, a, Some(timing::now_ns() + ASLEEP_POLL_NS));
    }
    // Only now fix the epoch: the planned one, unless that is too close (or past), then now + a
    // margin that also covers arming the timers of the threads the publication wakes: those
    // whose provisional deadline already passed, or in realtime every thread. Threads asleep on
    // their timers are not woken: when the epoch stays, nobody wakes early; when it moves, each
    // wakes once at its old deadline.
    let now = timing::now_ns();
    let planned = shared.epoch.load(Ordering::Acquire);
    let to_arm = if shared.provisional_timers {
      shared.gated.load(Ordering::Acquire)
    } else {
      spawned
    };
    let earliest = now + MIN_MARGIN_NS + to_arm as i64 * per_thread / ARM_SHARE_OF_SPAWN;
    if earliest > planned {
      shared.epoch.store(earliest, Ordering::Release);
      pushes += 1;
    }
  }
  // publish (also in classic mode and on every early return: no thread may wait for it forever)
  publish.publish();
  let epoch = shared.epoch.load(Ordering::Acquire);
  if std::env::var_os("THREADLAB_DEBUG").is_some() {
    eprintln!(
      "threadlab: run {run_id} {:?}: epoch at +{:.1} ms ({pushes} pushes, {} threads waited for it, {:.1} µs/thread), {} threads spawned by +{:.1} ms",
      opts.mode,
      (epoch - started) as f64 / 1e6,
      shared.gated.load(Ordering::Acquire),
      per_thread as f64 / 1e3,
      handles.len(),
      (timing::now_ns() - started) as f64 / 1e6
    );
  }
  if let Some(s) = sink.take() {
    match start_collector(s, epoch) {
      Ok(c) => collector = Some(c),
      Err(e) => {
        // cancel and join what was started before reporting the error
        spawn_error = spawn_error.or(Some(e));
        ctl.cancel();
      }
    }
  }
  // wait until every value is pushed or the run is cancelled
  ctl.wait_while_running(None);
  if !shared.provisional_timers && std::env::var_os("THREADLAB_DEBUG").is_some() {
    let first = epoch + plan.sleeps_ns.iter().copied().min().unwrap_or(0);
    let at = shared.all_armed_at.load(Ordering::Acquire);
    eprintln!(
      "threadlab: run {run_id}: {} of {n} timers armed on the final epoch{}",
      shared.armed.load(Ordering::Acquire),
      if at > 0 {
        format!(
          ", the last {:.1} µs before the first deadline",
          (first - at) as f64 / 1e3
        )
      } else {
        String::new()
      }
    );
  }
  // FINISHED or CANCELLED: both wake every parked/sleeping thread. Join them all, then wait until
  // the kernel has released each (a joined thread can still be counted for a moment).
  let threads = handles.len();
  let tids: Vec<i32> = handles.into_iter().map(|h| h.join_deferred().1).collect();
  timing::wait_threads_gone(tids, timing::RELEASE_TIMEOUT);
  let event_count = collector.map(|c| c.finish()).unwrap_or(0);
  let ended = timing::now_ns();
  if let Some(e) = spawn_error {
    return Err(e);
  }
  if shared.realtime_failed.load(Ordering::Acquire) {
    return Err(Error::new(
      Code::RealtimeDenied,
      format!(
        "a sorting thread could not switch to SCHED_FIFO. {}",
        timing::REALTIME_HOWTO
      ),
    ));
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
    provisional_timers: shared.provisional_arms.load(Ordering::Acquire),
    threads_born_elsewhere: shared.born_elsewhere.load(Ordering::Acquire),
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
