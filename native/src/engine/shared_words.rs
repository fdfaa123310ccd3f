//! 64-bit values the engine reads where they lie — a JavaScript typed array's own memory, or a
//! vector the engine owns — for the length of a run, without copying them.
//!
//! Why atomic loads: memory lent by JavaScript can be written while workers read it (the API
//! asks callers not to, but nothing stops them, and a SharedArrayBuffer can be written by
//! another JS thread at any time). In Rust, a plain read racing with a write is undefined
//! behaviour even through a raw pointer (`read_volatile` included: volatile says nothing about
//! concurrency), and a `&[f64]` over such memory is unsound from the moment it exists. Every
//! element is therefore read with `AtomicU64::load(Relaxed)`: `AtomicU64` sits in an
//! `UnsafeCell`, so a `&[AtomicU64]` may alias memory others write, and each load returns either
//! the old or the new 64 bits of an element, never a torn or undefined value. On x86-64 (and
//! aarch64) such a load is the very same single `mov` a plain read would be — V8's stores of a
//! Float64Array / BigInt64Array element are aligned 8-byte stores, which the hardware performs
//! as one access — so a concurrent write gives a defined result: each element is counted with
//! one of the values it held, and validation applies to the value actually read.

use std::sync::atomic::AtomicU64;

/// A run of 64-bit words (f64 or i64 bit patterns) readable from any thread, kept alive by an
/// owner that is dropped only after the last read (when the run's coordinator is done).
pub struct SharedWords {
  ptr: *const AtomicU64,
  len: usize,
  /// Keeps the memory alive: the engine's own vector, or a handle on the JS array.
  _owner: Box<dyn Send + Sync>,
}

// SAFETY: the memory behind `ptr` stays valid while `_owner` lives (and `_owner` is Send + Sync),
// and it is only ever accessed through atomic loads, so sharing it between threads is sound.
unsafe impl Send for SharedWords {}
unsafe impl Sync for SharedWords {}

impl SharedWords {
  /// Words the engine owns (numbers read from a plain Array, tests).
  pub fn from_f64(values: Vec<f64>) -> SharedWords {
    Self::owned(values.into_iter().map(|x| AtomicU64::new(x.to_bits())).collect())
  }

  /// 64-bit integers the engine owns.
  pub fn from_i64(values: Vec<i64>) -> SharedWords {
    Self::owned(values.into_iter().map(|x| AtomicU64::new(x as u64)).collect())
  }

  fn owned(words: Vec<AtomicU64>) -> SharedWords {
    // the vector's heap buffer does not move when the Vec itself is boxed
    SharedWords {
      ptr: words.as_ptr(),
      len: words.len(),
      _owner: Box::new(words),
    }
  }

  /// Words lent by someone else: `len` 8-byte elements at `data`, valid for as long as `owner`
  /// lives. None when `data` is not 8-byte aligned (the caller copies instead).
  ///
  /// # Safety
  /// `data` must point to `len` × 8 readable bytes that stay allocated until `owner` is dropped
  /// (they may be written meanwhile: see the module documentation). `data` may be null when
  /// `len` is 0.
  pub unsafe fn lent(data: *const u8, len: usize, owner: Box<dyn Send + Sync>) -> Option<SharedWords> {
    if len == 0 {
      return Some(Self::owned(Vec::new()));
    }
    if data.is_null() || !(data as usize).is_multiple_of(std::mem::align_of::<AtomicU64>()) {
      return None;
    }
    Some(SharedWords {
      ptr: data.cast(),
      len,
      _owner: owner,
    })
  }

  pub fn len(&self) -> usize {
    self.len
  }

  pub fn is_empty(&self) -> bool {
    self.len == 0
  }

  /// The words, to be read with atomic loads only.
  pub fn atoms(&self) -> &[AtomicU64] {
    if self.len == 0 {
      return &[];
    }
    // SAFETY: non-null, aligned, `len` elements kept alive by `_owner` for the life of `self`;
    // `AtomicU64` has interior mutability, so concurrent writes by others do not break `&`.
    unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
  }
}

impl std::fmt::Debug for SharedWords {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    write!(f, "SharedWords({} words)", self.len)
  }
}
