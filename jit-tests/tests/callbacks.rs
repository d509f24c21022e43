//! C calling Rust through callback thunks: fixtures that call a function
//! pointer, struct arguments and results across the thunk, and bad paths
//! (closing a callback from inside its own call, a panicking handler).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::*;
use hotcall_abi::NativeType as T;
use hotcall_jit::callback::{collect_garbage, Callback, CallbackCall};
use hotcall_jit::Jit;
use hotcall_jit_tests::call::{invoke, read_as};

/// Slot `k` of a callback call.
fn slot(call: &CallbackCall, k: usize) -> u64 {
    // SAFETY: every handler here reads only slots its signature has.
    unsafe { *call.args.add(k) }
}

/// The struct `T` a struct slot points at.
fn struct_arg<S: Copy>(call: &CallbackCall, k: usize) -> S {
    // SAFETY: used only for struct parameters mirrored by `S`; the thunk
    // passes their address, live during the call.
    unsafe { (slot(call, k) as *const S).read_unaligned() }
}

/// Writes the result `v` into the callback's result buffer.
fn set_result<R: Copy>(call: &CallbackCall, v: R) {
    // SAFETY: `R` is the callback's result type (or its mirror), and the
    // result buffer is at least its size.
    unsafe { (call.ret as *mut R).write_unaligned(v) }
}

#[test]
fn c_calls_an_i32_callback() {
    let mut jit = Jit::new().unwrap();
    let cb_sig = sig(vec![T::I32, T::I32], T::I32);
    let cb = Callback::new(&mut jit, &cb_sig, |call| {
        set_result(
            call,
            (slot(call, 0) as i32)
                .wrapping_mul(100)
                .wrapping_add(slot(call, 1) as i32),
        );
    })
    .unwrap();
    let s = sig(vec![T::Function, T::I32, T::I32], T::I32);
    // SAFETY: hc_call_i32(cb, a, b) with cb a thunk of (i32, i32) -> i32.
    let ret = unsafe {
        invoke(
            &mut jit,
            hc_call_i32(),
            &s,
            &[cb.pointer() as u64, (-7i32) as u32 as u64, 3],
        )
    };
    // SAFETY: an int32_t result.
    assert_eq!(unsafe { read_as::<i32>(&ret) }, (-700 + 3) * 2 + 1);
    cb.close();
}

#[test]
fn c_calls_a_mixed_callback_with_narrow_ints() {
    let mut jit = Jit::new().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    let cb_sig = sig(vec![T::I8, T::F64, T::F32, T::U16, T::Bool], T::F64);
    let cb = Callback::new(&mut jit, &cb_sig, move |call| {
        let args: Vec<u64> = (0..5).map(|k| slot(call, k)).collect();
        seen2.lock().unwrap().push(args);
        set_result(call, f64::from_bits(slot(call, 1)) * 2.0);
    })
    .unwrap();
    let s = sig(
        vec![T::Function, T::I8, T::F64, T::F32, T::U16, T::Bool],
        T::F64,
    );
    let slots = [
        cb.pointer() as u64,
        0x80,
        1.25f64.to_bits(),
        3.5f32.to_bits() as u64,
        0xfffe,
        1,
    ];
    // SAFETY: hc_call_mixed(cb, a..e) with cb a thunk of cb_sig.
    let ret = unsafe { invoke(&mut jit, hc_call_mixed(), &s, &slots) };
    // SAFETY: a double result.
    assert_eq!(unsafe { read_as::<f64>(&ret) }, 3.0);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    // Narrow ints arrive widened by their signedness; f32 in the low bits.
    assert_eq!(seen[0][0], (-128i64) as u64, "i8 sign-extended");
    assert_eq!(seen[0][1], 1.25f64.to_bits());
    assert_eq!(seen[0][2] as u32, 3.5f32.to_bits());
    assert_eq!(seen[0][3], 0xfffe, "u16 zero-extended");
    assert_eq!(seen[0][4], 1, "bool zero-extended");
}

