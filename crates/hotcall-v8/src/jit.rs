//! The process-wide stub generator: one [`Jit`] behind a mutex, so that
//! invokers (cached per shape, never freed) are shared by every
//! isolate and stay valid for worker threads.

use std::sync::{Mutex, OnceLock};

use hotcall_jit::Jit;

struct SharedJit(Jit);

// SAFETY: the Jit is only ever used by one thread at a time (the mutex
// below); the code it hands out is immutable and callable from any thread.
unsafe impl Send for SharedJit {}

static JIT: OnceLock<Result<Mutex<SharedJit>, String>> = OnceLock::new();

/// Runs `f` with the process-wide [`Jit`] (created on first use).
/// `Err` if the host has no code generator (unsupported target).
pub fn with_jit<R>(f: impl FnOnce(&mut Jit) -> R) -> Result<R, String> {
    let jit = JIT.get_or_init(|| {
        Jit::new()
            .map(|j| Mutex::new(SharedJit(j)))
            .map_err(|e| e.to_string())
    });
    let jit = jit.as_ref().map_err(Clone::clone)?;
    let mut guard = jit.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    Ok(f(&mut guard.0))
}
