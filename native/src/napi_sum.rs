//! `parallel.*`: the parallel-sum experiment as seen from Node.

use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi::threadsafe_function::UnknownReturnValue;
use napi::Env;
use napi_derive::napi;

use crate::engine::error::{Code, Error as EngineError};
use crate::engine::parallel_sum::{self, Num, SumKind, SumOptions, SumOutcome, SumValues};
use crate::engine::registry::{self, RunCtl};
use crate::engine::{self};
use crate::napi_common::*;

/// Options of a parallel sum. Every field is optional.
#[napi(object, namespace = "parallel")]
#[allow(dead_code)] // declares the TypeScript shape; the napi layer reads options by hand for precise error codes
pub struct ParallelSumOptions {
  /// Worker threads, 1..64 (default: the machine's CPUs; E_BAD_THREADS otherwise). Each sums one
  /// contiguous chunk; never more threads than values.
  pub threads: Option<f64>,
  /// Artificial delay per element in ms (default 0 = full speed), to watch the work being shared.
  pub unit_ms: Option<f64>,
  /// Elements between two chunk-progress events (default: a sixteenth of a chunk).
  pub progress_every: Option<f64>,
  /// Stream events to `onBatch` (default true).
  pub record_events: Option<bool>,
  /// Most values accepted (default 1000000, at most 100000000; E_TOO_MANY).
  pub max_values: Option<f64>,
  /// Cap on unitMs × the longest chunk, default 60000 ms (E_DURATION_CAP).
  pub max_duration_ms: Option<f64>,
}

/// Result of a parallel sum.
#[napi(object, namespace = "parallel")]
pub struct ParallelSumResult {
  /// Run id, as in every batch header of the run.
  pub run_id: u32,
  /// The sum: a number, or a bigint when an integer sum is beyond ±2^53.
  pub sum: Either<f64, BigInt>,
  /// Exact decimal text of the sum.
  pub sum_text: String,
  /// 'integer': every value integral (|v| ≤ 2^53, or a BigInt64Array), summed exactly in i128;
  /// 'decimal': Neumaier-compensated f64 sum.
  #[napi(ts_type = "'integer' | 'decimal'")]
  pub kind: String,
  /// Each chunk's sum, in chunk order (bigint when an integer partial is beyond ±2^53).
  pub partials: Vec<Either<f64, BigInt>>,
  /// Exact decimal text of each partial.
  pub partial_texts: Vec<String>,
  /// Worker threads used (one per chunk).
  pub threads: u32,
  /// Length of each chunk.
  pub chunk_sizes: Vec<u32>,
  /// From the start of the run until every worker was joined and the partials combined.
  pub wall_ms: f64,
  /// True when `sumText` is the exact sum of the values summed (integer kind).
  pub exact: bool,
  /// True when cancelled; sum and partials then cover only the elements done.
  pub cancelled: bool,
  /// Events streamed to onBatch.
  pub event_count: f64,
}

fn num_js(n: Num) -> Either<f64, BigInt> {
  match n {
    Num::Int(i) if i.unsigned_abs() <= 1u128 << 53 => Either::A(i as f64),
    Num::Int(i) => {
      let m = i.unsigned_abs();
      let mut words = vec![m as u64];
      if (m >> 64) != 0 {
        words.push((m >> 64) as u64);
      }
      Either::B(BigInt { sign_bit: i < 0, words })
    }
    Num::Float(f) => Either::A(f),
  }
}

fn to_js(o: SumOutcome) -> ParallelSumResult {
  ParallelSumResult {
    run_id: o.run_id,
    sum: num_js(o.sum),
    sum_text: o.sum.text(),
    kind: match o.kind {
      SumKind::Integer => "integer",
      SumKind::Decimal => "decimal",
    }
    .into(),
    partial_texts: o.partials.iter().map(|p| p.text()).collect(),
    partials: o.partials.into_iter().map(num_js).collect(),
    threads: o.threads as u32,
    chunk_sizes: o.chunk_sizes.iter().map(|&c| c as u32).collect(),
    wall_ms: o.wall_ms,
    exact: o.exact,
    cancelled: o.cancelled,
    event_count: o.event_count as f64,
  }
}

type SumSlot = ResultSlot<SumOutcome, ParallelSumResult>;

