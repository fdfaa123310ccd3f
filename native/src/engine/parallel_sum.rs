//! Parallel sum over contiguous chunks, one worker thread per chunk. Integers are summed exactly
//! in i128; anything non-integral is summed with Neumaier's compensated f64 summation. The values
//! are read in place (no copy): each worker validates, classifies and sums its own chunk in one
//! pass (`sum_kernel`), and the chunks' kinds are combined at the fold.

use std::ops::Range;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::Arc;

use super::error::{describe, Code, Error, Result};
use super::events::{ChunkLogs, Collector, EventSink, Kind};
use super::registry::RunCtl;
use super::shared_words::SharedWords;
use super::sum_kernel::{self, Acc};
use super::timing;

pub use super::sum_kernel::Neumaier;

pub const MAX_THREADS: usize = 64;
/// Default cap on values per sum (the app's `maxSumValues`); raise with `maxValues`.
pub const DEFAULT_MAX_VALUES: usize = 1_000_000;
pub const MAX_VALUES_CEILING: usize = 100_000_000;
pub const DEFAULT_MAX_DURATION_MS: f64 = 60_000.0;
/// Largest integer every f64 holds exactly.
pub const MAX_SAFE: f64 = 9_007_199_254_740_992.0; // 2^53

/// The values of a sum, read in place: numbers, or 64-bit integers (from a BigInt64Array).
#[derive(Debug)]
pub enum SumValues {
  F64(SharedWords),
  I64(SharedWords),
}

impl SumValues {
  /// Numbers the engine owns (a plain Array's, tests).
  pub fn f64s(v: Vec<f64>) -> SumValues {
    SumValues::F64(SharedWords::from_f64(v))
  }
  /// 64-bit integers the engine owns.
  pub fn i64s(v: Vec<i64>) -> SumValues {
    SumValues::I64(SharedWords::from_i64(v))
  }
  pub fn len(&self) -> usize {
    match self {
      SumValues::F64(v) | SumValues::I64(v) => v.len(),
    }
  }
  pub fn is_empty(&self) -> bool {
    self.len() == 0
  }
}

#[derive(Clone, Debug)]
pub struct SumOptions {
  pub threads: usize,
  /// Artificial delay per element, ms (0 = full speed).
  pub unit_ms: f64,
  /// Elements between progress events; None = chunk/16.
  pub progress_every: Option<usize>,
  pub record_events: bool,
  pub max_values: usize,
  pub max_duration_ms: f64,
}

impl Default for SumOptions {
  fn default() -> Self {
    SumOptions {
      threads: timing::num_cpus().clamp(1, MAX_THREADS),
      unit_ms: 0.0,
      progress_every: None,
      record_events: true,
      max_values: DEFAULT_MAX_VALUES,
      max_duration_ms: DEFAULT_MAX_DURATION_MS,
    }
  }
}

/// An exact number: an integer or a float.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
  Int(i128),
  Float(f64),
}

