//! One callable foreign function as a V8 function: the slow callback
//! (JS arguments → slots → the signature's invoker) and, when the symbol has
//! one, the fast overload (the JIT trampoline registered as its `CFunction`).

use std::cell::Cell;
use std::ffi::c_void;
use std::rc::Rc;
use std::sync::Arc;

use hotcall_abi::Signature;
use hotcall_jit::abi::result_buffer_size;
use hotcall_jit::InvokerFn;

use crate::convert::{
    js_to_slot, scalar_arg_bits, scalar_to_js, set_scalar_return, slot_to_js, ArgContext, Slot,
};
use crate::errors::{throw, Throw};
use crate::fast::{c_function_info, is_int64_param};
use crate::state::FfiState;
use v8::fast_api::Int64Representation;

/// A library as its symbols see it: whether it was closed, and the handle
/// in-flight nonblocking calls hold on to.
pub struct LibHandle {
    /// The path it was opened with (for messages).
    pub path: String,
    /// Set by `close()`: every later call throws.
    pub closed: Cell<bool>,
    /// The loaded library; `None` once closed. Nonblocking calls clone the
    /// `Arc`, so unloading waits for the last one to finish.
    pub library: std::cell::RefCell<Option<Arc<libloading::Library>>>,
    /// The library's symbol functions while it is open; `close()` gives
    /// them to the pool (`symbol_pool.rs`) for a later `dlopen` to reuse.
    pub symbols: std::cell::RefCell<Vec<crate::symbol_pool::PooledSymbol>>,
    /// Synchronous slow calls of this library in progress on the JS thread
    /// (a callback may call `close()` inside one: the unload waits).
    pub active_calls: Cell<u32>,
    /// The library `close()` took while a call was in progress; released
    /// when the last such call returns.
    pub deferred_unload: std::cell::RefCell<Option<Arc<libloading::Library>>>,
}

impl Drop for LibHandle {
    /// Runs after `close()` (nothing to do then), or when the isolate is
    /// dropped for a library never closed. Only `close()` unloads a
    /// library: at isolate teardown a C thread the library started may
    /// still be running library code, and
    /// `dlclose` would unmap it under that thread (a crash at exit). So the
    /// library is leaked here (the `Arc` is never released, so neither this
    /// handle nor an in-flight nonblocking call ever runs `dlclose`).
    fn drop(&mut self) {
        if let Some(library) = self.library.get_mut().take() {
            std::mem::forget(library);
        }
    }
}

/// Everything a symbol's slow callback needs.
pub struct SymbolData {
    /// The name used in messages (the JS key, or the function pointer's label).
    pub name: String,
    pub sig: Signature,
    /// The C function.
    pub target: *const c_void,
    /// The signature's invoker, compiled on the first slow call (a
    /// symbol only ever called through its fast trampoline never needs one).
    pub invoker: Cell<Option<InvokerFn>>,
    /// The library the function lives in (`None` for `UnsafeFnPointer`).
    pub lib: Option<Rc<LibHandle>>,
    /// Where the slow path stores the raw result for out-slot results
    /// (the same place the fast trampoline stores it), else null.
    pub out_slot: *mut u8,
    /// Return a Promise and run on the worker pool.
    pub nonblocking: bool,
    /// The isolate's state, which owns (through its anchors, pool,
    /// libraries and collectable functions) every cell that can reach
    /// this data, so it outlives it. A pointer, because looking the state
    /// up in the isolate's slots (a hash lookup) is measurable per call.
    pub state: *const FfiState,
}

/// What a symbol's V8 functions call through (their `v8::External` points
/// here): the symbol they stand for now, or nothing while they wait in the
/// pool. Anchored for the isolate's life, like the functions themselves.
#[derive(Default)]
pub struct SymbolCell(std::cell::RefCell<Option<Rc<SymbolData>>>);

impl SymbolCell {
    /// Points the functions at `data` (or at nothing).
    pub fn set(&self, data: Option<Rc<SymbolData>>) {
        *self.0.borrow_mut() = data;
    }

    /// The symbol the functions stand for now.
    pub fn get(&self) -> Option<Rc<SymbolData>> {
        self.0.borrow().clone()
    }
}

impl SymbolData {
    /// The invoker of the symbol's signature (compiled now if needed).
    pub fn invoker(&self) -> Result<InvokerFn, Throw> {
        if let Some(invoker) = self.invoker.get() {
            return Ok(invoker);
        }
        let invoker = crate::jit::with_jit(|jit| jit.invoker(&self.sig))
            .and_then(|r| r.map_err(|e| e.to_string()))
            .map_err(|e| Throw::Error(format!("Failed to compile symbol {}: {e}", self.name)))?;
        self.invoker.set(Some(invoker));
        Ok(invoker)
    }

