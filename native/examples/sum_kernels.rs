//! Times the parallel-sum kernels without Node: `cargo run --release --example sum_kernels`.
use threadlab_native::engine::parallel_sum::{self, SumOptions, SumValues};
use threadlab_native::engine::registry::{self, RunCtl};

fn main() {
  let n = 10_000_000;
  let mut s = 1u64;
  let mut next = || {
    s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (s >> 11) as f64 / (1u64 << 53) as f64
  };
  let decs: Vec<f64> = (0..n).map(|_| next() * 1000.0 - 500.0).collect();
  let ints: Vec<f64> = (0..n).map(|_| (next() * 2f64.powi(40)).floor()).collect();
  for (name, data) in [("decimals", decs), ("integers", ints)] {
    for _ in 0..3 {
      let o1 = SumOptions {
        threads: 1,
        max_values: n,
        record_events: false,
        ..Default::default()
      };
      let p = parallel_sum::prepare(SumValues::f64s(data.clone()), &o1).unwrap();
      let t0 = std::time::Instant::now();
      let seq = parallel_sum::sequential_sum(&p).unwrap();
      let seq_ms = t0.elapsed().as_secs_f64() * 1e3;
      let mut line = format!("{name}: sequential {seq_ms:.1} ms");
      for threads in [1, 2] {
        let o = SumOptions { threads, ..o1.clone() };
        let p = parallel_sum::prepare(SumValues::f64s(data.clone()), &o).unwrap();
        let ctl = RunCtl::new(registry::next_run_id());
        let r = parallel_sum::run(ctl.id, &p, &o, &ctl, None).unwrap();
        assert_eq!(r.sum.text(), seq.text());
        line += &format!(", {threads} thread(s) {:.1} ms", r.wall_ms);
      }
      println!("{line}");
    }
  }
}
