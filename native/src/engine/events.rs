//! Event recording and batching.
//!
//! Workers write events into their own logs without locks (sleep sort: a fixed array of
//! [`WORKER_EVENTS`] slots per worker, published by an atomic count; parallel sum: a short vector
//! per chunk behind an uncontended mutex). A collector thread drains the logs every
//! [`BATCH_INTERVAL`], packs the events into the wire format of `src/shared/events.ts`
//!
//! ```text
//! [BATCH_FORMAT, runId, seq, count, kind, worker, tNs, arg, kind, worker, tNs, arg, ...]
//! ```
//!
//! and hands each batch to an [`EventSink`] — the napi layer implements it with one
//! ThreadsafeFunction call per batch.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::timing;

pub const BATCH_FORMAT: f64 = 1.0;
pub const BATCH_HEADER: usize = 4;
pub const EVENT_WIDTH: usize = 4;
/// Most events in one batch.
pub const MAX_BATCH_EVENTS: usize = 4096;
/// How often the collector drains the logs.
pub const BATCH_INTERVAL: Duration = Duration::from_millis(8);

/// Event kinds; the numbers are the wire format's (`EventKind` in src/shared/events.ts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Kind {
  Spawned = 0,
  SleepStart = 1,
  Woke = 2,
  LockWait = 3,
  LockAcquired = 4,
  Pushed = 5,
  LockReleased = 6,
  Exited = 7,
  Cancelled = 8,
  ChunkStart = 9,
  ChunkProgress = 10,
  ChunkDone = 11,
  Combined = 12,
}

impl Kind {
  pub fn from_u8(k: u8) -> Option<Kind> {
    use Kind::*;
    Some(match k {
      0 => Spawned,
      1 => SleepStart,
      2 => Woke,
      3 => LockWait,
      4 => LockAcquired,
      5 => Pushed,
      6 => LockReleased,
      7 => Exited,
      8 => Cancelled,
      9 => ChunkStart,
      10 => ChunkProgress,
      11 => ChunkDone,
      12 => Combined,
      _ => return None,
    })
  }
}

/// One recorded event. `t` is absolute CLOCK_MONOTONIC ns; it becomes "ns since the epoch" when packed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event {
  pub kind: Kind,
  pub worker: u32,
  pub t: i64,
  pub arg: f64,
}

/// Receives packed batches. Implemented by the napi layer (ThreadsafeFunction) and by tests.
pub trait EventSink: Send {
  /// Delivers one batch. Returns false when the receiver is gone; the collector then stops sending.
  fn deliver(&mut self, batch: Vec<f64>) -> bool;
  /// Called once after the last batch. Should return once the receiver has handled every batch
  /// (so a result announced afterwards is seen after the last batch), within a bounded time.
  fn finish(&mut self) {}
}

/// Collects batches in memory (tests, tools).
#[derive(Default, Clone)]
pub struct VecSink(pub Arc<Mutex<Vec<Vec<f64>>>>);

impl EventSink for VecSink {
  fn deliver(&mut self, batch: Vec<f64>) -> bool {
    self.0.lock().unwrap_or_else(|e| e.into_inner()).push(batch);
    true
  }
}

/// Something the collector can drain events from.
pub trait EventSource: Send + Sync {
  /// Appends every event not yet drained to `out`.
  fn drain(&self, cursor: &mut Vec<u32>, out: &mut Vec<Event>);
}

// ---------------------------------------------------------------------------------------------
// Sleep sort: one fixed log per worker.

/// Events a sleep-sort worker can record: the 8 of a full life, or a prefix + cancelled + exited.
pub const WORKER_EVENTS: usize = 9;

#[derive(Clone, Copy)]
struct Slot {
  kind: u8,
  t: i64,
  arg: f64,
}

/// The log of one sleep-sort worker. Single writer (the worker), many readers: a slot is written
/// before `count` is raised with Release, and readers read `count` with Acquire first.
pub struct WorkerLog {
  count: AtomicU32,
  slots: UnsafeCell<[Slot; WORKER_EVENTS]>,
}

// SAFETY: only the owning worker writes (enforced by `WorkerLogs::writer` handing out one
// `LogWriter` per index to the thread that runs that worker); readers only read slots below the
// published count, which are never written again.
unsafe impl Sync for WorkerLog {}

