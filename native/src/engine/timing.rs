//! Clocks, precise sleeps and scheduling knobs (Linux). Everything here is a thin, safe wrapper
//! over one libc call so the runner reads as a description of the experiment.

use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// CLOCK_MONOTONIC in nanoseconds.
#[inline]
#[allow(clippy::unnecessary_cast)] // time_t / c_long are not i64 everywhere
pub fn now_ns() -> i64 {
  let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
  // SAFETY: valid pointer to a timespec; CLOCK_MONOTONIC always exists on Linux.
  unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
  ts.tv_sec as i64 * 1_000_000_000 + ts.tv_nsec as i64
}

fn timespec_of(ns: i64) -> libc::timespec {
  let ns = ns.max(0);
  libc::timespec {
    tv_sec: (ns / 1_000_000_000) as libc::time_t,
    tv_nsec: (ns % 1_000_000_000) as libc::c_long,
  }
}

/// Sleeps until the absolute CLOCK_MONOTONIC time `deadline_ns` with clock_nanosleep(TIMER_ABSTIME).
/// Not cancellable; used by the bare baseline and probes.
pub fn sleep_until(deadline_ns: i64) {
  let ts = timespec_of(deadline_ns);
  loop {
    // SAFETY: valid timespec; remaining-time pointer may be null with TIMER_ABSTIME.
    let r = unsafe { libc::clock_nanosleep(libc::CLOCK_MONOTONIC, libc::TIMER_ABSTIME, &ts, std::ptr::null_mut()) };
    if r != libc::EINTR {
      return;
    }
  }
}

/// Waits while `*word == expected`, until the absolute CLOCK_MONOTONIC deadline (None: forever).
/// This is a futex wait with an absolute timeout (FUTEX_WAIT_BITSET): the kernel arms the same
/// hrtimer as clock_nanosleep(TIMER_ABSTIME), honouring the thread's timer slack, so it is as
/// precise as that, but a FUTEX_WAKE on `word` ends it at once (that is how runs are cancelled).
/// Returns when the deadline passed, the word changed, or spuriously; callers re-check.
#[inline]
pub fn futex_wait_until(word: &AtomicU32, expected: u32, deadline_ns: Option<i64>) {
  let ts;
  let ts_ptr = match deadline_ns {
    Some(d) => {
      ts = timespec_of(d);
      &ts as *const libc::timespec
    }
    None => std::ptr::null(),
  };
  // SAFETY: `word` is a valid, aligned u32 for the duration of the call; FUTEX_WAIT_BITSET takes
  // an absolute CLOCK_MONOTONIC timeout (null = no timeout) and a non-zero bitset.
  unsafe {
    libc::syscall(
      libc::SYS_futex,
      word.as_ptr(),
      libc::FUTEX_WAIT_BITSET | libc::FUTEX_PRIVATE_FLAG,
      expected,
      ts_ptr,
      std::ptr::null::<u32>(),
      libc::FUTEX_BITSET_MATCH_ANY,
    );
  }
}

/// Wakes every thread waiting on `word`.
pub fn futex_wake_all(word: &AtomicU32) {
  // SAFETY: plain FUTEX_WAKE on a valid address.
  unsafe {
    libc::syscall(
      libc::SYS_futex,
      word.as_ptr(),
      libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG,
      i32::MAX,
    );
  }
}

/// Lowers the calling thread's timer slack (prctl PR_SET_TIMERSLACK). 1 ns is the minimum.
pub fn set_timer_slack(ns: u64) -> bool {
  // SAFETY: prctl with integer arguments only.
  unsafe { libc::prctl(libc::PR_SET_TIMERSLACK, ns as libc::c_ulong, 0, 0, 0) == 0 }
}

/// The calling thread's current timer slack in ns.
pub fn timer_slack_ns() -> u64 {
  // SAFETY: prctl with integer arguments only; returns the slack.
  let r = unsafe { libc::prctl(libc::PR_GET_TIMERSLACK, 0, 0, 0, 0) };
  if r < 0 {
    0
  } else {
    r as u64
  }
}

/// CPUs this process may run on.
pub fn allowed_cpus() -> Vec<usize> {
  // SAFETY: cpu_set_t is plain data; sched_getaffinity fills it.
  unsafe {
    let mut set: libc::cpu_set_t = std::mem::zeroed();
    if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
      return (0..num_cpus()).collect();
    }
    (0..libc::CPU_SETSIZE as usize)
      .filter(|&c| libc::CPU_ISSET(c, &set))
      .collect()
  }
}

