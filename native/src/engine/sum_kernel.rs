//! The one pass a parallel-sum worker makes over its chunk: it validates every value (finite),
//! classifies the chunk (all integral within ±2^53, or not) and sums it — exactly in integers
//! while the values allow, compensated (Neumaier) from the first value that does not — reading
//! each value once, in place, through an atomic load (see `shared_words`).
//!
//! Values go in blocks of [`BLOCK`]: a branch-free fast path sums a block assuming it is clean,
//! and only when it is not (a value not finite, or the first non-integral value of an integer
//! chunk) is the block summed again one value at a time, which finds the exact position of an
//! error and the exact point where the chunk turns decimal.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use super::error::Result;
use super::parallel_sum::{check_value, MAX_SAFE};

/// Values per fast-path block. Integer blocks are summed in i64: 256 × 2^51 < 2^63.
const BLOCK: usize = 256;
/// Independent compensated sums per chunk, so consecutive additions do not wait on each other.
const LANES: usize = 4;

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

/// Neumaier's compensated summation over [`LANES`] interleaved lanes. Each step's rounding error
/// is computed with Knuth's branch-free TwoSum, which yields exactly the error Neumaier's
/// branch (Fast2Sum on the larger operand) yields, so this is the same algorithm, vectorisable.
#[derive(Clone, Copy, Debug, Default)]
pub struct Compensated {
  sum: [f64; LANES],
  comp: [f64; LANES],
}

impl Compensated {
  /// An integer partial as compensated state: its nearest double plus the (exact) remainder.
  /// Exact for |i| < 2^106, far beyond any sum of up to 10^8 doubles within ±2^53.
  pub fn from_int(i: i128) -> Compensated {
    let hi = i as f64;
    let mut c = Compensated::default();
    c.sum[0] = hi;
    c.comp[0] = (i - hi as i128) as f64;
    c
  }

  /// Adds one value to lane 0.
  #[inline]
  pub fn add(&mut self, x: f64) {
    let (t, e) = two_sum(self.sum[0], x);
    self.sum[0] = t;
    self.comp[0] += e;
  }

  /// The lanes folded into one Neumaier state.
  pub fn fold(&self) -> Neumaier {
    let mut n = Neumaier::default();
    for &s in &self.sum {
      n.add(s);
    }
    for &c in &self.comp {
      n.add(c);
    }
    n
  }

  fn is_finite(&self) -> bool {
    self.sum.iter().chain(&self.comp).all(|x| x.is_finite())
  }
}

#[inline(always)]
fn two_sum(s: f64, x: f64) -> (f64, f64) {
  let t = s + x;
  let b = t - s;
  (t, (s - (t - b)) + (x - b))
}

/// A chunk's running sum: exact while every value so far is an integer within ±2^53.
#[derive(Clone, Copy, Debug)]
pub enum Acc {
  Int(i128),
  Float(Compensated),
}

impl Acc {
  /// The sum as compensated state (an integer partial of a decimal sum, at the fold).
  pub fn to_neumaier(self) -> Neumaier {
    match self {
      Acc::Int(i) => Compensated::from_int(i).fold(),
      Acc::Float(c) => c.fold(),
    }
  }
}

/// True for integers every f64 holds exactly (|x| ≤ 2^53): the values an integer chunk sums.
#[inline]
pub fn is_safe_integer(x: f64) -> bool {
  x.fract() == 0.0 && x.abs() <= MAX_SAFE
}

#[inline(always)]
fn load_f64(a: &AtomicU64) -> f64 {
  f64::from_bits(a.load(Relaxed))
}

/// Adds the doubles of `values` (the first at global position `base`) to `acc`. The first value
/// not finite is an error at its position; the first non-integral value turns the sum decimal.
pub fn add_f64(acc: &mut Acc, values: &[AtomicU64], base: usize) -> Result<()> {
  for (k, block) in values.chunks(BLOCK).enumerate() {
    let fast = match acc {
      Acc::Int(i) => fast::int_block(block).map(|s| Acc::Int(*i + s as i128)),
      Acc::Float(c) => fast::compensated_block(*c, block).map(Acc::Float),
    };
    match fast {
      Some(a) => *acc = a,
      None => add_f64_each(acc, block, base + k * BLOCK)?,
    }
  }
  Ok(())
}

/// [`add_f64`] one value at a time: the authority on positions and on the switch to decimal
/// (it reads the block again, so a value changed meanwhile is judged as it is now).
fn add_f64_each(acc: &mut Acc, values: &[AtomicU64], base: usize) -> Result<()> {
  for (k, a) in values.iter().enumerate() {
    let x = load_f64(a);
    check_value(base + k, x)?;
    match acc {
      Acc::Int(i) if is_safe_integer(x) => *i += x as i128,
      Acc::Int(i) => {
        let mut c = Compensated::from_int(*i);
        c.add(x);
        *acc = Acc::Float(c);
      }
      Acc::Float(c) => c.add(x),
    }
  }
  Ok(())
}

