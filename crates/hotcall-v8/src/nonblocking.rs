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
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock};

use hotcall_abi::NativeType;
use hotcall_jit::abi::result_buffer_size;
use hotcall_jit::InvokerFn;

use crate::convert::{slot_to_js, Slot};
use crate::errors::Throw;
use crate::state::FfiState;
use crate::symbol::SymbolData;

type Job = Box<dyn FnOnce() + Send>;

struct Pool {
    tx: Mutex<Sender<Job>>,
}

static POOL: OnceLock<Pool> = OnceLock::new();

fn pool() -> &'static Pool {
    POOL.get_or_init(|| {
        let (tx, rx) = channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let n = std::thread::available_parallelism().map_or(2, |n| n.get());
        for i in 0..n {
            let rx = rx.clone();
            let _ = std::thread::Builder::new()
                .name(format!("hotcall-ffi-{i}"))
                .spawn(move || worker(&rx));
        }
        Pool { tx: Mutex::new(tx) }
    })
}

fn worker(rx: &Mutex<Receiver<Job>>) {
    loop {
        let job = {
            let rx = rx.lock().unwrap_or_else(|p| p.into_inner());
            match rx.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        job();
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
        tasks.post(Box::new(move |scope: &mut v8::HandleScope| {
            settle(scope, id, &result, &ret);
            done.unref();
        }));
    });
    let sent = pool()
        .tx
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .send(job);
    if sent.is_err() {
        state.tasks.unref();
        state.take_pending(id);
        return Err(Throw::Error("the FFI worker pool is gone".to_owned()));
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