#[test]
fn struct_arguments_and_results_cross_the_thunk() {
    let mut jit = Jit::new().unwrap();
    let seen = Arc::new(Mutex::new(None));
    let seen2 = seen.clone();
    let cb_sig = sig(
        vec![fixture("f2"), fixture("udi"), fixture("u8x3")],
        fixture("d2"),
    );
    let cb = Callback::new(&mut jit, &cb_sig, move |call| {
        let args: (F2, Udi, U8x3) = (
            struct_arg(call, 0),
            struct_arg(call, 1),
            struct_arg(call, 2),
        );
        *seen2.lock().unwrap() = Some(args);
        set_result(
            call,
            D2 {
                x: args.0.x as f64 + args.1.b,
                y: args.1.c as f64,
            },
        );
    })
    .unwrap();
    let s = sig(
        vec![T::Function, T::F32, T::U8, T::F64, T::I32],
        fixture("d2"),
    );
    let slots = [
        cb.pointer() as u64,
        0.75f32.to_bits() as u64,
        9,
        100.5f64.to_bits(),
        (-3i32) as u32 as u64,
    ];
    // SAFETY: hc_call_struct(cb, x, a, b, c) with cb a thunk of cb_sig.
    let ret = unsafe { invoke(&mut jit, hc_call_struct(), &s, &slots) };
    // SAFETY: a S_d2 result.
    assert_eq!(
        unsafe { read_as::<D2>(&ret) },
        D2 { x: -3.0, y: 101.25 },
        "C swaps the fields"
    );
    let got = seen.lock().unwrap().expect("handler ran");
    assert_eq!(got.0, F2 { x: 0.75, y: -0.75 });
    assert_eq!(
        got.1,
        Udi {
            a: 9,
            b: 100.5,
            c: -3
        }
    );
    assert_eq!(got.2, U8x3 { a: 1, b: 2, c: 3 });

    // A struct larger than 16 bytes: by value on the stack in, sret out.
    let big_sig = sig(vec![fixture("big"), T::I32], fixture("big"));
    let big_cb = Callback::new(&mut jit, &big_sig, |call| {
        let b: Big = struct_arg(call, 0);
        let k = slot(call, 1) as i64;
        set_result(
            call,
            Big {
                a: b.a * k,
                b: b.b * k,
                c: b.c * k,
                d: b.d * k as f64,
            },
        );
    })
    .unwrap();
    let s = sig(vec![T::Function, T::I64], fixture("big"));
    // SAFETY: hc_call_big(cb, a) with cb a thunk of big_sig.
    let ret = unsafe { invoke(&mut jit, hc_call_big(), &s, &[big_cb.pointer() as u64, 10]) };
    // SAFETY: a S_big result.
    assert_eq!(
        unsafe { read_as::<Big>(&ret) },
        Big {
            a: 70,
            b: 77,
            c: 84,
            d: 2.75
        }
    );
}

#[test]
fn closing_a_callback_inside_its_own_call() {
    let mut jit = Jit::new().unwrap();
    let cb_sig = sig(vec![T::I32], T::I64);
    let slot_for_self: Arc<Mutex<Option<Callback>>> = Arc::default();
    let (me, active_inside) = (
        slot_for_self.clone(),
        Arc::new(AtomicUsize::new(usize::MAX)),
    );
    let active = active_inside.clone();
    let cb = Callback::new(&mut jit, &cb_sig, move |call| {
        let own = me
            .lock()
            .unwrap()
            .take()
            .expect("the callback is stored before the call");
        active.store(own.active_calls(), Ordering::SeqCst);
        own.close();
        set_result(call, 1000 + slot(call, 0) as i64);
    })
    .unwrap();
    let pointer = cb.pointer() as u64;
    *slot_for_self.lock().unwrap() = Some(cb);
    let s = sig(vec![T::Function, T::I32], T::I64);
    // SAFETY: hc_call_n calls the thunk exactly once (n = 1); the thunk is
    // closed inside that call and freed only after it returns.
    let ret = unsafe { invoke(&mut jit, hc_call_n(), &s, &[pointer, 1]) };
    // SAFETY: an int64_t result.
    assert_eq!(
        unsafe { read_as::<i64>(&ret) },
        1000,
        "the result written after close still reaches C"
    );
    assert_eq!(
        active_inside.load(Ordering::SeqCst),
        1,
        "one call active inside the handler"
    );
    assert!(slot_for_self.lock().unwrap().is_none());
    collect_garbage();

    // The machinery still works afterwards.
    let again = Callback::new(&mut jit, &cb_sig, |call| {
        set_result(call, 2 * slot(call, 0) as i64)
    })
    .unwrap();
    // SAFETY: hc_call_n calls the live thunk for i in 0..5.
    let ret = unsafe { invoke(&mut jit, hc_call_n(), &s, &[again.pointer() as u64, 5]) };
    // SAFETY: an int64_t result.
    assert_eq!(unsafe { read_as::<i64>(&ret) }, 2 * (1 + 2 + 3 + 4));
}

#[test]
fn panicking_handler_returns_zero() {
    let mut jit = Jit::new().unwrap();
    let cb_sig = sig(vec![T::I32, T::I32], T::I32);
    let cb = Callback::new(&mut jit, &cb_sig, |call| {
        if slot(call, 0) == 1 {
            panic!("handler failure (expected by the test)");
        }
        set_result(call, 55i32);
    })
    .unwrap();
    let s = sig(vec![T::Function, T::I32, T::I32], T::I32);
    // C returns cb(a, b) * 2 + 1; the panicking call leaves the zeroed result.
    for (a, want) in [(0u64, 55 * 2 + 1), (1, 1), (2, 55 * 2 + 1)] {
        // SAFETY: hc_call_i32 with a live thunk of (i32, i32) -> i32.
        let ret = unsafe { invoke(&mut jit, hc_call_i32(), &s, &[cb.pointer() as u64, a, 0]) };
        // SAFETY: an int32_t result.
        assert_eq!(unsafe { read_as::<i32>(&ret) }, want, "a = {a}");
    }
}