/// Adds 64-bit integers (a BigInt64Array) exactly. No overflow: at most 10^8 values of |x| ≤ 2^63.
pub fn add_i64(acc: &mut i128, values: &[AtomicU64]) {
  for a in values {
    *acc += a.load(Relaxed) as i64 as i128;
  }
}

/// Fast paths: a block summed on the assumption that it is clean; `None` when it is not.
#[cfg(target_arch = "x86_64")]
mod fast {
  use super::*;
  use std::arch::x86_64::*;

  /// 1.5 × 2^52: adding it to |x| < 2^51 rounds x to an integer held in the low mantissa bits.
  const MAGIC: f64 = 6_755_399_441_055_744.0;
  /// 2^51: the range of the magic-number conversion (larger integers take the exact path).
  const MAGIC_RANGE: f64 = 2_251_799_813_685_248.0;

  /// Two consecutive values as one SSE2 vector (two atomic loads; SSE2 is part of x86-64).
  #[inline(always)]
  fn load2(a: &AtomicU64, b: &AtomicU64) -> __m128d {
    let (lo, hi) = (a.load(Relaxed) as i64, b.load(Relaxed) as i64);
    unsafe { _mm_castsi128_pd(_mm_set_epi64x(hi, lo)) }
  }

  /// Sum of a block of integral doubles, all |x| < 2^51 (else None: NaN, ±∞ and non-integral
  /// values fail the round trip or the range test).
  pub fn int_block(values: &[AtomicU64]) -> Option<i64> {
    let quads = values.chunks_exact(4);
    let rest = quads.remainder();
    // SAFETY (all intrinsics below): SSE2 is always present on x86-64; no memory is touched.
    let (sum, ok) = unsafe {
      let magic = _mm_set1_pd(MAGIC);
      let range = _mm_set1_pd(MAGIC_RANGE);
      let abs = _mm_castsi128_pd(_mm_set1_epi64x(i64::MAX));
      let mut ok = _mm_castsi128_pd(_mm_set1_epi64x(-1));
      let (mut acc0, mut acc1) = (_mm_setzero_si128(), _mm_setzero_si128());
      for q in quads {
        let (x0, x1) = (load2(&q[0], &q[1]), load2(&q[2], &q[3]));
        let (u0, u1) = (_mm_add_pd(x0, magic), _mm_add_pd(x1, magic));
        let whole0 = _mm_cmpeq_pd(_mm_sub_pd(u0, magic), x0);
        let whole1 = _mm_cmpeq_pd(_mm_sub_pd(u1, magic), x1);
        let in0 = _mm_cmplt_pd(_mm_and_pd(x0, abs), range);
        let in1 = _mm_cmplt_pd(_mm_and_pd(x1, abs), range);
        ok = _mm_and_pd(ok, _mm_and_pd(_mm_and_pd(whole0, in0), _mm_and_pd(whole1, in1)));
        // the bits of x + 1.5·2^52 are those of 1.5·2^52 plus x: subtract them once at the end
        acc0 = _mm_add_epi64(acc0, _mm_castpd_si128(u0));
        acc1 = _mm_add_epi64(acc1, _mm_castpd_si128(u1));
      }
      let mut lanes = [0i64; 4];
      _mm_storeu_si128(lanes.as_mut_ptr().cast(), acc0);
      _mm_storeu_si128(lanes.as_mut_ptr().add(2).cast(), acc1);
      (lanes, _mm_movemask_pd(ok) == 3)
    };
    if !ok {
      return None;
    }
    let n = (values.len() - rest.len()) as i64;
    let mut s = sum
      .iter()
      .fold(0i64, |a, &b| a.wrapping_add(b))
      .wrapping_sub(n.wrapping_mul(MAGIC.to_bits() as i64));
    for a in rest {
      let x = load_f64(a);
      if !(x.abs() < MAGIC_RANGE && x.fract() == 0.0) {
        return None;
      }
      s += x as i64;
    }
    Some(s)
  }

