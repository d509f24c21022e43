//! Smoke tests of each stub kind against Rust `extern "C"` functions.

use std::ffi::c_void;

use hotcall_abi::{NativeType as T, Signature, StructType};
use hotcall_jit::{FastResult, Jit};

extern "C" fn add_i32(a: i32, b: i32) -> i32 {
    a.wrapping_add(b)
}

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
struct Mixed {
    a: u8,
    b: f64,
    c: i32,
}

extern "C" fn mixed_sum(x: Mixed, y: f32) -> f64 {
    x.a as f64 + x.b + x.c as f64 + y as f64
}

#[test]
fn invoker_calls_add() {
    let mut jit = Jit::new().unwrap();
    let sig = Signature::new(vec![T::I32, T::I32], T::I32);
    let inv = jit.invoker(&sig).unwrap();
    let args = [(-5i32) as u32 as u64, 7u64];
    let mut ret = [0u8; 8];
    // SAFETY: args match the signature; add_i32 has it.
    unsafe { inv(add_i32 as *const c_void, args.as_ptr(), ret.as_mut_ptr()) };
    assert_eq!(i32::from_le_bytes(ret[..4].try_into().unwrap()), 2);
}

#[test]
fn invoker_passes_struct() {
    let mut jit = Jit::new().unwrap();
    let st = StructType::new(vec![T::U8, T::F64, T::I32]).unwrap();
    let sig = Signature::new(vec![T::Struct(st.into()), T::F32], T::F64);
    let inv = jit.invoker(&sig).unwrap();
    let m = Mixed {
        a: 3,
        b: 0.5,
        c: -10,
    };
    let args = [&m as *const Mixed as u64, 2.25f32.to_bits() as u64];
    let mut ret = [0u8; 8];
    // SAFETY: slot 0 points at a live Mixed, slot 1 holds an f32.
    unsafe { inv(mixed_sum as *const c_void, args.as_ptr(), ret.as_mut_ptr()) };
    assert_eq!(f64::from_le_bytes(ret), mixed_sum(m, 2.25));
}

#[test]
fn fast_trampoline_drops_receiver() {
    let mut jit = Jit::new().unwrap();
    let sig = Signature::new(vec![T::I32, T::I32], T::I32);
    let set = jit
        .fast_trampolines(&[(&sig, add_i32 as *const c_void, FastResult::Direct)])
        .unwrap();
    // SAFETY: the trampoline has V8's fast-call signature for (i32, i32) -> i32.
    let f: extern "C" fn(*const c_void, i32, i32, *const c_void) -> i32 =
        unsafe { std::mem::transmute(set.pointer(0)) };
    assert_eq!(f(std::ptr::null(), 40, 2, std::ptr::null()), 42);
}

#[test]
fn callback_thunk_dispatches() {
    use hotcall_jit::callback::Callback;
    let mut jit = Jit::new().unwrap();
    let sig = Signature::new(vec![T::I8, T::F64], T::I64);
    let cb = Callback::new(&mut jit, &sig, |call| {
        // SAFETY: two slots and an 8-byte result buffer.
        unsafe {
            let a = *call.args as i64;
            let b = f64::from_bits(*call.args.add(1));
            *(call.ret as *mut i64) = a * 1000 + b as i64;
        }
    })
    .unwrap();
    // SAFETY: the thunk has the C signature (i8, f64) -> i64.
    let f: extern "C" fn(i8, f64) -> i64 = unsafe { std::mem::transmute(cb.pointer()) };
    assert_eq!(f(-3, 42.0), -3000 + 42);
    cb.close();
}

#[test]
fn invokers_are_shared_by_shape_and_kept_apart_otherwise() {
    use hotcall_jit::{invoker_shape, AbiFlavor};
    let mut jit = Jit::new().unwrap();
    let mut inv =
        |params: Vec<T>, result: T| jit.invoker(&Signature::new(params, result)).unwrap() as usize;
    // 32/64-bit integers and pointer kinds, f32/f64, any scalar result.
    let shared = inv(vec![T::I32, T::Pointer, T::F32], T::U8);
    assert_eq!(shared, inv(vec![T::U64, T::Buffer, T::F64], T::I64));
    assert_eq!(shared, inv(vec![T::USize, T::Function, T::F32], T::Bool));
    assert_ne!(shared, inv(vec![T::USize, T::Function, T::F32], T::F32));
    // Narrow integers keep their own extension; void stores nothing.
    assert_ne!(shared, inv(vec![T::U8, T::Pointer, T::F32], T::U8));
    assert_ne!(shared, inv(vec![T::I16, T::Pointer, T::F32], T::U8));
    assert_ne!(shared, inv(vec![T::I32, T::Pointer, T::F32], T::Void));
    // Apple arm64 packs stack arguments by size: only register-only
    // signatures merge their parameters there.
    let ints = |n| Signature::new(vec![T::U32; n], T::I32);
    let apple = |s: &Signature| invoker_shape(AbiFlavor::AppleArm64, s);
    assert_eq!(apple(&ints(8)).params, vec![T::I64; 8]);
    assert_eq!(apple(&ints(9)).params, vec![T::U32; 9]);
    assert_eq!(
        invoker_shape(AbiFlavor::Aapcs64, &ints(9)).params,
        vec![T::I64; 9]
    );
    assert_eq!(
        invoker_shape(AbiFlavor::Win64, &ints(9)).params,
        vec![T::I64; 9]
    );
}