fn parse_options(options: Option<Unknown>) -> std::result::Result<SumOptions, EngineError> {
  let o = options_object(options)?;
  let mut opts = SumOptions::default();
  if let Some(t) = opt_number(&o, "threads", |m| {
    EngineError::new(Code::BadThreads, format!("threads: {m}"))
  })? {
    opts.threads = as_count(t, "threads", Code::BadThreads)?;
  }
  if let Some(u) = opt_number(&o, "unitMs", |m| {
    EngineError::new(Code::BadUnit, format!("unitMs: {m}"))
  })? {
    opts.unit_ms = u;
  }
  if let Some(p) = opt_number(&o, "progressEvery", |m| {
    EngineError::new(Code::BadOption, format!("progressEvery: {m}"))
  })? {
    opts.progress_every = Some(as_count(p, "progressEvery", Code::BadOption)?);
  }
  if let Some(r) = opt_bool(&o, "recordEvents")? {
    opts.record_events = r;
  }
  if let Some(m) = opt_number(&o, "maxValues", |m| {
    EngineError::new(Code::BadOption, format!("maxValues: {m}"))
  })? {
    opts.max_values = as_count(m, "maxValues", Code::BadOption)?;
  }
  if let Some(m) = opt_number(&o, "maxDurationMs", |m| {
    EngineError::new(Code::BadOption, format!("maxDurationMs: {m}"))
  })? {
    if !(m.is_finite() && m > 0.0) {
      return Err(EngineError::new(
        Code::BadOption,
        "maxDurationMs must be a positive finite number",
      ));
    }
    opts.max_duration_ms = m;
  }
  Ok(opts)
}

/// A typed array is lent in place (no copy, no pass over it here: the workers validate);
/// a plain Array is read and checked on the JS thread, in its one pass.
fn read_sum_values(env: &Env, values: &Unknown, opts: &SumOptions) -> std::result::Result<SumValues, EngineError> {
  let check_count = |n| parallel_sum::check_count(n, opts.max_values);
  if values.is_typedarray().unwrap_or(false) {
    return Ok(match lend_typed_array(env, values, true, check_count)? {
      LentArray::F64(w) => SumValues::F64(w),
      LentArray::I64(w) => SumValues::I64(w),
    });
  }
  read_array(env, values, check_count, parallel_sum::check_value).map(SumValues::f64s)
}

fn start(
  env: &Env,
  values: Unknown,
  options: Option<Unknown>,
  on_batch: Option<&Function<Float64Array, UnknownReturnValue>>,
) -> napi::Result<(Arc<RunCtl>, Arc<SumSlot>)> {
  ensure_cleanup_hook(env);
  let opts = check(env, parse_options(options))?;
  let values = check(env, read_sum_values(env, &values, &opts))?;
  let tsfn = match on_batch {
    Some(f) if opts.record_events => Some(batch_tsfn(f)?),
    _ => None,
  };
  let slot = SumSlot::new(to_js);
  let slot2 = Arc::clone(&slot);
  let ctl = RunCtl::new(registry::next_run_id());
  let sink = tsfn.map(|t| Box::new(TsfnSink::new(t, Arc::clone(&ctl))) as Box<dyn engine::events::EventSink>);
  check(
    env,
    engine::start_sum(values, opts, Arc::clone(&ctl), sink, move |r| slot2.complete(r)),
  )?;
  Ok((ctl, slot))
}

/// Sums `values` on worker threads over contiguous chunks. Integers are summed exactly (i128);
/// a BigInt64Array gives integers past 2^53. Rejects with an Error whose `code` is one of
/// E_NOT_A_NUMBER, E_NOT_FINITE, E_TOO_MANY, E_BAD_THREADS, E_BAD_UNIT, E_BAD_OPTION,
/// E_BAD_INPUT, E_DURATION_CAP, E_OVERFLOW, E_THREAD_BUDGET (the process-wide thread budget would
/// be crossed; nothing starts), E_RESOURCE, E_INTERNAL (`position` when one value is at fault: the
/// lowest such position). An empty list sums to 0.
///
/// A Float64Array or BigInt64Array is read in place, without a copy, by the workers while the
/// run lasts: **do not write to it, transfer or detach its buffer until the promise settles**.
/// Writing meanwhile is not undefined behaviour (every read of an element is atomic, and the
/// value read is the value checked), but the result is then some mix of old and new values, or
/// an error for a bad value written ahead of a worker. Detaching or transferring the buffer
/// mid-run is not allowed (its memory could be freed under the workers). A plain Array is read
/// before the promise is returned, so it may be changed at once.
#[napi(
  namespace = "parallel",
  ts_args_type = "values: Array<unknown> | Float64Array | BigInt64Array, options?: ParallelSumOptions",
  ts_return_type = "Promise<ParallelSumResult>"
)]
pub fn sum<'e>(env: &'e Env, values: Unknown, options: Option<Unknown>) -> napi::Result<Object<'e>> {
  guard(env, "parallel.sum", || match start(env, values, options, None) {
    Ok((_ctl, slot)) => slot.promise(env),
    Err(e) => {
      let (d, promise) =
        env.create_deferred::<ParallelSumResult, Box<dyn FnOnce(Env) -> napi::Result<ParallelSumResult> + Send>>()?;
      d.reject(e);
      Ok(promise)
    }
  })
}

