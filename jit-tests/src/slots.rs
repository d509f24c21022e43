//! Argument slots as the stubs' callers lay them out: the invoker's
//! `(target, args, ret)` slots and V8's fast-call arguments (receiver,
//! converted values, `FastApiTypedArray*` for buffers, options).

use std::ffi::c_void;

use hotcall_abi::NativeType;

use crate::corpus::Value;
use crate::marshal::{self, JUNK};

/// V8's `FastApiTypedArray<uint8_t>`: `{ size_t length; uint8_t *data; }`.
#[repr(C)]
pub struct FastApiTypedArray {
    pub length: usize,
    pub data: *mut u8,
}

/// Stand-in for V8's `FastApiCallbackOptions` (the trampoline ignores it).
#[repr(C)]
pub struct FakeOptions {
    pub isolate: *mut c_void,
    pub fallback: bool,
    pub data: u64,
    pub wasm_memory: *mut c_void,
}

/// What hotcall-v8 tells V8 about fast calls, per FFI type: the V8
/// argument and return types read back from V8's `CFunctionInfo` by
/// `crates/hotcall-v8/tests/ffi.rs`, which checks this file against V8 (this
/// crate cannot link V8). Not the generator's own table: a mismatch between
/// what V8 is told and what the trampoline expects shows up here.
const V8_FAST_TYPES: &str = include_str!("v8_fast_types.txt");

/// The FFI type that a V8 fast-call type name stands for here: the width
/// and signedness V8 passes it with (a `TypedArray` as the address of its
/// `FastApiTypedArray`).
fn from_v8_name(name: &str) -> NativeType {
    use NativeType::*;
    match name {
        "Void" => Void,
        "Bool" => Bool,
        "Int32" => I32,
        "Uint32" => U32,
        "Int64" => I64,
        "Uint64" => U64,
        "Float32" => F32,
        "Float64" => F64,
        "TypedArray(Uint8)" => Pointer,
        other => panic!("v8_fast_types.txt: unexpected V8 type {other}"),
    }
}

/// `(argument, return)` V8 type names of FFI type `ty`; `None` for structs
/// and void, which have no fast-call argument.
fn v8_fast_types(ty: &NativeType) -> Option<(&'static str, &'static str)> {
    if matches!(ty, NativeType::Void | NativeType::Struct(_)) {
        return None;
    }
    let name = ty.to_string();
    let line = V8_FAST_TYPES
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find(|l| l.split_whitespace().next() == Some(name.as_str()))
        .unwrap_or_else(|| panic!("v8_fast_types.txt has no line for {name}"));
    let mut cols = line.split_whitespace().skip(1);
    Some((cols.next()?, cols.next()?))
}

/// The type V8 passes a parameter of FFI type `ty` as in a fast call (from
/// [`V8_FAST_TYPES`]): `None` for structs, which have no fast path. 64-bit
/// ints and pointers come as `U64`/`I64`, buffers as a pointer.
pub fn v8_param_type(ty: &NativeType) -> Option<NativeType> {
    v8_fast_types(ty).map(|(arg, _)| from_v8_name(arg))
}

/// The type V8 takes a result of FFI type `ty` back as from a fast call
/// (from [`V8_FAST_TYPES`]); `None` when hotcall passes it through the out
/// slot instead (V8 is told `Void`) and for structs.
pub fn v8_return_type(ty: &NativeType) -> Option<NativeType> {
    if *ty == NativeType::Void {
        return Some(NativeType::Void);
    }
    match v8_fast_types(ty)?.1 {
        "Void" => None,
        other => Some(from_v8_name(other)),
    }
}

/// True if V8 passes `a` and `b` alike in a fast call: same class and
/// width, and for 32-bit and narrower ints the same signedness (a pointer
/// and a 64-bit int are both one 64-bit integer register).
pub fn same_fast_call_type(a: &NativeType, b: &NativeType) -> bool {
    use NativeType::*;
    let class = |t: &NativeType| match t {
        I64 | U64 | Pointer => "int64".to_owned(),
        other => other.to_string(),
    };
    class(a) == class(b)
}

/// The fake receiver V8 would pass (never dereferenced).
pub const RECEIVER: u64 = 0x7ece_17e5_0000_0040;

