//! What a callback thunk runs: the JS function, synchronously when called
//! on the JS thread, through the event loop when called from elsewhere.

use std::cell::{RefCell, UnsafeCell};
use std::ptr::NonNull;
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::ThreadId;

use hotcall_abi::{NativeType, Signature};
use hotcall_jit::callback::CallbackCall;

use super::{Registry, WHAT};
use crate::convert::{
    arg_slot_to_js, callback_number_result, js_to_callback_result, ArgContext, Slot,
};
use crate::TaskSender;

/// Everything the (thread-agnostic) dispatcher knows about one callback.
/// The thunk's handler holds it directly: a call finds its function without
/// any lookup.
pub(super) struct Target {
    /// The callback's number (in messages and in the [`Registry`]).
    pub id: u64,
    pub sig: Signature,
    /// How each parameter becomes a JS value (`sig.params`, pre-sorted).
    params: Box<[ParamKind]>,
    /// The thread that owns the isolate.
    pub js_thread: ThreadId,
    pub isolate: IsolatePtr,
    pub tasks: TaskSender,
    /// The JS function; emptied by `close()`.
    pub js: JsSlot,
}

impl Target {
    pub fn new(
        id: u64,
        sig: Signature,
        isolate: IsolatePtr,
        tasks: TaskSender,
        js: JsSlot,
    ) -> Target {
        let params = sig.params.iter().map(ParamKind::of).collect();
        Target {
            id,
            sig,
            params,
            js_thread: current_thread_id(),
            isolate,
            tasks,
            js,
        }
    }
}

/// The parameter types with a conversion of their own; everything else goes
/// through `convert::arg_slot_to_js`.
#[derive(Clone, Copy)]
enum ParamKind {
    I32,
    U32,
    F64,
    Other,
}

impl ParamKind {
    fn of(ty: &NativeType) -> ParamKind {
        match ty {
            NativeType::I32 => ParamKind::I32,
            NativeType::U32 => ParamKind::U32,
            NativeType::F64 => ParamKind::F64,
            _ => ParamKind::Other,
        }
    }
}

/// A callback's JS function and the context it was created in (and is
/// called in), with the addresses of their global handle slots (a call
/// reads those directly instead of re-checking the handles' isolate).
pub(super) struct JsFunction {
    function: v8::Global<v8::Function>,
    context: v8::Global<v8::Context>,
    function_slot: NonNull<v8::Function>,
    context_slot: NonNull<v8::Context>,
}

impl JsFunction {
    pub fn new(
        isolate: &mut v8::Isolate,
        function: v8::Local<v8::Function>,
        context: v8::Local<v8::Context>,
    ) -> JsFunction {
        let (function, function_slot) = global_with_slot(isolate, function);
        let (context, context_slot) = global_with_slot(isolate, context);
        JsFunction {
            function,
            context,
            function_slot,
            context_slot,
        }
    }
}

/// A new global handle of `local`, and the address of its slot.
fn global_with_slot<T>(
    isolate: &mut v8::Isolate,
    local: v8::Local<T>,
) -> (v8::Global<T>, NonNull<T>) {
    let slot = v8::Global::new(isolate, local).into_raw();
    // SAFETY: `slot` came from `Global::into_raw` on this isolate just now.
    (unsafe { v8::Global::from_raw(isolate, slot) }, slot)
}

/// The [`JsFunction`] of an open callback. Only the JS thread touches it;
/// a running call holds its own `Rc`, so a callback that closes itself keeps
/// its handles until the call has returned.
pub(super) struct JsSlot(UnsafeCell<Option<Rc<JsFunction>>>);

// SAFETY: the cell (and the `Rc` and `Global`s in it) is only accessed on
// the isolate's thread: by `get`/`take`, whose callers check the thread or
// run in JS-thread-only code. Other threads only move the `Target` around.
unsafe impl Send for JsSlot {}
// SAFETY: as above.
unsafe impl Sync for JsSlot {}

impl JsSlot {
    pub fn new(js: JsFunction) -> JsSlot {
        JsSlot(UnsafeCell::new(Some(Rc::new(js))))
    }

    /// The function, if the callback is open.
    ///
    /// # Safety
    /// Call on the JS thread only.
    unsafe fn get(&self) -> Option<Rc<JsFunction>> {
        // SAFETY: single-threaded access (the caller's promise), and no
        // reference into the cell outlives this statement.
        unsafe { (*self.0.get()).clone() }
    }

    /// Empties the slot (`close()`).
    ///
    /// # Safety
    /// Call on the JS thread only.
    pub unsafe fn take(&self) -> Option<Rc<JsFunction>> {
        // SAFETY: as for `get`.
        unsafe { (*self.0.get()).take() }
    }
}

