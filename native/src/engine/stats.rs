//! Statistics of a run's output and timings.

/// p50 / p99 / max of a set of durations (ns).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Percentiles {
  pub p50: f64,
  pub p99: f64,
  pub max: f64,
}

/// Nearest-rank percentiles; all zero for an empty set.
pub fn percentiles(values: &[i64]) -> Percentiles {
  if values.is_empty() {
    return Percentiles::default();
  }
  let mut v = values.to_vec();
  v.sort_unstable();
  Percentiles {
    p50: rank(&v, 50.0) as f64,
    p99: rank(&v, 99.0) as f64,
    max: *v.last().unwrap() as f64,
  }
}

/// Nearest-rank percentile of sorted data: the smallest value with at least p% of the data at or below it.
pub fn rank(sorted: &[i64], p: f64) -> i64 {
  let n = sorted.len();
  let k = ((p / 100.0) * n as f64).ceil() as usize;
  sorted[k.clamp(1, n) - 1]
}

/// Positions where `output` differs from `reference_sorted` (compared over the output's length).
pub fn misplaced(output: &[f64], reference_sorted: &[f64]) -> usize {
  output.iter().zip(reference_sorted).filter(|(a, b)| a != b).count()
}

/// Input sorted ascending (total order; the engine has rejected NaN already).
pub fn sorted_copy(values: &[f64]) -> Vec<f64> {
  let mut v = values.to_vec();
  v.sort_by(|a, b| a.total_cmp(b));
  v
}

/// Pairs i < j with v[i] > v[j], counted in O(n log n) by merge sort.
pub fn inversions(values: &[f64]) -> u64 {
  let mut a = values.to_vec();
  let mut buf = vec![0.0; a.len()];
  sort_count(&mut a, &mut buf)
}

fn sort_count(a: &mut [f64], buf: &mut [f64]) -> u64 {
  let n = a.len();
  if n < 2 {
    return 0;
  }
  let mid = n / 2;
  let mut inv = {
    let (l, r) = a.split_at_mut(mid);
    let (bl, br) = buf.split_at_mut(mid);
    sort_count(l, bl) + sort_count(r, br)
  };
  let (mut i, mut j, mut k) = (0, mid, 0);
  while i < mid && j < n {
    if a[j] < a[i] {
      // a[j] is smaller than every remaining element of the left half
      inv += (mid - i) as u64;
      buf[k] = a[j];
      j += 1;
    } else {
      buf[k] = a[i];
      i += 1;
    }
    k += 1;
  }
  buf[k..k + (mid - i)].copy_from_slice(&a[i..mid]);
  k += mid - i;
  buf[k..k + (n - j)].copy_from_slice(&a[j..n]);
  a.copy_from_slice(&buf[..n]);
  inv
}

/// O(n²) reference for tests.
pub fn inversions_naive(values: &[f64]) -> u64 {
  let mut c = 0;
  for i in 0..values.len() {
    for j in i + 1..values.len() {
      if values[i] > values[j] {
        c += 1;
      }
    }
  }
  c
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn percentiles_nearest_rank() {
    let v: Vec<i64> = (1..=100).collect();
    let p = percentiles(&v);
    assert_eq!(
      p,
      Percentiles {
        p50: 50.0,
        p99: 99.0,
        max: 100.0
      }
    );
    assert_eq!(percentiles(&[]), Percentiles::default());
    assert_eq!(
      percentiles(&[7]),
      Percentiles {
        p50: 7.0,
        p99: 7.0,
        max: 7.0
      }
    );
    assert_eq!(percentiles(&[3, 1, 2]).p50, 2.0);
  }

  #[test]
  fn inversions_small() {
    assert_eq!(inversions(&[]), 0);
    assert_eq!(inversions(&[1.0]), 0);
    assert_eq!(inversions(&[2.0, 1.0]), 1);
    assert_eq!(inversions(&[3.0, 2.0, 1.0]), 3);
    assert_eq!(inversions(&[1.0, 1.0, 1.0]), 0);
    assert_eq!(
      inversions(&[5.0, 1.0, 2.0, 6.0, 8.0, 2.0, 4.0, 2.0, 3.0, 8.0, 0.0, 2.0]),
      inversions_naive(&[5.0, 1.0, 2.0, 6.0, 8.0, 2.0, 4.0, 2.0, 3.0, 8.0, 0.0, 2.0])
    );
  }

  #[test]
  fn misplaced_counts_positions() {
    let s = [1.0, 2.0, 3.0];
    assert_eq!(misplaced(&[1.0, 2.0, 3.0], &s), 0);
    assert_eq!(misplaced(&[2.0, 1.0, 3.0], &s), 2);
    assert_eq!(misplaced(&[3.0, 1.0, 2.0], &s), 3);
    assert_eq!(misplaced(&[1.0], &s), 0);
  }

  #[test]
  fn percentiles_of_few_values_round_the_rank_up() {
    // nearest rank: p50 of 2 is the 1st value, p99 of 2 the 2nd; of 4, p50 is the 2nd
    assert_eq!(rank(&[10, 20], 50.0), 10);
    assert_eq!(rank(&[10, 20], 99.0), 20);
    assert_eq!(rank(&[10, 20, 30, 40], 50.0), 20);
    assert_eq!(rank(&[10, 20, 30, 40], 51.0), 30);
    assert_eq!(rank(&[10, 20, 30, 40], 0.0), 10);
    assert_eq!(rank(&[10, 20, 30, 40], 100.0), 40);
    assert_eq!(
      percentiles(&[40, 10, 30, 20]),
      Percentiles {
        p50: 20.0,
        p99: 40.0,
        max: 40.0
      }
    );
  }

  #[test]
  fn sorted_copy_is_the_input_in_ascending_order() {
    assert_eq!(sorted_copy(&[3.0, -1.0, 2.0, -1.0]), vec![-1.0, -1.0, 2.0, 3.0]);
    assert_eq!(sorted_copy(&[]), Vec::<f64>::new());
    let zeros = sorted_copy(&[0.0, -0.0]);
    assert!(zeros[0].is_sign_negative() && zeros[1].is_sign_positive());
  }

  mod prop {
    use super::super::*;
    use proptest::prelude::*;

    proptest! {
      #[test]
      fn inversions_match_naive(v in proptest::collection::vec(-50i32..50, 0..200)) {
        let f: Vec<f64> = v.iter().map(|&x| x as f64).collect();
        prop_assert_eq!(inversions(&f), inversions_naive(&f));
      }

      #[test]
      fn sorted_has_no_inversions(v in proptest::collection::vec(-1e6f64..1e6, 0..300)) {
        let s = sorted_copy(&v);
        prop_assert_eq!(s.len(), v.len());
        prop_assert_eq!(inversions(&s), 0);
        let mut by_hand = v.clone();
        by_hand.sort_by(|a, b| a.partial_cmp(b).unwrap());
        prop_assert_eq!(s, by_hand);
      }
    }
  }
}