/// Whether the calling thread's CPU mask is exactly `cpus` (distinct CPUs), read without building
/// a list: every sorting thread asks once, at its start.
pub fn confined_to(cpus: &[usize]) -> bool {
  // SAFETY: cpu_set_t is plain data; sched_getaffinity fills it; each c < CPU_SETSIZE (it came
  // from a cpu_set_t).
  unsafe {
    let mut set: libc::cpu_set_t = std::mem::zeroed();
    libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) == 0
      && libc::CPU_COUNT(&set) as usize == cpus.len()
      && cpus.iter().all(|&c| libc::CPU_ISSET(c, &set))
  }
}

/// Number of CPUs available to this process.
pub fn num_cpus() -> usize {
  std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// Pins the calling thread to the given CPUs. Returns false if the kernel refused.
pub fn pin_to(cpus: &[usize]) -> bool {
  if cpus.is_empty() {
    return false;
  }
  // SAFETY: cpu_set_t is plain data; sched_setaffinity(0) applies to the calling thread.
  unsafe {
    let mut set: libc::cpu_set_t = std::mem::zeroed();
    for &c in cpus {
      libc::CPU_SET(c, &mut set);
    }
    libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
  }
}

/// The CPU mask of thread `tid` of this process.
pub fn affinity_of(tid: i32) -> Option<libc::cpu_set_t> {
  // SAFETY: cpu_set_t is plain data; sched_getaffinity fills it for thread `tid`.
  unsafe {
    let mut set: libc::cpu_set_t = std::mem::zeroed();
    (libc::sched_getaffinity(tid, std::mem::size_of::<libc::cpu_set_t>(), &mut set) == 0).then_some(set)
  }
}

/// Sets the CPU mask of thread `tid` of this process. Returns false if the kernel refused.
pub fn set_affinity_of(tid: i32, set: &libc::cpu_set_t) -> bool {
  // SAFETY: a valid cpu_set_t; sched_setaffinity applies to thread `tid`.
  unsafe { libc::sched_setaffinity(tid, std::mem::size_of::<libc::cpu_set_t>(), set) == 0 }
}

/// The CPU plan of a scheduled run: sorting threads share `workers`, everything else `others`.
#[derive(Clone, Debug)]
pub struct CpuPlan {
  pub workers: Vec<usize>,
  pub others: Vec<usize>,
}

impl CpuPlan {
  pub fn detect() -> CpuPlan {
    let cpus = allowed_cpus();
    if cpus.len() < 2 {
      return CpuPlan {
        workers: cpus.clone(),
        others: cpus,
      };
    }
    let last = *cpus.last().unwrap();
    CpuPlan {
      workers: vec![last],
      others: cpus[..cpus.len() - 1].to_vec(),
    }
  }
}

/// Switches the calling thread to SCHED_FIFO at `priority`, with SCHED_RESET_ON_FORK so no
/// thread or process it creates inherits the realtime policy. Err(errno) when not permitted.
pub fn set_fifo(priority: i32) -> Result<(), i32> {
  let p = libc::sched_param {
    sched_priority: priority,
  };
  // SAFETY: sched_setscheduler(0) applies to the calling thread on Linux.
  let r = unsafe { libc::sched_setscheduler(0, libc::SCHED_FIFO | libc::SCHED_RESET_ON_FORK, &p) };
  if r == 0 {
    Ok(())
  } else {
    Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EPERM))
  }
}

/// The calling thread's scheduling policy (SCHED_OTHER, SCHED_FIFO, ...; without the
/// SCHED_RESET_ON_FORK flag), for tests.
pub fn current_policy() -> i32 {
  // SAFETY: sched_getscheduler(0) reads the calling thread's policy.
  unsafe { libc::sched_getscheduler(0) & !libc::SCHED_RESET_ON_FORK }
}

/// Returns the calling thread to SCHED_OTHER.
pub fn set_normal() {
  let p = libc::sched_param { sched_priority: 0 };
  // SAFETY: as above.
  unsafe { libc::sched_setscheduler(0, libc::SCHED_OTHER, &p) };
}

/// Priority used for realtime sorting threads.
pub const FIFO_PRIORITY: i32 = 10;

/// How to allow realtime scheduling: the ONE text every host shows (capabilities' reason, the
/// machine panel, E_REALTIME_DENIED). An rtprio limit for the user, never a file capability on a
/// shared binary (`setcap` on `node` would let every Node program on the machine renice and
/// realtime-schedule anyone's processes).
pub const REALTIME_HOWTO: &str = "To allow it for your user only, raise its realtime priority limit: add a line `<user> - rtprio 10` to /etc/security/limits.conf (or a file in /etc/security/limits.d/) and log in again, or run `ulimit -r 10` in a shell that may raise it before starting Threadlab";

