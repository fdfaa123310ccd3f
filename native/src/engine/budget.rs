//! The process-wide thread budget: every run reserves the threads it will start (workers plus
//! its coordinator and collector) before any of them starts, and gives them back only once they
//! are all joined. The budget is derived once, from what the machine had free when the engine
//! first needed it, so no mix of clients, hosts or tools in this process can take the machine's
//! last threads (and with them `fork` for every other process).

use std::sync::{Mutex, OnceLock};

use super::error::{Code, Error, Result};

/// Fraction of the free threads the process may use: half, so everything else keeps the rest.
const SHARE_DIVISOR: u64 = 2;
/// A budget never below this (a tiny but sane machine still runs small experiments), unless the
/// machine has fewer threads free than that.
pub const FLOOR: u64 = 128;
/// Environment variable that may lower the budget (never raise it past the derived one).
pub const ENV_BUDGET: &str = "THREADLAB_THREAD_BUDGET";

/// What the machine allowed when the budget was derived.
#[derive(Clone, Debug, PartialEq)]
pub struct MachineLimits {
  /// /proc/sys/kernel/pid_max: every thread takes a pid.
  pub pid_max: Option<u64>,
  /// /proc/sys/kernel/threads-max.
  pub threads_max: Option<u64>,
  /// RLIMIT_NPROC (soft) of this user; None when unlimited.
  pub nproc: Option<u64>,
  /// pids.max and pids.current of this process's pids cgroup (v1 or v2), when it has a limit.
  pub cgroup: Option<(u64, u64)>,
  /// Threads alive on the whole machine (the total of /proc/loadavg).
  pub alive: u64,
}

impl MachineLimits {
  /// Reads the limits of this machine now.
  pub fn read() -> MachineLimits {
    MachineLimits {
      pid_max: read_number("/proc/sys/kernel/pid_max"),
      threads_max: read_number("/proc/sys/kernel/threads-max"),
      nproc: nproc_limit(),
      cgroup: cgroup_pids(),
      alive: threads_alive(),
    }
  }

  /// Threads that could still be created, by the tightest of the limits (the user's own count
  /// is not cheap to read, so RLIMIT_NPROC is charged with every thread alive: conservative).
  pub fn free(&self) -> u64 {
    let by_total = [self.pid_max, self.threads_max, self.nproc]
      .into_iter()
      .flatten()
      .map(|limit| limit.saturating_sub(self.alive));
    let by_cgroup = self.cgroup.map(|(max, current)| max.saturating_sub(current));
    by_total.chain(by_cgroup).min().unwrap_or(u64::MAX)
  }

  /// The budget these limits give: half of what is free, at least [`FLOOR`] (but never more than
  /// is free), lowered to `requested` when that is smaller.
  pub fn budget(&self, requested: Option<u64>) -> u64 {
    let free = self.free();
    let derived = (free / SHARE_DIVISOR).max(FLOOR.min(free));
    requested.map_or(derived, |r| r.min(derived))
  }

  /// One line saying where the budget comes from.
  pub fn describe(&self) -> String {
    let mut parts = Vec::new();
    let mut push = |name: &str, v: Option<u64>| {
      if let Some(v) = v {
        parts.push(format!("{name} {}", group(v)));
      }
    };
    push("pid_max", self.pid_max);
    push("threads-max", self.threads_max);
    push("RLIMIT_NPROC", self.nproc);
    if let Some((max, current)) = self.cgroup {
      parts.push(format!("cgroup pids.max {} ({} in use)", group(max), group(current)));
    }
    parts.push(format!("{} threads alive", group(self.alive)));
    format!(
      "half of the {} threads free at start ({}), at least {FLOOR}",
      group(self.free()),
      parts.join(", ")
    )
  }
}

/// `12345` → `"12,345"` for messages.
pub fn group(n: u64) -> String {
  let s = n.to_string();
  let mut out = String::with_capacity(s.len() + s.len() / 3);
  for (i, c) in s.chars().enumerate() {
    if i > 0 && (s.len() - i).is_multiple_of(3) {
      out.push(',');
    }
    out.push(c);
  }
  out
}