impl WorkerLog {
  fn new() -> Self {
    WorkerLog {
      count: AtomicU32::new(0),
      slots: UnsafeCell::new(
        [Slot {
          kind: 0,
          t: 0,
          arg: 0.0,
        }; WORKER_EVENTS],
      ),
    }
  }

  /// Events published so far.
  pub fn len(&self) -> usize {
    self.count.load(Ordering::Acquire) as usize
  }

  pub fn is_empty(&self) -> bool {
    self.len() == 0
  }

  /// The i-th published event (kind, absolute t, arg).
  pub fn get(&self, i: usize) -> Option<(Kind, i64, f64)> {
    if i >= self.len() {
      return None;
    }
    // SAFETY: slot i < count was fully written before count was published and is immutable now.
    let s = unsafe { (*self.slots.get())[i] };
    Some((Kind::from_u8(s.kind)?, s.t, s.arg))
  }

  /// First event of `kind`, if recorded.
  pub fn find(&self, kind: Kind) -> Option<(i64, f64)> {
    (0..self.len())
      .filter_map(|i| self.get(i))
      .find(|e| e.0 == kind)
      .map(|e| (e.1, e.2))
  }
}

/// The writing end of one worker's log; `Send` but not `Clone`, so exactly one thread writes.
pub struct LogWriter {
  logs: Arc<WorkerLogs>,
  index: usize,
}

impl LogWriter {
  /// Records an event at time `t` (absolute ns). ~10 ns: two plain stores and one release store.
  #[inline]
  pub fn record(&self, kind: Kind, t: i64, arg: f64) {
    let log = &self.logs.logs[self.index];
    let c = log.count.load(Ordering::Relaxed) as usize;
    if c < WORKER_EVENTS {
      // SAFETY: this writer is the only one for this log, and slot c is not yet published.
      unsafe {
        (*log.slots.get())[c] = Slot {
          kind: kind as u8,
          t,
          arg,
        }
      };
      log.count.store(c as u32 + 1, Ordering::Release);
    }
  }

  pub fn index(&self) -> usize {
    self.index
  }
}

/// All workers' logs of one sleep-sort run.
pub struct WorkerLogs {
  logs: Box<[WorkerLog]>,
  handed_out: Box<[AtomicBool]>,
}

impl WorkerLogs {
  pub fn new(n: usize) -> Arc<Self> {
    Arc::new(WorkerLogs {
      logs: (0..n).map(|_| WorkerLog::new()).collect(),
      handed_out: (0..n).map(|_| AtomicBool::new(false)).collect(),
    })
  }

  /// The writer of log `i`; None if it was already handed out.
  pub fn writer(self: &Arc<Self>, i: usize) -> Option<LogWriter> {
    if i >= self.logs.len() || self.handed_out[i].swap(true, Ordering::AcqRel) {
      return None;
    }
    Some(LogWriter {
      logs: Arc::clone(self),
      index: i,
    })
  }

  pub fn len(&self) -> usize {
    self.logs.len()
  }

  pub fn is_empty(&self) -> bool {
    self.logs.is_empty()
  }

  pub fn log(&self, i: usize) -> &WorkerLog {
    &self.logs[i]
  }

  /// Every event of worker i, in order.
  pub fn events_of(&self, i: usize) -> Vec<Event> {
    let log = &self.logs[i];
    (0..log.len())
      .filter_map(|k| log.get(k))
      .map(|(kind, t, arg)| Event {
        kind,
        worker: i as u32,
        t,
        arg,
      })
      .collect()
  }

  pub fn total_events(&self) -> usize {
    self.logs.iter().map(|l| l.len()).sum()
  }
}

