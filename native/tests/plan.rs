//! Sleep-sort validation without threads: what `plan` accepts at each limit, the error code and
//! position a bad input gets, and how long each value will sleep. Every limit is checked on both
//! sides, so a request exactly at a cap is accepted and one just past it is refused.

use threadlab_native::engine::error::Code;
use threadlab_native::engine::sleep_sort::{
  self, check_count, check_options, check_value, Plan, SortOptions, MAX_ABS_VALUE, MAX_VALUES_CEILING,
};

fn unit(unit_ms: f64) -> SortOptions {
  SortOptions {
    unit_ms,
    ..Default::default()
  }
}

fn plan(values: &[f64], o: &SortOptions) -> Plan {
  sleep_sort::plan(values, o).unwrap_or_else(|e| panic!("{values:?} refused: {e:?}"))
}

/// (code, position) of the refusal.
fn refusal(values: &[f64], o: &SortOptions) -> (Code, Option<usize>) {
  let e = sleep_sort::plan(values, o).expect_err("expected a refusal");
  (e.code, e.position)
}

#[test]
fn sleeps_are_value_plus_shift_times_the_unit_in_ns() {
  let p = plan(&[1.5, 0.0, 3.0], &unit(2.0));
  assert_eq!(p.sleeps_ns, vec![3_000_000, 0, 6_000_000]);
  // no negative value: no shift, and not a -0 one (a saved run would write "shift":-0)
  assert!(p.shift == 0.0 && p.shift.is_sign_positive(), "shift {:?}", p.shift);
  let p = plan(&[-2.0, 1.0, -0.5], &unit(0.001));
  assert_eq!(p.shift, 2.0);
  assert_eq!(p.sleeps_ns, vec![0, 3_000, 1_500]);
}

#[test]
fn a_run_exactly_at_the_duration_cap_is_accepted_and_just_over_is_refused() {
  // default cap 60 000 ms
  plan(&[60_000.0], &unit(1.0));
  plan(&[30_000.0, 1.0], &unit(2.0));
  plan(&[59_999.5], &unit(1.0));
  assert_eq!(refusal(&[60_000.5], &unit(1.0)), (Code::DurationCap, Some(0)));
  assert_eq!(refusal(&[1.0, 30_001.0], &unit(2.0)), (Code::DurationCap, Some(1)));
  // the cap is on value × unit, not value + unit or value / unit
  assert_eq!(refusal(&[40_000.0], &unit(2.0)), (Code::DurationCap, Some(0)));
  plan(&[600.0], &unit(100.0));
  assert_eq!(refusal(&[601.0], &unit(100.0)), (Code::DurationCap, Some(0)));
  let tight = SortOptions {
    max_duration_ms: 10.0,
    ..unit(1.0)
  };
  plan(&[10.0], &tight);
  assert_eq!(refusal(&[10.5], &tight), (Code::DurationCap, Some(0)));
}

#[test]
fn the_shift_of_negative_values_counts_toward_the_duration() {
  // -10 000 … 50 000 spans 60 000 units: at the cap
  let p = plan(&[-10_000.0, 50_000.0], &unit(1.0));
  assert_eq!(p.shift, 10_000.0);
  let e = sleep_sort::plan(&[-10_000.0, 50_001.0], &unit(1.0)).unwrap_err();
  assert_eq!((e.code, e.position), (Code::DurationCap, Some(1)));
  assert!(e.message.contains("shifted by 10000"), "{}", e.message);
  let e = sleep_sort::plan(&[70_000.0], &unit(1.0)).unwrap_err();
  assert!(!e.message.contains("shifted"), "{}", e.message);
}

#[test]
fn the_duration_error_points_at_the_first_occurrence_of_the_largest_value() {
  assert_eq!(
    refusal(&[1.0, 70_000.0, 70_000.0], &unit(1.0)),
    (Code::DurationCap, Some(1))
  );
  assert_eq!(
    refusal(&[80_000.0, 3.0, 80_000.0], &unit(1.0)),
    (Code::DurationCap, Some(0))
  );
  assert_eq!(
    refusal(&[-5.0, -1.0, 70_000.0], &unit(1.0)),
    (Code::DurationCap, Some(2))
  );
}

