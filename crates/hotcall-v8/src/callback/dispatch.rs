//! What a callback thunk runs: the JS function, synchronously when called
//! on the JS thread, through the event loop when called from elsewhere.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::ThreadId;

use hotcall_abi::{NativeType, Signature};
use hotcall_jit::callback::CallbackCall;

use super::{Registry, WHAT};
use crate::convert::{arg_slot_to_js, js_to_callback_result, ArgContext};
use crate::TaskSender;

/// Everything the (thread-agnostic) dispatcher knows about one callback.
pub(super) struct Target {
    /// Key of the JS function in the isolate's [`Registry`].
    pub id: u64,
    pub sig: Signature,
    /// The thread that owns the isolate.
    pub js_thread: ThreadId,
    pub isolate: IsolatePtr,
    pub tasks: TaskSender,
}

/// The isolate's address.
pub(super) struct IsolatePtr(pub *mut v8::Isolate);

// SAFETY: the pointer is only dereferenced on the isolate's own thread
// (`dispatch` compares thread ids first); other threads only carry it.
unsafe impl Send for IsolatePtr {}
// SAFETY: as above, shared references never dereference it off-thread.
unsafe impl Sync for IsolatePtr {}

/// The argument and result buffers of a call blocked on another thread.
struct RawCall {
    args: *const u64,
    ret: *mut u8,
}

// SAFETY: both buffers live in the blocked thread's thunk frame, which
// stays put until `Completion` is signalled; only the JS thread touches
// them meanwhile.
unsafe impl Send for RawCall {}

impl RawCall {
    /// Moves the whole value (not its fields) into a task closure.
    fn into_call(self) -> CallbackCall {
        CallbackCall {
            args: self.args,
            ret: self.ret,
        }
    }
}

/// The dispatcher of every `UnsafeCallback` thunk.
pub(super) fn dispatch(target: &Arc<Target>, call: &CallbackCall) {
    if current_thread_id() == target.js_thread {
        call_on_js_thread(target, call);
    } else {
        call_from_other_thread(target, call);
    }
}

/// This thread's id, cached: `thread::current()` clones an `Arc` per call.
pub(super) fn current_thread_id() -> ThreadId {
    thread_local!(static ID: ThreadId = std::thread::current().id());
    ID.with(|id| *id)
}

/// Arguments up to this count are passed to JS from a stack array.
const INLINE_ARGS: usize = 16;

/// Nested in a synchronous FFI call: enter V8 right here.
fn call_on_js_thread(target: &Target, call: &CallbackCall) {
    // SAFETY: we are on the isolate's thread, and the isolate is alive: it
    // owns the registry that owns this callback's thunk (dropping the
    // isolate frees the thunk, after which C may not call it).
    let isolate = unsafe { &mut *target.isolate.0 };
    // SAFETY: this is the situation `CallbackScope` exists for: V8 called
    // into native code (the FFI call's function callback, whose scope is
    // the current one) and that code called us; the new scope nests in it
    // and is dropped before we return to it.
    let scope = &mut unsafe { v8::CallbackScope::new(isolate) };
    let scope = &mut v8::HandleScope::new(scope);
    if scope.is_execution_terminating() {
        return;
    }
    let Some((function, context)) = lookup(scope, target.id) else {
        return closed_warning();
    };
    let scope = &mut v8::ContextScope::new(scope, context);
    let scope = &mut v8::TryCatch::new(scope);
    let exception = match call_js(scope, &target.sig, function, call) {
        Outcome::Returned => return,
        Outcome::Invalid(error) => Some(error),
        Outcome::Threw => {
            if !scope.can_continue() {
                // Termination: let it unwind through the FFI call.
                scope.rethrow();
                return;
            }
            scope.exception()
        }
    };
    if let (Some(exception), Some(registry)) = (
        exception,
        scope.get_slot::<Rc<RefCell<Registry>>>().cloned(),
    ) {
        let mut registry = registry.borrow_mut();
        if registry.pending.is_none() {
            registry.pending = Some(v8::Global::new(scope, exception));
        }
    }
}

/// Signals a blocked caller when dropped: after the task ran, or when the
/// event loop dropped the task unrun (the isolate is gone).
struct Completion(Arc<(Mutex<bool>, Condvar)>);

impl Drop for Completion {
    fn drop(&mut self) {
        let (done, cv) = &*self.0;
        *done.lock().unwrap_or_else(|e| e.into_inner()) = true;
        cv.notify_all();
    }
}

