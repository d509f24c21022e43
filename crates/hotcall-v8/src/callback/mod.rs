//! `Deno.UnsafeCallback`: a JS function behind a C function pointer.
//!
//! The class itself is JavaScript (`src/js/callback.js`); it calls four
//! native operations defined here (`create`, `close`, `ref`, `unref`).
//! `create` validates the definition ([`crate::decl_js::read_definition`],
//! i.e. `hotcall_abi`), compiles a callback thunk with the process-wide
//! `Jit` ([`crate::jit::with_jit`]) and wraps it in a
//! `hotcall_jit::callback::Callback`, whose dispatcher runs
//! `dispatch::dispatch`:
//!
//! * **on the JS thread** (the thread that created the callback), the call
//!   comes from C code running inside a synchronous FFI call: the isolate is
//!   entered, so the dispatcher opens a `CallbackScope`, converts the
//!   argument slots to JS, calls the function and converts its result into
//!   the thunk's result buffer. If the function throws, C gets 0 / null and
//!   the exception is parked in per-isolate state; the FFI call path takes
//!   it with [`take_pending_exception`] once the C function has returned and
//!   rethrows it, so it propagates out of the call that led to the callback.
//!   Symbols that may call back should be declared `callback: true`. One
//!   that is not may be reached through V8's fast path: the callback runs
//!   (V8 12.8 allows JS inside fast calls), but if it throws the failure is
//!   loud instead (printed with the callback's and the symbol's names, then
//!   execution is terminated), never parked for an unrelated later call
//!   (`dispatch::fail_in_fast_call`, `docs/ffi-v8.md`).
//! * **on any other thread**, the call is posted to the JS thread's event
//!   loop ([`crate::TaskSender::post`]) and the calling thread blocks until
//!   the task has run (or was dropped because the loop is gone, in which
//!   case C gets 0). An exception thrown there propagates out of the task,
//!   i.e. to whatever the embedder's event loop does with exceptions of
//!   [`crate::TaskQueue::run_ready`]; C gets 0 / null.
//!
//! Results convert like Deno 1.30's (`convert::js_to_callback_result`:
//! `undefined` is 0, numbers coerce, pointer kinds also take a buffer's
//! address). A result that has no meaning for the declared type (e.g. a
//! string for `pointer`) is treated exactly like a throw of the
//! conversion's `TypeError` (C gets 0, the error propagates as above).
//!
//! Lifetime: `close()` removes the JS function from the registry and hands
//! the thunk to `Callback`'s deferred free, so closing a callback inside its
//! own call is safe. A callback that is never closed lives as long as the
//! isolate (the registry is an isolate slot); when the isolate goes (exit,
//! a terminated `Worker`) its thunk stays mapped and returns 0, because C
//! may still call it (`Drop for Registry`). Calling the pointer after the
//! thunk was freed is undefined behaviour, as for any dangling C function
//! pointer; a call that still reaches a closed callback (e.g. a nested call
//! between `close()` and the end of the outer call) returns 0 without
//! running JS.
//!
//! Known deadlock (inherent to blocking cross-thread callbacks): a
//! synchronous FFI call that waits for a thread which calls a callback
//! (e.g. `pthread_join`) never returns, because the JS thread is not
//! running its event loop. Use a nonblocking call to wait instead.

mod dispatch;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use v8::MapFnTo;

use hotcall_jit::callback::Callback;

use crate::decl_js::read_definition;
use crate::errors::{throw, Throw};
use crate::TaskSender;
use dispatch::{IsolatePtr, JsFunction, JsSlot, Target};

/// How definitions are named in messages.
const WHAT: &str = "UnsafeCallback";

/// The JS half of the class.
const CLASS_SOURCE: &str = include_str!("../js/callback.js");

/// Takes the exception a JS callback threw during the last synchronous FFI
/// call on this isolate, if any. Call it after every synchronous C call
/// that may have called back (every `callback: true` symbol, every slow
/// path call) and rethrow what it returns:
///
/// ```ignore
/// invoker(f, args, ret);
/// if let Some(exc) = hotcall_v8::callback::take_pending_exception(scope) {
///     scope.throw_exception(exc);
///     return;
/// }
/// ```
///
/// When several callbacks threw during one call, the first exception wins.
pub fn take_pending_exception<'s>(
    scope: &mut v8::HandleScope<'s, ()>,
) -> Option<v8::Local<'s, v8::Value>> {
    // The common case (no callback threw) costs one thread-local read.
    if !may_have_pending_exception() {
        return None;
    }
    let registry = scope.get_slot::<Rc<RefCell<Registry>>>()?.clone();
    let exception = registry.borrow_mut().pending.take()?;
    PARKED.with(|p| p.set(p.get() - 1));
    Some(v8::Local::new(scope, exception))
}