fn read_number(path: &str) -> Option<u64> {
  std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

fn nproc_limit() -> Option<u64> {
  let mut l = libc::rlimit {
    rlim_cur: 0,
    rlim_max: 0,
  };
  // SAFETY: valid pointer to an rlimit.
  if unsafe { libc::getrlimit(libc::RLIMIT_NPROC, &mut l) } != 0 || l.rlim_cur == libc::RLIM_INFINITY {
    return None;
  }
  Some(l.rlim_cur)
}

/// Threads on the machine: the denominator of /proc/loadavg's fourth field ("running/total").
fn threads_alive() -> u64 {
  std::fs::read_to_string("/proc/loadavg")
    .ok()
    .and_then(|s| s.split_whitespace().nth(3)?.split('/').nth(1)?.parse().ok())
    .unwrap_or(0)
}

/// pids.max / pids.current of this process's pids cgroup (v2 `0::/path`, or v1 `N:pids:/path`),
/// walking up to the root: the tightest limit on the way applies.
fn cgroup_pids() -> Option<(u64, u64)> {
  let own = std::fs::read_to_string("/proc/self/cgroup").ok()?;
  let mut dirs = Vec::new();
  for line in own.lines() {
    let mut f = line.splitn(3, ':');
    let (_, controllers, path) = (f.next()?, f.next()?, f.next()?);
    if controllers.is_empty() {
      dirs.push(format!("/sys/fs/cgroup{path}"));
    } else if controllers.split(',').any(|c| c == "pids") {
      dirs.push(format!("/sys/fs/cgroup/pids{path}"));
    }
  }
  let mut tightest: Option<(u64, u64)> = None;
  for dir in dirs {
    let mut d = std::path::PathBuf::from(dir);
    loop {
      let max = std::fs::read_to_string(d.join("pids.max")).ok();
      let current = read_number(&d.join("pids.current").to_string_lossy());
      if let (Some(max), Some(current)) = (max.and_then(|m| m.trim().parse::<u64>().ok()), current) {
        if tightest.is_none_or(|(m, c)| max.saturating_sub(current) < m.saturating_sub(c)) {
          tightest = Some((max, current));
        }
      }
      if !d.pop() || !d.starts_with("/sys/fs/cgroup") || d.as_os_str().len() <= "/sys/fs/cgroup".len() {
        break;
      }
    }
  }
  tightest
}

/// The budget of this process and what is reserved from it.
pub struct Budget {
  /// Most threads the runs of this process may hold at once.
  pub limit: u64,
  /// Where `limit` comes from (for the Limits panel and refusals).
  pub basis: String,
  state: Mutex<InUse>,
}

#[derive(Default)]
struct InUse {
  threads: u64,
  runs: u64,
}

/// A figure of the budget at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
  pub limit: u64,
  pub in_use: u64,
  pub runs: u64,
  pub basis: String,
}

/// The process's budget, derived on first use.
pub fn budget() -> &'static Budget {
  static BUDGET: OnceLock<Budget> = OnceLock::new();
  BUDGET.get_or_init(|| {
    let machine = MachineLimits::read();
    let requested = std::env::var(ENV_BUDGET)
      .ok()
      .and_then(|v| v.trim().parse::<u64>().ok())
      .filter(|&v| v > 0);
    let limit = machine.budget(requested);
    let mut basis = machine.describe();
    if requested.is_some_and(|r| r == limit) {
      basis = format!(
        "{limit} set by {ENV_BUDGET} (the machine allows {})",
        group(machine.budget(None))
      );
    }
    Budget::new(limit, basis)
  })
}

impl Budget {
  pub fn new(limit: u64, basis: String) -> Budget {
    Budget {
      limit,
      basis,
      state: Mutex::new(InUse::default()),
    }
  }

