//! Nonblocking calls: the C function runs on a bounded worker pool; the
//! result comes back to the JS thread through the [`crate::TaskSender`] and
//! settles the call's Promise.
//!
//! The pool has `available_parallelism()` threads, started on first use and
//! shared by every isolate; calls beyond that queue up. While a call is in
//! flight, the task sender's reference count keeps the event loop alive,
//! the arguments' backing stores keep buffer and struct bytes alive
//! (nothing is copied), and an `Arc` of the library defers `dlclose`.

use std::ffi::c_void;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use hotcall_abi::NativeType;
use hotcall_jit::abi::result_buffer_size;
use hotcall_jit::InvokerFn;

use crate::convert::{slot_to_js, Slot};
use crate::errors::Throw;
use crate::handoff::Handoff;
use crate::state::FfiState;
use crate::symbol::SymbolData;

type Job = Box<dyn FnOnce() + Send>;

/// The pool's job queue; its workers are started by the first [`submit`].
static JOBS: Handoff<Job> = Handoff::new();

fn submit(job: Job) -> Result<(), Throw> {
    static STARTED: OnceLock<usize> = OnceLock::new();
    let started = *STARTED.get_or_init(|| {
        let n = std::thread::available_parallelism().map_or(2, |n| n.get());
        (0..n)
            .filter(|i| {
                std::thread::Builder::new()
                    .name(format!("hotcall-ffi-{i}"))
                    .spawn(worker)
                    .is_ok()
            })
            .count()
    });
    if started == 0 {
        return Err(Throw::Error(
            "the FFI worker pool could not start a thread".to_owned(),
        ));
    }
    // The pool's queue is never closed.
    JOBS.push(job)
        .map_err(|_| Throw::Error("the FFI worker pool is closed".to_owned()))
}

/// How long an idle worker polls for the next job before it sleeps (see
/// [`Handoff::pop_wait`]): a script awaiting one call after another sends
/// the next one within a few microseconds.
const WORKER_POLL: Duration = Duration::from_micros(20);

fn worker() {
    no_wakeup_preemption();
    loop {
        if let Some(job) = JOBS.pop_wait(None, WORKER_POLL) {
            job();
        }
    }
}

/// Puts the calling worker thread under Linux's `SCHED_BATCH` policy
/// (sched(7)): same CPU share as any thread, but a worker woken by a new job
/// does not preempt the JS thread that queued it. On a shared core, the JS
/// thread then queues a whole batch (`Promise.all` of 64 calls: 1.6 -> 0.6
/// µs per call, pinned) instead of handing the CPU over after every call.
///
/// Only a worker under the normal policy changes: one that inherited a
/// real-time or other policy from the embedder's thread keeps it. Threads a
/// C library starts from inside a nonblocking call inherit `SCHED_BATCH`.
/// Failure leaves the policy as it was, which is only slower.
fn no_wakeup_preemption() {
    #[cfg(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ))]
    if sched::current() == Some(sched::OTHER) {
        sched::set(sched::BATCH);
    }
}

/// The calling thread's scheduling policy, through raw system calls
/// (numbers from the kernel's `unistd` headers): musl's
/// `sched_setscheduler` is a stub that always fails.
#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
mod sched {
    #[cfg(target_arch = "x86_64")]
    const SYS_SETSCHEDULER: i64 = 144;
    #[cfg(target_arch = "x86_64")]
    const SYS_GETSCHEDULER: i64 = 145;
    #[cfg(target_arch = "aarch64")]
    const SYS_SETSCHEDULER: i64 = 119;
    #[cfg(target_arch = "aarch64")]
    const SYS_GETSCHEDULER: i64 = 120;
    pub const OTHER: i64 = 0;
    pub const BATCH: i64 = 3;
    #[cfg(test)]
    pub const IDLE: i64 = 5;
    const RESET_ON_FORK: i64 = 0x4000_0000;

    /// The kernel's `struct sched_param`.
    #[repr(C)]
    struct SchedParam {
        sched_priority: i32,
    }

    extern "C" {
        // long syscall(long number, ...), in glibc and musl.
        fn syscall(number: i64, ...) -> i64;
    }

    /// The policy (without the reset-on-fork flag); `None` on failure.
    pub fn current() -> Option<i64> {
        // SAFETY: sched_getscheduler(pid) takes one integer and touches no
        // memory; pid 0 is the calling thread.
        let policy = unsafe { syscall(SYS_GETSCHEDULER, 0i64) };
        (policy >= 0).then_some(policy & !RESET_ON_FORK)
    }

