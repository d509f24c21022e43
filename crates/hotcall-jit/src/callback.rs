//! Callbacks with owned thunks: a Rust handler behind a C function pointer.
//!
//! A [`Callback`] owns its thunk's executable memory and a handler. The
//! thunk calls [`dispatch`], which counts active calls, so that a callback
//! closed from inside its own call (or while another thread is in it) is
//! freed only once every call has returned: the memory moves to a
//! graveyard that is emptied by the next callback creation or close.
//!
//! Calls on the thread that created the callback (the JS thread, for a
//! runtime) are counted with plain loads and stores, since only that thread
//! writes its counter; calls from other threads use a locked increment. A
//! close racing with a call that is just *starting* on another thread is the
//! caller's error, as for any function pointer being freed.

use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use hotcall_abi::Signature;

use crate::host::{Jit, StubSet};
use crate::JitError;

/// The arguments of one callback invocation: `args` holds one 8-byte slot
/// per parameter (narrow ints widened; structs as the address of their
/// bytes), `ret` the zeroed result buffer (`abi::result_buffer_size` bytes,
/// at least 8).
pub struct CallbackCall {
    pub args: *const u64,
    pub ret: *mut u8,
    /// The call runs on the thread that created the [`Callback`].
    pub on_creating_thread: bool,
}

type Handler = Box<dyn Fn(&CallbackCall) + Send + Sync>;

struct State {
    handler: Handler,
    /// The [`thread_number`] of the creating thread.
    owner: usize,
    /// Calls running on the owner thread; written only by that thread.
    owner_active: AtomicUsize,
    /// Calls running on other threads.
    foreign_active: AtomicUsize,
    closed: AtomicBool,
    code: Mutex<Option<StubSet>>,
}

impl State {
    fn active(&self) -> usize {
        self.owner_active.load(Ordering::Acquire) + self.foreign_active.load(Ordering::SeqCst)
    }
}

/// A small number per thread (a thread-local read, unlike `thread::current`).
fn thread_number() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    thread_local!(static NUMBER: usize = NEXT.fetch_add(1, Ordering::Relaxed));
    NUMBER.with(|n| *n)
}

/// Thunks (and their states) waiting for their last call to return.
static GRAVEYARD: Mutex<Vec<Grave>> = Mutex::new(Vec::new());

struct Grave(*mut State);
// SAFETY: a Grave is only the address of a leaked, Sync State.
unsafe impl Send for Grave {}

/// A C function pointer that runs a Rust handler.
pub struct Callback {
    state: *mut State,
    pointer: *const u8,
}

// SAFETY: the state is Sync (atomics, Mutex, Send + Sync handler) and the
// thunk is immutable code.
unsafe impl Send for Callback {}

impl Callback {
    /// Compiles a thunk for `sig` that runs `handler` on every call.
    /// A panicking handler is caught and leaves the (zeroed) result as is.
    pub fn new(
        jit: &mut Jit,
        sig: &Signature,
        handler: impl Fn(&CallbackCall) + Send + Sync + 'static,
    ) -> Result<Callback, JitError> {
        collect_garbage();
        let state = Box::into_raw(Box::new(State {
            handler: Box::new(handler),
            owner: thread_number(),
            owner_active: AtomicUsize::new(0),
            foreign_active: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
            code: Mutex::new(None),
        }));
        let code = match jit.callback_thunk(sig, dispatch, state.cast()) {
            Ok(code) => code,
            Err(e) => {
                // SAFETY: `state` came from Box::into_raw above and no thunk refers to it.
                drop(unsafe { Box::from_raw(state) });
                return Err(e);
            }
        };
        let pointer = code.pointer(0);
        // SAFETY: `state` is live until this Callback is closed.
        *unsafe { &*state }.code.lock().unwrap() = Some(code);
        Ok(Callback { state, pointer })
    }

    /// The C function pointer.
    pub fn pointer(&self) -> *const u8 {
        self.pointer
    }

    /// Calls currently running the handler.
    pub fn active_calls(&self) -> usize {
        // SAFETY: `state` is live until close.
        unsafe { &*self.state }.active()
    }

    /// Frees the thunk once no call is running it; the pointer must not be
    /// called afterwards. (Dropping a `Callback` closes it too.)
    pub fn close(self) {
        drop(self)
    }
}

impl Drop for Callback {
    fn drop(&mut self) {
        // SAFETY: `state` is live until it is freed from the graveyard.
        unsafe { &*self.state }.closed.store(true, Ordering::SeqCst);
        GRAVEYARD.lock().unwrap().push(Grave(self.state));
        collect_garbage();
    }
}

/// Frees closed callbacks whose calls have all returned.
///
/// The thunk still executes a few instructions after `dispatch` returns;
/// freeing happens on a later callback operation, by which time a call on
/// the same thread has certainly returned. A call on another thread that
/// races with a concurrent close is the caller's responsibility (as with
/// any C function pointer that is being freed).
pub fn collect_garbage() {
    let mut graves = GRAVEYARD.lock().unwrap();
    graves.retain(|g| {
        // SAFETY: states in the graveyard are live until freed here.
        let state = unsafe { &*g.0 };
        if state.active() != 0 {
            return true;
        }
        // SAFETY: closed and no call running: nobody uses state or thunk.
        drop(unsafe { Box::from_raw(g.0) });
        false
    });
}

/// The dispatcher every [`Callback`] thunk calls.
unsafe extern "C" fn dispatch(ctx: *mut c_void, args: *const u64, ret: *mut u8) {
    // SAFETY: ctx is the State baked into this thunk, live while the thunk
    // can run (it is freed only when closed and inactive).
    let state = unsafe { &*(ctx as *const State) };
    let on_owner = thread_number() == state.owner;
    if on_owner {
        let n = state.owner_active.load(Ordering::Relaxed);
        state.owner_active.store(n + 1, Ordering::Release);
    } else {
        state.foreign_active.fetch_add(1, Ordering::SeqCst);
    }
    let call = CallbackCall {
        args,
        ret,
        on_creating_thread: on_owner,
    };
    let _ = catch_unwind(AssertUnwindSafe(|| (state.handler)(&call)));
    if on_owner {
        let n = state.owner_active.load(Ordering::Relaxed);
        state.owner_active.store(n - 1, Ordering::Release);
    } else {
        state.foreign_active.fetch_sub(1, Ordering::SeqCst);
    }
}
