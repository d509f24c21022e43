//! `dlopen`'s native half: opens the library, resolves every declared
//! symbol, compiles the library's fast trampolines in one batch and builds
//! the symbol functions and static values. The JS half (`js/ffi.js`)
//! checks the permission, wraps each function and builds `{ symbols, close }`.

use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::rc::Rc;
use std::sync::Arc;

use hotcall_abi::{ForeignFunction, ForeignStatic, ForeignSymbol, NativeType};
use hotcall_jit::FastResult;

use crate::convert::{slot_to_js, u64_to_js};
use crate::errors::{throw, v8_str, Throw};
use crate::event_loop::Task;
use crate::fast::{has_fast_form, int64_params, param_indices, ResultKind};
use crate::jit::with_jit;
use crate::state::FfiState;
use crate::symbol::{new_functions, FunctionSpec, LibHandle, SymbolData};
use crate::symbol_pool::{CallMode, OutCell, PoolKey, PooledSymbol, WrapperShape};

/// One resolved function before its V8 functions are ready.
struct Planned {
    data: SymbolData,
    pool_key: PoolKey,
    /// Functions a closed library left for exactly this symbol.
    reused: Option<PooledSymbol>,
    /// Its out cell, for out-slot results.
    out: Option<OutCell>,
    /// A fresh fast trampoline (reused symbols bring their own).
    trampoline: Option<(*const u8, Rc<hotcall_jit::StubSet>)>,
    kind: ResultKind,
}

/// One entry of the result, in declaration order.
enum Entry<'s> {
    /// A function: its index among the planned symbols, and its key.
    Function(usize, String),
    Value(String, v8::Local<'s, v8::Value>),
}

/// `open(path, symbols, encoded, realm)`: `encoded` is the declaration as
/// `ffi.js` encoded it, or null to read `symbols` here; `realm` is the
/// install's number. Returns `[entries, out, id, newShapes]`: `entries` has
/// 7 values per declared symbol, `key, value, kind, slot, shape,
/// bigintValue, chunk` (`key` null when JS encoded the declaration, as it
/// has the keys; `kind` -1 for a value, not a function), `out` lists the
/// out-arena chunks, `id` is for `close`, and `newShapes` describes the
/// wrapper shapes numbered by this call (or null; see `op_shapes`).
pub fn op_open<'s>(
    scope: &mut v8::HandleScope<'s>,
    args: v8::FunctionCallbackArguments<'s>,
    mut rv: v8::ReturnValue,
) {
    let realm = args.get(3).number_value(scope).unwrap_or(0.0) as u64;
    match open(scope, args.get(0), args.get(1), args.get(2), realm) {
        Ok(v) => rv.set(v),
        Err(t) => throw(scope, t),
    }
}

fn load(path: &str) -> Result<libloading::Library, Throw> {
    // SAFETY: loading a library runs its initialisers; the user asked for
    // this library by path and was granted the ffi permission for it.
    unsafe { libloading::Library::new(path) }.map_err(|e| {
        Throw::Error(format!(
            "Could not open library \"{path}\": {}",
            with_reason(&e)
        ))
    })
}

