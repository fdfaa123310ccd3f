//! The process-wide thread budget and the realtime bounds. A test binary of its own: these tests
//! hold the whole budget or the realtime slot, which would refuse the runs of other tests.

use std::sync::mpsc;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use threadlab_native::engine::error::{Code, Result};
use threadlab_native::engine::registry::{self, RunCtl};
use threadlab_native::engine::sleep_sort::{Mode, SortOptions, SortOutcome};
use threadlab_native::engine::{self, budget, realtime, timing};

// Every test here holds this lock: one that ends (or starts a thread) meanwhile would change the
// process's thread count that another test asserts on.
fn serial() -> MutexGuard<'static, ()> {
  static M: Mutex<()> = Mutex::new(());
  M.lock().unwrap_or_else(|e| e.into_inner())
}

fn long_run(n: usize, mode: Mode) -> (std::sync::Arc<RunCtl>, mpsc::Receiver<Result<SortOutcome>>) {
  let ctl = RunCtl::new(registry::next_run_id());
  let (tx, rx) = mpsc::channel();
  let values: Vec<f64> = (0..n).map(|i| 500.0 + i as f64).collect();
  let opts = SortOptions {
    mode,
    unit_ms: 10.0,
    record_events: false,
    ..Default::default()
  };
  engine::start_sleep_sort(values, opts, std::sync::Arc::clone(&ctl), None, move |r| {
    let _ = tx.send(r);
  })
  .expect("the run starts");
  (ctl, rx)
}

#[test]
fn budget_is_derived_from_the_machine_and_shown() {
  let _g = serial();
  let caps = engine::capabilities();
  let b = caps.thread_budget;
  let machine = budget::MachineLimits::read();
  assert!(b.limit >= budget::FLOOR.min(machine.free()), "{b:?}");
  // half of what is free when derived; threads appeared since, so allow for a little drift
  assert!(
    b.limit <= machine.free() / 2 + 2_000,
    "budget {} vs free {}",
    b.limit,
    machine.free()
  );
  assert!(b.basis.contains("pid_max"), "{}", b.basis);
}

#[test]
fn a_run_past_the_budget_is_refused_before_any_thread_starts() {
  let _g = serial();
  let limit = budget::budget().limit;
  // another "run" holds all but 10 threads of the budget
  let held = budget::reserve(limit - 10, "the test's stand-in run").unwrap();
  let before = timing::process_thread_count();
  let e = engine::start_sleep_sort(
    vec![1.0; 20],
    SortOptions::default(),
    RunCtl::new(registry::next_run_id()),
    None,
    |_| {},
  )
  .expect_err("refused");
  assert_eq!(e.code, Code::ThreadBudget);
  for figure in [
    format!("budget is {}", budget::group(limit)),
    format!("{} are in use", budget::group(limit - 10)),
  ] {
    assert!(e.message.contains(&figure), "{} lacks {figure}", e.message);
  }
  assert_eq!(timing::process_thread_count(), before, "no thread started");
  assert_eq!(registry::active_runs(), 0);
  // 8 values + coordinator + collector fit exactly
  let r = engine::sleep_sort_blocking(&[0.0; 8], &SortOptions::default(), None).unwrap();
  assert_eq!(r.threads, 8);
  drop(held);
  assert_eq!(budget::budget().snapshot().in_use, 0);
}

#[test]
fn runs_give_their_threads_back_once_joined() {
  let _g = serial();
  let (ctl, rx) = long_run(300, Mode::Scheduled);
  let s = budget::budget().snapshot();
  assert_eq!((s.in_use, s.runs), (300 + engine::RUN_OVERHEAD_THREADS, 1));
  ctl.cancel();
  let r = rx.recv_timeout(Duration::from_secs(10)).unwrap().unwrap();
  assert!(r.cancelled);
  // the lease is dropped before the result is reported
  assert_eq!(budget::budget().snapshot().in_use, 0);
}