/// Realtime needs a CPU for the sorting threads and another for everything else (the JS thread
/// included), so FIFO threads can never hold the CPU the app answers on.
pub const REALTIME_MIN_CPUS: usize = 2;

/// Probes for real whether SCHED_FIFO is permitted: a short-lived thread tries it and goes back.
/// Ok(()) when allowed, Err(reason) otherwise.
pub fn probe_realtime() -> Result<(), String> {
  let cpus = allowed_cpus().len();
  if cpus < REALTIME_MIN_CPUS {
    return Err(format!(
      "realtime needs at least {REALTIME_MIN_CPUS} CPUs and this process may use {cpus}: the sorting threads \
       (SCHED_FIFO) would share the only CPU with the JS thread and could stall the app"
    ));
  }
  let h = Reaped::spawn(
    std::thread::Builder::new()
      .name("tl-rt-probe".into())
      .stack_size(64 * 1024),
    || {
      let r = set_fifo(FIFO_PRIORITY);
      if r.is_ok() {
        set_normal();
      }
      r
    },
  );
  match h {
    Err(e) => Err(format!("could not start the probe thread: {e}")),
    Ok(h) => match h.join() {
      Ok(Ok(())) => Ok(()),
      Ok(Err(errno)) => {
        let os = std::io::Error::from_raw_os_error(errno);
        let rtprio = rtprio_limit()
          .map(|l| format!(" (RLIMIT_RTPRIO is {l})"))
          .unwrap_or_default();
        Err(format!("realtime scheduling is not permitted: SCHED_FIFO needs CAP_SYS_NICE or a realtime priority (rtprio) limit, and sched_setscheduler(SCHED_FIFO, {FIFO_PRIORITY}) failed with {os}{rtprio}. {REALTIME_HOWTO}"))
      }
      Err(_) => Err("the realtime probe thread panicked".into()),
    },
  }
}

fn rtprio_limit() -> Option<u64> {
  let mut l = libc::rlimit {
    rlim_cur: 0,
    rlim_max: 0,
  };
  // SAFETY: valid pointer.
  if unsafe { libc::getrlimit(libc::RLIMIT_RTPRIO, &mut l) } == 0 {
    Some(l.rlim_cur)
  } else {
    None
  }
}

/// Threads of this process (from /proc/self/status), for leak tests.
pub fn process_thread_count() -> u32 {
  std::fs::read_to_string("/proc/self/status")
    .ok()
    .and_then(|s| {
      s.lines()
        .find(|l| l.starts_with("Threads:"))
        .and_then(|l| l[8..].trim().parse().ok())
    })
    .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// Threads that are really gone when joined

/// Kernel id of the calling thread (gettid).
pub fn current_tid() -> i32 {
  // SAFETY: gettid has no arguments and cannot fail.
  unsafe { libc::syscall(libc::SYS_gettid) as i32 }
}

/// Whether thread `tid` of this process still exists for the kernel (tgkill with signal 0).
fn thread_exists(tid: i32) -> bool {
  // SAFETY: signal 0 only checks that the thread exists; nothing is delivered.
  let r = unsafe { libc::syscall(libc::SYS_tgkill, libc::getpid(), tid, 0) };
  !(r != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH))
}

/// Waits until every thread in `tids` (kernel ids of threads already JOINED) has been released
/// by the kernel, or `timeout` passed. Returns whether they all were.
///
/// `pthread_join` returns when the kernel clears the thread's tid word, early in its exit
/// (`exit_mm`); the thread stays in the process — counted in `Threads:` of /proc/self/status,
/// listed in /proc/self/task — until `release_task`, a little later, and on a loaded machine the
/// exiting thread can be preempted in between. Callers that promise "every thread is gone" (a
/// run's coordinator, `shutdown()`) wait here after joining. Once joined, a thread is normally
/// released within microseconds, so this is one tgkill per thread; the timeout only guards
/// against the (practically impossible) reuse of a just-released tid by a live thread.
pub fn wait_threads_gone(tids: impl IntoIterator<Item = i32>, timeout: Duration) -> bool {
  let end = Instant::now() + timeout;
  for tid in tids {
    let mut spins = 0u32;
    while tid > 0 && thread_exists(tid) {
      if Instant::now() >= end {
        return false;
      }
      if spins < 64 {
        std::thread::yield_now();
      } else {
        std::thread::sleep(Duration::from_micros(50));
      }
      spins += 1;
    }
  }
  true
}

