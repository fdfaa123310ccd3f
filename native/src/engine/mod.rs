//! The pure-Rust engine: runners, timing modes, event recording and statistics. Nothing here
//! knows about Node; the napi layer (`crate::napi_*`) converts values, maps [`error::Error`] to
//! JS errors and implements [`events::EventSink`] with a ThreadsafeFunction.

pub mod error;
pub mod events;
pub mod parallel_sum;
pub mod registry;
pub mod shared_words;
pub mod sleep_sort;
pub mod stats;
pub mod sum_kernel;
pub mod timing;

use std::sync::Arc;

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
  pub timer_slack_ns: u64,
}

/// Probes the machine (realtime permission is tried for real on a short-lived thread).
pub fn capabilities() -> Capabilities {
  let rt = timing::probe_realtime();
  Capabilities {
    cpus: timing::num_cpus(),
    os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
    realtime_allowed: rt.is_ok(),
    realtime_reason: rt.err(),
    timer_slack_ns: timing::timer_slack_ns(),
  }
}

/// Runs `body` on a new coordinator thread registered as an active run; `done` receives the
/// outcome after every thread of the run has been joined and the run is no longer active.
/// Returning from `done` is the coordinator's last act; its thread stays joinable in the
/// registry, where `shutdown()` (or the start of a later run, once it has returned) joins it.
fn spawn_coordinator<T: Send + 'static>(
  name: &str,
  ctl: Arc<RunCtl>,
  body: impl FnOnce(&Arc<RunCtl>) -> Result<T> + Send + 'static,
  done: impl FnOnce(Result<T>) + Send + 'static,
) -> Result<()> {
  let ctl2 = Arc::clone(&ctl);
  let started = registry::start_coordinator(&ctl, name, 512 * 1024, move || {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(&ctl2)))
      .unwrap_or_else(|p| Err(Error::from_panic(p, "the run coordinator")));
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
  if opts.mode == sleep_sort::Mode::Realtime {
    timing::probe_realtime().map_err(|reason| Error::new(error::Code::RealtimeDenied, reason))?;
  }
  let id = ctl.id;
  spawn_coordinator(
    "tl-sort",
    ctl,
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
  let id = ctl.id;
  spawn_coordinator(
    "tl-sum",
    ctl,
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
  if opts.mode == sleep_sort::Mode::Realtime {
    timing::probe_realtime().map_err(|reason| Error::new(error::Code::RealtimeDenied, reason))?;
  }
  let ctl = RunCtl::new(registry::next_run_id());
  sleep_sort::run(ctl.id, values, &plan, opts, &ctl, sink)
}
