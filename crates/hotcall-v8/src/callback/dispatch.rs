//! What a callback thunk runs: the JS function, synchronously when called
//! on the JS thread, through the event loop when called from elsewhere.

use std::cell::{RefCell, UnsafeCell};
use std::ptr::NonNull;
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex};

use hotcall_abi::{NativeType, Signature};
use hotcall_jit::callback::CallbackCall;

use super::{Registry, WHAT};
use crate::convert::{arg_slot_to_js, callback_number_result, js_to_callback_result, ArgContext};
use crate::raw_v8;
use crate::TaskSender;

/// Everything the (thread-agnostic) dispatcher knows about one callback.
/// The thunk's handler holds it directly: a call finds its function without
/// any lookup.
pub(super) struct Target {
    /// The callback's number (in messages and in the [`Registry`]).
    pub id: u64,
    pub sig: Signature,
    /// Some parameter is a struct (its conversion needs a rusty_v8 scope).
    struct_params: bool,
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
        Target {
            id,
            struct_params: sig.params.iter().any(|p| p.as_struct().is_some()),
            sig,
            isolate,
            tasks,
            js,
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
    // SAFETY: the caller's promise; V8 reads a global handle's slot exactly
    // like a local one.
    unsafe { raw_v8::local(slot.as_ptr()) }
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
            // Tasks run on the JS thread.
            on_creating_thread: true,
        }
    }
}

/// The dispatcher of every `UnsafeCallback` thunk.
pub(super) fn dispatch(target: &Arc<Target>, call: &CallbackCall) {
    // `create` makes the `Callback` on the JS thread.
    if call.on_creating_thread {
        call_on_js_thread(target, call);
    } else {
        call_from_other_thread(target, call);
    }
}

/// Arguments up to this count are passed to JS from a stack array.
const INLINE_ARGS: usize = 16;

/// Room for `n` argument handles: a prefix of `inline` when it is long
/// enough, else `heap` (filled with `inline`'s first handle).
fn arg_array<'a, 's>(
    inline: &'a mut [v8::Local<'s, v8::Value>; INLINE_ARGS],
    heap: &'a mut Vec<v8::Local<'s, v8::Value>>,
    n: usize,
) -> &'a mut [v8::Local<'s, v8::Value>] {
    if n <= INLINE_ARGS {
        &mut inline[..n]
    } else {
        heap.resize(n, inline[0]);
        heap
    }
}

