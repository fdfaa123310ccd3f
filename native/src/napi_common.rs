//! Shared napi plumbing: the ONE engine-error → JS-error mapping, panic guards, value
//! conversion, the ThreadsafeFunction event sink and promise slots for run results.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode, UnknownReturnValue};
use napi::{Env, JsDeferred, JsValue, Status, ValueType};

use crate::engine::error::{Code, Error as EngineError};
use crate::engine::events::EventSink;
use crate::engine::registry::RunCtl;
use crate::engine::shared_words::SharedWords;

// ---------------------------------------------------------------------------------------------
// Errors

/// Builds the JS `Error` for an engine error: `message`, a string `code` (E_*) and, when one
/// value is at fault, a numeric `position`. The returned napi error holds a reference to that
/// very object, so throwing it or rejecting a promise with it hands JS this object unchanged.
pub fn js_error(env: &Env, e: &EngineError) -> napi::Error {
  let build = || -> napi::Result<napi::Error> {
    let mut obj = env.create_error(napi::Error::new(Status::GenericFailure, e.message.clone()))?;
    obj.set("code", e.code.as_str())?;
    if let Some(p) = e.position {
      obj.set("position", p as f64)?;
    }
    Ok(napi::Error::from(obj.to_unknown()))
  };
  build().unwrap_or_else(|_| napi::Error::new(Status::GenericFailure, format!("{}: {}", e.code.as_str(), e.message)))
}

/// Runs an entry point, turning a panic into an `E_INTERNAL` JS error (never unwinds into Node).
pub fn guard<T>(env: &Env, what: &str, f: impl FnOnce() -> napi::Result<T>) -> napi::Result<T> {
  match catch_unwind(AssertUnwindSafe(f)) {
    Ok(r) => r,
    Err(p) => Err(js_error(env, &EngineError::from_panic(p, what))),
  }
}

/// Maps an engine result into a napi one (one place for the error mapping).
pub fn check<T>(env: &Env, r: std::result::Result<T, EngineError>) -> napi::Result<T> {
  r.map_err(|e| js_error(env, &e))
}

// ---------------------------------------------------------------------------------------------
// Values

fn describe_js(env: &Env, v: &Unknown) -> String {
  match v.get_type() {
    Ok(ValueType::String) => {
      let s = unsafe { String::from_napi_value(env.raw(), v.raw()) }.unwrap_or_default();
      let short: String = s.chars().take(40).collect();
      format!("{:?}{}", short, if s.chars().count() > 40 { "…" } else { "" })
    }
    Ok(ValueType::Undefined) => "undefined".into(),
    Ok(ValueType::Null) => "null".into(),
    Ok(ValueType::Boolean) => "a boolean".into(),
    Ok(ValueType::BigInt) => "a bigint".into(),
    Ok(ValueType::Object) => "an object".into(),
    Ok(ValueType::Function) => "a function".into(),
    Ok(ValueType::Symbol) => "a symbol".into(),
    _ => "an unknown value".into(),
  }
}

/// Reads `values` into a vector (sleep sort: at most 10,000 values, so a copy costs nothing):
/// an Array of numbers (each element checked, so a string gets E_NOT_A_NUMBER with its
/// position) or a Float64Array. `check_count` runs before any element is read; `check_value`
/// on each number.
pub fn read_values(
  env: &Env,
  values: &Unknown,
  check_count: impl Fn(usize) -> std::result::Result<(), EngineError>,
  check_value: impl Fn(usize, f64) -> std::result::Result<(), EngineError>,
) -> std::result::Result<Vec<f64>, EngineError> {
  if values.is_typedarray().unwrap_or(false) {
    let s = unsafe { Float64ArraySlice::from_napi_value(env.raw(), values.raw()) }
      .map_err(|_| not_a_supported_typed_array(false))?;
    check_count(s.len())?;
    for (i, &v) in s.iter().enumerate() {
      check_value(i, v)?;
    }
    return Ok(s.to_vec());
  }
  read_array(env, values, check_count, check_value)
}

fn not_a_supported_typed_array(allow_i64: bool) -> EngineError {
  EngineError::new(
    Code::BadInput,
    if allow_i64 {
      "values must be an Array, a Float64Array or a BigInt64Array"
    } else {
      "values must be an Array or a Float64Array"
    },
  )
}

/// A typed array lent to the engine in place: its memory, kept alive by a napi reference.
pub enum LentArray {
  F64(SharedWords),
  I64(SharedWords),
}

