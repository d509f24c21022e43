//! Natives behind `Deno.UnsafePointer`, `Deno.UnsafePointerView` and
//! `Deno.UnsafeFnPointer` (the classes are in `js/ffi.js`).
//!
//! Reads go through raw pointers the script supplies: like C, a wrong
//! address is undefined behaviour; only null is checked (a `TypeError`).
//! `getArrayBuffer` returns an `ArrayBuffer` *over* the memory (no copy):
//! it is valid only while the memory is.

use std::ffi::{c_void, CStr};
use std::rc::Rc;

use hotcall_abi::NativeType;

use crate::convert::{buffer_bytes, describe, scalar_to_js, u64_to_js};
use crate::errors::{throw, v8_str, Throw};
use crate::state::FfiState;
use crate::symbol::{new_collectable_function, SymbolData};

/// A pointer argument: number or bigint (`null` is 0).
fn pointer_arg(value: v8::Local<v8::Value>, what: &str) -> Result<u64, Throw> {
    if value.is_null() {
        return Ok(0);
    }
    if let Ok(b) = v8::Local::<v8::BigInt>::try_from(value) {
        return Ok(b.u64_value().0);
    }
    if let Ok(n) = v8::Local::<v8::Number>::try_from(value) {
        return Ok(n.value() as i64 as u64);
    }
    Err(Throw::Type(format!(
        "{what}: expected a pointer (number, bigint or null), got {}",
        describe(value)
    )))
}

/// A non-null pointer plus a byte offset.
fn address(
    scope: &mut v8::HandleScope,
    ptr: v8::Local<v8::Value>,
    offset: v8::Local<v8::Value>,
    what: &str,
) -> Result<u64, Throw> {
    let base = pointer_arg(ptr, what)?;
    if base == 0 {
        return Err(Throw::Type(format!(
            "{what}: cannot read through a null pointer"
        )));
    }
    let offset = if offset.is_undefined() {
        0
    } else {
        offset.integer_value(scope).ok_or(Throw::Pending)?
    };
    Ok(base.wrapping_add(offset as u64))
}

/// Refuses every native capability without `--allow-ffi`.
fn gate(scope: &mut v8::HandleScope, what: &str) -> Result<(), Throw> {
    FfiState::get(scope).require_ffi(what)
}

fn run(
    scope: &mut v8::HandleScope,
    mut rv: v8::ReturnValue,
    r: Result<v8::Local<v8::Value>, Throw>,
) {
    match r {
        Ok(v) => rv.set(v),
        Err(t) => throw(scope, t),
    }
}

/// `pointerOf(buffer)`: the address of a buffer's first byte (0 when it is
/// empty), a number when safe else a bigint.
pub fn op_pointer_of<'s>(
    scope: &mut v8::HandleScope<'s>,
    args: v8::FunctionCallbackArguments<'s>,
    rv: v8::ReturnValue,
) {
    let value = args.get(0);
    if let Err(t) = gate(scope, "Deno.UnsafePointer.of") {
        return throw(scope, t);
    }
    let r = match buffer_bytes(scope, value) {
        // A zero-length view is null, as it is when passed as a `buffer`.
        Some((_, 0, _)) => Ok(u64_to_js(scope, 0)),
        Some((addr, _, _)) => Ok(u64_to_js(scope, addr as u64)),
        None if value.is_null() => Ok(u64_to_js(scope, 0)),
        None => Err(Throw::Type(format!(
            "UnsafePointer.of: expected a TypedArray, DataView, ArrayBuffer or UnsafeCallback, got {}",
            describe(value)
        ))),
    };
    run(scope, rv, r)
}

/// The type a `read(type, ptr, offset)` kind names (`getBigUint64` = `"u64"`).
fn read_type(scope: &mut v8::HandleScope, kind: v8::Local<v8::Value>) -> Result<NativeType, Throw> {
    let name = kind.to_rust_string_lossy(scope);
    NativeType::from_name(&name)
        .filter(|t| {
            !matches!(
                t,
                NativeType::Void | NativeType::Buffer | NativeType::Function
            )
        })
        .ok_or_else(|| Throw::Type(format!("UnsafePointerView: unknown read type {name}")))
}