/// How long a join waits for the kernel to release a joined thread (see [`wait_threads_gone`]).
pub const RELEASE_TIMEOUT: Duration = Duration::from_secs(1);

struct ReapState {
  tid: AtomicI32,
  returned: Mutex<bool>,
  returned_cv: Condvar,
}

/// A joinable thread whose `join` returns only once the thread is gone from the process (see
/// [`wait_threads_gone`]), and which signals when its body has returned, so a join can be
/// bounded in time ([`Reaped::join_timeout`]) or skipped while it would block ([`Reaped::is_finished`]).
pub struct Reaped<T> {
  handle: JoinHandle<T>,
  state: Arc<ReapState>,
}

impl<T: Send + 'static> Reaped<T> {
  /// Spawns `f` with `builder`.
  pub fn spawn(builder: std::thread::Builder, f: impl FnOnce() -> T + Send + 'static) -> std::io::Result<Reaped<T>> {
    let state = Arc::new(ReapState {
      tid: AtomicI32::new(0),
      returned: Mutex::new(false),
      returned_cv: Condvar::new(),
    });
    let st = Arc::clone(&state);
    let handle = builder.spawn(move || {
      st.tid.store(current_tid(), Ordering::Release);
      // `f` (and everything it captured) is consumed and dropped by the call
      let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
      *st.returned.lock().unwrap_or_else(|e| e.into_inner()) = true;
      st.returned_cv.notify_all();
      match r {
        Ok(v) => v,
        Err(p) => std::panic::resume_unwind(p),
      }
    })?;
    Ok(Reaped { handle, state })
  }
}

impl<T> Reaped<T> {
  /// Kernel id of the thread (0 until it has started).
  pub fn tid(&self) -> i32 {
    self.state.tid.load(Ordering::Acquire)
  }

  /// The thread (to unpark it).
  pub fn thread(&self) -> &std::thread::Thread {
    self.handle.thread()
  }

  /// True once the thread's function has returned: joining it now does not wait for it.
  pub fn is_finished(&self) -> bool {
    self.handle.is_finished()
  }

  /// Joins the thread without waiting for the kernel to release it; returns its tid for a
  /// later [`wait_threads_gone`] (join many, then wait for all at once).
  pub fn join_deferred(self) -> (std::thread::Result<T>, i32) {
    let r = self.handle.join();
    (r, self.state.tid.load(Ordering::Acquire))
  }

  /// Joins the thread and waits until it is gone from the process.
  pub fn join(self) -> std::thread::Result<T> {
    let (r, tid) = self.join_deferred();
    wait_threads_gone([tid], RELEASE_TIMEOUT);
    r
  }

  /// Like [`Reaped::join`], but gives up (handing the thread back) when its function has not
  /// returned within `timeout`.
  pub fn join_timeout(self, timeout: Duration) -> Result<std::thread::Result<T>, Reaped<T>> {
    let end = Instant::now() + timeout;
    let mut g = self.state.returned.lock().unwrap_or_else(|e| e.into_inner());
    while !*g {
      let now = Instant::now();
      if now >= end {
        drop(g);
        return Err(self);
      }
      g = self
        .state
        .returned_cv
        .wait_timeout(g, end - now)
        .unwrap_or_else(|e| e.into_inner())
        .0;
    }
    drop(g);
    Ok(self.join())
  }
}

/// Lateness (ns) of `samples` absolute sleeps of `sleep_ns` each, with 1 ns timer slack, on a
/// fresh thread: with the cancellable futex wait (`futex = true`) or with clock_nanosleep
/// (TIMER_ABSTIME). For checking that cancellability costs no accuracy.
pub fn sleep_lateness(samples: usize, sleep_ns: i64, futex: bool) -> Vec<i64> {
  Reaped::spawn(std::thread::Builder::new().stack_size(256 * 1024), move || {
    set_timer_slack(1);
    let word = AtomicU32::new(0);
    let mut out = Vec::with_capacity(samples);
    for _ in 0..samples {
      let deadline = now_ns() + sleep_ns;
      if futex {
        while now_ns() < deadline {
          futex_wait_until(&word, 0, Some(deadline));
        }
      } else {
        sleep_until(deadline);
      }
      out.push(now_ns() - deadline);
    }
    out
  })
  .ok()
  .and_then(|h| h.join().ok())
  .unwrap_or_default()
}