/// A running parallel sum started by `startSum`.
#[napi(namespace = "parallel")]
pub struct SumRun {
  ctl: Arc<RunCtl>,
  slot: Arc<SumSlot>,
}

#[napi(namespace = "parallel")]
impl SumRun {
  /// Cancels the sum at once (workers stop at their next element or progress step); `result()`
  /// resolves with `cancelled: true`. Idempotent.
  #[napi]
  pub fn cancel(&self) {
    self.ctl.cancel();
  }

  /// The result; resolves after the last batch has been delivered to `onBatch`.
  #[napi(ts_return_type = "Promise<ParallelSumResult>")]
  pub fn result<'e>(&self, env: &'e Env) -> napi::Result<Object<'e>> {
    guard(env, "SumRun.result", || self.slot.promise(env))
  }

  /// Run id, as in every batch header of this run.
  #[napi(getter)]
  pub fn run_id(&self) -> u32 {
    self.ctl.id
  }
}

/// Starts a parallel sum and streams chunk-start / chunk-progress / chunk-done / combined events
/// to `onBatch` in packed Float64Array batches (src/shared/events.ts). Option, count and input
/// type errors, and every bad value of a plain Array, are thrown synchronously; a bad value in a
/// typed array is found by the workers and rejects `result()` (same code and position). A typed
/// array is read in place as in `sum`: do not write to it or detach its buffer until `result()`
/// settles.
#[napi(
  namespace = "parallel",
  ts_args_type = "values: Array<unknown> | Float64Array | BigInt64Array, options: ParallelSumOptions | undefined | null, onBatch: (batch: Float64Array) => void"
)]
pub fn start_sum(
  env: &Env,
  values: Unknown,
  options: Option<Unknown>,
  on_batch: Function<Float64Array, UnknownReturnValue>,
) -> napi::Result<SumRun> {
  guard(env, "parallel.startSum", || {
    let (ctl, slot) = start(env, values, options, Some(&on_batch))?;
    Ok(SumRun { ctl, slot })
  })
}

/// Result of the sequential baseline.
#[napi(object, namespace = "parallel")]
pub struct SequentialSumResult {
  pub sum_text: String,
  /// Time of the summing loop alone.
  pub wall_ms: f64,
}

/// Benchmark baseline (not for apps): the same pass as `sum` (validate, classify, sum) in one
/// plain loop on the calling thread (blocks it), reading the array in place; no threads, events
/// or cancellation checks. `wallMs` is the loop alone.
#[napi(namespace = "parallel", ts_args_type = "values: Float64Array")]
pub fn sequential_sum_baseline(env: &Env, values: Unknown) -> napi::Result<SequentialSumResult> {
  guard(env, "parallel.sequentialSumBaseline", || {
    let opts = SumOptions {
      threads: 1,
      max_values: parallel_sum::MAX_VALUES_CEILING,
      ..Default::default()
    };
    let check_count = |n| parallel_sum::check_count(n, opts.max_values);
    let LentArray::F64(words) = check(env, lend_typed_array(env, &values, false, check_count))? else {
      return Err(js_error(
        env,
        &EngineError::new(Code::BadInput, "values must be a Float64Array"),
      ));
    };
    let p = check(env, parallel_sum::prepare(SumValues::F64(words), &opts))?;
    let t0 = std::time::Instant::now();
    let s = check(env, parallel_sum::sequential_sum(&p))?;
    let wall_ms = t0.elapsed().as_secs_f64() * 1e3;
    Ok(SequentialSumResult {
      sum_text: s.text(),
      wall_ms,
    })
  })
}