/// `bits` in its low `size` bytes with [`JUNK`] above: a reader that loads
/// more than the natural width sees the junk.
pub fn with_junk_above(bits: u64, size: usize) -> u64 {
    if size >= 8 {
        return bits;
    }
    let mask = (1u64 << (size * 8)) - 1;
    (bits & mask) | (u64::from_ne_bytes([JUNK; 8]) & !mask)
}

/// Slots plus the memory they point into (kept alive as long as the slots).
pub struct Slots {
    pub slots: Vec<u64>,
    structs: Vec<Vec<u64>>,
    // Boxed so the addresses handed out stay put while the vectors grow.
    #[allow(clippy::vec_box)]
    buffers: Vec<Box<u64>>,
    #[allow(clippy::vec_box)]
    arrays: Vec<Box<FastApiTypedArray>>,
    options: Option<Box<FakeOptions>>,
}

impl Slots {
    fn empty() -> Slots {
        Slots {
            slots: Vec::new(),
            structs: Vec::new(),
            buffers: Vec::new(),
            arrays: Vec::new(),
            options: None,
        }
    }

    /// Gives every buffer value real memory holding its `head` and records
    /// the address in `value`.
    fn place_buffer(&mut self, value: &mut Value) -> *mut u8 {
        let Value::Buffer { addr, head } = value else {
            panic!("buffer expected, got {value:?}")
        };
        let mut mem = Box::new(*head);
        let ptr: *mut u8 = (&mut *mem as *mut u64).cast();
        *addr = ptr as u64;
        self.buffers.push(mem);
        ptr
    }

    /// Invoker slots for `values` of `params`; buffer values get real memory
    /// (their `addr` is updated), structs an image with junk padding.
    pub fn invoker(params: &[NativeType], values: &mut [Value]) -> Slots {
        let mut s = Slots::empty();
        for (ty, value) in params.iter().zip(values.iter_mut()) {
            let slot = match (ty, &*value) {
                (NativeType::Buffer, _) => s.place_buffer(value) as u64,
                (NativeType::Struct(st), _) => {
                    let mut image = marshal::junk_buffer(st.size());
                    marshal::write(ty, value, marshal::bytes_mut(&mut image));
                    let addr = image.as_ptr() as u64;
                    s.structs.push(image);
                    addr
                }
                (_, Value::Scalar(bits)) => with_junk_above(*bits, ty.size()),
                (ty, v) => panic!("{v:?} is not a {ty}"),
            };
            s.slots.push(slot);
        }
        s
    }

    /// The slots of V8's fast call `(receiver, args..., options)` for an
    /// invoker of `v8_signature(..)`: each argument in its V8 fast type,
    /// buffers as `FastApiTypedArray*`.
    pub fn fast(params: &[NativeType], values: &mut [Value]) -> Slots {
        let mut s = Slots::empty();
        s.slots.push(RECEIVER);
        for (ty, value) in params.iter().zip(values.iter_mut()) {
            let v8_ty = v8_param_type(ty).expect("no fast path for structs");
            let slot = match (ty, &*value) {
                (NativeType::Buffer, _) => {
                    let data = s.place_buffer(value);
                    let array = Box::new(FastApiTypedArray { length: 8, data });
                    let addr = &*array as *const FastApiTypedArray as u64;
                    s.arrays.push(array);
                    addr
                }
                // The canonical form is already the value widened to 64
                // bits; the V8 type's width keeps its low bytes.
                (_, Value::Scalar(bits)) => with_junk_above(*bits, v8_ty.size()),
                (ty, v) => panic!("{v:?} is not a {ty}"),
            };
            s.slots.push(slot);
        }
        let options = Box::new(FakeOptions {
            isolate: std::ptr::null_mut(),
            fallback: false,
            data: 0,
            wasm_memory: std::ptr::null_mut(),
        });
        s.slots.push(&*options as *const FakeOptions as u64);
        s.options = Some(options);
        s
    }

    /// True if the options struct (if any) still says "no fallback".
    pub fn options_untouched(&self) -> bool {
        self.options
            .as_ref()
            .is_none_or(|o| !o.fallback && o.data == 0)
    }
}