/// Lends a Float64Array (or, when `allow_i64`, a BigInt64Array) to the engine without copying
/// it: napi-rs's owned typed-array handle holds a reference, so the array (and its buffer) stays
/// alive while the run reads it, and dropping the handle on any thread releases the reference on
/// the JS thread. The data pointer comes straight from `napi_get_typedarray_info`, so no Rust
/// slice is ever formed over memory JS may write (see `engine::shared_words`). `check_count`
/// runs before the run starts; no element is read here.
pub fn lend_typed_array(
  env: &Env,
  values: &Unknown,
  allow_i64: bool,
  check_count: impl Fn(usize) -> std::result::Result<(), EngineError>,
) -> std::result::Result<LentArray, EngineError> {
  let (env_raw, raw) = (env.raw(), values.raw());
  let mut kind = 0;
  let mut len = 0;
  let mut data = std::ptr::null_mut();
  let status = unsafe {
    napi::sys::napi_get_typedarray_info(
      env_raw,
      raw,
      &mut kind,
      &mut len,
      &mut data,
      std::ptr::null_mut(),
      std::ptr::null_mut(),
    )
  };
  if status != napi::sys::Status::napi_ok {
    return Err(not_a_supported_typed_array(allow_i64));
  }
  let is_f64 = kind == napi::sys::TypedarrayType::float64_array;
  if !(is_f64 || allow_i64 && kind == napi::sys::TypedarrayType::bigint64_array) {
    return Err(not_a_supported_typed_array(allow_i64));
  }
  check_count(len)?;
  let handle = |e: napi::Error| EngineError::new(Code::BadInput, format!("values could not be held: {}", e.reason));
  let owner: Box<dyn Send + Sync> = if is_f64 {
    Box::new(unsafe { Float64Array::from_napi_value(env_raw, raw) }.map_err(handle)?)
  } else {
    Box::new(unsafe { BigInt64Array::from_napi_value(env_raw, raw) }.map_err(handle)?)
  };
  // SAFETY: `data` points to the array's `len` elements, which stay allocated while `owner`
  // (holding a reference to the array) lives — unless JS detaches the buffer, which the API
  // documentation forbids until the promise settles.
  let words = unsafe { SharedWords::lent(data as *const u8, len, owner) }
    .ok_or_else(|| EngineError::new(Code::BadInput, "values: the typed array's memory is not 8-byte aligned"))?;
  Ok(if is_f64 {
    LentArray::F64(words)
  } else {
    LentArray::I64(words)
  })
}

/// Reads a plain Array of numbers on the JS thread (the one pass over it): each element must be
/// a number (E_NOT_A_NUMBER with its position otherwise) and passes `check_value`.
pub fn read_array(
  env: &Env,
  values: &Unknown,
  check_count: impl Fn(usize) -> std::result::Result<(), EngineError>,
  check_value: impl Fn(usize, f64) -> std::result::Result<(), EngineError>,
) -> std::result::Result<Vec<f64>, EngineError> {
  let raw = values.raw();
  if !values.is_array().unwrap_or(false) {
    return Err(EngineError::new(
      Code::BadInput,
      format!(
        "values must be an Array or a Float64Array, not {}",
        describe_js(env, values)
      ),
    ));
  }
  let arr = unsafe { Array::from_napi_value(env.raw(), raw) }
    .map_err(|e| EngineError::new(Code::BadInput, e.reason.clone()))?;
  let n = arr.len() as usize;
  check_count(n)?;
  let mut out = Vec::with_capacity(n);
  for i in 0..n {
    let el: Option<Unknown> = arr.get(i as u32).map_err(|e| {
      EngineError::at(
        Code::NotANumber,
        i,
        format!("value {i} could not be read: {}", e.reason),
      )
    })?;
    let v = match el {
      Some(u) if u.get_type().ok() == Some(ValueType::Number) => unsafe { f64::from_napi_value(env.raw(), u.raw()) }
        .map_err(|e| {
          EngineError::at(
            Code::NotANumber,
            i,
            format!("value {i} could not be read: {}", e.reason),
          )
        })?,
      Some(u) => {
        return Err(EngineError::at(
          Code::NotANumber,
          i,
          format!("value {i} ({}) is not a number", describe_js(env, &u)),
        ))
      }
      None => {
        return Err(EngineError::at(
          Code::NotANumber,
          i,
          format!("value {i} (a hole) is not a number"),
        ))
      }
    };
    check_value(i, v)?;
    out.push(v);
  }
  Ok(out)
}

