//! Conversions between JS values and invoker / callback slots, following the
//! type table of the FFI spec. Shared by every call path (`dlopen` symbols,
//! `UnsafeFnPointer`, nonblocking calls, `UnsafeCallback`).
//!
//! # API (stable)
//!
//! * [`js_to_slot`]`(scope, ty, value, &ArgContext) -> Result<Slot, String>`:
//!   JS → one 8-byte slot. Scalars sit in the low bytes at natural width
//!   (little-endian); `buffer` holds the address of the view's first byte;
//!   a struct holds the address of its bytes inside the caller's
//!   TypedArray/ArrayBuffer (nothing is copied). [`Slot::keep`] holds the
//!   `SharedRef<BackingStore>` that owns those bytes: keep the `Slot` alive
//!   until the C call has returned (nonblocking calls move it to the worker).
//!   The error string is the message of a `TypeError` to throw; it names the
//!   symbol and the argument (see [`ArgContext`]).
//! * [`Slot::write_result`]`(ty, ret)`: stores a converted value into a
//!   result buffer (a callback's return value): scalars at natural width,
//!   struct bytes copied in.
//! * [`slot_to_js`]`(scope, ty, ptr)`: reads a value at natural width from
//!   `ptr` (an invoker's result buffer, a static's address) and converts it
//!   by the result rules: 64-bit ints and pointer kinds
//!   (`pointer`/`buffer`/`function`) are a number when safe else a bigint
//!   (as Deno 1.25–1.30 returned them), a struct is a fresh
//!   `Uint8Array` copied from the bytes *at* `ptr`, `void` is `undefined`.
//! * [`arg_slot_to_js`]`(scope, ty, slot)`: the same for an argument slot
//!   (a callback thunk's `args`): identical except that a struct slot holds
//!   the *address* of the struct's bytes.
//!
//! Integer parameters wrap like C conversions from a JS number
//! (`ToInt32`/`ToUint32` for 32 bits and below, truncation for 64 bits);
//! 64-bit and pointer parameters also take a bigint (wrapping to 64 bits).

use std::fmt;

use hotcall_abi::NativeType;

/// Which value is being converted, for error messages:
/// `symbol "NAME", argument 2` or `symbol "NAME", result`.
#[derive(Clone, Copy, Debug)]
pub struct ArgContext<'a> {
    /// The symbol / callback / function pointer being called.
    pub symbol: &'a str,
    /// Argument index, or `None` for a (callback) result.
    pub index: Option<usize>,
}

impl<'a> ArgContext<'a> {
    /// Argument `index` of `symbol`.
    pub fn arg(symbol: &'a str, index: usize) -> ArgContext<'a> {
        ArgContext {
            symbol,
            index: Some(index),
        }
    }

    /// The result of `symbol` (a callback's return value).
    pub fn result(symbol: &'a str) -> ArgContext<'a> {
        ArgContext {
            symbol,
            index: None,
        }
    }
}

impl fmt::Display for ArgContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.index {
            Some(i) => write!(f, "symbol \"{}\", argument {i}", self.symbol),
            None => write!(f, "symbol \"{}\", result", self.symbol),
        }
    }
}

/// One converted value: its 8 slot bytes and what keeps pointed-to bytes alive.
pub struct Slot {
    /// The slot as the invoker reads it (little-endian, natural width).
    pub bits: u64,
    /// The backing store `bits` points into (buffers and structs), if any.
    pub keep: Option<v8::SharedRef<v8::BackingStore>>,
}

impl Slot {
    pub fn scalar(bits: u64) -> Slot {
        Slot { bits, keep: None }
    }

    /// Stores this value as the result of type `ty` at `ret` (natural
    /// width; a struct's bytes are copied from the address in `bits`).
    ///
    /// # Safety
    /// `ret` must be valid for `ty.size()` bytes (8 for scalars is always
    /// enough); for a struct, `bits` must point at `ty.size()` live bytes
    /// (true while `self.keep` is held, as `js_to_slot` made it).
    pub unsafe fn write_result(&self, ty: &NativeType, ret: *mut u8) {
        match ty {
            NativeType::Void => {}
            NativeType::Struct(st) => {
                // SAFETY: the caller guarantees both ranges (see above).
                unsafe { std::ptr::copy_nonoverlapping(self.bits as *const u8, ret, st.size()) }
            }
            // SAFETY (each store): scalars are at most 8 bytes and `ret`
            // holds `ty.size()` of them; one unaligned store of that width.
            scalar => unsafe {
                match scalar.size() {
                    1 => ret.write(self.bits as u8),
                    2 => ret.cast::<u16>().write_unaligned(self.bits as u16),
                    4 => ret.cast::<u32>().write_unaligned(self.bits as u32),
                    _ => ret.cast::<u64>().write_unaligned(self.bits),
                }
            },
        }
    }
}