/// An error with its causes: libloading's `Display` says only "dlopen
/// failed"; the loader's reason (`dlerror`) is its source.
fn with_reason(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// The address of `name` in `lib`, or `None` if it is missing.
fn lookup(lib: &libloading::Library, name: &str) -> Result<*const c_void, String> {
    // SAFETY: the symbol is only used as an address; its type is the
    // declaration's, which the user vouches for.
    let sym = unsafe { lib.get::<*mut c_void>(name) }.map_err(|e| with_reason(&e))?;
    Ok(*sym as *const c_void)
}

fn open<'s>(
    scope: &mut v8::HandleScope<'s>,
    path: v8::Local<'s, v8::Value>,
    symbols: v8::Local<'s, v8::Value>,
    encoded: v8::Local<'s, v8::Value>,
    realm: u64,
) -> Result<v8::Local<'s, v8::Value>, Throw> {
    let path = path.to_rust_string_lossy(scope);
    if path.is_empty() {
        // `dlopen("")` would hand back the running program itself.
        return Err(Throw::Error(
            "Could not open library \"\": the path is empty".to_owned(),
        ));
    }
    // The file checked is the file loaded (see `FfiPermissions::resolve`).
    let load_path = FfiState::get(scope)
        .permissions
        .resolve(std::path::Path::new(&path))
        .map_err(Throw::PermissionDenied)?;
    let decls = match encoded.is_string() {
        true => crate::decl_js::read_encoded_symbols(&encoded.to_rust_string_lossy(scope))?,
        false => crate::decl_js::read_symbols(scope, symbols)?,
    };
    let library = Arc::new(load(&load_path.to_string_lossy())?);
    let handle = Rc::new(LibHandle {
        path: path.clone(),
        closed: Cell::new(false),
        library: RefCell::new(Some(library.clone())),
        symbols: RefCell::new(Vec::with_capacity(decls.len())),
        active_calls: Cell::new(0),
        deferred_unload: RefCell::new(None),
    });
    let state = FfiState::get(scope);
    let mut planned = Vec::with_capacity(decls.len());
    let built = plan_all(scope, &state, &library, &handle, decls, realm, &mut planned)
        .and_then(|entries| {
            compile_fast(&mut planned, &handle)?;
            Ok(entries)
        })
        .and_then(|entries| {
            let send_keys = !encoded.is_string();
            build_result(scope, &state, &handle, &mut planned, entries, send_keys)
        });
    if built.is_err() {
        abandon(&state, planned, &handle);
    }
    built
}

/// Plans every declared symbol (reading statics on the way).
fn plan_all<'s>(
    scope: &mut v8::HandleScope<'s>,
    state: &FfiState,
    library: &libloading::Library,
    handle: &Rc<LibHandle>,
    decls: Vec<(String, ForeignSymbol)>,
    realm: u64,
    planned: &mut Vec<Planned>,
) -> Result<Vec<Entry<'s>>, Throw> {
    let mut entries = Vec::with_capacity(decls.len());
    for (key, decl) in decls {
        match decl {
            ForeignSymbol::Function(f) => {
                match plan_function(scope, state, library, handle, key.clone(), f, realm)? {
                    Some(p) => {
                        entries.push(Entry::Function(planned.len(), key));
                        planned.push(p);
                    }
                    None => entries.push(Entry::Value(key, v8::null(scope).into())),
                }
            }
            ForeignSymbol::Static(s) => {
                let value = read_static(scope, library, &s)?;
                entries.push(Entry::Value(key, value));
            }
        }
    }
    Ok(entries)
}

/// A failed `dlopen`: what it took from the pool goes back, its new out
/// cells are recycled.
fn abandon(state: &FfiState, planned: Vec<Planned>, handle: &LibHandle) {
    let mut pool = state.pool.borrow_mut();
    for p in planned {
        match (p.reused, p.out) {
            (Some(symbol), _) => pool.give_back(symbol),
            (None, Some(cell)) => pool.out.release(cell),
            (None, None) => {}
        }
    }
    for symbol in handle.symbols.borrow_mut().drain(..) {
        pool.give_back(symbol);
    }
}

/// Resolves a function declaration; `Ok(None)` for a missing optional one.
fn plan_function(
    scope: &mut v8::HandleScope,
    state: &FfiState,
    library: &libloading::Library,
    handle: &Rc<LibHandle>,
    key: String,
    f: ForeignFunction,
    realm: u64,
) -> Result<Option<Planned>, Throw> {
    let target = match lookup(library, &f.name) {
        Ok(t) => t,
        Err(_) if f.optional => return Ok(None),
        Err(e) => {
            return Err(Throw::Error(format!(
                "Failed to register symbol {}: {e}",
                f.name
            )))
        }
    };
    let mode = if f.nonblocking {
        CallMode::Nonblocking
    } else if !f.callback && has_fast_form(&f.signature) {
        CallMode::Fast
    } else {
        CallMode::Slow
    };
    let kind = match mode {
        CallMode::Fast => ResultKind::of(&f.signature.result),
        _ => ResultKind::Direct,
    };
    let pool_key = PoolKey {
        realm,
        target: target as usize,
        sig: f.signature.clone(),
        mode,
    };
    let mut pool = state.pool.borrow_mut();
    let reused = pool.take(&pool_key);
    let out = match &reused {
        Some(symbol) => symbol.out,
        None => (kind != ResultKind::Direct).then(|| pool.out.alloc(scope)),
    };
    let out_slot = out.map_or(std::ptr::null_mut(), |cell| pool.out.address(cell));
    let data = SymbolData {
        name: key,
        sig: f.signature,
        target,
        invoker: Cell::new(None),
        lib: Some(handle.clone()),
        out_slot,
        nonblocking: f.nonblocking,
        state,
    };
    Ok(Some(Planned {
        data,
        pool_key,
        reused,
        out,
        trampoline: None,
        kind,
    }))
}