  fn lock(&self) -> std::sync::MutexGuard<'_, InUse> {
    self.state.lock().unwrap_or_else(|e| e.into_inner())
  }

  pub fn snapshot(&self) -> Snapshot {
    let s = self.lock();
    Snapshot {
      limit: self.limit,
      in_use: s.threads,
      runs: s.runs,
      basis: self.basis.clone(),
    }
  }

  /// Reserves `threads` for one run (`what` names it in the refusal), or refuses with
  /// E_THREAD_BUDGET naming the budget and what is in use. Given back when the lease drops.
  pub fn reserve(&'static self, threads: u64, what: &str) -> Result<Lease> {
    let mut s = self.lock();
    if s.threads + threads > self.limit {
      return Err(Error::new(
        Code::ThreadBudget,
        format!(
          "{what} needs {} threads, but this process's thread budget is {} and {} are in use by {} run(s) \
           ({} free): wait for a run to finish or use fewer values. The budget is {}",
          group(threads),
          group(self.limit),
          group(s.threads),
          s.runs,
          group(self.limit.saturating_sub(s.threads)),
          self.basis
        ),
      ));
    }
    s.threads += threads;
    s.runs += 1;
    Ok(Lease { budget: self, threads })
  }
}

/// Threads reserved by one run; returned to the budget on drop (after the run's threads are joined).
pub struct Lease {
  budget: &'static Budget,
  threads: u64,
}

impl Lease {
  pub fn threads(&self) -> u64 {
    self.threads
  }
}

impl Drop for Lease {
  fn drop(&mut self) {
    let mut s = self.budget.lock();
    s.threads = s.threads.saturating_sub(self.threads);
    s.runs = s.runs.saturating_sub(1);
  }
}

/// Reserves from the process's budget.
pub fn reserve(threads: u64, what: &str) -> Result<Lease> {
  budget().reserve(threads, what)
}

#[cfg(test)]
mod tests {
  use super::*;

  fn machine(alive: u64) -> MachineLimits {
    MachineLimits {
      pid_max: Some(32_768),
      threads_max: Some(192_730),
      nproc: Some(96_365),
      cgroup: None,
      alive,
    }
  }

  #[test]
  fn half_of_the_tightest_free_limit() {
    assert_eq!(machine(768).free(), 32_000);
    assert_eq!(machine(768).budget(None), 16_000);
    let mut m = machine(768);
    m.cgroup = Some((3_000, 1_000));
    assert_eq!(m.free(), 2_000);
    assert_eq!(m.budget(None), 1_000);
  }

  #[test]
  fn floor_never_exceeds_what_is_free() {
    assert_eq!(machine(32_768 - 200).budget(None), 128);
    assert_eq!(machine(32_768 - 50).budget(None), 50);
    assert_eq!(machine(40_000).budget(None), 0);
  }

  #[test]
  fn the_environment_may_only_lower_it() {
    assert_eq!(machine(768).budget(Some(3_000)), 3_000);
    assert_eq!(machine(768).budget(Some(1_000_000)), 16_000);
  }

  #[test]
  fn leases_count_and_refusals_name_the_budget() {
    let b: &'static Budget = Box::leak(Box::new(Budget::new(100, "test".into())));
    let a = b.reserve(60, "run A").unwrap();
    let e = b.reserve(41, "run B").err().unwrap();
    assert_eq!(e.code, Code::ThreadBudget);
    assert!(
      e.message.contains("budget is 100") && e.message.contains("60 are in use"),
      "{}",
      e.message
    );
    let c = b.reserve(40, "run C").unwrap();
    assert_eq!(b.snapshot().in_use, 100);
    drop(a);
    drop(c);
    assert_eq!((b.snapshot().in_use, b.snapshot().runs), (0, 0));
  }

  #[test]
  fn groups_thousands() {
    assert_eq!(group(0), "0");
    assert_eq!(group(999), "999");
    assert_eq!(group(1_000), "1,000");
    assert_eq!(group(16_234_567), "16,234,567");
  }
}