/// `typeof`-like name of a value, for messages.
pub fn describe(value: v8::Local<v8::Value>) -> &'static str {
    if value.is_null() {
        "null"
    } else if value.is_undefined() {
        "undefined"
    } else if value.is_boolean() {
        "boolean"
    } else if value.is_number() {
        "number"
    } else if value.is_big_int() {
        "bigint"
    } else if value.is_string() {
        "string"
    } else if value.is_symbol() {
        "symbol"
    } else if value.is_function() {
        "function"
    } else {
        "object"
    }
}

fn expected(
    what: &ArgContext,
    ty: &NativeType,
    wanted: &str,
    value: v8::Local<v8::Value>,
) -> String {
    format!(
        "{what}: expected {wanted} for type {ty}, got {}",
        describe(value)
    )
}

/// Converts a JS value to a slot of type `ty` (see the module doc).
pub fn js_to_slot(
    scope: &mut v8::HandleScope,
    ty: &NativeType,
    value: v8::Local<v8::Value>,
    what: &ArgContext,
) -> Result<Slot, String> {
    use NativeType::*;
    match ty {
        Void => Ok(Slot::scalar(0)),
        Bool => match value.is_boolean() {
            true => Ok(Slot::scalar(value.boolean_value(scope) as u64)),
            false => Err(expected(what, ty, "a boolean", value)),
        },
        U8 | I8 | U16 | I16 | U32 | I32 => {
            let n = small_int(scope, value).ok_or_else(|| expected(what, ty, "a number", value))?;
            Ok(Slot::scalar(truncate(ty, n as u32 as u64)))
        }
        U64 | I64 | USize | ISize => {
            let bits = int64_bits(value, ty.is_signed())
                .ok_or_else(|| expected(what, ty, "a number or bigint", value))?;
            Ok(Slot::scalar(bits))
        }
        F32 => number(value)
            .map(|n| Slot::scalar((n as f32).to_bits() as u64))
            .ok_or_else(|| expected(what, ty, "a number", value)),
        F64 => number(value)
            .map(|n| Slot::scalar(n.to_bits()))
            .ok_or_else(|| expected(what, ty, "a number", value)),
        Pointer | Function => pointer_bits(value)
            .map(Slot::scalar)
            .ok_or_else(|| expected(what, ty, "a number, bigint or null", value)),
        Buffer => buffer_slot(scope, value, what, ty),
        Struct(st) => struct_slot(scope, value, st.size(), what, ty),
    }
}

/// What an FFI scalar is in JS: the one mapping from a scalar's raw bits
/// (low `ty.size()` bytes) to a JS value, for every path that makes one
/// (`raw_v8::scalar`, [`set_scalar_return`]): `bool` a boolean, integers
/// and floats numbers, the 64-bit and pointer kinds a number when safe,
/// else a bigint.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum JsScalar {
    Undefined,
    Bool(bool),
    Int32(i32),
    Uint32(u32),
    Number(f64),
    BigUint(u64),
    BigInt(i64),
}