/// `read(type, ptr, offset)`: the value at `ptr + offset`. 64-bit integers
/// are always bigints here (`getBigUint64`, `getBigInt64`); `getPointer`
/// gives an address, a number when safe.
pub fn op_read<'s>(
    scope: &mut v8::HandleScope<'s>,
    args: v8::FunctionCallbackArguments<'s>,
    rv: v8::ReturnValue,
) {
    let r = (|| {
        gate(scope, "Deno.UnsafePointerView")?;
        let ty = read_type(scope, args.get(0))?;
        let addr = address(scope, args.get(1), args.get(2), "UnsafePointerView")?;
        let mut raw = [0u8; 8];
        // SAFETY: the script vouches that `addr` points at a readable value
        // of this type (as in C); null was rejected above.
        unsafe { std::ptr::copy_nonoverlapping(addr as *const u8, raw.as_mut_ptr(), ty.size()) };
        let bits = u64::from_le_bytes(raw);
        Ok(match ty {
            NativeType::U64 | NativeType::USize => v8::BigInt::new_from_u64(scope, bits).into(),
            NativeType::I64 | NativeType::ISize => {
                v8::BigInt::new_from_i64(scope, bits as i64).into()
            }
            other => scalar_to_js(scope, &other, bits),
        })
    })();
    run(scope, rv, r)
}

/// `cstring(ptr, offset)`: the NUL-terminated string at `ptr + offset`;
/// bytes that are not UTF-8 are a `TypeError` (as in Deno 1.30).
pub fn op_cstring<'s>(
    scope: &mut v8::HandleScope<'s>,
    args: v8::FunctionCallbackArguments<'s>,
    rv: v8::ReturnValue,
) {
    let r = (|| {
        gate(scope, "Deno.UnsafePointerView")?;
        let addr = address(
            scope,
            args.get(0),
            args.get(1),
            "UnsafePointerView.getCString",
        )?;
        // SAFETY: the script vouches for a NUL-terminated string at `addr`.
        let bytes = unsafe { CStr::from_ptr(addr as *const std::ffi::c_char) }.to_bytes();
        let s = std::str::from_utf8(bytes)
            .map_err(|_| Throw::Type("Invalid CString pointer, not valid UTF-8".to_owned()))?;
        Ok(v8_str(scope, s).into())
    })();
    run(scope, rv, r)
}

/// The largest `ArrayBuffer` V8 can make on 64-bit targets
/// (`v8::ArrayBuffer::kMaxByteLength`, 2^53 - 1); a larger one is a fatal
/// error inside V8, so it is refused here first.
pub const MAX_ARRAY_BUFFER_LENGTH: u64 = (1 << 53) - 1;

fn byte_length(scope: &mut v8::HandleScope, v: v8::Local<v8::Value>) -> Result<usize, Throw> {
    let n = v.number_value(scope).ok_or(Throw::Pending)?;
    let invalid = || {
        let shown = match n {
            f64::INFINITY => "Infinity".to_owned(),
            f64::NEG_INFINITY => "-Infinity".to_owned(),
            n => n.to_string(),
        };
        Throw::Type(format!(
            "UnsafePointerView.getArrayBuffer: invalid byteLength {shown}: it must be an integer from 0 to {MAX_ARRAY_BUFFER_LENGTH}"
        ))
    };
    if !n.is_finite() || n < 0.0 || n.fract() != 0.0 || n > MAX_ARRAY_BUFFER_LENGTH as f64 {
        return Err(invalid());
    }
    usize::try_from(n as u64).map_err(|_| invalid())
}

