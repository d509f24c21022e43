//! Trampolines of a shape seen before are instantiated from its template:
//! each instance must call its own C function and store to its own out-slot.
//! The template tests turn tail jumps off (`Jit::set_tail_jumps(false)`),
//! since tail-jump shapes are emitted without Cranelift and never become
//! templates; the last test checks that.

use std::ffi::c_void;

use hotcall_abi::{NativeType as T, Signature};
use hotcall_jit::{FastResult, Jit};

extern "C" fn add(a: i32, b: i32) -> i32 {
    a.wrapping_add(b)
}
extern "C" fn sub(a: i32, b: i32) -> i32 {
    a.wrapping_sub(b)
}
extern "C" fn mul(a: i32, b: i32) -> i32 {
    a.wrapping_mul(b)
}
extern "C" fn wide(a: i64, b: u8) -> i64 {
    a * 1000 + b as i64
}
extern "C" fn wide_neg(a: i64, b: u8) -> i64 {
    -a * 1000 - b as i64
}

type FastI32 = extern "C" fn(*const c_void, i32, i32, *const c_void) -> i32;
type FastOut = extern "C" fn(*const c_void, i64, u32, *const c_void);

fn as_fast<F: Copy>(ptr: *const u8) -> F {
    assert_eq!(std::mem::size_of::<F>(), std::mem::size_of::<*const u8>());
    // SAFETY: callers pick `F` as the V8 fast-call signature the stub was
    // generated for; F is a function pointer type of pointer size.
    unsafe { std::mem::transmute_copy(&ptr) }
}

/// A `Jit` that compiles every trampoline with Cranelift (templates).
fn cranelift_only() -> Jit {
    let mut jit = Jit::new().unwrap();
    jit.set_tail_jumps(false);
    jit
}

/// Fast trampolines of `sig` for `add`, `sub` and `mul` in one batch,
/// each called like V8 does with (7, 5).
fn add_sub_mul_batch(jit: &mut Jit, sig: &Signature) -> Vec<i32> {
    let fns = [
        add as *const c_void,
        sub as *const c_void,
        mul as *const c_void,
    ];
    let items: Vec<_> = fns.iter().map(|&f| (sig, f, FastResult::Direct)).collect();
    let set = jit.fast_trampolines(&items).unwrap();
    let null = std::ptr::null();
    (0..3)
        .map(|i| as_fast::<FastI32>(set.pointer(i))(null, 7, 5, null))
        .collect()
}

#[test]
fn tail_jump_shapes_need_no_cranelift_and_call_their_own_target() {
    let mut jit = Jit::new().unwrap();
    let sig = Signature::new(vec![T::I32, T::I32], T::I32);
    assert!(hotcall_jit::is_tail_jump(
        jit.target().flavor(),
        &sig,
        &FastResult::Direct
    ));
    assert_eq!(add_sub_mul_batch(&mut jit, &sig), vec![12, 2, 35]);
    assert_eq!(jit.compiled_trampoline_shapes(), 0, "no Cranelift compile");
}

#[test]
fn same_shape_in_one_batch_calls_each_target() {
    let mut jit = cranelift_only();
    let sig = Signature::new(vec![T::I32, T::I32], T::I32);
    assert_eq!(add_sub_mul_batch(&mut jit, &sig), vec![12, 2, 35]);
    assert_eq!(
        jit.compiled_trampoline_shapes(),
        1,
        "one shape, compiled once"
    );
}

#[test]
fn templates_survive_across_batches_and_out_slots_are_per_symbol() {
    let mut jit = cranelift_only();
    let sig = Signature::new(vec![T::I64, T::U8], T::I64);
    let mut slots = [0i64; 2];
    let first = jit
        .fast_trampolines(&[(
            &sig,
            wide as *const c_void,
            FastResult::OutSlot(&mut slots[0] as *mut i64 as u64),
        )])
        .unwrap();
    let second = jit
        .fast_trampolines(&[(
            &sig,
            wide_neg as *const c_void,
            FastResult::OutSlot(&mut slots[1] as *mut i64 as u64),
        )])
        .unwrap();
    assert_eq!(jit.compiled_trampoline_shapes(), 1);
    drop(first);
    let null = std::ptr::null();
    as_fast::<FastOut>(second.pointer(0))(null, 4, 300, null);
    // u8 argument 300 wraps to 44 (V8 passes uint32; the C type is u8).
    assert_eq!(slots, [0, -4044]);
}

#[test]
fn direct_and_out_slot_results_are_distinct_shapes() {
    let mut jit = cranelift_only();
    let sig = Signature::new(vec![T::I32, T::I32], T::I32);
    let mut slot = 0i32;
    let set = jit
        .fast_trampolines(&[
            (&sig, add as *const c_void, FastResult::Direct),
            (
                &sig,
                sub as *const c_void,
                FastResult::OutSlot(&mut slot as *mut i32 as u64),
            ),
            (&sig, mul as *const c_void, FastResult::Direct),
        ])
        .unwrap();
    assert_eq!(jit.compiled_trampoline_shapes(), 2);
    let null = std::ptr::null();
    assert_eq!(as_fast::<FastI32>(set.pointer(0))(null, 9, 4, null), 13);
    as_fast::<extern "C" fn(*const c_void, i32, i32, *const c_void)>(set.pointer(1))(
        null, 9, 4, null,
    );
    assert_eq!(slot, 5);
    assert_eq!(as_fast::<FastI32>(set.pointer(2))(null, 9, 4, null), 36);
}

extern "C" fn add_u32(a: u32, b: u32) -> u32 {
    a.wrapping_add(b)
}
extern "C" fn ptr_plus(p: *const u8, n: usize) -> *const u8 {
    p.wrapping_add(n)
}
extern "C" fn add_i64(a: i64, b: i64) -> i64 {
    a.wrapping_add(b)
}

#[test]
fn types_passed_alike_share_a_template() {
    let mut jit = cranelift_only();
    let sig_i32 = Signature::new(vec![T::I32, T::I32], T::I32);
    let sig_u32 = Signature::new(vec![T::U32, T::U32], T::U32);
    let sig_ptr = Signature::new(vec![T::Pointer, T::USize], T::Pointer);
    let sig_i64 = Signature::new(vec![T::I64, T::I64], T::I64);
    let set = jit
        .fast_trampolines(&[
            (&sig_i32, add as *const c_void, FastResult::Direct),
            (&sig_u32, add_u32 as *const c_void, FastResult::Direct),
            (&sig_ptr, ptr_plus as *const c_void, FastResult::Direct),
            (&sig_i64, add_i64 as *const c_void, FastResult::Direct),
        ])
        .unwrap();
    assert_eq!(
        jit.compiled_trampoline_shapes(),
        2,
        "u32 like i32, pointer/usize like i64"
    );
    let null = std::ptr::null();
    let u32_fn =
        as_fast::<extern "C" fn(*const c_void, u32, u32, *const c_void) -> u32>(set.pointer(1));
    assert_eq!(u32_fn(null, u32::MAX, 2, null), 1);
    let ptr_fn =
        as_fast::<extern "C" fn(*const c_void, u64, u64, *const c_void) -> u64>(set.pointer(2));
    assert_eq!(ptr_fn(null, 0x1000, 0x24, null), 0x1024);
    let i64_fn =
        as_fast::<extern "C" fn(*const c_void, i64, i64, *const c_void) -> i64>(set.pointer(3));
    assert_eq!(i64_fn(null, -5, 2, null), -3);
    assert_eq!(as_fast::<FastI32>(set.pointer(0))(null, -5, 2, null), -3);
}