impl EventSource for WorkerLogs {
  fn drain(&self, cursor: &mut Vec<u32>, out: &mut Vec<Event>) {
    if cursor.len() != self.logs.len() {
      cursor.resize(self.logs.len(), 0);
    }
    for (i, log) in self.logs.iter().enumerate() {
      let n = log.len();
      let seen = cursor[i] as usize;
      if n > seen {
        for k in seen..n {
          if let Some((kind, t, arg)) = log.get(k) {
            out.push(Event {
              kind,
              worker: i as u32,
              t,
              arg,
            });
          }
        }
        cursor[i] = n as u32;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Parallel sum: one small vector per chunk (few writers, unbounded progress events).

/// Event logs of a parallel-sum run: one per chunk plus one for the combining thread.
pub struct ChunkLogs {
  logs: Box<[Mutex<Vec<Event>>]>,
}

impl ChunkLogs {
  pub fn new(n: usize) -> Arc<Self> {
    Arc::new(ChunkLogs {
      logs: (0..n).map(|_| Mutex::new(Vec::with_capacity(64))).collect(),
    })
  }

  #[inline]
  pub fn record(&self, log: usize, kind: Kind, worker: u32, t: i64, arg: f64) {
    if let Some(m) = self.logs.get(log) {
      m.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Event { kind, worker, t, arg });
    }
  }
}

impl EventSource for ChunkLogs {
  fn drain(&self, _cursor: &mut Vec<u32>, out: &mut Vec<Event>) {
    for m in self.logs.iter() {
      let mut v = m.lock().unwrap_or_else(|e| e.into_inner());
      out.append(&mut v);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Packing and the collector thread.

/// Packs events into one batch in the wire format, times relative to `epoch`.
pub fn pack(run_id: u32, seq: u64, epoch: i64, events: &[Event]) -> Vec<f64> {
  let mut b = Vec::with_capacity(BATCH_HEADER + events.len() * EVENT_WIDTH);
  b.extend_from_slice(&[BATCH_FORMAT, run_id as f64, seq as f64, events.len() as f64]);
  for e in events {
    b.extend_from_slice(&[e.kind as u8 as f64, e.worker as f64, (e.t - epoch) as f64, e.arg]);
  }
  b
}

/// Batching state shared by the collector thread and the stream benchmark.
pub struct Batcher {
  run_id: u32,
  epoch: i64,
  seq: u64,
  pub events: u64,
  pub batches: u64,
  sink: Box<dyn EventSink>,
  open: bool,
}

impl Batcher {
  pub fn new(run_id: u32, epoch: i64, sink: Box<dyn EventSink>) -> Self {
    Batcher {
      run_id,
      epoch,
      seq: 0,
      events: 0,
      batches: 0,
      sink,
      open: true,
    }
  }

  /// Sends `events` (sorted by time, split into batches of at most MAX_BATCH_EVENTS).
  pub fn send(&mut self, events: &mut Vec<Event>) {
    if events.is_empty() {
      return;
    }
    events.sort_by_key(|e| e.t);
    for chunk in events.chunks(MAX_BATCH_EVENTS) {
      if !self.open {
        break;
      }
      let b = pack(self.run_id, self.seq, self.epoch, chunk);
      self.seq += 1;
      self.events += chunk.len() as u64;
      self.batches += 1;
      self.open = self.sink.deliver(b);
    }
    events.clear();
  }

  /// Sends a pre-packed batch body (rows only); used by the stream benchmark.
  pub fn send_rows(&mut self, rows: &[f64]) -> bool {
    let count = rows.len() / EVENT_WIDTH;
    let mut b = Vec::with_capacity(BATCH_HEADER + rows.len());
    b.extend_from_slice(&[BATCH_FORMAT, self.run_id as f64, self.seq as f64, count as f64]);
    b.extend_from_slice(rows);
    self.seq += 1;
    self.events += count as u64;
    self.batches += 1;
    self.open = self.open && self.sink.deliver(b);
    self.open
  }

  pub fn finish(&mut self) {
    self.sink.finish();
  }
}

/// A running collector thread.
pub struct Collector {
  stop: Arc<AtomicBool>,
  thread: Option<timing::Reaped<u64>>,
}

impl Collector {
  /// Starts a collector draining `source` into `sink` every BATCH_INTERVAL, on `cpus`.
  pub fn spawn(
    run_id: u32,
    epoch: i64,
    source: Arc<dyn EventSource>,
    sink: Box<dyn EventSink>,
    cpus: Vec<usize>,
  ) -> std::io::Result<Collector> {
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = Arc::clone(&stop);
    let thread = timing::Reaped::spawn(
      std::thread::Builder::new()
        .name("tl-collector".into())
        .stack_size(256 * 1024),
      move || {
        let body = std::panic::AssertUnwindSafe(|| {
          if !cpus.is_empty() {
            timing::pin_to(&cpus);
          }
          let mut batcher = Batcher::new(run_id, epoch, sink);
          let mut cursor = Vec::new();
          let mut pending = Vec::with_capacity(MAX_BATCH_EVENTS);
          loop {
            let stopping = stop2.load(Ordering::Acquire);
            source.drain(&mut cursor, &mut pending);
            batcher.send(&mut pending);
            if stopping {
              break;
            }
            std::thread::park_timeout(BATCH_INTERVAL);
          }
          batcher.finish();
          batcher.events
        });
        std::panic::catch_unwind(body).unwrap_or(0)
      },
    )?;
    Ok(Collector {
      stop,
      thread: Some(thread),
    })
  }

  /// Drains what is left, delivers it, waits for the sink to finish; returns events delivered.
  /// The collector thread is gone from the process when this returns.
  pub fn finish(mut self) -> u64 {
    self.stop_and_join()
  }

  fn stop_and_join(&mut self) -> u64 {
    self.stop.store(true, Ordering::Release);
    match self.thread.take() {
      Some(t) => {
        t.thread().unpark();
        t.join().unwrap_or(0)
      }
      None => 0,
    }
  }
}

impl Drop for Collector {
  fn drop(&mut self) {
    self.stop_and_join();
  }
}

/// Pushes `total` synthetic events through batching and `sink` as fast as possible (measures
/// the native→JS stream). Returns (events, batches).
pub fn stream_synthetic(run_id: u32, total: u64, sink: Box<dyn EventSink>) -> (u64, u64) {
  let mut batcher = Batcher::new(run_id, 0, sink);
  let mut rows = Vec::with_capacity(MAX_BATCH_EVENTS * EVENT_WIDTH);
  let mut sent = 0u64;
  let t0 = timing::now_ns();
  while sent < total {
    let n = (total - sent).min(MAX_BATCH_EVENTS as u64);
    rows.clear();
    for i in 0..n {
      let k = (sent + i) % 8;
      rows.extend_from_slice(&[
        k as f64,
        ((sent + i) / 8) as f64,
        (timing::now_ns() - t0) as f64,
        i as f64,
      ]);
    }
    if !batcher.send_rows(&rows) {
      break;
    }
    sent += n;
  }
  batcher.finish();
  (batcher.events, batcher.batches)
}

/// Measures the recorder: ns per `record` call (8 events per worker, as a sleep-sort worker
/// writes them) and ns per event for the collector to drain the logs and pack the events into
/// time-sorted batches, draining after every 512 workers (~4096 events, one full batch, as
/// when the collector keeps up with a busy run).
pub fn record_cost(workers: usize) -> (f64, f64) {
  let logs = WorkerLogs::new(workers);
  let writers: Vec<LogWriter> = (0..workers).filter_map(|i| logs.writer(i)).collect();
  let kinds = [
    Kind::Spawned,
    Kind::SleepStart,
    Kind::Woke,
    Kind::LockWait,
    Kind::LockAcquired,
    Kind::Pushed,
    Kind::LockReleased,
    Kind::Exited,
  ];
  let mut cursor = Vec::new();
  let mut pending = Vec::with_capacity(MAX_BATCH_EVENTS);
  let mut batcher = Batcher::new(0, 0, Box::new(VecSink::default()));
  let (mut record_ns, mut pack_ns) = (0i64, 0i64);
  for group in writers.chunks(512) {
    let t0 = timing::now_ns();
    for w in group {
      for (k, &kind) in kinds.iter().enumerate() {
        w.record(kind, timing::now_ns(), k as f64);
      }
    }
    let t1 = timing::now_ns();
    logs.drain(&mut cursor, &mut pending);
    batcher.send(&mut pending);
    let t2 = timing::now_ns();
    record_ns += t1 - t0;
    pack_ns += t2 - t1;
  }
  let events = (workers * kinds.len()) as f64;
  (record_ns as f64 / events, pack_ns as f64 / events)
}