    /// Sets a non-real-time `policy` (priority 0); false on failure.
    pub fn set(policy: i64) -> bool {
        let param = SchedParam { sched_priority: 0 };
        // SAFETY: sched_setscheduler(pid, policy, param) reads one `struct
        // sched_param` (one int, laid out as `SchedParam`) from `param`,
        // which lives across the call; pid 0 is the calling thread.
        unsafe { syscall(SYS_SETSCHEDULER, 0i64, policy, &param as *const SchedParam) == 0 }
    }
}

/// One call travelling to a worker and back.
struct Call {
    invoker: InvokerFn,
    target: usize,
    bits: Vec<u64>,
    /// Keeps buffer / struct bytes alive until the call has ended.
    _keep: Vec<Slot>,
    /// Keeps the library loaded until the call has ended.
    _lib: Option<Arc<libloading::Library>>,
    result: NativeType,
}

impl Call {
    fn run(self) -> Vec<u64> {
        let mut ret = vec![0u64; result_buffer_size(&self.result) / 8];
        // SAFETY: same invariant as the synchronous slow path: the invoker
        // matches the signature the slots were converted by, every pointed-to
        // byte is kept alive by `_keep`, and the library by `_lib`.
        unsafe {
            (self.invoker)(
                self.target as *const c_void,
                self.bits.as_ptr(),
                ret.as_mut_ptr() as *mut u8,
            )
        };
        ret
    }
}

/// Starts a nonblocking call with converted arguments; returns its Promise.
pub fn start<'s>(
    scope: &mut v8::HandleScope<'s>,
    data: &SymbolData,
    slots: Vec<Slot>,
) -> Result<v8::Local<'s, v8::Promise>, Throw> {
    let invoker = data.invoker()?;
    let state = FfiState::get(scope);
    let resolver = v8::PromiseResolver::new(scope).ok_or(Throw::Pending)?;
    let promise = resolver.get_promise(scope);
    let resolver = v8::Global::new(scope, resolver);
    let id = state.add_pending(resolver);
    let lib = data.lib.as_ref().and_then(|l| l.library.borrow().clone());
    let call = Call {
        invoker,
        target: data.target as usize,
        bits: slots.iter().map(|s| s.bits).collect(),
        _keep: slots,
        _lib: lib,
        result: data.sig.result.clone(),
    };
    let tasks = state.tasks.clone();
    tasks.add_ref();
    let job: Job = Box::new(move || {
        let result = call.result.clone();
        let ret = call.run();
        let done = tasks.clone();
        // Refused (and dropped) once the event loop has gone: nobody is
        // left to settle the Promise.
        let _ = tasks.post(Box::new(move |scope: &mut v8::HandleScope| {
            settle(scope, id, &result, &ret);
            done.unref();
        }));
    });
    if let Err(e) = submit(job) {
        state.tasks.unref();
        state.take_pending(id);
        return Err(e);
    }
    Ok(promise)
}

/// Resolves the Promise of call `id` with the result in `ret` (JS thread).
fn settle(scope: &mut v8::HandleScope, id: u64, result: &NativeType, ret: &[u64]) {
    let Some(resolver) = FfiState::get(scope).take_pending(id) else {
        return;
    };
    let resolver = v8::Local::new(scope, resolver);
    // SAFETY: `ret` holds `result_buffer_size(result)` bytes written by the invoker.
    let value = unsafe { slot_to_js(scope, result, ret.as_ptr() as *const u8) };
    resolver.resolve(scope, value);
}

#[cfg(all(
    test,
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
mod tests {
    use super::*;

    /// The calling thread's policy as the kernel reports it in
    /// /proc/thread-self/stat (field 41, sched(7)).
    fn policy_in_proc() -> i64 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
        // Fields after the command name, which is in parentheses, start at 3.
        let after_name = stat.rsplit_once(')').unwrap().1;
        after_name
            .split_whitespace()
            .nth(41 - 3)
            .unwrap()
            .parse()
            .unwrap()
    }

    #[test]
    fn workers_leave_the_normal_policy_for_batch_only() {
        let normal = std::thread::spawn(|| {
            // Whatever the test runner's policy, start from the normal one.
            if sched::current() != Some(sched::OTHER) {
                assert!(sched::set(sched::OTHER), "cannot return to SCHED_OTHER");
            }
            let before = (sched::current(), policy_in_proc());
            no_wakeup_preemption();
            (before, sched::current(), policy_in_proc())
        });
        let (before, after, in_proc) = normal.join().unwrap();
        assert_eq!(before, (Some(sched::OTHER), sched::OTHER));
        assert_eq!((after, in_proc), (Some(sched::BATCH), sched::BATCH));

        // A thread under another policy (SCHED_IDLE needs no privilege) keeps it.
        let idle = std::thread::spawn(|| {
            assert!(sched::set(sched::IDLE));
            no_wakeup_preemption();
            policy_in_proc()
        });
        assert_eq!(idle.join().unwrap(), sched::IDLE);
    }
}
