//! Run control (the shared state word workers sleep on) and the registry of active runs that
//! `shutdown()` cancels and joins.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::timing;

/// Values of [`RunCtl::state`].
pub const RUNNING: u32 = 0;
pub const FINISHED: u32 = 1;
pub const CANCELLED: u32 = 2;
const STATUS_MASK: u32 = 3;

/// Control block of one run, shared by its coordinator, workers, collector and JS handle.
pub struct RunCtl {
  pub id: u32,
  /// Status (RUNNING → FINISHED or CANCELLED, exactly once) in the low two bits, a generation
  /// counter above. Workers futex-wait on this word, so any change wakes every sleeping or
  /// parked thread at once.
  pub state: AtomicU32,
  /// Set by `shutdown()`: do not wait for the JS thread (it is the one waiting for us).
  pub shutting_down: AtomicBool,
  done: Mutex<bool>,
  done_cv: Condvar,
}

impl RunCtl {
  pub fn new(id: u32) -> Arc<RunCtl> {
    Arc::new(RunCtl {
      id,
      state: AtomicU32::new(RUNNING),
      shutting_down: AtomicBool::new(false),
      done: Mutex::new(false),
      done_cv: Condvar::new(),
    })
  }

  /// RUNNING, FINISHED or CANCELLED (the low two bits of the state word; the rest is a
  /// generation counter bumped to make sleepers re-read their deadline).
  pub fn status(&self) -> u32 {
    self.state.load(Ordering::Acquire) & STATUS_MASK
  }

  pub fn is_running(&self) -> bool {
    self.status() == RUNNING
  }

  pub fn is_cancelled(&self) -> bool {
    self.status() == CANCELLED
  }

  fn transition(&self, to: u32) -> bool {
    let mut w = self.state.load(Ordering::Acquire);
    let ok = loop {
      if w & STATUS_MASK != RUNNING {
        break false;
      }
      match self.state.compare_exchange_weak(w, (w & !STATUS_MASK) | to, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => break true,
        Err(x) => w = x,
      }
    };
    timing::futex_wake_all(&self.state);
    ok
  }

  /// Ends the run as cancelled (no effect once it has finished). Wakes every waiter.
  pub fn cancel(&self) -> bool {
    self.transition(CANCELLED)
  }

  /// Ends the run as finished (no effect once cancelled). Wakes every waiter.
  pub fn finish(&self) -> bool {
    self.transition(FINISHED)
  }

  /// Sleeps until `deadline()` (re-evaluated after every wake-up) unless the run stops first.
  /// Returns true when the deadline was reached, false when the run was cancelled or finished.
  /// A futex wait with an absolute CLOCK_MONOTONIC timeout: as precise as clock_nanosleep
  /// (TIMER_ABSTIME) and ended at once by `cancel()`.
  #[inline]
  pub fn sleep_until(&self, deadline: impl Fn() -> i64) -> bool {
    loop {
      let w = self.state.load(Ordering::Acquire);
      if w & STATUS_MASK != RUNNING {
        return false;
      }
      let d = deadline();
      if timing::now_ns() >= d {
        return true;
      }
      timing::futex_wait_until(&self.state, w, Some(d));
    }
  }

  /// Blocks while the run is RUNNING (or until `deadline_ns`).
  pub fn wait_while_running(&self, deadline_ns: Option<i64>) {
    loop {
      let w = self.state.load(Ordering::Acquire);
      if w & STATUS_MASK != RUNNING {
        return;
      }
      if let Some(d) = deadline_ns {
        if timing::now_ns() >= d {
          return;
        }
      }
      timing::futex_wait_until(&self.state, w, deadline_ns);
    }
  }

  /// Marks the run's coordinator as completely done (threads joined, result delivered).
  pub fn mark_done(&self) {
    *self.done.lock().unwrap_or_else(|e| e.into_inner()) = true;
    self.done_cv.notify_all();
  }

  pub fn is_done(&self) -> bool {
    *self.done.lock().unwrap_or_else(|e| e.into_inner())
  }

  /// Waits until `mark_done`, at most `timeout`. Returns whether it is done.
  pub fn wait_done(&self, timeout: Duration) -> bool {
    let end = Instant::now() + timeout;
    let mut g = self.done.lock().unwrap_or_else(|e| e.into_inner());
    while !*g {
      let now = Instant::now();
      if now >= end {
        return false;
      }
      g = self.done_cv.wait_timeout(g, end - now).unwrap_or_else(|e| e.into_inner()).0;
    }
    true
  }
}

static NEXT_RUN_ID: AtomicU32 = AtomicU32::new(1);

/// A fresh run id (1, 2, 3, ... per process).
pub fn next_run_id() -> u32 {
  NEXT_RUN_ID.fetch_add(1, Ordering::Relaxed)
}

fn active() -> &'static Mutex<HashMap<u32, Arc<RunCtl>>> {
  static ACTIVE: OnceLock<Mutex<HashMap<u32, Arc<RunCtl>>>> = OnceLock::new();
  ACTIVE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Registers a run as active; it stays so until [`unregister`].
pub fn register(ctl: &Arc<RunCtl>) {
  active().lock().unwrap_or_else(|e| e.into_inner()).insert(ctl.id, Arc::clone(ctl));
}

pub fn unregister(id: u32) {
  active().lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
}

/// Runs currently active (started, coordinator not yet done).
pub fn active_runs() -> usize {
  active().lock().unwrap_or_else(|e| e.into_inner()).len()
}

/// Cancels every active run and waits (up to `timeout` in total) until each has joined all of
/// its threads. Returns the number of runs that did not finish in time (0 normally).
pub fn shutdown(timeout: Duration) -> usize {
  let runs: Vec<Arc<RunCtl>> = active().lock().unwrap_or_else(|e| e.into_inner()).values().cloned().collect();
  for r in &runs {
    r.shutting_down.store(true, Ordering::Release);
    r.cancel();
  }
  let end = Instant::now() + timeout;
  let mut stuck = 0;
  for r in &runs {
    let left = end.saturating_duration_since(Instant::now());
    if !r.wait_done(left) {
      stuck += 1;
    }
  }
  stuck
}

impl RunCtl {
  /// Moves a still-RUNNING run to FINISHED without counting it as cancelled (coordinator exit path).
  pub fn cancel_if_running_silently(&self) {
    if self.is_running() {
      self.finish();
    }
  }
}