  /// `c` plus a block of doubles, or None when the result is not finite (a value was NaN or
  /// ±∞ — non-finite values are absorbing under addition — or the sum overflowed).
  pub fn compensated_block(c: Compensated, values: &[AtomicU64]) -> Option<Compensated> {
    let quads = values.chunks_exact(4);
    let rest = quads.remainder();
    let mut out = Compensated::default();
    // SAFETY: SSE2 is always present on x86-64; loads and stores are of local arrays.
    unsafe {
      let (mut s0, mut s1) = (_mm_loadu_pd(c.sum.as_ptr()), _mm_loadu_pd(c.sum.as_ptr().add(2)));
      let (mut c0, mut c1) = (_mm_loadu_pd(c.comp.as_ptr()), _mm_loadu_pd(c.comp.as_ptr().add(2)));
      for q in quads {
        let (x0, x1) = (load2(&q[0], &q[1]), load2(&q[2], &q[3]));
        let (t0, t1) = (_mm_add_pd(s0, x0), _mm_add_pd(s1, x1));
        let (b0, b1) = (_mm_sub_pd(t0, s0), _mm_sub_pd(t1, s1));
        let e0 = _mm_add_pd(_mm_sub_pd(s0, _mm_sub_pd(t0, b0)), _mm_sub_pd(x0, b0));
        let e1 = _mm_add_pd(_mm_sub_pd(s1, _mm_sub_pd(t1, b1)), _mm_sub_pd(x1, b1));
        (c0, c1) = (_mm_add_pd(c0, e0), _mm_add_pd(c1, e1));
        (s0, s1) = (t0, t1);
      }
      _mm_storeu_pd(out.sum.as_mut_ptr(), s0);
      _mm_storeu_pd(out.sum.as_mut_ptr().add(2), s1);
      _mm_storeu_pd(out.comp.as_mut_ptr(), c0);
      _mm_storeu_pd(out.comp.as_mut_ptr().add(2), c1);
    }
    for a in rest {
      out.add(load_f64(a));
    }
    out.is_finite().then_some(out)
  }
}

/// Elsewhere every block takes the exact path (correct, not tuned).
#[cfg(not(target_arch = "x86_64"))]
mod fast {
  use super::*;

  pub fn int_block(_: &[AtomicU64]) -> Option<i64> {
    None
  }

  pub fn compensated_block(_: Compensated, _: &[AtomicU64]) -> Option<Compensated> {
    None
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn words(v: &[f64]) -> Vec<AtomicU64> {
    v.iter().map(|x| AtomicU64::new(x.to_bits())).collect()
  }

  fn sum(v: &[f64]) -> Result<Acc> {
    let mut acc = Acc::Int(0);
    add_f64(&mut acc, &words(v), 0)?;
    Ok(acc)
  }

  #[test]
  fn integers_stay_exact_on_both_paths() {
    // below 2^51 (fast path), between 2^51 and 2^53 (exact path), negative zero
    let v: Vec<f64> = (0..1000).map(|i| (i as f64 - 500.0) * 3.0e12).collect();
    let Acc::Int(i) = sum(&v).unwrap() else {
      panic!("not integer")
    };
    assert_eq!(i, v.iter().map(|&x| x as i128).sum::<i128>());
    let big = [MAX_SAFE, MAX_SAFE, -MAX_SAFE + 1.0, 3.0, -0.0];
    let Acc::Int(i) = sum(&big).unwrap() else {
      panic!("not integer")
    };
    assert_eq!(i, (1i128 << 53) + 4);
  }

  #[test]
  fn the_first_non_integral_value_turns_the_sum_decimal_exactly() {
    let mut v = vec![1.0; 1000];
    v[700] = 0.5;
    match sum(&v).unwrap() {
      Acc::Float(c) => assert_eq!(c.fold().value(), 999.5),
      Acc::Int(_) => panic!("still integer"),
    }
    // a value just past 2^53 is decimal too, and a tiny negative one is not the integer -1
    assert!(matches!(sum(&[MAX_SAFE + 2.0]).unwrap(), Acc::Float(_)));
    assert_eq!(
      sum(&[-1.0 - 2f64.powi(-40); 8]).unwrap().to_neumaier().value(),
      8.0 * (-1.0 - 2f64.powi(-40))
    );
  }

  #[test]
  fn errors_name_their_global_position() {
    for (i, bad) in [
      (0usize, f64::NAN),
      (257, f64::INFINITY),
      (999, f64::NEG_INFINITY),
      (600, f64::NAN),
    ] {
      for decimal in [false, true] {
        let mut v = vec![if decimal { 0.25 } else { 2.0 }; 1000];
        v[i] = bad;
        let mut acc = Acc::Int(0);
        let e = add_f64(&mut acc, &words(&v), 5_000).unwrap_err();
        assert_eq!(e.position, Some(5_000 + i), "{bad} at {i}");
        assert_eq!(
          e.code.as_str(),
          if bad.is_nan() { "E_NOT_A_NUMBER" } else { "E_NOT_FINITE" }
        );
      }
    }
  }

  #[test]
  fn compensated_lanes_cancel_like_neumaier() {
    let v = [1e100, 1.0, -1e100, 1.0, 3.0, 1e-30, -3.0, 7.0, 1e100, -1e100];
    assert_eq!(sum(&v).unwrap().to_neumaier().value(), 9.0 + 1e-30);
    let tenths = sum(&[0.1; 1000]).unwrap().to_neumaier().value();
    assert_eq!(tenths, 100.0);
  }

  #[test]
  fn an_overflowing_sum_of_finite_values_is_not_an_error() {
    let v = [f64::MAX, f64::MAX, 1.0, 2.0, 3.0];
    let r = sum(&v);
    assert!(r.is_ok(), "{r:?}");
  }
}