#[test]
fn realtime_runs_have_a_thread_cap() {
  let _g = serial();
  let e = engine::start_sleep_sort(
    vec![1.0; realtime::MAX_THREADS + 1],
    SortOptions {
      mode: Mode::Realtime,
      max_values: realtime::MAX_THREADS + 1,
      ..Default::default()
    },
    RunCtl::new(registry::next_run_id()),
    None,
    |_| {},
  )
  .expect_err("too many realtime threads");
  assert_eq!(e.code, Code::RealtimeLimit);
  assert!(e.message.contains(&realtime::MAX_THREADS.to_string()), "{}", e.message);
}

// Rust cannot skip at run time: `npm test` adds `--include-ignored` where realtime is allowed.
#[test]
#[ignore = "needs SCHED_FIFO (CAP_SYS_NICE or an rtprio limit); npm test includes it where allowed"]
fn realtime_runs_one_at_a_time_with_the_starter_off_the_fifo_cpu() {
  let _g = serial();
  timing::probe_realtime().expect("realtime scheduling is not allowed here: run without --include-ignored");
  let all = timing::allowed_cpus();
  let fifo = timing::CpuPlan::detect().workers;
  let (ctl, rx) = long_run(50, Mode::Realtime);
  assert!(realtime::active_run().is_some());
  // the starting thread (the JS thread under Node) is kept off the FIFO CPU while the run lasts
  // (the run's coordinator moves it as it begins)
  let until = std::time::Instant::now() + Duration::from_secs(2);
  while timing::allowed_cpus() == all && std::time::Instant::now() < until {
    std::thread::sleep(Duration::from_millis(1));
  }
  let during = timing::allowed_cpus();
  assert!(
    fifo.iter().all(|c| !during.contains(c)),
    "{during:?} includes a FIFO CPU of {fifo:?}"
  );
  let e = engine::start_sleep_sort(
    vec![1.0],
    SortOptions {
      mode: Mode::Realtime,
      ..Default::default()
    },
    RunCtl::new(registry::next_run_id()),
    None,
    |_| {},
  )
  .expect_err("a second realtime run is refused");
  assert_eq!(e.code, Code::RealtimeLimit);
  assert!(e.message.contains("one realtime run at a time"), "{}", e.message);
  ctl.cancel();
  rx.recv_timeout(Duration::from_secs(10)).unwrap().unwrap();
  assert_eq!(realtime::active_run(), None);
  assert_eq!(timing::allowed_cpus(), all, "the starting thread's CPUs are restored");
  let r = engine::sleep_sort_blocking(
    &[3.0, 1.0, 2.0],
    &SortOptions {
      mode: Mode::Realtime,
      unit_ms: 5.0,
      ..Default::default()
    },
    None,
  )
  .unwrap();
  assert!(r.sorted);
}

#[test]
#[ignore = "needs SCHED_FIFO (CAP_SYS_NICE or an rtprio limit); npm test includes it where allowed"]
fn fifo_threads_do_not_hand_their_policy_to_threads_they_start() {
  let _g = serial();
  timing::probe_realtime().expect("realtime scheduling is not allowed here: run without --include-ignored");
  let policies = std::thread::spawn(|| {
    timing::set_fifo(timing::FIFO_PRIORITY).unwrap();
    let own = timing::current_policy();
    let child = std::thread::spawn(timing::current_policy).join().unwrap();
    timing::set_normal();
    (own, child)
  })
  .join()
  .unwrap();
  assert_eq!(policies, (libc::SCHED_FIFO, libc::SCHED_OTHER));
}

#[test]
fn the_realtime_advice_is_an_rtprio_limit_only() {
  let _g = serial();
  assert!(timing::REALTIME_HOWTO.contains("rtprio"));
  assert!(timing::REALTIME_HOWTO.contains("ulimit -r"));
  assert!(!timing::REALTIME_HOWTO.contains("setcap"));
}
