//! Run control (the shared state word workers sleep on) and the registry of active runs that
//! `shutdown()` cancels and joins.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use super::timing;

/// Values of [`RunCtl::state`].
pub const RUNNING: u32 = 0;
pub const FINISHED: u32 = 1;
pub const CANCELLED: u32 = 2;
/// The status bits of [`RunCtl::state`]; the bits above are the generation counter.
pub const STATUS_MASK: u32 = 3;

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
      match self
        .state
        .compare_exchange_weak(w, (w & !STATUS_MASK) | to, Ordering::AcqRel, Ordering::Acquire)
      {
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
      g = self
        .done_cv
        .wait_timeout(g, end - now)
        .unwrap_or_else(|e| e.into_inner())
        .0;
    }
    true
  }
}

static NEXT_RUN_ID: AtomicU32 = AtomicU32::new(1);

/// A fresh run id (1, 2, 3, ... per process).
pub fn next_run_id() -> u32 {
  NEXT_RUN_ID.fetch_add(1, Ordering::Relaxed)
}

/// A run's coordinator thread, kept until it is joined.
struct Coordinator {
  ctl: Arc<RunCtl>,
  thread: timing::Reaped<()>,
}

#[derive(Default)]
struct Registry {
  /// Runs started and not yet done (their coordinator unregisters them before reporting).
  active: HashMap<u32, Arc<RunCtl>>,
  /// Coordinator threads not yet joined: those of active runs, and those of finished runs whose
  /// thread may still be exiting. Joined by `shutdown()`, and reaped when a new run starts.
  coordinators: Vec<Coordinator>,
}

fn registry() -> MutexGuard<'static, Registry> {
  static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
  REGISTRY
    .get_or_init(Default::default)
    .lock()
    .unwrap_or_else(|e| e.into_inner())
}

/// Registers `ctl` as an active run and starts its coordinator thread running `body`, which must
/// call [`unregister`] once the run's own threads are joined. The run is registered and its
/// thread recorded atomically (under the registry lock), so a `shutdown()` on any thread sees
/// both or neither. Coordinators of earlier runs that have returned are joined here (after the
/// lock is released; they are finished, so this does not wait), so handles do not accumulate.
/// Nothing is registered when the thread cannot be started.
pub fn start_coordinator(
  ctl: &Arc<RunCtl>,
  name: &str,
  stack_size: usize,
  body: impl FnOnce() + Send + 'static,
) -> std::io::Result<()> {
  let mut reg = registry();
  let (finished, running): (Vec<Coordinator>, Vec<Coordinator>) = std::mem::take(&mut reg.coordinators)
    .into_iter()
    .partition(|c| c.thread.is_finished());
  reg.coordinators = running;
  reg.active.insert(ctl.id, Arc::clone(ctl));
  let spawned = timing::Reaped::spawn(
    std::thread::Builder::new().name(name.into()).stack_size(stack_size),
    body,
  );
  let r = match spawned {
    Ok(thread) => {
      reg.coordinators.push(Coordinator {
        ctl: Arc::clone(ctl),
        thread,
      });
      Ok(())
    }
    Err(e) => {
      reg.active.remove(&ctl.id);
      Err(e)
    }
  };
  drop(reg);
  for c in finished {
    let _ = c.thread.join_deferred();
  }
  r
}

/// Removes a run from the active set (its coordinator, once every thread of the run is joined).
pub fn unregister(id: u32) {
  registry().active.remove(&id);
}

/// Runs currently active (started, coordinator not yet done).
pub fn active_runs() -> usize {
  registry().active.len()
}

/// Coordinator threads started and not yet joined (finished ones are reaped when a run starts
/// and by `shutdown()`).
pub fn unjoined_coordinators() -> usize {
  registry().coordinators.len()
}

/// Cancels every active run and joins every coordinator thread not yet joined — also those of
/// runs that already reported their result but whose thread may still be exiting — waiting until
/// each is gone from the process (see [`timing::wait_threads_gone`]). A coordinator joins all of
/// its run's threads (the same way) before it reports, so when this returns 0 no thread of any
/// run started before the call is left. Waits at most about `timeout` in total; returns the
/// number of coordinators that did not finish in time (kept, to be joined later).
///
/// Safe on the JS thread while batches or results of a run are queued for it: runs are flagged
/// `shutting_down` first, so no coordinator waits for the JS thread (the event sink stops waiting
/// for acknowledgements, result promises are settled through an unbounded queue). Concurrent
/// calls are serialized, so each returns only when everything it could see is joined.
pub fn shutdown(timeout: Duration) -> usize {
  static SERIAL: Mutex<()> = Mutex::new(());
  let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
  let end = Instant::now() + timeout;
  let (runs, coordinators) = {
    let mut reg = registry();
    (
      reg.active.values().cloned().collect::<Vec<_>>(),
      std::mem::take(&mut reg.coordinators),
    )
  };
  for r in runs.iter().chain(coordinators.iter().map(|c| &c.ctl)) {
    r.shutting_down.store(true, Ordering::Release);
    r.cancel();
  }
  let mut stuck = Vec::new();
  for c in coordinators {
    let left = end.saturating_duration_since(Instant::now());
    match c.thread.join_timeout(left) {
      Ok(_) => {}
      Err(thread) => stuck.push(Coordinator { ctl: c.ctl, thread }),
    }
  }
  let n = stuck.len();
  registry().coordinators.extend(stuck);
  n
}

impl RunCtl {
  /// Moves a still-RUNNING run to FINISHED without counting it as cancelled (coordinator exit path).
  pub fn cancel_if_running_silently(&self) {
    if self.is_running() {
      self.finish();
    }
  }
}