/// Compiles, in one batch, the fast trampolines of the fast symbols that
/// found no functions to reuse; each takes its trampoline along.
fn compile_fast(planned: &mut [Planned], handle: &LibHandle) -> Result<(), Throw> {
    let fresh: Vec<usize> = (0..planned.len())
        .filter(|&i| planned[i].reused.is_none() && planned[i].pool_key.mode == CallMode::Fast)
        .collect();
    if fresh.is_empty() {
        return Ok(());
    }
    let items: Vec<_> = fresh
        .iter()
        .map(|&i| {
            let p = &planned[i];
            let result = match p.out {
                Some(_) => FastResult::OutSlot(p.data.out_slot as u64),
                None => FastResult::Direct,
            };
            (&p.data.sig, p.data.target, result)
        })
        .collect();
    let stubs = with_jit(|jit| jit.fast_trampolines(&items))
        .and_then(|r| r.map_err(|e| e.to_string()))
        .map_err(|e| {
            Throw::Error(format!(
                "Failed to compile the symbols of \"{}\": {e}",
                handle.path
            ))
        })?;
    let stubs = Rc::new(stubs);
    for (n, &i) in fresh.iter().enumerate() {
        planned[i].trampoline = Some((stubs.pointer(n), stubs.clone()));
    }
    Ok(())
}

/// Reads a static once: its value, or its address for pointer types.
fn read_static<'s>(
    scope: &mut v8::HandleScope<'s>,
    library: &libloading::Library,
    s: &ForeignStatic,
) -> Result<v8::Local<'s, v8::Value>, Throw> {
    let addr = match lookup(library, &s.name) {
        Ok(a) => a,
        Err(_) if s.optional => return Ok(v8::null(scope).into()),
        Err(e) => {
            return Err(Throw::Error(format!(
                "Failed to register symbol {}: {e}",
                s.name
            )))
        }
    };
    if matches!(
        s.ty,
        NativeType::Pointer | NativeType::Buffer | NativeType::Function
    ) {
        return Ok(u64_to_js(scope, addr as u64));
    }
    // SAFETY: `addr` is the address of the static, declared of type
    // `s.ty`: `s.ty.size()` readable bytes while the library is loaded.
    Ok(unsafe { slot_to_js(scope, &s.ty, addr as *const u8) })
}