impl JsScalar {
    /// `ty`'s value `bits` in JS; `None` for a struct.
    #[inline]
    pub fn of(ty: &NativeType, bits: u64) -> Option<JsScalar> {
        use NativeType::*;
        Some(match ty {
            Void => JsScalar::Undefined,
            Struct(_) => return None,
            Bool => JsScalar::Bool(bits as u8 != 0),
            U8 => JsScalar::Uint32(bits as u8 as u32),
            I8 => JsScalar::Int32(bits as i8 as i32),
            U16 => JsScalar::Uint32(bits as u16 as u32),
            I16 => JsScalar::Int32(bits as i16 as i32),
            U32 => JsScalar::Uint32(bits as u32),
            I32 => JsScalar::Int32(bits as i32),
            F32 => JsScalar::Number(f32::from_bits(bits as u32) as f64),
            F64 => JsScalar::Number(f64::from_bits(bits)),
            U64 | USize | Pointer | Buffer | Function if bits <= MAX_SAFE_INTEGER => {
                JsScalar::Number(bits as f64)
            }
            U64 | USize | Pointer | Buffer | Function => JsScalar::BigUint(bits),
            I64 | ISize if (bits as i64).unsigned_abs() <= MAX_SAFE_INTEGER => {
                JsScalar::Number(bits as i64 as f64)
            }
            I64 | ISize => JsScalar::BigInt(bits as i64),
        })
    }
}

/// [`js_to_slot`] without a scope, for every type but buffers and structs:
/// the same bits when `value` converts without calling into V8 for more
/// than type checks. `None` (for those types, a wrong value, or an integer
/// that is not a Smi) sends the call to `js_to_slot`, which also words the
/// error.
pub fn scalar_arg_bits(ty: &NativeType, value: v8::Local<v8::Value>) -> Option<u64> {
    use NativeType::*;
    match ty {
        Void => Some(0),
        Bool => v8::Local::<v8::Boolean>::try_from(value)
            .ok()
            .map(|b| b.is_true() as u64),
        U8 | I8 | U16 | I16 | U32 | I32 => {
            crate::smi::value(value).map(|n| truncate(ty, n as u32 as u64))
        }
        U64 | I64 | USize | ISize => int64_bits(value, ty.is_signed()),
        F32 => number(value).map(|n| (n as f32).to_bits() as u64),
        F64 => number(value).map(f64::to_bits),
        Pointer | Function => pointer_bits(value),
        Buffer | Struct(_) => None,
    }
}

/// Sets a function's return value to the scalar result `bits` (the low
/// `ty.size()` bytes) as [`JsScalar::of`] maps it, without a scope: V8's
/// return-value setters take plain numbers. False for a struct
/// or a 64-bit value that needs a bigint (the caller then converts in a
/// scope).
pub fn set_scalar_return(rv: &mut v8::ReturnValue, ty: &NativeType, bits: u64) -> bool {
    match JsScalar::of(ty, bits) {
        Some(JsScalar::Undefined) => rv.set_undefined(),
        Some(JsScalar::Bool(b)) => rv.set_bool(b),
        Some(JsScalar::Int32(i)) => rv.set_int32(i),
        Some(JsScalar::Uint32(u)) => rv.set_uint32(u),
        Some(JsScalar::Number(n)) => rv.set_double(n),
        Some(JsScalar::BigUint(_) | JsScalar::BigInt(_)) | None => return false,
    }
    true
}

/// Converts what a JS callback returned to its C result of type `ty`, the
/// way Deno 1.30 converts callback results: `undefined` and `null` are 0;
/// numbers are coerced to the integer type (ToInt32/ToUint32 for 32 bits
/// and below, truncation for 64 bits), bigints wrap (64-bit types only),
/// booleans are 0/1;
/// `bool` is ToBoolean of anything; pointer kinds also take a TypedArray,
/// DataView or ArrayBuffer (its address; 0 when empty). Anything else
/// (a string for `pointer`, an object for `i32`) is the `Err` message of a
/// `TypeError`.
pub fn js_to_callback_result(
    scope: &mut v8::HandleScope,
    ty: &NativeType,
    value: v8::Local<v8::Value>,
    what: &ArgContext,
) -> Result<Slot, String> {
    use NativeType::*;
    if value.is_null_or_undefined() && !matches!(ty, Struct(_)) {
        return Ok(Slot::scalar(0));
    }
    match ty {
        Void => Ok(Slot::scalar(0)),
        Bool => Ok(Slot::scalar(value.boolean_value(scope) as u64)),
        _ if value.is_boolean() && ty.is_integer_like() => {
            Ok(Slot::scalar(value.boolean_value(scope) as u64))
        }
        Pointer | Buffer | Function if !value.is_number() && !value.is_big_int() => {
            let (addr, len, keep) = buffer_bytes(scope, value).ok_or_else(|| {
                expected(
                    what,
                    ty,
                    "a number, bigint, null or a TypedArray, DataView or ArrayBuffer",
                    value,
                )
            })?;
            Ok(Slot {
                bits: if len == 0 { 0 } else { addr as u64 },
                keep,
            })
        }
        _ => js_to_slot(scope, ty, value, what),
    }
}

