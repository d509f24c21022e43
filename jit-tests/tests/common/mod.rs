//! C fixture addresses, `#[repr(C)]` mirrors of the fixture structs and
//! their hotcall types, shared by the fixture test binaries.
#![allow(dead_code)]

use std::ffi::c_void;
use std::sync::Arc;

use hotcall_abi::{NativeType as T, Signature, StructType};
use hotcall_jit::Jit;
use hotcall_jit_tests::call::{invoke, read_as};

macro_rules! c_functions {
    ($($name:ident),* $(,)?) => {
        mod sys {
            // Declared without a signature: only their addresses are taken
            // here, every call goes through a stub of the right signature.
            extern "C" { $(pub fn $name();)* }
        }
        $(pub fn $name() -> *const c_void { sys::$name as *const c_void })*
    };
}

c_functions!(
    hc_not,
    hc_u8_inc,
    hc_i8_neg,
    hc_u16_inc,
    hc_i16_neg,
    hc_u32_inc,
    hc_i32_neg,
    hc_u64_inc,
    hc_i64_neg,
    hc_usize_inc,
    hc_isize_neg,
    hc_f32_half,
    hc_f64_half,
    hc_ptr_add,
    hc_buf_at,
    hc_fn_id,
    hc_i8_to_i32,
    hc_u8_to_u32,
    hc_i16_to_i32,
    hc_u16_to_u32,
    hc_bool_to_i32,
    hc_i32_to_i8,
    hc_u32_to_u8,
    hc_i32_to_i16,
    hc_u32_to_u16,
    hc_u32_to_bool,
    hc_answer,
    hc_record,
    hc_many,
    hc_weighted20,
    hc_hash64,
    hc_buf_sum,
    hc_buf_fill,
    hc_ptr_read_i64,
    hc_ptr_write_i64,
    hc_greeting,
    hc_u8u8u16_make,
    hc_u8u8u16_sum,
    hc_u8u8u16_rev,
    hc_u8x3_make,
    hc_u8x3_sum,
    hc_u8x3_rot,
    hc_d2_make,
    hc_d2_dot,
    hc_d2_swap,
    hc_f2_make,
    hc_f2_sum,
    hc_f2_swap,
    hc_f3_make,
    hc_f3_sum,
    hc_f3_rot,
    hc_if_make,
    hc_if_sum,
    hc_if_neg,
    hc_udi_make,
    hc_udi_sum,
    hc_udi_bump,
    hc_big_make,
    hc_big_sum,
    hc_big_bump,
    hc_nest_make,
    hc_nest_sum,
    hc_nest2_make,
    hc_nest2_sum,
    hc_hfa4_make,
    hc_hfa4_sum,
    hc_struct_late,
    hc_call_i32,
    hc_call_mixed,
    hc_call_struct,
    hc_call_big,
    hc_call_n,
);

extern "C" {
    /// See `c/fixtures.c`: layout of fixture struct `which`, or -1.
    pub fn hc_layout(which: i32, size: *mut usize, align: *mut usize, offsets: *mut usize) -> i32;
}

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct U8U8U16 {
    pub a: u8,
    pub b: u8,
    pub c: u16,
}
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct U8x3 {
    pub a: u8,
    pub b: u8,
    pub c: u8,
}
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct D2 {
    pub x: f64,
    pub y: f64,
}
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct F2 {
    pub x: f32,
    pub y: f32,
}
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct F3 {
    pub x: f32,
    pub y: f32,
    pub z: f32,
}
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct If {
    pub i: i32,
    pub f: f32,
}
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Udi {
    pub a: u8,
    pub b: f64,
    pub c: i32,
}
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Big {
    pub a: i64,
    pub b: i64,
    pub c: i64,
    pub d: f64,
}
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Nest {
    pub p: F2,
    pub k: i32,
}
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Nest2In {
    pub lo: u16,
    pub hi: u8,
}
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Nest2 {
    pub tag: u8,
    pub inner: Nest2In,
    pub w: f32,
}
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hfa4 {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub d: f64,
}

pub fn st(fields: Vec<T>) -> T {
    T::Struct(Arc::new(StructType::new(fields).expect("valid struct")))
}

/// The hotcall types of the fixture structs, in `hc_layout` order.
pub fn fixture_structs() -> Vec<(&'static str, T)> {
    vec![
        ("u8u8u16", st(vec![T::U8, T::U8, T::U16])),
        ("u8x3", st(vec![T::U8, T::U8, T::U8])),
        ("d2", st(vec![T::F64, T::F64])),
        ("f2", st(vec![T::F32, T::F32])),
        ("f3", st(vec![T::F32, T::F32, T::F32])),
        ("if", st(vec![T::I32, T::F32])),
        ("udi", st(vec![T::U8, T::F64, T::I32])),
        ("big", st(vec![T::I64, T::I64, T::I64, T::F64])),
        ("nest", st(vec![st(vec![T::F32, T::F32]), T::I32])),
        ("nest2", st(vec![T::U8, st(vec![T::U16, T::U8]), T::F32])),
        ("hfa4", st(vec![T::F64, T::F64, T::F64, T::F64])),
    ]
}

/// The hotcall type of fixture struct `name`.
pub fn fixture(name: &str) -> T {
    fixture_structs()
        .into_iter()
        .find(|(n, _)| *n == name)
        .expect("fixture struct")
        .1
}

pub fn sig(params: Vec<T>, result: T) -> Signature {
    Signature::new(params, result)
}

/// Calls a struct fixture through the invoker and reads the result as `R`.
///
/// # Safety
/// `f` must have signature `s`, the slots must match it (struct slots point
/// at live `#[repr(C)]` mirrors), and `R` must mirror the result type.
pub unsafe fn call_as<R: Copy>(jit: &mut Jit, f: *const c_void, s: &Signature, slots: &[u64]) -> R {
    // SAFETY: forwarded from the caller.
    unsafe { read_as::<R>(&invoke(jit, f, s, slots)) }
}