fn build_result<'s>(
    scope: &mut v8::HandleScope<'s>,
    state: &FfiState,
    handle: &Rc<LibHandle>,
    planned: &mut Vec<Planned>,
    entries: Vec<Entry<'s>>,
    send_keys: bool,
) -> Result<v8::Local<'s, v8::Value>, Throw> {
    let mut rows = Vec::with_capacity(planned.len());
    let mut new_shapes = Vec::new();
    // Taken one by one, so that after a failure `planned` holds exactly
    // the symbols not ready yet (for `abandon`).
    planned.reverse();
    while let Some(p) = planned.pop() {
        let (kind, out) = (p.kind.code(), p.out);
        let symbol = ready_symbol(scope, state, p, &mut new_shapes)?;
        let number = v8::Local::new(scope, &symbol.number);
        let bigint = symbol.bigint.as_ref().map(|b| v8::Local::new(scope, b));
        rows.push((kind, out, symbol.shape, number, bigint));
        handle.symbols.borrow_mut().push(symbol);
    }
    // One flat array, 7 values per entry (see `js/ffi.js`); keys only when
    // JS did not encode the declaration (else it has them in order).
    let mut flat: Vec<v8::Local<v8::Value>> = Vec::with_capacity(entries.len() * 7);
    let minus_one: v8::Local<v8::Value> = v8::Integer::new(scope, -1).into();
    let null: v8::Local<v8::Value> = v8::null(scope).into();
    for entry in entries {
        let key = match (&entry, send_keys) {
            (Entry::Function(_, key) | Entry::Value(key, _), true) => v8_str(scope, key).into(),
            _ => null,
        };
        flat.push(key);
        match entry {
            Entry::Function(j, _) => {
                let (kind, out, shape, number, bigint) = rows[j];
                let (chunk, slot) = out.map_or((-1, -1), |c| (c.chunk as i32, c.index as i32));
                flat.push(number.into());
                flat.push(v8::Integer::new(scope, kind as i32).into());
                flat.push(v8::Integer::new(scope, slot).into());
                flat.push(v8::Integer::new_from_unsigned(scope, shape).into());
                flat.push(bigint.map_or(null, Into::into));
                flat.push(v8::Integer::new(scope, chunk).into());
            }
            Entry::Value(_, value) => {
                flat.push(value);
                flat.extend([minus_one, minus_one, minus_one, null, minus_one]);
            }
        }
    }
    let list = v8::Array::new_with_elements(scope, &flat);
    let out = state.pool.borrow().out.buffers(scope);
    let id = state.add_library(handle.clone());
    let id = v8::Number::new(scope, id as f64).into();
    let shapes = match new_shapes.is_empty() {
        true => null,
        false => v8::Array::new_with_elements(scope, &new_shapes).into(),
    };
    let result = v8::Array::new_with_elements(scope, &[list.into(), out.into(), id, shapes]);
    Ok(result.into())
}

/// The V8 functions of a planned symbol: the reused ones re-pointed at it,
/// or new ones (whose wrapper shape, if new to the isolate, is described
/// in `new_shapes` for JS: `id, arity, kind, bools, wide`).
fn ready_symbol<'s>(
    scope: &mut v8::HandleScope<'s>,
    state: &FfiState,
    p: Planned,
    new_shapes: &mut Vec<v8::Local<'s, v8::Value>>,
) -> Result<PooledSymbol, Throw> {
    let data = Rc::new(p.data);
    if let Some(symbol) = p.reused {
        // SAFETY: anchored by `new_functions` for the isolate's life.
        unsafe { &*symbol.cell }.set(Some(data));
        return Ok(symbol);
    }
    let shape = wrapper_shape(&data.sig, p.kind, p.pool_key.mode == CallMode::Fast);
    let (shape, is_new) = state.pool.borrow_mut().shapes.id(shape);
    if let Some(new) = is_new {
        describe_shape(scope, shape, &new, new_shapes);
    }
    let functions = new_functions(
        scope,
        FunctionSpec {
            data,
            trampoline: p.trampoline.as_ref().map(|(t, _)| *t),
        },
    );
    let Some(functions) = functions else {
        if let Some(cell) = p.out {
            state.pool.borrow_mut().out.release(cell);
        }
        return Err(Throw::Pending);
    };
    Ok(PooledSymbol {
        key: p.pool_key,
        cell: functions.cell,
        number: v8::Global::new(scope, functions.number),
        bigint: functions.bigint.map(|f| v8::Global::new(scope, f)),
        trampoline: p.trampoline,
        out: p.out,
        shape,
    })
}

/// The wrapper shape of a symbol of `sig` whose result comes back as
/// `kind`; only `fast` symbols have a BigInt overload to pick.
fn wrapper_shape(sig: &hotcall_abi::Signature, kind: ResultKind, fast: bool) -> WrapperShape {
    WrapperShape {
        arity: sig.params.len() as u32,
        kind: kind.code(),
        // `bool` parameters: the JS wrapper type-checks them, because V8's
        // fast path would apply ToBoolean to anything.
        bools: param_indices(sig, |t| matches!(t, NativeType::Bool)),
        wide: match fast {
            true => int64_params(sig),
            false => Vec::new(),
        },
    }
}