/// Reads an optional property of an options object: absent, undefined or null is `None`; a value
/// of another JS type than `expected` is an error built by `bad` (named after `what`).
fn opt_value<T: FromNapiValue>(
  obj: &Option<Object>,
  key: &str,
  expected: ValueType,
  what: &str,
  bad: impl Fn(String) -> EngineError,
) -> std::result::Result<Option<T>, EngineError> {
  let Some(o) = obj else { return Ok(None) };
  let v: Option<Unknown> = o.get(key).map_err(|e| bad(e.reason.clone()))?;
  let Some(u) = v else { return Ok(None) };
  match u.get_type() {
    Ok(ValueType::Undefined) | Ok(ValueType::Null) => Ok(None),
    Ok(t) if t == expected => unsafe { T::from_napi_value(u.env(), u.raw()) }
      .map(Some)
      .map_err(|e| bad(e.reason.clone())),
    _ => Err(bad(format!("{key} must be {what}"))),
  }
}

/// An optional number option; a wrongly typed value is an error built by `bad`.
pub fn opt_number(
  obj: &Option<Object>,
  key: &str,
  bad: impl Fn(String) -> EngineError,
) -> std::result::Result<Option<f64>, EngineError> {
  opt_value(obj, key, ValueType::Number, "a number", bad)
}

/// An optional boolean option; a wrongly typed value is E_BAD_OPTION.
pub fn opt_bool(obj: &Option<Object>, key: &str) -> std::result::Result<Option<bool>, EngineError> {
  opt_value(obj, key, ValueType::Boolean, "a boolean", |m| {
    EngineError::new(Code::BadOption, m)
  })
}

/// An optional string option; a wrongly typed value is an error built by `bad`.
pub fn opt_string(
  obj: &Option<Object>,
  key: &str,
  bad: impl Fn(String) -> EngineError,
) -> std::result::Result<Option<String>, EngineError> {
  opt_value(obj, key, ValueType::String, "a string", bad)
}

/// The options argument as an object (undefined/null → None).
pub fn options_object<'a>(options: Option<Unknown<'a>>) -> std::result::Result<Option<Object<'a>>, EngineError> {
  match options {
    None => Ok(None),
    Some(u) => match u.get_type() {
      Ok(ValueType::Undefined) | Ok(ValueType::Null) => Ok(None),
      Ok(ValueType::Object) => unsafe { Object::from_napi_value(u.env(), u.raw()) }
        .map(Some)
        .map_err(|e| EngineError::new(Code::BadOption, e.reason.clone())),
      _ => Err(EngineError::new(Code::BadOption, "options must be an object")),
    },
  }
}

/// A count option: a non-negative integer.
pub fn as_count(v: f64, name: &str, code: Code) -> std::result::Result<usize, EngineError> {
  if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 1e12 {
    Ok(v as usize)
  } else {
    Err(EngineError::new(
      code,
      format!("{name} {} must be a whole number", crate::engine::error::describe(v)),
    ))
  }
}

// ---------------------------------------------------------------------------------------------
// Event sink over a ThreadsafeFunction

/// The batch callback as a ThreadsafeFunction, every parameter written out: a `Vec<f64>` sent
/// from the collector becomes one `Float64Array` argument (no ownership copy: the Vec backs the
/// ArrayBuffer); the JS return value is ignored; errors are not passed to the callee
/// (`CalleeHandled = false`); strong (`Weak = false`) so Node stays alive while the run is
/// active; unbounded queue (`MaxQueueSize = 0`), so `call` never returns `QueueFull`.
pub type BatchTsfn = ThreadsafeFunction<Vec<f64>, UnknownReturnValue, Float64Array, Status, false, false, 0>;

/// Creates the run's (single, strong) batch ThreadsafeFunction from the JS callback.
pub fn batch_tsfn(on_batch: &Function<Float64Array, UnknownReturnValue>) -> napi::Result<BatchTsfn> {
  on_batch
    .build_threadsafe_function::<Vec<f64>>()
    .callee_handled::<false>()
    .weak::<false>()
    .max_queue_size::<0>()
    .build_callback(|ctx| Ok(Float64Array::new(ctx.value)))
}

struct Acks {
  count: Mutex<u64>,
  cv: Condvar,
}

/// [`EventSink`] delivering each batch with ONE ThreadsafeFunction call. `finish` waits until JS
/// has run the callback for every delivered batch (so the result promise, settled afterwards,
/// can never overtake a batch), unless `shutdown()` is waiting on the JS thread. Dropping the
/// sink releases the ThreadsafeFunction, letting Node exit when no run is active.
pub struct TsfnSink {
  tsfn: Option<BatchTsfn>,
  ctl: Arc<RunCtl>,
  delivered: u64,
  acks: Arc<Acks>,
  pub dropped: Arc<AtomicU64>,
}