/// [`js_to_callback_result`] for the common case, a number returned for a
/// scalar number type (an int32-valued one for the integer types), as bare
/// result bits: no `Slot`, no `Result` to move (measured on the callback
/// round trip). `None` for every other value or type.
pub fn callback_number_result(ty: &NativeType, value: v8::Local<v8::Value>) -> Option<u64> {
    use NativeType::*;
    // The number, and the same as an int32 when it is int32-valued (then
    // ToInt32 is the value itself). A Smi needs no call into V8.
    let (n, int32) = match crate::smi::value(value) {
        Some(i) => (i as f64, Some(i)),
        None => {
            let n = v8::Local::<v8::Number>::try_from(value).ok()?.value();
            (n, value.is_int32().then_some(n as i32))
        }
    };
    match (ty, int32) {
        (F64, _) => Some(n.to_bits()),
        (F32, _) => Some((n as f32).to_bits() as u64),
        (U8 | I8 | U16 | I16 | U32 | I32, Some(i)) => Some(truncate(ty, i as u32 as u64)),
        (U64 | I64 | USize | ISize, Some(i)) => Some(i as i64 as u64),
        _ => None,
    }
}

/// ToInt32 of a JS number (`None` for a non-number).
fn small_int(scope: &mut v8::HandleScope, value: v8::Local<v8::Value>) -> Option<i32> {
    if let Some(i) = crate::smi::value(value) {
        Some(i)
    } else if value.is_number() {
        value.int32_value(scope)
    } else {
        None
    }
}

/// Keeps the low `ty.size()` bytes of `bits` (a C narrowing conversion).
fn truncate(ty: &NativeType, bits: u64) -> u64 {
    match ty.size() {
        1 => bits & 0xff,
        2 => bits & 0xffff,
        4 => bits & 0xffff_ffff,
        _ => bits,
    }
}

fn number(value: v8::Local<v8::Value>) -> Option<f64> {
    if let Some(i) = crate::smi::value(value) {
        return Some(i as f64);
    }
    v8::Local::<v8::Number>::try_from(value)
        .ok()
        .map(|n| n.value())
}

/// A 64-bit integer from a number (truncated toward zero, wrapping like a
/// C cast through int64) or a bigint (wrapped to 64 bits).
fn int64_bits(value: v8::Local<v8::Value>, signed: bool) -> Option<u64> {
    // Numbers first (the common case; a Smi needs no call into V8).
    if let Some(n) = number(value) {
        return Some(if n < 0.0 || signed {
            n as i64 as u64
        } else {
            n as u64
        });
    }
    let big = v8::Local::<v8::BigInt>::try_from(value).ok()?;
    Some(if signed {
        big.i64_value().0 as u64
    } else {
        big.u64_value().0
    })
}

/// A pointer from a number, bigint or null.
fn pointer_bits(value: v8::Local<v8::Value>) -> Option<u64> {
    int64_bits(value, false).or_else(|| value.is_null().then_some(0))
}

/// The bytes of a TypedArray, DataView or ArrayBuffer: (address, length,
/// owner). `None` if the value is none of these.
pub fn buffer_bytes(
    scope: &mut v8::HandleScope,
    value: v8::Local<v8::Value>,
) -> Option<(*mut u8, usize, Option<v8::SharedRef<v8::BackingStore>>)> {
    if let Ok(view) = v8::Local::<v8::ArrayBufferView>::try_from(value) {
        let offset = view.byte_offset();
        let len = view.byte_length();
        // `buffer()` moves an on-heap TypedArray's bytes off the heap, so
        // the address below stays valid while the store is held.
        let store = view.buffer(scope)?.get_backing_store();
        let base = store
            .data()
            .map_or(std::ptr::null_mut(), |p| p.as_ptr() as *mut u8);
        let addr = if base.is_null() {
            base
        } else {
            base.wrapping_add(offset)
        };
        return Some((addr, len, Some(store)));
    }
    if let Ok(ab) = v8::Local::<v8::ArrayBuffer>::try_from(value) {
        let store = ab.get_backing_store();
        let base = store
            .data()
            .map_or(std::ptr::null_mut(), |p| p.as_ptr() as *mut u8);
        return Some((base, ab.byte_length(), Some(store)));
    }
    None
}