/// A JS array of small indices, or null for none.
fn index_array<'s>(scope: &mut v8::HandleScope<'s>, indices: &[u32]) -> v8::Local<'s, v8::Value> {
    if indices.is_empty() {
        return v8::null(scope).into();
    }
    let items: Vec<v8::Local<v8::Value>> = indices
        .iter()
        .map(|&i| v8::Integer::new_from_unsigned(scope, i).into())
        .collect();
    v8::Array::new_with_elements(scope, &items).into()
}

/// `close(id)`: closes the library `open` returned `id` for (a no-op if
/// it is closed already).
pub fn op_close(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    _rv: v8::ReturnValue,
) {
    let id = args.get(0).number_value(scope).unwrap_or(0.0) as u64;
    let state = FfiState::get(scope);
    let Some(handle) = state.take_library(id) else {
        return; // closed already
    };
    handle.closed.set(true);
    // The JS wrappers check `closed` before calling; the functions wait in
    // the pool, pointing at nothing, for a later `dlopen` of the same
    // symbols (their trampolines stay mapped meanwhile).
    {
        let mut pool = state.pool.borrow_mut();
        for symbol in handle.symbols.borrow_mut().drain(..) {
            pool.give_back(symbol);
        }
    }
    // Unloading runs the library's destructors, which may call back into
    // JS: no borrow is held past this point.
    let Some(library) = handle.library.borrow_mut().take() else {
        return;
    };
    if handle.active_calls.get() > 0 {
        // Closed from a callback inside one of its own slow calls: unloaded
        // when that call returns (`symbol::ActiveCall`, whose symbol data
        // holds the handle).
        *handle.deferred_unload.borrow_mut() = Some(library);
    } else if crate::callback::in_callback_from_fast_call() {
        // In a callback that C code reached through a fast call (of this
        // library, maybe): that C code is on the stack. Unload from the
        // event loop, after the stack unwound.
        let unload: Task = Box::new(move |_: &mut v8::HandleScope| drop(library));
        if let Err(unload) = state.tasks.post(unload) {
            // No event loop left to run it: keep the library loaded rather
            // than unload it under the C code on the stack.
            std::mem::forget(unload);
        }
    }
}

/// `shapes(ids)`: the descriptions of wrapper shapes `ids`, flat as in
/// `open`'s result (for an install that has no factory for them yet).
pub fn op_shapes<'s>(
    scope: &mut v8::HandleScope<'s>,
    args: v8::FunctionCallbackArguments<'s>,
    mut rv: v8::ReturnValue,
) {
    let Ok(ids) = v8::Local::<v8::Array>::try_from(args.get(0)) else {
        return;
    };
    let state = FfiState::get(scope);
    let mut flat = Vec::new();
    for i in 0..ids.length() {
        let Some(id) = ids.get_index(scope, i).and_then(|v| v.uint32_value(scope)) else {
            continue;
        };
        let Some(shape) = state.pool.borrow().shapes.get(id).cloned() else {
            continue;
        };
        describe_shape(scope, id, &shape, &mut flat);
    }
    rv.set(v8::Array::new_with_elements(scope, &flat).into());
}

/// Appends `id, arity, kind, bools, wide` for JS (`compileFactories`).
fn describe_shape<'s>(
    scope: &mut v8::HandleScope<'s>,
    id: u32,
    shape: &WrapperShape,
    out: &mut Vec<v8::Local<'s, v8::Value>>,
) {
    out.push(v8::Integer::new_from_unsigned(scope, id).into());
    out.push(v8::Integer::new_from_unsigned(scope, shape.arity).into());
    out.push(v8::Integer::new_from_unsigned(scope, shape.kind).into());
    out.push(index_array(scope, &shape.bools));
    out.push(index_array(scope, &shape.wide));
}
