//! The pure-Rust engine: runners, timing modes, event recording and statistics. Nothing here
//! knows about Node; the napi layer (`crate::napi_*`) converts values, maps [`error::Error`] to
//! JS errors and implements [`events::EventSink`] with a ThreadsafeFunction.

pub mod budget;
pub mod error;
pub mod events;
pub mod parallel_sum;
pub mod realtime;
pub mod registry;
pub mod shared_words;
pub mod sleep_sort;
pub mod stats;
pub mod sum_kernel;
pub mod timing;

use std::sync::{Arc, OnceLock};

use error::{Error, Result};
use events::EventSink;
use registry::RunCtl;

/// Capabilities of this machine for the experiments.
#[derive(Clone, Debug)]
pub struct Capabilities {
  pub cpus: usize,
  pub os: String,
  pub realtime_allowed: bool,
  pub realtime_reason: Option<String>,
  /// Most sorting threads of one realtime run.
  pub realtime_max_threads: usize,
  pub timer_slack_ns: u64,
  /// The process-wide thread budget and what is in use now.
  pub thread_budget: budget::Snapshot,
}

/// Describes the machine. Realtime permission is tried for real on a short-lived thread once per
/// process (a realtime run probes again before it starts), so asking costs no thread.
pub fn capabilities() -> Capabilities {
  static REALTIME: OnceLock<std::result::Result<(), String>> = OnceLock::new();
  let rt = REALTIME.get_or_init(timing::probe_realtime).clone();
  Capabilities {
    cpus: timing::num_cpus(),
    os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
    realtime_allowed: rt.is_ok(),
    realtime_reason: rt.err(),
    realtime_max_threads: realtime::MAX_THREADS,
    timer_slack_ns: timing::timer_slack_ns(),
    thread_budget: budget::budget().snapshot(),
  }
}

/// Threads a run holds besides its workers: its coordinator and its event collector.
pub const RUN_OVERHEAD_THREADS: u64 = 2;

/// What a run holds until every one of its threads is joined: its share of the thread budget and,
/// for a realtime run, the process's realtime slot.
struct Hold {
  _lease: budget::Lease,
  realtime: Option<realtime::Slot>,
}

impl Hold {
  /// On the thread that runs the experiment, before its threads start.
  fn begin(&mut self) {
    if let Some(slot) = &mut self.realtime {
      slot.keep_starter_off(&timing::CpuPlan::detect().workers);
    }
  }
}

/// Everything a sleep sort must hold before its first thread starts: the threads from the budget
/// (refused with E_THREAD_BUDGET) and, for realtime, permission (probed for real, E_REALTIME_DENIED)
/// and the realtime slot (E_REALTIME_LIMIT).
fn hold_for_sort(run_id: u32, n: usize, mode: sleep_sort::Mode) -> Result<Hold> {
  let lease = budget::reserve(
    n as u64 + RUN_OVERHEAD_THREADS,
    &format!("a sleep sort of {} values", budget::group(n as u64)),
  )?;
  let realtime = if mode == sleep_sort::Mode::Realtime {
    let slot = realtime::acquire(run_id, n)?;
    timing::probe_realtime().map_err(|reason| Error::new(error::Code::RealtimeDenied, reason))?;
    Some(slot)
  } else {
    None
  };
  Ok(Hold {
    _lease: lease,
    realtime,
  })
}

/// Runs `body` on a new coordinator thread registered as an active run; `done` receives the
/// outcome after every thread of the run has been joined and the run is no longer active.
/// Returning from `done` is the coordinator's last act; its thread stays joinable in the
/// registry, where `shutdown()` (or the start of a later run, once it has returned) joins it.
fn spawn_coordinator<T: Send + 'static>(
  name: &str,
  ctl: Arc<RunCtl>,
  hold: Hold,
  body: impl FnOnce(&Arc<RunCtl>) -> Result<T> + Send + 'static,
  done: impl FnOnce(Result<T>) + Send + 'static,
) -> Result<()> {
  let ctl2 = Arc::clone(&ctl);
  let mut hold = hold;
  let started = registry::start_coordinator(&ctl, name, 512 * 1024, move || {
    hold.begin();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(&ctl2)))
      .unwrap_or_else(|p| Err(Error::from_panic(p, "the run coordinator")));
    // every thread of the run is joined: give its threads back before anyone hears of the end
    drop(hold);
    // make sure nothing of this run is left waiting, then report
    ctl2.cancel_if_running_silently();
    registry::unregister(ctl2.id);
    ctl2.mark_done();
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| done(outcome)));
  });
  started.map_err(|e| {
    ctl.mark_done();
    Error::new(
      error::Code::Resource,
      format!("could not start the run coordinator thread: {e}"),
    )
  })
}

/// Validates a sleep sort (everything, before any thread starts; realtime is probed) and starts
/// it on a coordinator thread controlled by `ctl` (from `RunCtl::new(registry::next_run_id())`);
/// `done` gets the outcome. Nothing is started when validation fails.
pub fn start_sleep_sort(
  values: Vec<f64>,
  opts: sleep_sort::SortOptions,
  ctl: Arc<RunCtl>,
  sink: Option<Box<dyn EventSink>>,
  done: impl FnOnce(Result<sleep_sort::SortOutcome>) + Send + 'static,
) -> Result<()> {
  let plan = sleep_sort::plan(&values, &opts)?;
  let hold = hold_for_sort(ctl.id, values.len(), opts.mode)?;
  let id = ctl.id;
  spawn_coordinator(
    "tl-sort",
    ctl,
    hold,
    move |ctl| sleep_sort::run(id, &values, &plan, &opts, ctl, sink),
    done,
  )
}

/// Validates a parallel sum and starts it on a coordinator thread.
pub fn start_sum(
  values: parallel_sum::SumValues,
  opts: parallel_sum::SumOptions,
  ctl: Arc<RunCtl>,
  sink: Option<Box<dyn EventSink>>,
  done: impl FnOnce(Result<parallel_sum::SumOutcome>) + Send + 'static,
) -> Result<()> {
  let prepared = parallel_sum::prepare(values, &opts)?;
  let workers = prepared.chunk_sizes.len() as u64;
  let hold = Hold {
    _lease: budget::reserve(
      workers + RUN_OVERHEAD_THREADS,
      &format!("a parallel sum on {workers} threads"),
    )?,
    realtime: None,
  };
  let id = ctl.id;
  spawn_coordinator(
    "tl-sum",
    ctl,
    hold,
    move |ctl| parallel_sum::run(id, &prepared, &opts, ctl, sink),
    done,
  )
}

/// Runs a sleep sort to completion on the calling thread (tests, tools).
pub fn sleep_sort_blocking(
  values: &[f64],
  opts: &sleep_sort::SortOptions,
  sink: Option<Box<dyn EventSink>>,
) -> Result<sleep_sort::SortOutcome> {
  let plan = sleep_sort::plan(values, opts)?;
  let ctl = RunCtl::new(registry::next_run_id());
  let mut hold = hold_for_sort(ctl.id, values.len(), opts.mode)?;
  hold.begin();
  sleep_sort::run(ctl.id, values, &plan, opts, &ctl, sink)
}
