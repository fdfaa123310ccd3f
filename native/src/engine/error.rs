//! The engine's one error type. Every failure the addon reports has a stable string code (the
//! `E_*` names are part of the API) and a message written for the person who typed the input.

use std::fmt;

/// Stable error codes. The strings returned by [`Code::as_str`] are part of the public API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
  /// No values were given.
  Empty,
  /// A value is not a number (a string, an object, `NaN`).
  NotANumber,
  /// A value is `Infinity` or `-Infinity`.
  NotFinite,
  /// A value's magnitude is beyond what the engine accepts.
  TooLarge,
  /// More values than `maxValues`.
  TooMany,
  /// The largest (shifted) value times the unit exceeds `maxDurationMs`.
  DurationCap,
  /// `unitMs` is not a positive finite number (or is negative for parallel sum).
  BadUnit,
  /// `mode` is not one of the known timing modes.
  BadMode,
  /// `threads` is not an integer in 1..=64.
  BadThreads,
  /// Another option is out of range (`maxValues`, `maxDurationMs`, `progressEvery`).
  BadOption,
  /// `mode: 'realtime'` was asked for but SCHED_FIFO is not permitted.
  RealtimeDenied,
  /// Another realtime run is active in this process (one at a time), or the run asks for more
  /// realtime threads than the realtime cap.
  RealtimeLimit,
  /// The run would take this process past its thread budget (see `engine::budget`).
  ThreadBudget,
  /// An exact integer sum overflowed i128.
  Overflow,
  /// The operating system refused a resource (thread creation, ...).
  Resource,
  /// `values` is neither an Array nor a supported typed array.
  BadInput,
  /// A bug: a panic or a broken invariant inside the engine.
  Internal,
}

impl Code {
  /// The stable string code, e.g. `"E_NOT_A_NUMBER"`.
  pub fn as_str(self) -> &'static str {
    match self {
      Code::Empty => "E_EMPTY",
      Code::NotANumber => "E_NOT_A_NUMBER",
      Code::NotFinite => "E_NOT_FINITE",
      Code::TooLarge => "E_TOO_LARGE",
      Code::TooMany => "E_TOO_MANY",
      Code::DurationCap => "E_DURATION_CAP",
      Code::BadUnit => "E_BAD_UNIT",
      Code::BadMode => "E_BAD_MODE",
      Code::BadThreads => "E_BAD_THREADS",
      Code::BadOption => "E_BAD_OPTION",
      Code::RealtimeDenied => "E_REALTIME_DENIED",
      Code::RealtimeLimit => "E_REALTIME_LIMIT",
      Code::ThreadBudget => "E_THREAD_BUDGET",
      Code::Overflow => "E_OVERFLOW",
      Code::Resource => "E_RESOURCE",
      Code::BadInput => "E_BAD_INPUT",
      Code::Internal => "E_INTERNAL",
    }
  }
}

/// An engine error: a code, a message naming the bad value, and the index of the offending
/// value when a single value is at fault.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
  pub code: Code,
  pub message: String,
  pub position: Option<usize>,
}

impl Error {
  pub fn new(code: Code, message: impl Into<String>) -> Self {
    Error {
      code,
      message: message.into(),
      position: None,
    }
  }

  pub fn at(code: Code, position: usize, message: impl Into<String>) -> Self {
    Error {
      code,
      message: message.into(),
      position: Some(position),
    }
  }

  pub fn internal(message: impl Into<String>) -> Self {
    Error::new(Code::Internal, message)
  }

  /// Turns a caught panic payload into an `E_INTERNAL` error.
  pub fn from_panic(payload: Box<dyn std::any::Any + Send>, context: &str) -> Self {
    let what = if let Some(s) = payload.downcast_ref::<&str>() {
      (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
      s.clone()
    } else {
      "unknown panic".to_string()
    };
    Error::internal(format!("internal error in {context}: {what}"))
  }

  pub fn code_str(&self) -> &'static str {
    self.code.as_str()
  }
}

impl fmt::Display for Error {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(f, "{}: {}", self.code.as_str(), self.message)
  }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// Describes a number for an error message: `1e400` parses to Infinity, so say what we got.
pub fn describe(v: f64) -> String {
  if v.is_nan() {
    "NaN".into()
  } else if v == f64::INFINITY {
    "Infinity".into()
  } else if v == f64::NEG_INFINITY {
    "-Infinity".into()
  } else {
    format!("{v}")
  }
}
