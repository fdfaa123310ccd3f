//! Parallel sum over contiguous chunks, one worker thread per chunk. Integers are summed exactly
//! in i128; anything non-integral is summed with Neumaier's compensated f64 summation.

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;

use super::error::{describe, Code, Error, Result};
use super::events::{ChunkLogs, Collector, EventSink, Kind};
use super::registry::RunCtl;
use super::timing;

pub const MAX_THREADS: usize = 64;
/// Default cap on values per sum (the app's `maxSumValues`); raise with `maxValues`.
pub const DEFAULT_MAX_VALUES: usize = 1_000_000;
pub const MAX_VALUES_CEILING: usize = 100_000_000;
pub const DEFAULT_MAX_DURATION_MS: f64 = 60_000.0;
/// Largest integer every f64 holds exactly.
pub const MAX_SAFE: f64 = 9_007_199_254_740_992.0; // 2^53

/// The values of a sum: numbers, or 64-bit integers (from a BigInt64Array).
#[derive(Clone, Debug)]
pub enum SumValues {
  F64(Vec<f64>),
  I64(Vec<i64>),
}

impl SumValues {
  pub fn len(&self) -> usize {
    match self {
      SumValues::F64(v) => v.len(),
      SumValues::I64(v) => v.len(),
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

/// Validates options and values; returns the values in their summing form.
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
  let data = match values {
    SumValues::I64(v) => Data::Int(v),
    SumValues::F64(v) => {
      let mut integral = true;
      for (i, &x) in v.iter().enumerate() {
        check_value(i, x)?;
        if integral && !(x.fract() == 0.0 && x.abs() <= MAX_SAFE) {
          integral = false;
        }
      }
      if integral {
        Data::Int(v.iter().map(|&x| x as i64).collect())
      } else {
        Data::Float(v)
      }
    }
  };
  let small = match &data {
    Data::Int(v) => v.iter().all(|x| x.unsigned_abs() <= 1 << 53),
    Data::Float(_) => false,
  };
  Ok(Prepared {
    data,
    chunk_sizes,
    small,
  })
}

#[derive(Clone, Debug)]
pub enum Data {
  Int(Vec<i64>),
  Float(Vec<f64>),
}

#[derive(Clone, Debug)]
pub struct Prepared {
  pub data: Data,
  pub chunk_sizes: Vec<usize>,
  /// Integers all within ±2^53 (the fast i64 kernel applies).
  pub small: bool,
}

/// Contiguous chunk lengths differing by at most one.
pub fn chunk_sizes(n: usize, threads: usize) -> Vec<usize> {
  let threads = threads.max(1);
  (0..threads)
    .map(|i| n / threads + usize::from(i < n % threads))
    .collect()
}

/// Neumaier compensated sum state.
#[derive(Clone, Copy, Debug, Default)]
pub struct Neumaier {
  pub sum: f64,
  pub comp: f64,
}

impl Neumaier {
  #[inline]
  pub fn add(&mut self, x: f64) {
    let t = self.sum + x;
    if self.sum.abs() >= x.abs() {
      self.comp += (self.sum - t) + x;
    } else {
      self.comp += (x - t) + self.sum;
    }
    self.sum = t;
  }
  pub fn value(&self) -> f64 {
    self.sum + self.comp
  }
}

/// Exact sum of a block of integers (the kernel workers and the sequential baseline share).
/// When every |x| ≤ 2^53 (`small`), sub-blocks of 512 are summed in i64 (no overflow possible:
/// 512 × 2^53 = 2^62), which vectorises; otherwise every element is widened to i128.
#[inline(never)]
pub fn block_sum_i64(v: &[i64], small: bool) -> Result<i128> {
  let mut acc: i128 = 0;
  if small {
    for sub in v.chunks(512) {
      let s: i64 = sub.iter().sum();
      acc += s as i128; // ≤ 2^62 per sub-block: i128 cannot overflow below 2^65 sub-blocks
    }
  } else {
    for sub in v.chunks(1 << 20) {
      let mut s: i128 = 0;
      for &x in sub {
        s += x as i128; // a block of 2^20 i64 cannot overflow i128
      }
      acc = acc
        .checked_add(s)
        .ok_or_else(|| Error::new(Code::Overflow, "the integer sum overflowed i128"))?;
    }
  }
  Ok(acc)
}

/// Neumaier-sums a block onto `n` (the kernel workers and the sequential baseline share; not
/// inlined, so both run the very same machine code with the state in registers).
#[inline(never)]
pub fn block_sum_f64(n: Neumaier, v: &[f64]) -> Neumaier {
  let mut n = n;
  for &x in v {
    n.add(x);
  }
  n
}

/// Sequential exact-integer sum.
pub fn sum_i64(v: &[i64]) -> Result<i128> {
  block_sum_i64(v, v.iter().all(|x| x.unsigned_abs() <= 1 << 53))
}

/// Sequential Neumaier sum.
pub fn sum_f64(v: &[f64]) -> f64 {
  block_sum_f64(Neumaier::default(), v).value()
}

/// The plain sequential loop the benchmark compares against (same arithmetic, one thread).
pub fn sequential_sum(p: &Prepared) -> Result<Num> {
  Ok(match &p.data {
    Data::Int(v) => Num::Int(block_sum_i64(v, p.small)?),
    Data::Float(v) => Num::Float(sum_f64(v)),
  })
}

enum Partial {
  Int(i128),
  Float(Neumaier),
}

#[allow(clippy::too_many_arguments)]
fn run_chunk(
  data: &Data,
  small: bool,
  range: std::ops::Range<usize>,
  chunk: usize,
  o: &SumOptions,
  ctl: &RunCtl,
  logs: Option<&ChunkLogs>,
) -> Result<(Partial, bool)> {
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
  let mut int_acc: i128 = 0;
  let mut flt = Neumaier::default();
  let mut done = 0usize;
  let mut cancelled = false;
  while done < len {
    if !ctl.is_running() {
      cancelled = true;
      break;
    }
    let step = every.min(len - done);
    let block = range.start + done..range.start + done + step;
    if unit_ns > 0.0 {
      // slow motion: one element per unit, to absolute deadlines, cancellable
      for (k, i) in block.clone().enumerate() {
        let deadline = start + ((done + k + 1) as f64 * unit_ns) as i64;
        if !ctl.sleep_until(|| deadline) {
          cancelled = true;
          break;
        }
        match data {
          Data::Int(v) => int_acc += v[i] as i128,
          Data::Float(v) => flt.add(v[i]),
        }
        done += 1;
      }
      if cancelled {
        break;
      }
    } else {
      match data {
        Data::Int(v) => {
          let s = block_sum_i64(&v[block], small)?;
          int_acc = int_acc
            .checked_add(s)
            .ok_or_else(|| Error::new(Code::Overflow, "the integer sum overflowed i128"))?;
        }
        Data::Float(v) => flt = block_sum_f64(flt, &v[block]),
      }
      done += step;
    }
    if done < len {
      rec(Kind::ChunkProgress, done as f64);
    }
  }
  let partial = match data {
    Data::Int(_) => Partial::Int(int_acc),
    Data::Float(_) => Partial::Float(flt),
  };
  let as_f64 = match &partial {
    Partial::Int(i) => *i as f64,
    Partial::Float(n) => n.value(),
  };
  if !cancelled {
    rec(Kind::ChunkDone, as_f64);
  } else {
    rec(Kind::ChunkProgress, done as f64);
  }
  Ok((partial, cancelled))
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
  let results: Vec<Result<(Partial, bool)>> = std::thread::scope(|scope| {
    let mut hs = Vec::with_capacity(threads);
    for (c, range) in offsets.iter().cloned().enumerate() {
      let logs = logs.as_deref();
      let ctl: &RunCtl = ctl;
      let tid = &tids[c];
      let h = std::thread::Builder::new()
        .name(format!("tl-sum-{c}"))
        .stack_size(256 * 1024)
        .spawn_scoped(scope, move || {
          tid.store(timing::current_tid(), Ordering::Release);
          std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_chunk(&p.data, p.small, range, c, o, ctl, logs)
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
  let mut partials = Vec::with_capacity(threads);
  let mut cancelled = false;
  let mut int_total: i128 = 0;
  let mut flt_total = Neumaier::default();
  let is_int = matches!(p.data, Data::Int(_));
  for (c, r) in results.into_iter().enumerate() {
    let (partial, was_cancelled) = match r {
      Ok(x) => x,
      Err(e) => {
        drop(collector);
        return Err(e);
      }
    };
    cancelled |= was_cancelled;
    let running = match partial {
      Partial::Int(i) => {
        int_total = int_total
          .checked_add(i)
          .ok_or_else(|| Error::new(Code::Overflow, "the integer sum overflowed i128"))?;
        partials.push(Num::Int(i));
        int_total as f64
      }
      Partial::Float(nm) => {
        flt_total.add(nm.sum);
        flt_total.comp += nm.comp;
        partials.push(Num::Float(nm.value()));
        flt_total.value()
      }
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