    /// Stores a result word in the symbol's out cell, if it has one (its
    /// JS wrapper reads the result there); false if it has none.
    fn store_out(&self, word: u64) -> bool {
        if self.out_slot.is_null() {
            return false;
        }
        // SAFETY: `out_slot` is an 8-byte cell of the library's out buffer,
        // which lives as long as the symbol's data.
        unsafe { self.out_slot.cast::<u64>().write_unaligned(word) };
        true
    }
}

/// How the V8 function for a symbol is built.
pub struct FunctionSpec {
    pub data: Rc<SymbolData>,
    /// The fast trampoline, if the symbol goes fast.
    pub trampoline: Option<*const u8>,
}

/// The V8 functions of one symbol: both call the same slow callback; they
/// differ in the representation of 64-bit parameters on the fast path.
pub struct SymbolFunctions<'s> {
    /// 64-bit parameters as Numbers (also the only function of symbols
    /// without 64-bit parameters or without a fast overload).
    pub number: v8::Local<'s, v8::Function>,
    /// 64-bit parameters as BigInts, for symbols with a fast overload and
    /// 64-bit parameters.
    pub bigint: Option<v8::Local<'s, v8::Function>>,
    /// The cell both functions call through.
    pub cell: *const SymbolCell,
}

/// Creates the V8 functions for `spec` (see [`SymbolFunctions`]).
pub fn new_functions<'s>(
    scope: &mut v8::HandleScope<'s>,
    spec: FunctionSpec,
) -> Option<SymbolFunctions<'s>> {
    let state = FfiState::get(scope);
    let arity = spec.data.sig.params.len() as i32;
    let sig = spec.data.sig.clone();
    let cell = state.anchor(Rc::new(SymbolCell::default()));
    // SAFETY: just anchored, valid for the isolate's life.
    unsafe { &*cell }.set(Some(spec.data));
    if let Some(trampoline) = spec.trampoline {
        crate::callback::note_fast_symbol(trampoline, cell);
    }
    let data = v8::External::new(scope, cell as *mut c_void);
    let build = |scope: &mut v8::HandleScope<'s>, repr: Option<Int64Representation>| {
        let builder = v8::FunctionTemplate::builder_raw(slow_call)
            .data(data.into())
            .length(arity);
        let template = match (spec.trampoline, repr) {
            (Some(trampoline), Some(repr)) => {
                let fast = v8::fast_api::FastFunction {
                    // Unused: the CFunctionInfo below describes the arguments.
                    args: &[],
                    function: trampoline as *const c_void,
                    repr,
                    return_type: v8::fast_api::CType::Void,
                };
                let info = c_function_info(&sig, repr);
                builder.build_fast(scope, &fast, Some(info), None, None)
            }
            _ => builder.build(scope),
        };
        template.get_function(scope)
    };
    let has_int64 = sig.params.iter().any(is_int64_param);
    let built = build(scope, Some(Int64Representation::Number)).and_then(|number| {
        match spec.trampoline.is_some() && has_int64 {
            true => build(scope, Some(Int64Representation::BigInt)).map(|b| (number, Some(b))),
            false => Some((number, None)),
        }
    });
    let Some((number, bigint)) = built else {
        // (An exception is pending.) Nothing may keep the symbol's data.
        // SAFETY: as above.
        unsafe { &*cell }.set(None);
        return None;
    };
    Some(SymbolFunctions {
        number,
        bigint,
        cell,
    })
}

/// A V8 function for `data` with only the slow callback, made without a
/// template, so V8 may collect it (an `UnsafeFnPointer`'s call): a weak
/// handle's finalizer then frees its cell and symbol data.
pub fn new_collectable_function<'s>(
    scope: &mut v8::HandleScope<'s>,
    data: Rc<SymbolData>,
) -> Option<v8::Local<'s, v8::Function>> {
    let arity = data.sig.params.len() as i32;
    let cell = Rc::new(SymbolCell::default());
    cell.set(Some(data));
    let external = v8::External::new(scope, Rc::as_ptr(&cell) as *mut c_void);
    let function = v8::Function::builder_raw(slow_call)
        .data(external.into())
        .length(arity)
        .build(scope)?;
    let state = FfiState::get(scope);
    let id = state.next_id();
    let weak = v8::Weak::with_finalizer(
        scope,
        function,
        Box::new(move |isolate: &mut v8::Isolate| {
            if let Some(state) = isolate.get_slot::<Rc<FfiState>>().cloned() {
                state.drop_collectable(id);
            }
        }),
    );
    // The cell lives as long as the function can be called: until V8 has
    // collected it and run the finalizer (or the isolate is dropped).
    state.add_collectable(id, weak, cell);
    Some(function)
}