/// True if `value` is a TypedArray/DataView whose buffer was detached (for
/// example transferred with `ArrayBuffer.prototype.transfer`), or such an
/// `ArrayBuffer` itself.
pub fn is_detached(scope: &mut v8::HandleScope, value: v8::Local<v8::Value>) -> bool {
    if let Ok(view) = v8::Local::<v8::ArrayBufferView>::try_from(value) {
        return view.buffer(scope).is_some_and(|b| b.was_detached());
    }
    v8::Local::<v8::ArrayBuffer>::try_from(value).is_ok_and(|b| b.was_detached())
}

/// True if `store` belongs to a resizable `ArrayBuffer` (which JS can
/// shrink, decommitting its memory, while C still uses it). Growable
/// `SharedArrayBuffer`s never shrink and are accepted.
fn may_shrink(store: &Option<v8::SharedRef<v8::BackingStore>>) -> bool {
    store
        .as_ref()
        .is_some_and(|s| s.is_resizable_by_user_javascript() && !s.is_shared())
}

/// The message for a resizable buffer argument.
fn resizable(what: &ArgContext, ty: &NativeType) -> String {
    format!(
        "{what}: cannot pass a view of a resizable ArrayBuffer for type {ty}: JS could shrink it while C uses it; use a fixed-length ArrayBuffer"
    )
}

/// The message for a detached buffer argument.
fn detached(what: &ArgContext, ty: &NativeType) -> String {
    format!("{what}: cannot pass a detached buffer for type {ty}")
}

fn buffer_slot(
    scope: &mut v8::HandleScope,
    value: v8::Local<v8::Value>,
    what: &ArgContext,
    ty: &NativeType,
) -> Result<Slot, String> {
    if value.is_null() {
        return Ok(Slot::scalar(0));
    }
    // A detached buffer has no bytes any more: passing its (null or stale)
    // address would hand C a dangling pointer. V8's fast path never takes a
    // detached TypedArray (it falls back to this slow path), so both paths
    // throw.
    if is_detached(scope, value) {
        return Err(detached(what, ty));
    }
    let (addr, len, keep) = buffer_bytes(scope, value).ok_or_else(|| {
        expected(
            what,
            ty,
            "a TypedArray, DataView, ArrayBuffer or null",
            value,
        )
    })?;
    if may_shrink(&keep) {
        return Err(resizable(what, ty));
    }
    // A zero-length view passes null on every path (the fast trampoline
    // does the same), whatever address its empty range has.
    if len == 0 {
        return Ok(Slot::scalar(0));
    }
    Ok(Slot {
        bits: addr as u64,
        keep,
    })
}

fn struct_slot(
    scope: &mut v8::HandleScope,
    value: v8::Local<v8::Value>,
    size: usize,
    what: &ArgContext,
    ty: &NativeType,
) -> Result<Slot, String> {
    if is_detached(scope, value) {
        return Err(detached(what, ty));
    }
    let (addr, len, keep) = buffer_bytes(scope, value).ok_or_else(|| {
        expected(
            what,
            ty,
            "a TypedArray or ArrayBuffer holding the struct",
            value,
        )
    })?;
    if may_shrink(&keep) {
        return Err(resizable(what, ty));
    }
    if len < size || addr.is_null() {
        return Err(format!(
            "{what}: struct {ty} needs {size} bytes, got a buffer of {len}"
        ));
    }
    Ok(Slot {
        bits: addr as u64,
        keep,
    })
}

/// Reads the value of type `ty` stored at `ptr` and converts it to JS
/// (see the module doc; a struct's bytes are read at `ptr`).
///
/// # Safety
/// `ptr` must be valid for reading `ty.size()` bytes (any alignment).
pub unsafe fn slot_to_js<'s>(
    scope: &mut v8::HandleScope<'s>,
    ty: &NativeType,
    ptr: *const u8,
) -> v8::Local<'s, v8::Value> {
    use NativeType::*;
    if let Struct(st) = ty {
        // SAFETY: the caller guarantees `st.size()` readable bytes at `ptr`.
        let bytes = unsafe { std::slice::from_raw_parts(ptr, st.size()) }.to_vec();
        return new_uint8_array(scope, bytes).into();
    }
    // SAFETY: the caller guarantees `ty.size()` (<= 8) readable bytes.
    scalar_to_js(scope, ty, unsafe { read_scalar(ptr, ty.size()) })
}