/// Nested in a synchronous FFI call: enter V8 right here.
///
/// The hot path opens V8's scopes directly (`raw_v8`), converts scalar
/// arguments and number results without a rusty_v8 scope, and only opens
/// one (a `CallbackScope`) for struct arguments, results that are not
/// plain numbers, and failures.
fn call_on_js_thread(target: &Target, call: &CallbackCall) {
    // SAFETY: `dispatch` checked that this is the JS thread.
    let Some(js) = (unsafe { target.js.get() }) else {
        return closed_warning(target.id);
    };
    let mut handle_storage = raw_v8::HandleScopeStorage::uninit();
    // SAFETY: we are on the isolate's thread, and the isolate is alive: it
    // owns the registry that owns this callback's thunk (dropping the
    // isolate frees the thunk, after which C may not call it). V8 called
    // into native code (an FFI call's slow callback or fast trampoline)
    // and that code called us: the isolate is entered, and every scope
    // opened below is closed before we return.
    let handles = unsafe { raw_v8::Handles::open(&mut handle_storage, target.isolate.0) };
    if handles.is_execution_terminating() {
        return;
    }
    let mut catch_storage = raw_v8::TryCatchStorage::uninit();
    // SAFETY: as above; `handles` is the innermost scope.
    let mut catch = unsafe { raw_v8::Catch::open(&mut catch_storage, &handles) };
    // SAFETY: `js` is held until this function returns, so the global
    // handles outlive every use of these `Local`s; we are on their thread.
    let (context, function) = unsafe {
        (
            local_of(js.context_slot, &js),
            local_of(js.function_slot, &js),
        )
    };
    let from_fast_call = in_fast_api_call(target.isolate.0);
    let marker = from_fast_call.then(super::FastCallCallback::enter);
    let outcome = if target.struct_params {
        // SAFETY: as for `handles`; the context is alive (held by `js`).
        let scope = &mut unsafe { v8::CallbackScope::new(context) };
        let scope = &mut v8::HandleScope::new(scope);
        call_js(scope, target, function, call)
    } else {
        call_js_direct(&handles, target, context, function, call)
    };
    drop(marker);
    let invalid = match outcome {
        Outcome::Returned => return,
        Outcome::Invalid(message) => Some(message),
        Outcome::Threw if !catch.can_continue() => {
            // Termination: let it unwind through the FFI call.
            catch.rethrow();
            return;
        }
        Outcome::Threw => None,
    };
    // Failures only from here: a rusty_v8 scope for the conversions.
    // SAFETY: as for `handles`.
    let scope = &mut unsafe { v8::CallbackScope::new(context) };
    let scope = &mut v8::HandleScope::new(scope);
    let exception = match invalid {
        Some(message) => Some(type_error(scope, &message)),
        None => catch.exception(),
    };
    if from_fast_call {
        let described = match (catch.stack_trace(context), exception) {
            (Some(stack), _) if stack.is_string() => stack.to_rust_string_lossy(scope),
            (_, Some(e)) => e.to_rust_string_lossy(scope),
            _ => "(unknown exception)".to_owned(),
        };
        catch.reset();
        return fail_in_fast_call(scope, target, &described);
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

/// [`call_js`] without a rusty_v8 scope, for signatures without struct
/// arguments.
fn call_js_direct<'s>(
    handles: &raw_v8::Handles<'s>,
    target: &Target,
    context: v8::Local<v8::Context>,
    function: v8::Local<v8::Function>,
    call: &CallbackCall,
) -> Outcome {
    let sig = &target.sig;
    let recv = handles.undefined();
    let (mut inline, mut heap) = ([recv; INLINE_ARGS], Vec::new());
    let args = arg_array(&mut inline, &mut heap, sig.params.len());
    for (i, (arg, ty)) in args.iter_mut().zip(sig.params.iter()).enumerate() {
        // SAFETY: the thunk passes one readable 8-byte slot per parameter;
        // scalars sit in the low bytes of theirs.
        let bits = unsafe { call.args.add(i).read() };
        *arg = match handles.scalar(ty, bits) {
            Some(value) => value,
            None => unreachable!("struct parameters take call_js"),
        };
    }
    let Some(value) = handles.call(function, context, recv, args) else {
        return Outcome::Threw;
    };
    if store_number_result(&sig.result, value, call) {
        return Outcome::Returned;
    }
    // Other results (bool, bigints, buffers for pointers, errors) convert
    // in a rusty_v8 scope.
    // SAFETY: as in `call_on_js_thread` (same thread, isolate entered).
    let scope = &mut unsafe { v8::CallbackScope::new(context) };
    let scope = &mut v8::HandleScope::new(scope);
    store_converted_result(scope, &sig.result, value, call)
}

/// Stores a void or plain number result; false if `value` needs
/// [`store_result`].
fn store_number_result(ty: &NativeType, value: v8::Local<v8::Value>, call: &CallbackCall) -> bool {
    if *ty == NativeType::Void {
        return true;
    }
    match callback_number_result(ty, value) {
        Some(bits) => {
            // SAFETY: the thunk's result buffer holds at least 8 bytes
            // (`CallbackCall`); `bits` is the scalar, zero-extended (the
            // thunk reads the type's width).
            unsafe { call.ret.cast::<u64>().write_unaligned(bits) };
            true
        }
        None => false,
    }
}

/// Converts and stores any result.
fn store_result(
    scope: &mut v8::HandleScope,
    ty: &NativeType,
    value: v8::Local<v8::Value>,
    call: &CallbackCall,
) -> Outcome {
    if store_number_result(ty, value, call) {
        return Outcome::Returned;
    }
    store_converted_result(scope, ty, value, call)
}

/// Converts and stores a result [`store_number_result`] did not take.
fn store_converted_result(
    scope: &mut v8::HandleScope,
    ty: &NativeType,
    value: v8::Local<v8::Value>,
    call: &CallbackCall,
) -> Outcome {
    match js_to_callback_result(scope, ty, value, &ArgContext::result(WHAT)) {
        Ok(slot) => {
            // SAFETY: as in `store_number_result`, and `slot` (with its
            // backing store) is alive here.
            unsafe { slot.write_result(ty, call.ret) };
            Outcome::Returned
        }
        Err(message) => Outcome::Invalid(message),
    }
}

fn type_error<'s>(scope: &mut v8::HandleScope<'s>, message: &str) -> v8::Local<'s, v8::Value> {
    let message = v8::String::new(scope, message).unwrap_or_else(|| v8::String::empty(scope));
    v8::Exception::type_error(scope, message)
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
/// Runs on the JS thread, inside [`call_on_js_thread`]'s scopes, with the
/// exception already described and reset.
fn fail_in_fast_call(scope: &mut v8::HandleScope, target: &Target, described: &str) {
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
    // Refused once the event loop has gone: dropping the task drops its
    // `Completion`, which releases this thread below (C gets 0).
    let _ = target
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
        Outcome::Invalid(message) => {
            let error = type_error(scope, &message);
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

enum Outcome {
    /// The result (if any) is in the result buffer.
    Returned,
    /// The function threw; the exception is pending in the scope.
    Threw,
    /// The function returned something that does not convert to the
    /// result type: a `TypeError` with this message is to be treated as
    /// thrown.
    Invalid(String),
}

/// Converts the arguments, calls `function`, stores its result (any
/// signature, in a rusty_v8 scope).
fn call_js(
    scope: &mut v8::HandleScope,
    target: &Target,
    function: v8::Local<v8::Function>,
    call: &CallbackCall,
) -> Outcome {
    let sig = &target.sig;
    let recv: v8::Local<v8::Value> = v8::undefined(scope).into();
    let (mut inline, mut heap) = ([recv; INLINE_ARGS], Vec::new());
    let args = arg_array(&mut inline, &mut heap, sig.params.len());
    for (i, (arg, ty)) in args.iter_mut().zip(sig.params.iter()).enumerate() {
        // SAFETY: the thunk passes one readable 8-byte slot per parameter; a
        // struct slot holds the address of the struct's bytes, live for the
        // whole call.
        *arg = unsafe { arg_slot_to_js(scope, ty, call.args.add(i)) };
    }
    let Some(value) = function.call(scope, recv, args) else {
        return Outcome::Threw;
    };
    store_result(scope, &sig.result, value, call)
}
