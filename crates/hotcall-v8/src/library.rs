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
use crate::fast::{has_fast_form, ResultKind};
use crate::jit::with_jit;
use crate::state::FfiState;
use crate::symbol::{new_functions, FunctionSpec, LibHandle, SymbolData};

/// One resolved function before its V8 function exists.
struct Planned {
    key: String,
    data: SymbolData,
    /// Index into the fast batch, if it goes fast.
    fast: Option<usize>,
    kind: ResultKind,
    /// Its out-slot index, for out-slot results.
    slot: Option<usize>,
}

/// One entry of the result, in declaration order.
enum Entry<'s> {
    Function(usize),
    Value(String, v8::Local<'s, v8::Value>),
}

/// `open(path, symbols)`: returns `{ entries, out, close }` where each
/// entry is `[key, value, kind, slot, boolParams, bigintValue,
/// int64Params]` (see `js/ffi.js`).
pub fn op_open<'s>(
    scope: &mut v8::HandleScope<'s>,
    args: v8::FunctionCallbackArguments<'s>,
    mut rv: v8::ReturnValue,
) {
    match open(scope, args.get(0), args.get(1)) {
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
    let decls = crate::decl_js::read_symbols(scope, symbols)?;
    let library = Arc::new(load(&load_path.to_string_lossy())?);
    let handle = Rc::new(LibHandle {
        path: path.clone(),
        closed: Cell::new(false),
        library: RefCell::new(Some(library.clone())),
        stubs: RefCell::new(None),
        active_calls: Cell::new(0),
        deferred_unload: RefCell::new(None),
        out: RefCell::new(None),
    });

    let mut planned = Vec::new();
    let mut entries = Vec::new();
    let mut slots = 0usize;
    for (key, decl) in decls {
        match decl {
            ForeignSymbol::Function(f) => {
                match plan_function(&library, &handle, key.clone(), f, &mut slots)? {
                    Some(p) => {
                        entries.push(Entry::Function(planned.len()));
                        planned.push(p);
                    }
                    None => entries.push(Entry::Value(key, v8::null(scope).into())),
                }
            }
            ForeignSymbol::Static(s) => {
                let value = read_static(scope, &library, &s)?;
                entries.push(Entry::Value(key, value));
            }
        }
    }

    let out = new_out_buffer(slots);
    let out_base = out
        .data()
        .map_or(std::ptr::null_mut(), |p| p.as_ptr() as *mut u8);
    compile_fast(&mut planned, &handle, out_base)?;
    let out_ab = v8::ArrayBuffer::with_backing_store(scope, &out);
    *handle.out.borrow_mut() = Some(out);
    build_result(scope, &handle, planned, entries, out_ab)
}

/// A zeroed, 8-byte aligned out buffer of `slots` cells (at least one).
fn new_out_buffer(slots: usize) -> v8::SharedRef<v8::BackingStore> {
    v8::ArrayBuffer::new_backing_store_from_boxed_slice(
        vec![0u8; slots.max(1) * 8].into_boxed_slice(),
    )
    .make_shared()
}

/// Resolves a function declaration; `Ok(None)` for a missing optional one.
fn plan_function(
    library: &libloading::Library,
    handle: &Rc<LibHandle>,
    key: String,
    f: ForeignFunction,
    slots: &mut usize,
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
    let invoker = with_jit(|jit| jit.invoker(&f.signature))
        .and_then(|r| r.map_err(|e| e.to_string()))
        .map_err(|e| Throw::Error(format!("Failed to register symbol {}: {e}", f.name)))?;
    let goes_fast = !f.nonblocking && !f.callback && has_fast_form(&f.signature);
    let kind = if goes_fast {
        ResultKind::of(&f.signature.result)
    } else {
        ResultKind::Direct
    };
    let slot = (kind != ResultKind::Direct).then(|| {
        *slots += 1;
        *slots - 1
    });
    let data = SymbolData {
        name: key.clone(),
        sig: f.signature,
        target,
        invoker,
        lib: Some(handle.clone()),
        out_slot: std::ptr::null_mut(),
        nonblocking: f.nonblocking,
    };
    Ok(Some(Planned {
        key,
        data,
        fast: goes_fast.then_some(0),
        kind,
        slot,
    }))
}

/// Compiles the fast trampolines of every fast symbol in one batch and
/// points out-slot symbols at their cells of `out_base`.
fn compile_fast(
    planned: &mut [Planned],
    handle: &LibHandle,
    out_base: *mut u8,
) -> Result<(), Throw> {
    let mut items = Vec::new();
    for p in planned.iter_mut() {
        if let Some(slot) = p.slot {
            p.data.out_slot = out_base.wrapping_add(slot * 8);
        }
        if p.fast.is_some() {
            let result = match p.slot {
                Some(_) => FastResult::OutSlot(p.data.out_slot as u64),
                None => FastResult::Direct,
            };
            p.fast = Some(items.len());
            items.push((p.data.sig.clone(), p.data.target, result));
        }
    }
    if items.is_empty() {
        return Ok(());
    }
    let refs: Vec<_> = items.iter().map(|(s, t, r)| (s, *t, r.clone())).collect();
    let stubs = with_jit(|jit| jit.fast_trampolines(&refs))
        .and_then(|r| r.map_err(|e| e.to_string()))
        .map_err(|e| {
            Throw::Error(format!(
                "Failed to compile the symbols of \"{}\": {e}",
                handle.path
            ))
        })?;
    *handle.stubs.borrow_mut() = Some(Box::new(stubs));
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
    handle: &Rc<LibHandle>,
    planned: Vec<Planned>,
    entries: Vec<Entry<'s>>,
    out: v8::Local<'s, v8::ArrayBuffer>,
) -> Result<v8::Local<'s, v8::Value>, Throw> {
    let trampolines: Vec<Option<*const u8>> = {
        let stubs = handle.stubs.borrow();
        planned
            .iter()
            .map(|p| p.fast.map(|i| stubs.as_ref().expect("compiled").pointer(i)))
            .collect()
    };
    let mut functions = Vec::with_capacity(planned.len());
    for (p, trampoline) in planned.into_iter().zip(trampolines) {
        // Indices of `bool` parameters: the JS wrapper type-checks them,
        // because V8's fast path would apply ToBoolean to anything.
        let bools: Vec<u32> = (p.data.sig.params.iter().enumerate())
            .filter(|(_, t)| matches!(t, NativeType::Bool))
            .map(|(i, _)| i as u32)
            .collect();
        let meta = (p.key, p.kind.code(), p.slot.map_or(-1, |s| s as i32), bools);
        let f = new_functions(
            scope,
            FunctionSpec {
                data: Rc::new(p.data),
                trampoline,
            },
        )
        .ok_or(Throw::Pending)?;
        functions.push((meta, f));
    }
    let list = v8::Array::new(scope, entries.len() as i32);
    for (i, entry) in entries.into_iter().enumerate() {
        let row: [v8::Local<v8::Value>; 7] = match entry {
            Entry::Function(j) => {
                let ((key, kind, slot, bools), f) = &functions[j];
                let bools = index_array(scope, bools);
                let (bigint, wide) = match f.bigint {
                    Some(bigint) => (bigint.into(), index_array(scope, &f.int64_params)),
                    None => (v8::null(scope).into(), v8::Array::new(scope, 0)),
                };
                [
                    v8_str(scope, key).into(),
                    f.number.into(),
                    v8::Integer::new(scope, *kind as i32).into(),
                    v8::Integer::new(scope, *slot).into(),
                    bools.into(),
                    bigint,
                    wide.into(),
                ]
            }
            Entry::Value(key, value) => [
                v8_str(scope, &key).into(),
                value,
                v8::Integer::new(scope, -1).into(),
                v8::Integer::new(scope, -1).into(),
                v8::Array::new(scope, 0).into(),
                v8::null(scope).into(),
                v8::Array::new(scope, 0).into(),
            ],
        };
        let row = v8::Array::new_with_elements(scope, &row);
        list.set_index(scope, i as u32, row.into());
    }
    let close = close_function(scope, handle)?;
    let result = v8::Object::new(scope);
    for (k, v) in [
        ("entries", list.into()),
        ("out", out.into()),
        ("close", close.into()),
    ] {
        let k = v8_str(scope, k);
        result.set(scope, k.into(), v);
    }
    Ok(result.into())
}

