//! Threadlab's native addon: a pure-Rust engine (`engine`) behind a thin napi-rs surface
//! (`napi_*`). The generated `index.js` / `index.d.ts` are the only way JavaScript reaches it.

#![cfg_attr(test, allow(dead_code))] // the napi surface is only reached from JS

pub mod engine;
mod napi_common;
mod napi_sort;
mod napi_sum;

use napi::Env;
use napi_derive::napi;

/// Cancels every active run (sleep sorts and sums) and joins all their threads, coordinators
/// included — also those of runs that already resolved — so that when it returns no thread of
/// any run is left in the process (at most ~10 s). Call it when the app quits. Safe to call at
/// any time, repeatedly, also while batches or results are queued for this thread.
#[napi]
pub fn shutdown(env: &Env) -> napi::Result<()> {
  napi_common::guard(env, "shutdown", || {
    engine::registry::shutdown(std::time::Duration::from_secs(10));
    Ok(())
  })
}

/// Runs currently active (started and not yet fully joined).
#[napi]
pub fn active_runs() -> u32 {
  engine::registry::active_runs() as u32
}

/// OS threads of this process right now (the `Threads:` line of /proc/self/status); for leak tests.
#[napi]
pub fn thread_count() -> u32 {
  engine::timing::process_thread_count()
}