thread_local! {
    /// How many isolates of this thread have an exception parked by a
    /// callback (an isolate is used by one thread only), so that the check
    /// after every slow call is cheap.
    pub(crate) static PARKED: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// False when no isolate of this thread has a parked exception, so
/// [`take_pending_exception`] would return `None` (one thread-local read,
/// no scope needed).
pub fn may_have_pending_exception() -> bool {
    PARKED.with(|p| p.get()) != 0
}

/// [`take_pending_exception`] and throw it; true if there was one (the
/// caller then returns without setting a result).
pub fn rethrow_pending_exception(scope: &mut v8::HandleScope<'_, ()>) -> bool {
    match take_pending_exception(scope) {
        Some(exception) => {
            scope.throw_exception(exception);
            true
        }
        None => false,
    }
}

thread_local! {
    /// The cells of fast symbols by trampoline address (this thread's
    /// isolate), for the message of a callback that throws inside a fast
    /// call: the cell names the symbol the trampoline serves now.
    static FAST_SYMBOLS: RefCell<HashMap<usize, *const crate::symbol::SymbolCell>> =
        RefCell::new(HashMap::new());
}

/// Records that `trampoline` is the fast overload of the functions that
/// call through `cell` (called when a symbol's V8 functions are built).
pub fn note_fast_symbol(trampoline: *const u8, cell: *const crate::symbol::SymbolCell) {
    FAST_SYMBOLS.with(|m| m.borrow_mut().insert(trampoline as usize, cell));
}

thread_local! {
    /// Callbacks running now whose C caller V8 entered through a fast call.
    static IN_FAST_CALL_CALLBACKS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// True while a callback runs whose C caller was entered through V8's fast
/// path (so C code of some library is on the stack below the JS running
/// now; V8's own marker is cleared by the JS entry, so it cannot tell).
pub(crate) fn in_callback_from_fast_call() -> bool {
    IN_FAST_CALL_CALLBACKS.with(|n| n.get() > 0)
}

/// Counts one callback from a fast call while alive.
pub(super) struct FastCallCallback;

impl FastCallCallback {
    pub(super) fn enter() -> FastCallCallback {
        IN_FAST_CALL_CALLBACKS.with(|n| n.set(n.get() + 1));
        FastCallCallback
    }
}

impl Drop for FastCallCallback {
    fn drop(&mut self) {
        IN_FAST_CALL_CALLBACKS.with(|n| n.set(n.get() - 1));
    }
}

fn fast_symbol_name(trampoline: usize) -> Option<String> {
    let cell = FAST_SYMBOLS.with(|m| m.borrow().get(&trampoline).copied())?;
    // SAFETY: `trampoline` is the target of a fast call running now, so
    // it is live, and every live trampoline was noted when its functions
    // were built (overwriting what a freed one at that address left), with
    // a cell anchored for the life of this thread's isolate.
    unsafe { &*cell }.get().map(|data| data.name.clone())
}

/// Defines `Deno.UnsafeCallback` on `deno`.
pub fn install(
    scope: &mut v8::HandleScope,
    deno: v8::Local<v8::Object>,
    config: &crate::FfiConfig,
) -> Result<(), String> {
    install_with_tasks(scope, deno, config.tasks.clone())
}

/// [`install`] for embedders that only have a [`TaskSender`].
pub fn install_with_tasks(
    scope: &mut v8::HandleScope,
    deno: v8::Local<v8::Object>,
    tasks: TaskSender,
) -> Result<(), String> {
    if scope.get_slot::<Rc<RefCell<Registry>>>().is_none() {
        let registry = Registry {
            tasks,
            next_id: 1,
            live: HashMap::new(),
            pending: None,
        };
        scope.set_slot(Rc::new(RefCell::new(registry)));
    }

    let ops = crate::install::natives_object(
        scope,
        &[
            ("create", op_create.map_fn_to()),
            ("close", op_close.map_fn_to()),
            ("ref", op_ref.map_fn_to()),
            ("unref", op_unref.map_fn_to()),
        ],
    )?;
    let class = crate::install::call_builtin(
        scope,
        "hotcall:callback.js",
        CLASS_SOURCE,
        &[ops.into(), deno.into()],
    )
    .map_err(|e| format!("cannot install Deno.UnsafeCallback: {e}"))?;
    let key = v8::String::new(scope, "UnsafeCallback").ok_or("out of memory")?;
    deno.set(scope, key.into(), class);
    Ok(())
}

/// Per-isolate state (an isolate slot).
pub(crate) struct Registry {
    tasks: TaskSender,
    next_id: u64,
    /// Open callbacks by id.
    live: HashMap<u64, Live>,
    /// What a callback threw during the current synchronous FFI call.
    pending: Option<v8::Global<v8::Value>>,
}

/// An open callback.
struct Live {
    /// What the dispatcher reads: the JS function lives in `target.js`.
    target: Arc<Target>,
    /// Owns the thunk; dropping it frees the thunk once no call runs it.
    /// `None` only while being dropped.
    callback: Option<Callback>,
}

impl Drop for Live {
    /// Runs on the JS thread (`close()` or the isolate's teardown): the
    /// function's global handles are released here, never on whichever
    /// thread later frees the thunk. A call still running keeps its own
    /// reference to them until it returns.
    fn drop(&mut self) {
        // SAFETY: `Live` lives in the isolate's registry, which is only
        // touched on the JS thread.
        drop(unsafe { self.target.js.take() });
        drop(self.callback.take());
    }
}

impl Drop for Registry {
    /// The isolate's teardown (process exit, or a `Worker` ending): the
    /// callbacks the script never closed may still be called by C (a thread
    /// it started, a stored pointer), so their thunks stay mapped; a call
    /// then finds no isolate and returns 0 (the dispatcher posts to a queue
    /// nobody reads, or finds the function gone). The JS handles are
    /// released as for `close()`. Like the libraries that were not closed,
    /// this is bounded by what the script left open.
    fn drop(&mut self) {
        for (_, mut live) in self.live.drain() {
            std::mem::forget(live.callback.take());
        }
    }
}

fn registry(scope: &mut v8::HandleScope<'_, ()>) -> Option<Rc<RefCell<Registry>>> {
    scope.get_slot::<Rc<RefCell<Registry>>>().cloned()
}

/// `ops.create(definition, fn)` -> `[id, pointer]`.
fn op_create<'s>(
    scope: &mut v8::HandleScope<'s>,
    args: v8::FunctionCallbackArguments<'s>,
    mut rv: v8::ReturnValue,
) {
    match create(scope, args.get(0), args.get(1)) {
        Ok((id, pointer)) => {
            let id = v8::Number::new(scope, id as f64).into();
            // A number when the address is a safe integer, else a bigint
            // (Deno 1.25-1.30).
            let pointer = crate::convert::u64_to_js(scope, pointer as u64);
            rv.set(v8::Array::new_with_elements(scope, &[id, pointer]).into());
        }
        Err(t) => throw(scope, t),
    }
}

fn create<'s>(
    scope: &mut v8::HandleScope<'s>,
    definition: v8::Local<'s, v8::Value>,
    function: v8::Local<'s, v8::Value>,
) -> Result<(u64, *const u8), Throw> {
    crate::state::FfiState::get(scope).require_ffi("Deno.UnsafeCallback")?;
    let (sig, _) = read_definition(scope, definition, WHAT, false)?;
    let function = v8::Local::<v8::Function>::try_from(function)
        .map_err(|_| Throw::Type("UnsafeCallback: the callback must be a function".to_owned()))?;
    let registry = registry(scope).ok_or_else(|| {
        Throw::Error("Deno.UnsafeCallback is not installed in this isolate".to_owned())
    })?;
    let (id, tasks) = {
        let mut reg = registry.borrow_mut();
        let id = reg.next_id;
        reg.next_id += 1;
        (id, reg.tasks.clone())
    };
    let context = scope.get_current_context();
    let js = JsFunction::new(scope, function, context);
    let target = Arc::new(Target::new(
        id,
        sig.clone(),
        IsolatePtr(isolate_ptr(scope)),
        tasks,
        JsSlot::new(js),
    ));
    let handler_target = target.clone();
    let callback = crate::jit::with_jit(|jit| {
        Callback::new(jit, &sig, move |call| {
            dispatch::dispatch(&handler_target, call)
        })
    })
    .map_err(Throw::Error)?
    .map_err(|e| Throw::Error(format!("UnsafeCallback: {e}")))?;
    let pointer = callback.pointer();
    let live = Live {
        target,
        callback: Some(callback),
    };
    registry.borrow_mut().live.insert(id, live);
    Ok((id, pointer))
}

fn isolate_ptr(isolate: &mut v8::Isolate) -> *mut v8::Isolate {
    isolate
}

/// `ops.close(id)`.
fn op_close(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    _rv: v8::ReturnValue,
) {
    let Some(id) = args.get(0).number_value(scope) else {
        return;
    };
    let Some(registry) = registry(scope) else {
        return;
    };
    let removed = registry.borrow_mut().live.remove(&(id as u64));
    // Dropped outside the borrow: the thunk goes to the deferred free.
    drop(removed);
}

/// `ops.ref()`: one more reason for the event loop to stay alive.
fn op_ref(scope: &mut v8::HandleScope, _args: v8::FunctionCallbackArguments, _rv: v8::ReturnValue) {
    if let Some(registry) = registry(scope) {
        registry.borrow().tasks.add_ref();
    }
}

/// `ops.unref()`.
fn op_unref(
    scope: &mut v8::HandleScope,
    _args: v8::FunctionCallbackArguments,
    _rv: v8::ReturnValue,
) {
    if let Some(registry) = registry(scope) {
        registry.borrow().tasks.unref();
    }
}