#[test]
fn a_value_of_magnitude_exactly_1e15_is_accepted() {
  assert!(check_value(0, MAX_ABS_VALUE).is_ok());
  assert!(check_value(0, -MAX_ABS_VALUE).is_ok());
  let next = f64::from_bits(MAX_ABS_VALUE.to_bits() + 1);
  let e = check_value(4, next).unwrap_err();
  assert_eq!((e.code, e.position), (Code::TooLarge, Some(4)));
  let e = check_value(2, -next).unwrap_err();
  assert_eq!((e.code, e.position), (Code::TooLarge, Some(2)));
  // a huge value fails on its magnitude before the duration is even computed
  let tiny_unit = SortOptions {
    max_duration_ms: f64::MAX,
    ..unit(1e-300)
  };
  plan(&[MAX_ABS_VALUE, -MAX_ABS_VALUE], &tiny_unit);
  assert_eq!(refusal(&[0.0, 2e15], &tiny_unit), (Code::TooLarge, Some(1)));
}

#[test]
fn each_bad_value_gets_its_own_code_at_its_position() {
  let o = unit(1.0);
  assert_eq!(refusal(&[1.0, 2.0, f64::NAN], &o), (Code::NotANumber, Some(2)));
  assert_eq!(refusal(&[f64::INFINITY, f64::NAN], &o), (Code::NotFinite, Some(0)));
  assert_eq!(refusal(&[0.0, f64::NEG_INFINITY], &o), (Code::NotFinite, Some(1)));
  assert!(check_value(0, 0.0).is_ok());
  assert!(check_value(0, -0.0).is_ok());
}

#[test]
fn exactly_max_values_is_accepted_and_one_more_is_refused_at_the_first_one_over() {
  assert!(check_count(3, 3).is_ok());
  assert!(check_count(1, 1).is_ok());
  let e = check_count(4, 3).unwrap_err();
  assert_eq!((e.code, e.position), (Code::TooMany, Some(3)));
  assert_eq!(check_count(0, 3).unwrap_err().code, Code::Empty);
  let o = SortOptions {
    max_values: 2,
    ..unit(1.0)
  };
  plan(&[1.0, 2.0], &o);
  assert_eq!(refusal(&[1.0, 2.0, 3.0], &o), (Code::TooMany, Some(2)));
  // the count is checked before any value
  assert_eq!(refusal(&[f64::NAN, 1.0, 2.0], &o), (Code::TooMany, Some(2)));
}

#[test]
fn options_are_checked_at_their_bounds() {
  let ok = |o: SortOptions| check_options(&o).is_ok();
  let code = |o: SortOptions| check_options(&o).unwrap_err().code;
  assert!(ok(unit(1e-9)));
  for bad in [0.0, -0.0, -1.0, f64::NAN, f64::INFINITY] {
    assert_eq!(code(unit(bad)), Code::BadUnit, "unitMs {bad}");
  }
  let values = |max_values| SortOptions {
    max_values,
    ..Default::default()
  };
  assert!(ok(values(1)));
  assert!(ok(values(MAX_VALUES_CEILING)));
  assert_eq!(code(values(0)), Code::BadOption);
  assert_eq!(code(values(MAX_VALUES_CEILING + 1)), Code::BadOption);
  let cap = |max_duration_ms| SortOptions {
    max_duration_ms,
    ..Default::default()
  };
  assert!(ok(cap(1e-9)));
  assert!(ok(cap(f64::MAX)));
  for bad in [0.0, -5.0, f64::NAN, f64::INFINITY] {
    assert_eq!(code(cap(bad)), Code::BadOption, "maxDurationMs {bad}");
  }
  // options are checked first: a bad unit is reported even for an empty list
  assert_eq!(refusal(&[], &unit(0.0)), (Code::BadUnit, None));
}
