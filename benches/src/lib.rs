//! Bench fixtures: the C functions of `c/bench_fns.c` (compiled by
//! `build.rs`), their hotcall signatures, V8's `FastApiTypedArray`, and the
//! signature mix of the compile benchmark.

use std::ffi::c_void;

use hotcall_abi::{NativeType as T, Signature};

/// A C callback `(i32, i32) -> i32`, as `bench_call_cb` takes it.
pub type CCallback = unsafe extern "C" fn(i32, i32) -> i32;

extern "C" {
    pub fn bench_nop();
    pub fn bench_add_u32(a: u32, b: u32) -> u32;
    pub fn bench_add_f64(a: f64, b: f64) -> f64;
    #[allow(clippy::too_many_arguments)]
    pub fn bench_mix10(
        a: i32,
        b: f64,
        c: u32,
        d: f32,
        e: i64,
        f: f64,
        g: u8,
        h: u64,
        i: f32,
        j: i16,
    ) -> f64;
    pub fn bench_hash64(buf: *const u8, len: usize) -> u32;
    pub fn bench_call_cb(cb: CCallback, x: i32) -> i32;
    pub fn bench_c_cb(a: i32, b: i32) -> i32;
}

/// V8's `FastApiTypedArray` as a fast trampoline receives it for a buffer.
#[repr(C)]
pub struct FastApiTypedArray {
    pub length: usize,
    pub data: *mut u8,
}

/// Address of a C function, as hotcall takes it.
pub fn addr(f: *const ()) -> *const c_void {
    f.cast()
}

pub fn sig_nop() -> Signature {
    Signature::new(vec![], T::Void)
}

pub fn sig_add_u32() -> Signature {
    Signature::new(vec![T::U32, T::U32], T::U32)
}

pub fn sig_add_f64() -> Signature {
    Signature::new(vec![T::F64, T::F64], T::F64)
}

pub fn sig_mix10() -> Signature {
    Signature::new(
        vec![
            T::I32,
            T::F64,
            T::U32,
            T::F32,
            T::I64,
            T::F64,
            T::U8,
            T::U64,
            T::F32,
            T::I16,
        ],
        T::F64,
    )
}

pub fn sig_hash64() -> Signature {
    Signature::new(vec![T::Buffer, T::USize], T::U32)
}

/// The callback's signature: `(i32, i32) -> i32`.
pub fn sig_callback() -> Signature {
    Signature::new(vec![T::I32, T::I32], T::I32)
}

/// The Rust work every callback benchmark dispatches to.
#[inline(never)]
pub fn callback_work(a: i32, b: i32) -> i32 {
    a.wrapping_add(b)
}

/// 25 signatures as a typical library declares them: mostly a few
/// integer / pointer / buffer arguments, some floats, `void` and 64-bit
/// results, 0 to 10 parameters. None has a struct (no fast path).
pub fn library_mix() -> Vec<Signature> {
    use T::*;
    let s = |params: Vec<T>, result: T| Signature::new(params, result);
    vec![
        s(vec![], Void),
        s(vec![], I32),
        s(vec![U32, U32], U32),
        s(vec![F64, F64], F64),
        s(vec![Pointer], Void),
        s(vec![Pointer, USize], I32),
        s(vec![Buffer, USize], U32),
        s(vec![Buffer, USize, Buffer, USize], ISize),
        s(vec![I32], Bool),
        s(vec![Bool, U8, I8], I16),
        s(vec![U16, I16, U32], U8),
        s(vec![F32], F32),
        s(vec![F32, F32, F32, F32], F32),
        s(vec![I64, I64], I64),
        s(vec![U64], U64),
        s(vec![Pointer, Pointer, USize], Pointer),
        s(vec![Function, Pointer], I32),
        s(vec![Pointer, I32, F64], F64),
        s(vec![Buffer], Void),
        s(vec![Pointer, U32, U32, U32, U32], I32),
        s(vec![I32, F64, U32, F32, I64, F64, U8, U64, F32, I16], F64),
        s(
            vec![
                Pointer, Pointer, Pointer, Pointer, Pointer, Pointer, Pointer, Pointer,
            ],
            Void,
        ),
        s(vec![F64, F64, F64, F64, F64, F64, F64, F64, F64, F64], F64),
        s(vec![USize, Buffer, I64, F32, Bool, Pointer], U32),
        s(
            vec![Function, Pointer, USize, I32, I32, I32, U64, Buffer, F64],
            ISize,
        ),
    ]
}