impl Num {
  pub fn to_f64(self) -> f64 {
    match self {
      Num::Int(i) => i as f64,
      Num::Float(f) => f,
    }
  }
  /// Exact decimal text.
  pub fn text(self) -> String {
    match self {
      Num::Int(i) => i.to_string(),
      Num::Float(f) => format!("{f}"),
    }
  }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SumKind {
  Integer,
  Decimal,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SumOutcome {
  pub run_id: u32,
  pub sum: Num,
  pub kind: SumKind,
  pub partials: Vec<Num>,
  pub threads: usize,
  pub chunk_sizes: Vec<usize>,
  pub wall_ms: f64,
  pub exact: bool,
  pub cancelled: bool,
  pub event_count: u64,
}

/// Checks one value for the sum.
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
  Ok(())
}

pub fn check_count(n: usize, max_values: usize) -> Result<()> {
  if n > max_values {
    return Err(Error::at(
      Code::TooMany,
      max_values,
      format!("{n} values is more than maxValues {max_values}; value {max_values} is the first one over"),
    ));
  }
  Ok(())
}

/// Validates the options and the count (no value is read here: each worker checks its own).
pub fn prepare(values: SumValues, o: &SumOptions) -> Result<Prepared> {
  if o.threads == 0 || o.threads > MAX_THREADS {
    return Err(Error::new(
      Code::BadThreads,
      format!("threads {} must be an integer from 1 to {MAX_THREADS}", o.threads),
    ));
  }
  if !(o.unit_ms.is_finite() && o.unit_ms >= 0.0) {
    return Err(Error::new(
      Code::BadUnit,
      format!("unitMs {} must be a finite number ≥ 0", describe(o.unit_ms)),
    ));
  }
  if o.max_values == 0 || o.max_values > MAX_VALUES_CEILING {
    return Err(Error::new(
      Code::BadOption,
      format!("maxValues {} must be between 1 and {MAX_VALUES_CEILING}", o.max_values),
    ));
  }
  if o.progress_every == Some(0) {
    return Err(Error::new(Code::BadOption, "progressEvery must be at least 1"));
  }
  check_count(values.len(), o.max_values)?;
  let n = values.len();
  let threads = o.threads.min(n.max(1));
  let chunk_sizes = chunk_sizes(n, threads);
  let longest = chunk_sizes.iter().copied().max().unwrap_or(0);
  if o.unit_ms * longest as f64 > o.max_duration_ms {
    return Err(Error::new(
      Code::DurationCap,
      format!(
        "{longest} values per thread at {} ms each take {} ms, over the {} ms cap (maxDurationMs)",
        o.unit_ms,
        o.unit_ms * longest as f64,
        o.max_duration_ms
      ),
    ));
  }
  Ok(Prepared { values, chunk_sizes })
}

#[derive(Debug)]
pub struct Prepared {
  pub values: SumValues,
  pub chunk_sizes: Vec<usize>,
}

/// Contiguous chunk lengths differing by at most one.
pub fn chunk_sizes(n: usize, threads: usize) -> Vec<usize> {
  let threads = threads.max(1);
  (0..threads)
    .map(|i| n / threads + usize::from(i < n % threads))
    .collect()
}

/// Adds the values at `range` (global positions) to `acc`: the one pass that validates,
/// classifies and sums (workers, their slow-motion steps and the sequential baseline share it).
fn add_range(values: &SumValues, acc: &mut Acc, range: Range<usize>) -> Result<()> {
  match (values, acc) {
    (SumValues::F64(w), acc) => sum_kernel::add_f64(acc, &w.atoms()[range.clone()], range.start),
    (SumValues::I64(w), Acc::Int(i)) => {
      sum_kernel::add_i64(i, &w.atoms()[range]);
      Ok(())
    }
    (SumValues::I64(_), Acc::Float(_)) => Err(Error::internal("a 64-bit integer sum turned decimal")),
  }
}

/// The final value of one accumulator.
fn acc_num(acc: Acc) -> Num {
  match acc {
    Acc::Int(i) => Num::Int(i),
    Acc::Float(_) => Num::Float(acc.to_neumaier().value()),
  }
}

/// The plain sequential loop the benchmark compares against (same pass, one thread).
pub fn sequential_sum(p: &Prepared) -> Result<Num> {
  let mut acc = Acc::Int(0);
  add_range(&p.values, &mut acc, 0..p.values.len())?;
  Ok(acc_num(acc))
}

/// What one worker hands the fold.
struct ChunkResult {
  acc: Acc,
  cancelled: bool,
}

#[allow(clippy::too_many_arguments)]
fn run_chunk(
  values: &SumValues,
  range: Range<usize>,
  chunk: usize,
  o: &SumOptions,
  ctl: &RunCtl,
  logs: Option<&ChunkLogs>,
  first_error: &AtomicUsize,
) -> Result<ChunkResult> {
  let len = range.len();
  let every = o.progress_every.unwrap_or((len / 16).max(1)).max(1);
  let rec = |kind, arg| {
    if let Some(l) = logs {
      l.record(chunk, kind, chunk as u32, timing::now_ns(), arg)
    }
  };
  rec(Kind::ChunkStart, len as f64);
  let start = timing::now_ns();
  let unit_ns = o.unit_ms * 1e6;
  let mut acc = Acc::Int(0);
  let mut done = 0usize;
  let mut cancelled = false;
  while done < len {
    // stop when cancelled, or when an earlier chunk already failed (its error wins the fold)
    if !ctl.is_running() || first_error.load(Ordering::Relaxed) < range.start {
      cancelled = true;
      break;
    }
    let step = every.min(len - done);
    let block = range.start + done..range.start + done + step;
    let added = if unit_ns > 0.0 {
      // slow motion: one element per unit, to absolute deadlines, cancellable
      let mut r = Ok(());
      for i in block {
        let deadline = start + ((done + 1) as f64 * unit_ns) as i64;
        if !ctl.sleep_until(|| deadline) {
          cancelled = true;
          break;
        }
        r = add_range(values, &mut acc, i..i + 1);
        if r.is_err() {
          break;
        }
        done += 1;
      }
      r
    } else {
      done += step;
      add_range(values, &mut acc, block)
    };
    if let Err(e) = added {
      first_error.fetch_min(e.position.unwrap_or(range.start), Ordering::Relaxed);
      return Err(e);
    }
    if cancelled {
      break;
    }
    if done < len {
      rec(Kind::ChunkProgress, done as f64);
    }
  }
  if !cancelled {
    rec(Kind::ChunkDone, acc_num(acc).to_f64());
  } else {
    rec(Kind::ChunkProgress, done as f64);
  }
  Ok(ChunkResult { acc, cancelled })
}

/// Runs a prepared sum on the calling thread (the coordinator), one scoped worker per chunk.
pub fn run(
  run_id: u32,
  p: &Prepared,
  o: &SumOptions,
  ctl: &Arc<RunCtl>,
  sink: Option<Box<dyn EventSink>>,
) -> Result<SumOutcome> {
  let started = timing::now_ns();
  let threads = p.chunk_sizes.len();
  // one log per chunk, plus one for the coordinator's Combined events
  let logs = if o.record_events && sink.is_some() {
    Some(ChunkLogs::new(threads + 1))
  } else {
    None
  };
  let collector = match (&logs, sink) {
    (Some(l), Some(sink)) => Some(
      Collector::spawn(run_id, started, l.clone(), sink, Vec::new()).map_err(|e| {
        Error::new(
          Code::Resource,
          format!("could not start the event collector thread: {e}"),
        )
      })?,
    ),
    _ => None,
  };
  let mut offsets = Vec::with_capacity(threads);
  let mut at = 0;
  for &s in &p.chunk_sizes {
    offsets.push(at..at + s);
    at += s;
  }
  // kernel ids of the workers, to wait until they are gone from the process once joined
  let tids: Vec<AtomicI32> = (0..threads).map(|_| AtomicI32::new(0)).collect();
  let first_error = AtomicUsize::new(usize::MAX);
  let results: Vec<Result<ChunkResult>> = std::thread::scope(|scope| {
    let mut hs = Vec::with_capacity(threads);
    for (c, range) in offsets.iter().cloned().enumerate() {
      let logs = logs.as_deref();
      let ctl: &RunCtl = ctl;
      let tid = &tids[c];
      let first_error = &first_error;
      let h = std::thread::Builder::new()
        .name(format!("tl-sum-{c}"))
        .stack_size(256 * 1024)
        .spawn_scoped(scope, move || {
          tid.store(timing::current_tid(), Ordering::Release);
          std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_chunk(&p.values, range, c, o, ctl, logs, first_error)
          }))
          .unwrap_or_else(|e| Err(Error::from_panic(e, "a parallel-sum worker")))
        });
      hs.push(h);
    }
    let mut out = Vec::with_capacity(threads);
    for h in hs {
      out.push(match h {
        Ok(h) => h
          .join()
          .unwrap_or_else(|_| Err(Error::internal("a parallel-sum worker panicked"))),
        Err(e) => {
          ctl.cancel();
          Err(Error::new(
            Code::Resource,
            format!("could not start a worker thread: {e}"),
          ))
        }
      });
    }
    out
  });
  timing::wait_threads_gone(tids.iter().map(|t| t.load(Ordering::Acquire)), timing::RELEASE_TIMEOUT);
  // the first error in chunk order is the one at the lowest position
  let mut chunks = Vec::with_capacity(threads);
  for r in results {
    match r {
      Ok(x) => chunks.push(x),
      Err(e) => {
        drop(collector);
        return Err(e);
      }
    }
  }
  let cancelled = chunks.iter().any(|c| c.cancelled);
  let is_int = chunks.iter().all(|c| matches!(c.acc, Acc::Int(_)));
  let mut partials = Vec::with_capacity(threads);
  let mut int_total: i128 = 0;
  let mut flt_total = Neumaier::default();
  for (c, chunk) in chunks.iter().enumerate() {
    let running = if let (true, Acc::Int(i)) = (is_int, chunk.acc) {
      int_total = int_total
        .checked_add(i)
        .ok_or_else(|| Error::new(Code::Overflow, "the integer sum overflowed i128"))?;
      partials.push(Num::Int(i));
      int_total as f64
    } else {
      let nm = chunk.acc.to_neumaier();
      flt_total.add(nm.sum);
      flt_total.comp += nm.comp;
      partials.push(Num::Float(nm.value()));
      flt_total.value()
    };
    if let Some(l) = &logs {
      l.record(threads, Kind::Combined, c as u32, timing::now_ns(), running);
    }
  }
  let event_count = collector.map(|c| c.finish()).unwrap_or(0);
  let ended = timing::now_ns();
  Ok(SumOutcome {
    run_id,
    sum: if is_int {
      Num::Int(int_total)
    } else {
      Num::Float(flt_total.value())
    },
    kind: if is_int { SumKind::Integer } else { SumKind::Decimal },
    partials,
    threads,
    chunk_sizes: p.chunk_sizes.clone(),
    wall_ms: (ended - started) as f64 / 1e6,
    exact: is_int,
    cancelled,
    event_count,
  })
}