/// The `size`-byte little-endian scalar at `ptr`, zero-extended (a fixed
/// width load per size: no `memcpy` call for a runtime length).
///
/// # Safety
/// `ptr` is readable for `size` bytes; `size` is 0, 1, 2, 4 or 8.
pub unsafe fn read_scalar(ptr: *const u8, size: usize) -> u64 {
    // SAFETY: the caller's promise, one unaligned load of exactly `size`.
    unsafe {
        match size {
            0 => 0,
            1 => ptr.read() as u64,
            2 => ptr.cast::<u16>().read_unaligned() as u64,
            4 => ptr.cast::<u32>().read_unaligned() as u64,
            _ => ptr.cast::<u64>().read_unaligned(),
        }
    }
}

/// Like [`slot_to_js`] for an argument slot: a struct slot holds the
/// address of the struct's bytes.
///
/// # Safety
/// `slot` must point at a readable 8-byte slot; for a struct, the address
/// in it must be valid for `ty.size()` bytes.
pub unsafe fn arg_slot_to_js<'s>(
    scope: &mut v8::HandleScope<'s>,
    ty: &NativeType,
    slot: *const u64,
) -> v8::Local<'s, v8::Value> {
    if ty.as_struct().is_some() {
        // SAFETY: the caller guarantees the slot and the bytes it points at.
        unsafe { slot_to_js(scope, ty, slot.read_unaligned() as *const u8) }
    } else {
        // SAFETY: scalars are read from the slot itself (8 readable bytes).
        unsafe { slot_to_js(scope, ty, slot as *const u8) }
    }
}

/// Converts a scalar's raw little-endian bits (low `ty.size()` bytes) to JS
/// (`raw_v8::scalar`; a struct or `void` is `undefined`).
pub fn scalar_to_js<'s>(
    scope: &mut v8::HandleScope<'s>,
    ty: &NativeType,
    bits: u64,
) -> v8::Local<'s, v8::Value> {
    let isolate: &mut v8::Isolate = scope;
    let isolate: *mut v8::Isolate = isolate;
    // SAFETY: `scope` is the innermost open handle scope of this isolate
    // (rusty_v8 lends only that one mutably), on its thread, for `'s`.
    match unsafe { crate::raw_v8::scalar(isolate, ty, bits) } {
        Some(value) => value,
        None => v8::undefined(scope).into(),
    }
}

/// Largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A number when safe, else a bigint.
pub fn u64_to_js<'s>(scope: &mut v8::HandleScope<'s>, v: u64) -> v8::Local<'s, v8::Value> {
    scalar_to_js(scope, &NativeType::U64, v)
}

/// A fresh `Uint8Array` owning `bytes`.
pub fn new_uint8_array<'s>(
    scope: &mut v8::HandleScope<'s>,
    bytes: Vec<u8>,
) -> v8::Local<'s, v8::Uint8Array> {
    let len = bytes.len();
    let store = v8::ArrayBuffer::new_backing_store_from_vec(bytes).make_shared();
    let ab = v8::ArrayBuffer::with_backing_store(scope, &store);
    v8::Uint8Array::new(scope, ab, 0, len).expect("a Uint8Array over a fresh ArrayBuffer")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_keeps_low_bytes() {
        assert_eq!(truncate(&NativeType::U8, 0x1ff), 0xff);
        assert_eq!(truncate(&NativeType::I16, (-1i32) as u32 as u64), 0xffff);
        assert_eq!(truncate(&NativeType::U32, u64::MAX), 0xffff_ffff);
    }

    #[test]
    fn arg_context_names_symbol_and_index() {
        assert_eq!(
            ArgContext::arg("add", 1).to_string(),
            "symbol \"add\", argument 1"
        );
        assert_eq!(
            ArgContext::result("cb").to_string(),
            "symbol \"cb\", result"
        );
    }
}