/// A `Local` naming a global handle's slot itself (no new handle).
///
/// # Safety
/// `slot` must be the slot of a global handle that outlives `'a`, and the
/// `Local` must only be used on the isolate's thread.
unsafe fn local_of<'a, T>(slot: NonNull<T>, _owner: &'a JsFunction) -> v8::Local<'a, T> {
    // SAFETY: a `Local` is `#[repr(C)]` around the non-null address of a
    // handle slot; V8 reads a global handle's slot exactly like a local one.
    unsafe { std::mem::transmute::<NonNull<T>, v8::Local<'a, T>>(slot) }
}

extern "C" {
    /// rusty_v8's binding of `v8::Isolate::IsExecutionTerminating` (its
    /// Rust wrapper goes through the thread-safe handle: an `Arc` clone and
    /// a mutex per call).
    fn v8__Isolate__IsExecutionTerminating(isolate: *const v8::Isolate) -> bool;
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
    // SAFETY: `dispatch` checked that this is the JS thread.
    let Some(js) = (unsafe { target.js.get() }) else {
        return closed_warning(target.id);
    };
    // SAFETY: `js` is held until this function returns, so the global
    // handle outlives every use of the `Local`; we are on its thread.
    let context = unsafe { local_of(js.context_slot, &js) };
    // SAFETY: we are on the isolate's thread, and the isolate is alive: it
    // owns the registry that owns this callback's thunk (dropping the
    // isolate frees the thunk, after which C may not call it). And this is
    // the situation `CallbackScope` exists for: V8 called
    // into native code (an FFI call's slow callback or fast trampoline) and
    // that code called us; the new scope nests in it and is dropped before
    // we return to it. The context is not entered: `Function::Call` makes
    // it current for the call, and the conversions only need a context.
    let scope = &mut unsafe { v8::CallbackScope::new(context) };
    let scope = &mut v8::HandleScope::new(scope);
    // SAFETY: the isolate is alive and entered on this thread (see above).
    if unsafe { v8__Isolate__IsExecutionTerminating(target.isolate.0) } {
        return;
    }
    let scope = &mut v8::TryCatch::new(scope);
    // SAFETY: as for `context`.
    let function = unsafe { local_of(js.function_slot, &js) };
    let from_fast_call = in_fast_api_call(target.isolate.0);
    let marker = from_fast_call.then(super::FastCallCallback::enter);
    let outcome = call_js(scope, target, function, call);
    drop(marker);
    let exception = match outcome {
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
    if from_fast_call {
        // SAFETY: as above, on the JS thread with the isolate alive.
        return unsafe { fail_in_fast_call(scope, target, exception) };
    }
    if let (Some(exception), Some(registry)) = (
        exception,
        scope.get_slot::<Rc<RefCell<Registry>>>().cloned(),
    ) {
        let mut registry = registry.borrow_mut();
        if registry.pending.is_none() {
            registry.pending = Some(v8::Global::new(scope, exception));
            super::PARKED.with(|p| p.set(p.get() + 1));
        }
    }
}

/// `v8::internal::Internals::kIsolateFastCCallCallerFpOffset` of V8 12.8
/// (`include/v8-internal.h`, static-asserted by V8 in `isolate.cc`): the
/// frame pointer of the optimized JS frame that is inside a fast C call,
/// 0 when none is. V8 sets it around every fast API call and `JSEntry`
/// saves and clears it, so it is non-zero exactly when the innermost
/// transition from JS to native code is a fast call.
const FAST_C_CALL_CALLER_FP_OFFSET: usize = 240;
/// `kIsolateFastApiCallTargetOffset`: the C function of that fast call.
const FAST_API_CALL_TARGET_OFFSET: usize = 256;

/// True if this callback was reached from C code that V8 entered through a
/// fast API call (a symbol not declared `callback: true`, called from
/// optimized code).
fn in_fast_api_call(isolate: *mut v8::Isolate) -> bool {
    // SAFETY: `isolate` is the live isolate of this thread; the word at this
    // offset is part of V8's documented `IsolateData` layout (see above).
    unsafe {
        (isolate as *const u8)
            .add(FAST_C_CALL_CALLER_FP_OFFSET)
            .cast::<usize>()
            .read()
            != 0
    }
}

/// The fast trampoline V8 is running (see [`FAST_API_CALL_TARGET_OFFSET`]).
fn fast_api_call_target(isolate: *mut v8::Isolate) -> usize {
    // SAFETY: as for `in_fast_api_call`.
    unsafe {
        (isolate as *const u8)
            .add(FAST_API_CALL_TARGET_OFFSET)
            .cast::<usize>()
            .read()
    }
}

/// A callback reached through a fast call threw (or returned an invalid
/// result). V8 12.8 would propagate an exception left pending here out of
/// the fast call, but C may call back again before it returns, and JS must
/// not run while an exception is pending, which hotcall cannot observe.
/// Parking it (as the slow path does) would surface it from the next,
/// unrelated call. So the failure is loud instead: the exception is printed
/// with the names of the callback and the symbol, and execution is
/// terminated (observable: later callbacks return 0 without running JS,
/// and the termination unwinds from the fast call itself).
///
/// # Safety
/// On the JS thread, inside [`call_on_js_thread`]'s scopes.
unsafe fn fail_in_fast_call(
    scope: &mut v8::TryCatch<v8::HandleScope>,
    target: &Target,
    exception: Option<v8::Local<v8::Value>>,
) {
    let described = match (scope.stack_trace(), exception) {
        (Some(stack), _) if stack.is_string() => stack.to_rust_string_lossy(scope),
        (_, Some(e)) => e.to_rust_string_lossy(scope),
        _ => "(unknown exception)".to_owned(),
    };
    let symbol = super::fast_symbol_name(fast_api_call_target(target.isolate.0))
        .map_or_else(|| "an FFI symbol".to_owned(), |n| format!("symbol \"{n}\""));
    eprintln!(
        "error: Uncaught {described}\n    thrown by Deno.UnsafeCallback #{id} ({sig}) while C called \
         it from {symbol}, which V8 called through its fast path: an exception cannot propagate \
         from there. Declare the symbol with `callback: true`. Execution terminated.",
        id = target.id,
        sig = target.sig,
    );
    let _ = std::io::Write::flush(&mut std::io::stderr());
    scope.reset();
    scope.terminate_execution();
    // Make the termination pending now (a script's entry checks for it), so
    // that it is what V8 finds when the fast call returns.
    if let Some(script) =
        v8::String::new(scope, "0").and_then(|s| v8::Script::compile(scope, s, None))
    {
        let _ = script.run(scope);
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
    // SAFETY: tasks run on the JS thread.
    let Some(js) = (unsafe { target.js.get() }) else {
        return closed_warning(target.id);
    };
    let context = v8::Local::new(scope, &js.context);
    let scope = &mut v8::ContextScope::new(scope, context);
    let function = v8::Local::new(scope, &js.function);
    // No TryCatch: an exception leaves the task like any uncaught error of
    // an event-loop task and reaches the embedder's handler.
    match call_js(scope, target, function, call) {
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

fn closed_warning(id: u64) {
    eprintln!(
        "warning: a closed Deno.UnsafeCallback (#{id}) was called; it returned 0 without running"
    );
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
    target: &Target,
    function: v8::Local<v8::Function>,
    call: &CallbackCall,
) -> Outcome<'s> {
    let sig = &target.sig;
    let recv: v8::Local<v8::Value> = v8::undefined(scope).into();
    let mut inline = [recv; INLINE_ARGS];
    let mut heap = Vec::new();
    let args: &mut [v8::Local<v8::Value>] = if sig.params.len() <= INLINE_ARGS {
        &mut inline[..sig.params.len()]
    } else {
        heap.resize(sig.params.len(), recv);
        &mut heap
    };
    for (i, (arg, kind)) in args.iter_mut().zip(target.params.iter()).enumerate() {
        // SAFETY: the thunk passes one readable 8-byte slot per parameter.
        let slot = unsafe { call.args.add(i) };
        *arg = match kind {
            // SAFETY (the three reads): as above; scalars sit in the low
            // bytes of their slot.
            ParamKind::I32 => v8::Integer::new(scope, unsafe { slot.read() } as i32).into(),
            ParamKind::U32 => {
                v8::Integer::new_from_unsigned(scope, unsafe { slot.read() } as u32).into()
            }
            ParamKind::F64 => v8::Number::new(scope, f64::from_bits(unsafe { slot.read() })).into(),
            // SAFETY: a struct slot holds the address of the struct's
            // bytes, live for the whole call.
            ParamKind::Other => unsafe { arg_slot_to_js(scope, &sig.params[i], slot) },
        };
    }
    let Some(value) = function.call(scope, recv, args) else {
        return Outcome::Threw;
    };
    if sig.result == NativeType::Void {
        return Outcome::Returned;
    }
    if let Some(bits) = callback_number_result(&sig.result, value) {
        // SAFETY: as below; a scalar result of at most 8 bytes.
        unsafe { Slot::scalar(bits).write_result(&sig.result, call.ret) };
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