/// From a foreign thread: run on the JS thread's event loop and wait.
fn call_from_other_thread(target: &Arc<Target>, call: &CallbackCall) {
    let state = Arc::new((Mutex::new(false), Condvar::new()));
    let completion = Completion(state.clone());
    let raw = RawCall {
        args: call.args,
        ret: call.ret,
    };
    let task_target = target.clone();
    target
        .tasks
        .post(Box::new(move |scope: &mut v8::HandleScope| {
            let _completion = completion;
            let call = raw.into_call();
            run_task(scope, &task_target, &call);
        }));
    let (done, cv) = &*state;
    let mut done = done.lock().unwrap_or_else(|e| e.into_inner());
    while !*done {
        done = cv.wait(done).unwrap_or_else(|e| e.into_inner());
    }
}

/// The task posted by [`call_from_other_thread`], on the JS thread.
fn run_task(scope: &mut v8::HandleScope, target: &Target, call: &CallbackCall) {
    let Some((function, context)) = lookup(scope, target.id) else {
        return closed_warning();
    };
    let scope = &mut v8::ContextScope::new(scope, context);
    // No TryCatch: an exception leaves the task like any uncaught error of
    // an event-loop task and reaches the embedder's handler.
    match call_js(scope, &target.sig, function, call) {
        Outcome::Invalid(error) => {
            scope.throw_exception(error);
        }
        // The promise reactions the callback scheduled run before the
        // waiting C thread is released (the caller drops `Completion` after
        // this returns), so their output comes first, as in Deno.
        Outcome::Returned => scope.perform_microtask_checkpoint(),
        Outcome::Threw => {}
    }
}

fn closed_warning() {
    eprintln!("warning: a closed Deno.UnsafeCallback was called; it returned 0 without running");
}

/// The callback's function and context, if it is still open.
fn lookup<'s>(
    scope: &mut v8::HandleScope<'s, ()>,
    id: u64,
) -> Option<(v8::Local<'s, v8::Function>, v8::Local<'s, v8::Context>)> {
    let registry = scope.get_slot::<Rc<RefCell<Registry>>>()?.clone();
    let registry = registry.borrow();
    let live = registry.live.get(&id)?;
    Some((
        v8::Local::new(scope, &live.function),
        v8::Local::new(scope, &live.context),
    ))
}

enum Outcome<'s> {
    /// The result (if any) is in the result buffer.
    Returned,
    /// The function threw; the exception is pending in the scope.
    Threw,
    /// The function returned something that does not convert to the
    /// result type: this `TypeError` is to be treated as thrown.
    Invalid(v8::Local<'s, v8::Value>),
}

/// Converts the arguments, calls `function`, stores its result.
fn call_js<'s>(
    scope: &mut v8::HandleScope<'s>,
    sig: &Signature,
    function: v8::Local<v8::Function>,
    call: &CallbackCall,
) -> Outcome<'s> {
    let recv: v8::Local<v8::Value> = v8::undefined(scope).into();
    let mut inline = [recv; INLINE_ARGS];
    let mut heap = Vec::new();
    let args: &mut [v8::Local<v8::Value>] = if sig.params.len() <= INLINE_ARGS {
        &mut inline[..sig.params.len()]
    } else {
        heap.resize(sig.params.len(), recv);
        &mut heap
    };
    for (i, ty) in sig.params.iter().enumerate() {
        // SAFETY: the thunk passes one readable slot per parameter; a
        // struct slot holds the address of the struct's bytes, live for
        // the whole call.
        args[i] = unsafe { arg_slot_to_js(scope, ty, call.args.add(i)) };
    }
    let Some(value) = function.call(scope, recv, args) else {
        return Outcome::Threw;
    };
    if sig.result == NativeType::Void {
        return Outcome::Returned;
    }
    match js_to_callback_result(scope, &sig.result, value, &ArgContext::result(WHAT)) {
        Ok(slot) => {
            // SAFETY: the thunk's result buffer holds
            // `result_buffer_size(result)` >= `result.size()` bytes, and
            // `slot` (with its backing store) is alive here.
            unsafe { slot.write_result(&sig.result, call.ret) };
            Outcome::Returned
        }
        Err(message) => {
            let message =
                v8::String::new(scope, &message).unwrap_or_else(|| v8::String::empty(scope));
            Outcome::Invalid(v8::Exception::type_error(scope, message))
        }
    }
}
