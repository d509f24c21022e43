//! The V8 fast-call overload of a symbol: which fast-call types V8 passes,
//! how the result comes back, and the `CFunctionInfo` describing it.
//!
//! * Integers of 32 bits and below arrive as `Int32`/`Uint32` (V8 applies
//!   ToInt32/ToUint32), `bool` as `Bool`, floats as `Float32`/`Float64`.
//! * 64-bit integers, `pointer` and `function` arrive as `Int64`/`Uint64`.
//!   V8's representation of them is per `CFunctionInfo` (Number or
//!   BigInt), so a symbol with such parameters gets two fast overloads, one
//!   per representation, on two V8 functions; the JS wrapper calls the
//!   BigInt one when any 64-bit argument is a bigint, else the Number one.
//!   Both go fast when every 64-bit argument has the representation chosen;
//!   a mixed call (a number and a bigint) or `null` makes V8 take the slow
//!   path, with the same result.
//! * `buffer` is `TypedArray(Uint8)`: a `Uint8Array` goes fast; any other
//!   view, an `ArrayBuffer` or `null` takes the slow path.
//! * Results: `void`, `bool`, narrow ints and floats return directly;
//!   64-bit ints and pointer kinds are stored to an out-slot
//!   ([`FastResult::OutSlot`]) that the JS wrapper reads.
//!
//! `CFunctionInfo`s (and their argument arrays) are referenced by V8 for as
//! long as any function template uses them, so they are built once per
//! distinct fast signature and kept for the life of the process.

use std::collections::HashMap;
use std::sync::Mutex;

use hotcall_abi::{NativeType, Signature};
use v8::fast_api::{CFunctionInfo, CType, CTypeInfo, Int64Representation, Type};

/// How a symbol's result reaches JS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultKind {
    /// The function returns the JS value itself.
    Direct,
    /// Signed 64-bit in the out-slot: number when safe, else bigint.
    OutI64,
    /// Unsigned 64-bit in the out-slot: number when safe, else bigint.
    OutU64,
}

impl ResultKind {
    /// The kind of a fast-path symbol's result.
    pub fn of(result: &NativeType) -> ResultKind {
        use NativeType::*;
        match result {
            I64 | ISize => ResultKind::OutI64,
            // Addresses are numbers when safe, exactly like `u64` (Deno 1.25–1.30).
            U64 | USize | Pointer | Buffer | Function => ResultKind::OutU64,
            _ => ResultKind::Direct,
        }
    }

    /// The wrapper kind number used by `ffi.js`.
    pub fn code(self) -> u32 {
        self as u32
    }
}

/// True if `sig` can have a fast overload at all (no struct by value).
pub fn has_fast_form(sig: &Signature) -> bool {
    !sig.has_struct()
}

fn param_type(ty: &NativeType) -> Type {
    use NativeType::*;
    match ty {
        Bool => Type::Bool,
        I8 | I16 | I32 => Type::Int32,
        U8 | U16 | U32 => Type::Uint32,
        I64 | ISize => Type::Int64,
        U64 | USize | Pointer | Function => Type::Uint64,
        F32 => Type::Float32,
        F64 => Type::Float64,
        Buffer => Type::TypedArray(CType::Uint8),
        Void | Struct(_) => unreachable!("no fast form: checked by has_fast_form"),
    }
}

fn return_type(ty: &NativeType) -> CType {
    use NativeType::*;
    match ty {
        Bool => CType::Bool,
        I8 | I16 | I32 => CType::Int32,
        U8 | U16 | U32 => CType::Uint32,
        F32 => CType::Float32,
        F64 => CType::Float64,
        _ => CType::Void,
    }
}

/// True for parameter types V8 passes as 64-bit integers, whose JS
/// representation (Number or BigInt) the `CFunctionInfo` fixes.
pub fn is_int64_param(ty: &NativeType) -> bool {
    use NativeType::*;
    matches!(ty, I64 | ISize | U64 | USize | Pointer | Function)
}

/// Indices of `sig`'s parameters of the types `keep` accepts.
pub fn param_indices(sig: &Signature, keep: impl Fn(&NativeType) -> bool) -> Vec<u32> {
    (sig.params.iter().enumerate())
        .filter(|(_, t)| keep(t))
        .map(|(i, _)| i as u32)
        .collect()
}