/// A JS array of small indices.
fn index_array<'s>(scope: &mut v8::HandleScope<'s>, indices: &[u32]) -> v8::Local<'s, v8::Array> {
    let items: Vec<v8::Local<v8::Value>> = indices
        .iter()
        .map(|&i| v8::Integer::new_from_unsigned(scope, i).into())
        .collect();
    v8::Array::new_with_elements(scope, &items)
}

/// The native `close()` of one library.
fn close_function<'s>(
    scope: &mut v8::HandleScope<'s>,
    handle: &Rc<LibHandle>,
) -> Result<v8::Local<'s, v8::Function>, Throw> {
    let ptr = FfiState::get(scope).anchor(handle.clone());
    let data = v8::External::new(scope, ptr as *mut c_void);
    v8::Function::builder(op_close)
        .data(data.into())
        .build(scope)
        .ok_or(Throw::Pending)
}

fn op_close(
    _scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    _rv: v8::ReturnValue,
) {
    let external =
        v8::Local::<v8::External>::try_from(args.data()).expect("close carries an External");
    // SAFETY: made by `close_function` from a pointer `FfiState::anchor`
    // keeps valid for the life of the isolate.
    let handle = unsafe { &*(external.value() as *const LibHandle) };
    handle.closed.set(true);
    // The JS wrappers check `closed` before calling, so no trampoline of
    // this batch can run any more.
    handle.stubs.borrow_mut().take();
    let library = handle.library.borrow_mut().take();
    if handle.active_calls.get() > 0 {
        // Closed from a callback inside one of its own calls: unloaded when
        // that call returns (`symbol::ActiveCall`).
        *handle.deferred_unload.borrow_mut() = library;
    }
    handle.out.borrow_mut().take();
}