/// `arrayBuffer(ptr, byteLength, offset)`: an ArrayBuffer over the memory.
pub fn op_array_buffer<'s>(
    scope: &mut v8::HandleScope<'s>,
    args: v8::FunctionCallbackArguments<'s>,
    rv: v8::ReturnValue,
) {
    let r = (|| {
        gate(scope, "Deno.UnsafePointerView")?;
        let addr = address(
            scope,
            args.get(0),
            args.get(2),
            "UnsafePointerView.getArrayBuffer",
        )?;
        let len = byte_length(scope, args.get(1))?;
        if (addr as usize).checked_add(len).is_none() {
            return Err(Throw::Type(format!(
                "UnsafePointerView.getArrayBuffer: {len} bytes at {addr:#x} run past the end of the address space"
            )));
        }
        extern "C" fn no_free(_data: *mut c_void, _len: usize, _deleter_data: *mut c_void) {}
        // SAFETY: the store does not own the memory (no-op deleter); the
        // script vouches for `len` bytes at `addr`, as with any raw pointer.
        let store = unsafe {
            v8::ArrayBuffer::new_backing_store_from_ptr(
                addr as *mut c_void,
                len,
                no_free,
                std::ptr::null_mut(),
            )
        };
        Ok(v8::ArrayBuffer::with_backing_store(scope, &store.make_shared()).into())
    })();
    run(scope, rv, r)
}

/// `copyInto(ptr, dest, offset)`: copies `dest.byteLength` bytes from
/// `ptr + offset` into `dest`.
pub fn op_copy_into<'s>(
    scope: &mut v8::HandleScope<'s>,
    args: v8::FunctionCallbackArguments<'s>,
    rv: v8::ReturnValue,
) {
    let r = (|| {
        gate(scope, "Deno.UnsafePointerView")?;
        let addr = address(
            scope,
            args.get(0),
            args.get(2),
            "UnsafePointerView.copyInto",
        )?;
        let dest = args.get(1);
        let (dst, len, _keep) = buffer_bytes(scope, dest).ok_or_else(|| {
            Throw::Type(format!("UnsafePointerView.copyInto: expected a TypedArray or ArrayBuffer destination, got {}", describe(dest)))
        })?;
        if len > 0 && !dst.is_null() {
            // SAFETY: `dst` has `len` writable bytes (kept alive by `_keep`);
            // the script vouches for `len` readable bytes at `addr`.
            unsafe { std::ptr::copy(addr as *const u8, dst, len) };
        }
        Ok(v8::undefined(scope).into())
    })();
    run(scope, rv, r)
}

/// `fnPointer(ptr, definition)`: a native function calling the C function
/// at `ptr` through the signature's invoker (slow path; a Promise when
/// `nonblocking`).
pub fn op_fn_pointer<'s>(
    scope: &mut v8::HandleScope<'s>,
    args: v8::FunctionCallbackArguments<'s>,
    rv: v8::ReturnValue,
) {
    let r = (|| {
        gate(scope, "Deno.UnsafeFnPointer")?;
        let target = pointer_arg(args.get(0), "UnsafeFnPointer")?;
        if target == 0 {
            return Err(Throw::Type(
                "UnsafeFnPointer: the function pointer is null".to_owned(),
            ));
        }
        let (sig, nonblocking) =
            crate::decl_js::read_definition(scope, args.get(1), "UnsafeFnPointer", true)?;
        let data = SymbolData {
            name: "UnsafeFnPointer".to_owned(),
            sig,
            target: target as *const c_void,
            invoker: std::cell::Cell::new(None),
            lib: None,
            out_slot: std::ptr::null_mut(),
            nonblocking,
            state: Rc::as_ptr(&FfiState::get(scope)),
        };
        // Its only path is the slow one: compile the invoker now, so that
        // a failure is the constructor's.
        data.invoker()?;
        let f = new_collectable_function(scope, Rc::new(data)).ok_or(Throw::Pending)?;
        Ok(f.into())
    })();
    run(scope, rv, r)
}