impl TsfnSink {
  pub fn new(tsfn: BatchTsfn, ctl: Arc<RunCtl>) -> Self {
    TsfnSink {
      tsfn: Some(tsfn),
      ctl,
      delivered: 0,
      acks: Arc::new(Acks {
        count: Mutex::new(0),
        cv: Condvar::new(),
      }),
      dropped: Default::default(),
    }
  }
}

impl EventSink for TsfnSink {
  fn deliver(&mut self, batch: Vec<f64>) -> bool {
    let Some(tsfn) = &self.tsfn else { return false };
    let acks = Arc::clone(&self.acks);
    let status = tsfn.call_with_return_value(batch, ThreadsafeFunctionCallMode::NonBlocking, move |r, _env| {
      *acks.count.lock().unwrap_or_else(|e| e.into_inner()) += 1;
      acks.cv.notify_all();
      // a throwing onBatch surfaces as an uncaught exception, like a throwing event listener
      r.map(|_| ())
    });
    match status {
      Status::Ok => {
        self.delivered += 1;
        true
      }
      _ => {
        // Closing: the environment is going away; nobody is listening any more
        self.dropped.fetch_add(1, Ordering::Relaxed);
        false
      }
    }
  }

  fn finish(&mut self) {
    let end = Instant::now() + Duration::from_secs(10);
    let mut g = self.acks.count.lock().unwrap_or_else(|e| e.into_inner());
    while *g < self.delivered && Instant::now() < end && !self.ctl.shutting_down.load(Ordering::Acquire) {
      g = self
        .acks
        .cv
        .wait_timeout(g, Duration::from_millis(5))
        .unwrap_or_else(|e| e.into_inner())
        .0;
    }
    drop(g);
    self.tsfn = None; // release now: the run no longer keeps Node alive
  }
}

// ---------------------------------------------------------------------------------------------
// Result promises

/// A converter from the engine outcome to the JS value, run on the JS thread.
pub type Deferred<D> = JsDeferred<D, Box<dyn FnOnce(Env) -> napi::Result<D> + Send>>;

enum SlotState<T, D: ToNapiValue> {
  Pending(Vec<Deferred<D>>),
  Done(std::result::Result<T, EngineError>),
}

/// Holds a run's outcome and the promises waiting for it; `result()` may be called any number
/// of times, before or after the run ends.
pub struct ResultSlot<T: Clone + Send + 'static, D: ToNapiValue + 'static> {
  state: Mutex<SlotState<T, D>>,
  convert: fn(T) -> D,
}

impl<T: Clone + Send + 'static, D: ToNapiValue + 'static> ResultSlot<T, D> {
  pub fn new(convert: fn(T) -> D) -> Arc<Self> {
    Arc::new(ResultSlot {
      state: Mutex::new(SlotState::Pending(Vec::new())),
      convert,
    })
  }

  fn settle(d: Deferred<D>, r: std::result::Result<T, EngineError>, convert: fn(T) -> D) {
    d.resolve(Box::new(move |env: Env| match r {
      Ok(v) => Ok(convert(v)),
      Err(e) => Err(js_error(&env, &e)),
    }));
  }

  /// A new promise for the outcome.
  pub fn promise<'e>(&self, env: &'e Env) -> napi::Result<Object<'e>> {
    let (d, promise) = env.create_deferred::<D, Box<dyn FnOnce(Env) -> napi::Result<D> + Send>>()?;
    let mut g = self.state.lock().unwrap_or_else(|e| e.into_inner());
    match &mut *g {
      SlotState::Pending(list) => list.push(d),
      SlotState::Done(r) => Self::settle(d, r.clone(), self.convert),
    }
    Ok(promise)
  }

  /// Stores the outcome and settles every waiting promise (any thread).
  pub fn complete(&self, r: std::result::Result<T, EngineError>) {
    let mut g = self.state.lock().unwrap_or_else(|e| e.into_inner());
    let waiting = match std::mem::replace(&mut *g, SlotState::Done(r.clone())) {
      SlotState::Pending(list) => list,
      SlotState::Done(_) => Vec::new(),
    };
    drop(g);
    for d in waiting {
      Self::settle(d, r.clone(), self.convert);
    }
  }
}

thread_local! {
  static CLEANUP_HOOKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Once per JS thread: cancel and join every run when the environment tears down (worker
/// termination, process exit) so no native thread outlives it.
pub fn ensure_cleanup_hook(env: &Env) {
  CLEANUP_HOOKED.with(|h| {
    if !h.get()
      && env
        .add_env_cleanup_hook((), |_| {
          crate::engine::registry::shutdown(Duration::from_secs(5));
        })
        .is_ok()
    {
      h.set(true);
    }
  });
}