/// Indices of `sig`'s 64-bit parameters: a symbol with any gets a second,
/// BigInt-representation fast overload (see the module doc).
pub fn int64_params(sig: &Signature) -> Vec<u32> {
    param_indices(sig, is_int64_param)
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct ShapeKey {
    args: Vec<String>,
    ret: String,
    bigint: bool,
}

struct InfoPtr(*const CFunctionInfo);
// SAFETY: a CFunctionInfo is immutable after creation; V8 only reads it.
unsafe impl Send for InfoPtr {}

static INFOS: Mutex<Option<HashMap<ShapeKey, InfoPtr>>> = Mutex::new(None);

/// The `CFunctionInfo` of `sig`'s fast overload with 64-bit parameters in
/// representation `repr`: `(receiver, params...) -> result`, built once per
/// shape.
///
/// No `FastApiCallbackOptions`: no trampoline reads it (the generator
/// declares it as a trailing parameter that is never used), and without it
/// V8's optimized caller does not build the options struct on every call
/// (measured: `add_u32` 4.5 -> 3.6 ns per call, `docs/benchmarks.md`).
pub fn c_function_info(sig: &Signature, repr: Int64Representation) -> *const CFunctionInfo {
    let mut args = vec![Type::V8Value];
    args.extend(sig.params.iter().map(param_type));
    let ret = return_type(&sig.result);
    let key = ShapeKey {
        args: args.iter().map(|t| format!("{t:?}")).collect(),
        ret: format!("{ret:?}"),
        bigint: matches!(repr, Int64Representation::BigInt),
    };
    let mut infos = INFOS.lock().unwrap_or_else(|p| p.into_inner());
    let infos = infos.get_or_insert_with(HashMap::new);
    if let Some(info) = infos.get(&key) {
        return info.0;
    }
    // Both allocations are deliberately never freed: V8 keeps pointers to
    // them in function templates, which live as long as their isolate, and
    // the cache shares them between isolates.
    let arg_info = CTypeInfo::new_from_slice(&args);
    let ret_info = CTypeInfo::new(ret);
    // SAFETY: `arg_info` points at `args.len()` CTypeInfos and `ret_info` at
    // one; both stay alive forever (see above).
    let info =
        unsafe { CFunctionInfo::new(arg_info.as_ptr(), args.len(), ret_info.as_ptr(), repr) };
    let ptr = info.as_ptr() as *const CFunctionInfo;
    infos.insert(key, InfoPtr(ptr));
    ptr
}

/// One `v8::CTypeInfo` as V8 stores it: the raw `CTypeInfo::Type`,
/// `SequenceType` and `Flags` numbers of `v8-fast-api-calls.h`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegisteredType {
    pub ctype: u8,
    pub sequence: u8,
    pub flags: u8,
}

/// What V8 was told about `sig`'s fast overload, read back out of the
/// `CFunctionInfo` that [`c_function_info`] registers: the argument types
/// (receiver and options included), the return type and whether 64-bit
/// integers are BigInts. `None` for signatures without a fast form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisteredFastTypes {
    pub args: Vec<RegisteredType>,
    pub ret: RegisteredType,
    pub bigint: bool,
}

/// `v8::CFunctionInfo`'s fields as declared in `v8-fast-api-calls.h` of the
/// V8 that rusty_v8 0.101 builds: `const CTypeInfo return_info_; const
/// Int64Representation repr_; const unsigned int arg_count_; const
/// CTypeInfo* arg_info_;`. rusty_v8 has no accessors for them.
#[repr(C)]
struct RawCFunctionInfo {
    ret: RegisteredType,
    repr: u8,
    arg_count: u32,
    args: *const RegisteredType,
}

const _: () = assert!(std::mem::size_of::<RawCFunctionInfo>() == 16);
const _: () = assert!(std::mem::size_of::<RegisteredType>() == 3);

/// Reads back what [`c_function_info`] registered for `sig` with 64-bit
/// parameters in representation `repr` (for tests that compare it with
/// what the trampoline generator assumes).
pub fn registered_fast_types(
    sig: &Signature,
    repr: Int64Representation,
) -> Option<RegisteredFastTypes> {
    if !has_fast_form(sig) {
        return None;
    }
    let info = c_function_info(sig, repr).cast::<RawCFunctionInfo>();
    // SAFETY: `info` is a live CFunctionInfo (never freed, see
    // c_function_info) whose layout RawCFunctionInfo mirrors; its
    // `arg_info_` points at `arg_count_` CTypeInfos, also never freed.
    unsafe {
        let raw = &*info;
        let args = std::slice::from_raw_parts(raw.args, raw.arg_count as usize).to_vec();
        Some(RegisteredFastTypes {
            args,
            ret: raw.ret,
            bigint: raw.repr == 1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_kinds() {
        assert_eq!(ResultKind::of(&NativeType::I32), ResultKind::Direct);
        assert_eq!(ResultKind::of(&NativeType::ISize), ResultKind::OutI64);
        assert_eq!(ResultKind::of(&NativeType::U64), ResultKind::OutU64);
        assert_eq!(ResultKind::of(&NativeType::Buffer), ResultKind::OutU64);
        assert_eq!(ResultKind::of(&NativeType::F64), ResultKind::Direct);
        assert_eq!(ResultKind::of(&NativeType::F32), ResultKind::Direct);
    }

    #[test]
    fn every_64_bit_kind_and_only_those_get_a_bigint_overload() {
        use NativeType::*;
        let sig = Signature::new(
            vec![
                Pointer, U8, USize, Buffer, I64, F64, Function, ISize, U64, I32,
            ],
            Void,
        );
        assert_eq!(int64_params(&sig), vec![0, 2, 4, 6, 7, 8]);
    }
}
