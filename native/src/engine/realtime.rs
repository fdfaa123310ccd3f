//! Bounds on realtime runs: SCHED_FIFO threads can hold a CPU against everything else, so a
//! process runs at most one realtime run at a time, with at most [`MAX_THREADS`] sorting threads,
//! and while it runs the thread that started it (the JS thread) is kept off the FIFO CPU.
//! Realtime needs two CPUs for that (checked by `timing::probe_realtime`).

use std::sync::atomic::{AtomicU32, Ordering};

use super::error::{Code, Error, Result};
use super::timing;

/// Most sorting threads of one realtime run: each holds the FIFO CPU for ~40 µs of serial work,
/// so this bounds the CPU a realtime run takes to well under a second (and it is the size the
/// exact-order figure was measured at).
pub const MAX_THREADS: usize = 10_000;

/// Id of the realtime run in progress (0: none).
static ACTIVE: AtomicU32 = AtomicU32::new(0);

/// The right to run realtime, held by one run; on drop the starting thread's CPU mask is restored
/// and another realtime run may start.
pub struct Slot {
  run_id: u32,
  /// The thread that started the run and the CPU mask it had, restored on drop.
  starter: Option<(i32, libc::cpu_set_t)>,
  moved: bool,
}

/// Refuses (E_REALTIME_LIMIT) a realtime run of more than [`MAX_THREADS`] sorting threads.
pub fn check_size(threads: usize) -> Result<()> {
  if threads > MAX_THREADS {
    return Err(Error::new(
      Code::RealtimeLimit,
      format!(
        "a realtime run may have at most {MAX_THREADS} threads (this one has {threads}): SCHED_FIFO threads hold \
         their CPU against everything else, so realtime runs are kept small; use mode 'scheduled' for more"
      ),
    ));
  }
  Ok(())
}

/// Takes the process's realtime slot for run `run_id` of `threads` sorting threads: refused with
/// E_REALTIME_LIMIT when another realtime run is active or the run is too large. The calling
/// thread is the one [`Slot::keep_starter_off`] moves.
pub fn acquire(run_id: u32, threads: usize) -> Result<Slot> {
  check_size(threads)?;
  if let Err(other) = ACTIVE.compare_exchange(0, run_id, Ordering::AcqRel, Ordering::Acquire) {
    return Err(Error::new(
      Code::RealtimeLimit,
      format!(
        "realtime run {other} is still going: this process runs one realtime run at a time (they would share \
         one FIFO CPU); wait for it to finish, or use mode 'scheduled'"
      ),
    ));
  }
  let tid = timing::current_tid();
  Ok(Slot {
    run_id,
    starter: timing::affinity_of(tid).map(|mask| (tid, mask)),
    moved: false,
  })
}

impl Slot {
  /// Moves the thread that started the run off `fifo_cpus` until the slot drops. Called from the
  /// run's own coordinator, so the run's threads still get every CPU (they inherit their
  /// creator's mask).
  pub fn keep_starter_off(&mut self, fifo_cpus: &[usize]) {
    let Some((tid, _)) = self.starter else { return };
    let rest: Vec<usize> = timing::allowed_cpus()
      .into_iter()
      .filter(|c| !fifo_cpus.contains(c))
      .collect();
    if rest.is_empty() {
      return;
    }
    // SAFETY: cpu_set_t is plain data.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    for c in rest {
      // SAFETY: c < CPU_SETSIZE (it came from a cpu_set_t).
      unsafe { libc::CPU_SET(c, &mut set) };
    }
    self.moved = timing::set_affinity_of(tid, &set);
  }
}

/// Whether a realtime run holds the slot (for tests and capabilities).
pub fn active_run() -> Option<u32> {
  match ACTIVE.load(Ordering::Acquire) {
    0 => None,
    id => Some(id),
  }
}

impl Drop for Slot {
  fn drop(&mut self) {
    if let (true, Some((tid, mask))) = (self.moved, self.starter.take()) {
      timing::set_affinity_of(tid, &mask);
    }
    let _ = ACTIVE.compare_exchange(self.run_id, 0, Ordering::AcqRel, Ordering::Acquire);
  }
}