/// The symbol a function stands for now (`None` once its library closed).
fn symbol_data(args: &v8::FunctionCallbackArguments) -> Option<Rc<SymbolData>> {
    let external = v8::Local::<v8::External>::try_from(args.data())
        .expect("symbol functions carry an External");
    // SAFETY: the External was made by `new_functions` from a cell that
    // `FfiState::anchor` keeps valid for the life of the isolate.
    unsafe { &*(external.value() as *const SymbolCell) }.get()
}

/// The slow callback of every symbol function, as V8 calls it: calls with
/// scalar arguments and result ([`scalar_call`]) run without a rusty_v8
/// scope; everything else opens one and takes [`call`].
extern "C" fn slow_call(info: *const v8::FunctionCallbackInfo) {
    // SAFETY: V8 passes a valid info that lives until this callback returns.
    let info = unsafe { &*info };
    let args = v8::FunctionCallbackArguments::from_function_callback_info(info);
    let data = symbol_data(&args);
    if let Some(data) = &data {
        // SAFETY: the state outlives the symbol data (see `SymbolData::state`).
        unsafe { &*data.state }.count_slow_call();
        if scalar_call(info, data, &args) {
            return;
        }
    }
    // SAFETY: what `CallbackScope` exists for: V8 called a function
    // callback, and the scope is dropped before it returns.
    let scope = &mut unsafe { v8::CallbackScope::new(info) };
    let mut rv = v8::ReturnValue::from_function_callback_info(info);
    // The wrappers check `closed` first; only a function kept past its
    // library's `close()` gets here without a symbol.
    let Some(data) = data else {
        return throw(
            scope,
            Throw::Error("FFI symbol called after its library was closed".to_owned()),
        );
    };
    match call(scope, &data, &args) {
        Ok(Some(value)) => rv.set(value),
        Ok(None) => rv.set_undefined(),
        Err(t) => throw(scope, t),
    }
}

/// A synchronous call whose arguments convert by [`scalar_arg_bits`] and
/// whose result is a scalar, with no scope. Returns false, before anything
/// ran, when the call needs [`call`] (a closed library, too few arguments,
/// buffers, structs, a value that needs V8 to convert, a failed compile:
/// `call` then does it all again and words the error).
fn scalar_call(
    info: &v8::FunctionCallbackInfo,
    data: &SymbolData,
    args: &v8::FunctionCallbackArguments,
) -> bool {
    let sig = &data.sig;
    let n = sig.params.len();
    if data.nonblocking
        || n > INLINE_WORDS
        || (args.length() as usize) < n
        || sig.result.as_struct().is_some()
        || ensure_open(data).is_err()
    {
        return false;
    }
    let mut bits = [0u64; INLINE_WORDS];
    for (i, (word, ty)) in bits.iter_mut().zip(&sig.params).enumerate() {
        match scalar_arg_bits(ty, args.get(i as i32)) {
            Some(b) => *word = b,
            None => return false,
        }
    }
    let Ok(invoker) = data.invoker() else {
        return false;
    };
    // As in `call`: a callback may close the library meanwhile.
    let _active = data.lib.as_deref().map(ActiveCall::enter);
    let mut ret = 0u64;
    // SAFETY: as in `call`; no argument points at JS memory, and a scalar
    // result fits the 8-byte `ret` (`result_buffer_size` of a scalar).
    unsafe { invoker(data.target, bits.as_ptr(), (&mut ret as *mut u64).cast()) };
    let mut rv = v8::ReturnValue::from_function_callback_info(info);
    if crate::callback::may_have_pending_exception() {
        // SAFETY: as in `slow_call`.
        let scope = &mut unsafe { v8::CallbackScope::new(info) };
        if crate::callback::rethrow_pending_exception(scope) {
            return true;
        }
    }
    if data.store_out(ret) {
        rv.set_undefined();
        return true;
    }
    if !set_scalar_return(&mut rv, &sig.result, ret) {
        // A 64-bit result beyond 2^53: a bigint, made in a scope.
        // SAFETY: as in `slow_call`.
        let scope = &mut unsafe { v8::CallbackScope::new(info) };
        let value = scalar_to_js(scope, &sig.result, ret);
        rv.set(value);
    }
    true
}

/// A `TypeError` unless the call has at least the symbol's arity (extra
/// arguments are ignored, as by any JS function and by Deno).
fn check_arity(data: &SymbolData, args: &v8::FunctionCallbackArguments) -> Result<(), Throw> {
    let want = data.sig.params.len();
    if (args.length() as usize) < want {
        return Err(Throw::Type(format!(
            "symbol \"{}\" takes {want} argument{}, got {}",
            data.name,
            if want == 1 { "" } else { "s" },
            args.length()
        )));
    }
    Ok(())
}

/// Converts the JS arguments of a call to slots.
pub fn convert_args(
    scope: &mut v8::HandleScope,
    data: &SymbolData,
    args: &v8::FunctionCallbackArguments,
) -> Result<Vec<Slot>, Throw> {
    check_arity(data, args)?;
    (0..data.sig.params.len())
        .map(|i| {
            js_to_slot(
                scope,
                &data.sig.params[i],
                args.get(i as i32),
                &ArgContext::arg(&data.name, i),
            )
            .map_err(Throw::Type)
        })
        .collect()
}

fn ensure_open(data: &SymbolData) -> Result<(), Throw> {
    match &data.lib {
        Some(lib) if lib.closed.get() => Err(Throw::Error(format!(
            "symbol \"{}\" called after its library \"{}\" was closed",
            data.name, lib.path
        ))),
        _ => Ok(()),
    }
}

/// One synchronous call of a library in progress (see
/// [`LibHandle::active_calls`]).
struct ActiveCall<'a>(&'a LibHandle);

impl<'a> ActiveCall<'a> {
    fn enter(lib: &'a LibHandle) -> ActiveCall<'a> {
        lib.active_calls.set(lib.active_calls.get() + 1);
        ActiveCall(lib)
    }
}

impl Drop for ActiveCall<'_> {
    fn drop(&mut self) {
        let left = self.0.active_calls.get() - 1;
        self.0.active_calls.set(left);
        // Unloads here if `close()` ran during the call (no borrow when
        // the library is open: the common case).
        if left == 0 && self.0.closed.get() {
            drop(self.0.deferred_unload.borrow_mut().take());
        }
    }
}

/// Words of arguments or result kept on the stack by [`call`].
const INLINE_WORDS: usize = 16;

/// `n` zeroed words: a prefix of `inline` when it is long enough, else `heap`.
fn words<'a>(
    inline: &'a mut [u64; INLINE_WORDS],
    heap: &'a mut Vec<u64>,
    n: usize,
) -> &'a mut [u64] {
    if n <= INLINE_WORDS {
        &mut inline[..n]
    } else {
        heap.resize(n, 0);
        heap
    }
}

/// Runs one call of `data` with JS arguments: synchronous (returns the
/// result, `None` for out-slot results) or nonblocking (returns a Promise).
pub fn call<'s>(
    scope: &mut v8::HandleScope<'s>,
    data: &SymbolData,
    args: &v8::FunctionCallbackArguments,
) -> Result<Option<v8::Local<'s, v8::Value>>, Throw> {
    ensure_open(data)?;
    if data.nonblocking {
        let slots = convert_args(scope, data, args)?;
        return crate::nonblocking::start(scope, data, slots).map(|p| Some(p.into()));
    }
    check_arity(data, args)?;
    let invoker = data.invoker()?;
    // Argument and result words live on the stack for common signatures
    // (no allocation per call), on the heap beyond that; only buffer and
    // struct arguments have a backing store to hold across the call.
    let n = data.sig.params.len();
    let mut inline_bits = [0u64; INLINE_WORDS];
    let mut heap_bits = Vec::new();
    let bits = words(&mut inline_bits, &mut heap_bits, n);
    let mut keep = Vec::new();
    for (i, (word, ty)) in bits.iter_mut().zip(&data.sig.params).enumerate() {
        let slot = js_to_slot(
            scope,
            ty,
            args.get(i as i32),
            &ArgContext::arg(&data.name, i),
        )
        .map_err(Throw::Type)?;
        *word = slot.bits;
        if let Some(store) = slot.keep {
            keep.push(store);
        }
    }
    // A callback may close the library meanwhile: the unload waits for
    // this guard (a plain counter, no atomic reference per call).
    let _active = data.lib.as_deref().map(ActiveCall::enter);
    let mut inline_ret = [0u64; INLINE_WORDS];
    let mut heap_ret = Vec::new();
    let ret = words(
        &mut inline_ret,
        &mut heap_ret,
        result_buffer_size(&data.sig.result) / 8,
    );
    // SAFETY: the invoker was compiled for `data.sig`; `bits` holds one slot
    // per parameter, converted by that signature, with every pointed-to
    // byte kept alive by `keep` until after the call; `ret` has
    // `result_buffer_size` bytes; `target` is a C function of that
    // signature (a library symbol still loaded — `ensure_open` — or a
    // pointer the script vouched for).
    unsafe { invoker(data.target, bits.as_ptr(), ret.as_mut_ptr() as *mut u8) };
    drop(keep);
    if crate::callback::rethrow_pending_exception(scope) {
        return Err(Throw::Pending);
    }
    if data.store_out(ret[0]) {
        return Ok(None);
    }
    // SAFETY: `ret` holds the result the invoker wrote, `result_buffer_size` bytes.
    Ok(Some(unsafe {
        slot_to_js(scope, &data.sig.result, ret.as_ptr() as *const u8)
    }))
}
