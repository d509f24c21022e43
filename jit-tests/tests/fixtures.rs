//! Hand-written C fixtures through the invoker and the fast trampolines:
//! every FFI type as parameter and result, narrow-integer edges, many
//! arguments, buffers, pointers, struct layout against C (structs by value
//! are in `structs.rs`).

mod common;

use std::ffi::{c_void, CStr};

use common::*;
use hotcall_abi::{NativeType as T, Signature};
use hotcall_jit::{FastResult, Jit, JitError, TYPED_ARRAY_DATA_OFFSET};
use hotcall_jit_tests::call::{addr, invoke, read_as};
use hotcall_jit_tests::checksum::{mix, INIT};
use hotcall_jit_tests::slots::{with_junk_above, FakeOptions, FastApiTypedArray};
use hotcall_jit_tests::{ffi, marshal};

/// Calls a one-argument scalar fixture with `arg` (junk above its natural
/// width) and returns the result's low bytes as a zero-extended u64, after
/// checking nothing was written past the result's 8-byte word (invokers
/// store a scalar result's whole register, `invoker_shape`).
fn unary(jit: &mut Jit, f: *const c_void, p: T, r: T, arg: u64) -> u64 {
    let s = sig(vec![p.clone()], r.clone());
    // SAFETY: every caller passes a fixture of exactly `(p) -> r`; scalar
    // slots (pointers are only used as numbers by these fixtures).
    let ret = unsafe { invoke(jit, f, &s, &[with_junk_above(arg, p.size())]) };
    assert!(
        ret[8..].iter().all(|&b| b == marshal::JUNK),
        "{s}: wrote past the result: {ret:02x?}"
    );
    let mut word = [0u8; 8];
    word[..r.size()].copy_from_slice(&ret[..r.size()]);
    u64::from_le_bytes(word)
}

#[test]
fn every_scalar_type_as_parameter_and_result() {
    let mut jit = Jit::new().unwrap();
    let j = &mut jit;
    assert_eq!(unary(j, hc_not(), T::Bool, T::Bool, 1), 0);
    assert_eq!(unary(j, hc_not(), T::Bool, T::Bool, 0), 1);
    assert_eq!(unary(j, hc_u8_inc(), T::U8, T::U8, 255), 0);
    assert_eq!(unary(j, hc_u8_inc(), T::U8, T::U8, 41), 42);
    assert_eq!(unary(j, hc_i8_neg(), T::I8, T::I8, 5), (-5i8) as u8 as u64);
    assert_eq!(
        unary(j, hc_i8_neg(), T::I8, T::I8, i8::MIN as u8 as u64),
        i8::MIN as u8 as u64
    );
    assert_eq!(unary(j, hc_u16_inc(), T::U16, T::U16, 65535), 0);
    assert_eq!(
        unary(j, hc_i16_neg(), T::I16, T::I16, (-300i16) as u16 as u64),
        300
    );
    assert_eq!(unary(j, hc_u32_inc(), T::U32, T::U32, u32::MAX as u64), 0);
    assert_eq!(
        unary(j, hc_i32_neg(), T::I32, T::I32, i32::MIN as u32 as u64),
        i32::MIN as u32 as u64
    );
    assert_eq!(
        unary(j, hc_i32_neg(), T::I32, T::I32, 7),
        (-7i32) as u32 as u64
    );
    assert_eq!(unary(j, hc_u64_inc(), T::U64, T::U64, u64::MAX), 0);
    assert_eq!(
        unary(j, hc_i64_neg(), T::I64, T::I64, i64::MIN as u64),
        i64::MIN as u64
    );
    assert_eq!(unary(j, hc_i64_neg(), T::I64, T::I64, 1), u64::MAX);
    assert_eq!(
        unary(j, hc_usize_inc(), T::USize, T::USize, 1 << 40),
        (1 << 40) + 1
    );
    assert_eq!(
        unary(j, hc_isize_neg(), T::ISize, T::ISize, 9),
        (-9i64) as u64
    );
    assert_eq!(
        unary(j, hc_f32_half(), T::F32, T::F32, 3.0f32.to_bits() as u64),
        1.5f32.to_bits() as u64
    );
    assert_eq!(
        unary(j, hc_f64_half(), T::F64, T::F64, (-7.0f64).to_bits()),
        (-3.5f64).to_bits()
    );
    assert_eq!(
        unary(j, hc_fn_id(), T::Function, T::Function, 0xdead_0000_beef),
        0xdead_0000_beef
    );
    let ptr_add = sig(vec![T::Pointer, T::USize], T::Pointer);
    // SAFETY: hc_ptr_add(void *, size_t) -> void * only does arithmetic.
    let ret = unsafe { invoke(j, hc_ptr_add(), &ptr_add, &[0x1000, 0x20]) };
    // SAFETY: the result is a pointer-sized integer.
    assert_eq!(unsafe { read_as::<u64>(&ret) }, 0x1020);
    let data = [1u8, 2, 3, 4];
    let buf_at = sig(vec![T::Buffer, T::USize], T::Buffer);
    // SAFETY: hc_buf_at(const uint8_t *, size_t) -> const uint8_t * only does arithmetic.
    let ret = unsafe { invoke(j, hc_buf_at(), &buf_at, &[addr(&data), 3]) };
    // SAFETY: as above.
    assert_eq!(unsafe { read_as::<u64>(&ret) }, addr(&data[3]));
}

#[test]
fn narrow_integer_edges() {
    let mut jit = Jit::new().unwrap();
    let j = &mut jit;
    // The callee must see the value extended by its own type, whatever the
    // slot holds above the natural width.
    for v in [0i8, 1, -1, i8::MIN, i8::MAX] {
        let got = unary(j, hc_i8_to_i32(), T::I8, T::I32, v as u8 as u64);
        assert_eq!(got as u32 as i32, v as i32, "i8 {v}");
    }
    for v in [0u8, 1, 0x80, u8::MAX] {
        assert_eq!(
            unary(j, hc_u8_to_u32(), T::U8, T::U32, v as u64),
            v as u64,
            "u8 {v}"
        );
    }
    for v in [0i16, -1, i16::MIN, i16::MAX] {
        let got = unary(j, hc_i16_to_i32(), T::I16, T::I32, v as u16 as u64);
        assert_eq!(got as u32 as i32, v as i32, "i16 {v}");
    }
    for v in [0u16, 0x8000, u16::MAX] {
        assert_eq!(
            unary(j, hc_u16_to_u32(), T::U16, T::U32, v as u64),
            v as u64,
            "u16 {v}"
        );
    }
    for v in [0u64, 1] {
        assert_eq!(
            unary(j, hc_bool_to_i32(), T::Bool, T::I32, v),
            v,
            "bool {v}"
        );
    }
    // Narrow results: the low bytes are the truncated value.
    assert_eq!(unary(j, hc_i32_to_i8(), T::I32, T::I8, 0x1ff80), 0x80);
    assert_eq!(unary(j, hc_u32_to_u8(), T::U32, T::U8, 0x1234), 0x34);
    assert_eq!(unary(j, hc_i32_to_i16(), T::I32, T::I16, 0x18000), 0x8000);
    assert_eq!(
        unary(j, hc_u32_to_u16(), T::U32, T::U16, 0xabcd_ef01),
        0xef01
    );
    assert_eq!(unary(j, hc_u32_to_bool(), T::U32, T::Bool, 0x100), 1);
}

/// The 22 arguments of `hc_many` with their canonical checksum words.
fn many_args() -> (Signature, Vec<u64>, u64) {
    let params = vec![
        T::I8,
        T::F64,
        T::U16,
        T::F32,
        T::I32,
        T::I64,
        T::F64,
        T::Bool,
        T::F32,
        T::U8,
        T::F64,
        T::I16,
        T::F32,
        T::U64,
        T::F64,
        T::U32,
        T::F32,
        T::Pointer,
        T::F64,
        T::I8,
        T::F32,
        T::F64,
    ];
    let canon: Vec<u64> = vec![
        (-3i64) as u64,
        1.25f64.to_bits(),
        65535,
        (-0.5f32).to_bits() as u64,
        (-100_000i64) as u64,
        i64::MIN as u64,
        2.0f64.to_bits(),
        1,
        3.75f32.to_bits() as u64,
        200,
        (-1e300f64).to_bits(),
        (-32768i64) as u64,
        f32::MIN_POSITIVE.to_bits() as u64,
        u64::MAX - 5,
        0.1f64.to_bits(),
        0x8000_0001,
        1e-45f32.to_bits() as u64,
        0x7fff_1234_5678,
        (-0.0f64).to_bits(),
        127,
        f32::INFINITY.to_bits() as u64,
        6.5f64.to_bits(),
    ];
    let want = canon.iter().fold(INIT, |h, &v| mix(h, v));
    (sig(params, T::U64), canon, want)
}

#[test]
fn zero_and_many_arguments() {
    let mut jit = Jit::new().unwrap();
    // SAFETY: hc_answer(void) -> int32_t.
    let ret = unsafe { invoke(&mut jit, hc_answer(), &sig(vec![], T::I32), &[]) };
    // SAFETY: an int32_t result.
    assert_eq!(unsafe { read_as::<i32>(&ret) }, 42);
    // SAFETY: hc_record(int64_t) -> void.
    let ret = unsafe {
        invoke(
            &mut jit,
            hc_record(),
            &sig(vec![T::I64], T::Void),
            &[0x1234_5678_9abc],
        )
    };
    assert_eq!(ffi::last_checksum(), 0x1234_5678_9abc);
    assert!(
        ret.iter().all(|&b| b == marshal::JUNK),
        "void result wrote {ret:02x?}"
    );

    let (s, canon, want) = many_args();
    let slots: Vec<u64> = canon
        .iter()
        .zip(&s.params)
        .map(|(&v, t)| with_junk_above(v, t.size()))
        .collect();
    // SAFETY: hc_many has signature `s`; slot 17 is a pointer it does not dereference.
    let ret = unsafe { invoke(&mut jit, hc_many(), &s, &slots) };
    // SAFETY: a uint64_t result.
    assert_eq!(unsafe { read_as::<u64>(&ret) }, want);
    assert_eq!(ffi::last_checksum(), want);

    let s = sig(vec![T::F64; 20], T::F64);
    let args: Vec<f64> = (0..20).map(|i| (i as f64 - 7.0) * 0.5).collect();
    let want: f64 = args
        .iter()
        .enumerate()
        .map(|(i, a)| (i + 1) as f64 * a)
        .sum();
    let slots: Vec<u64> = args.iter().map(|a| a.to_bits()).collect();
    // SAFETY: hc_weighted20 takes 20 doubles and returns a double.
    let ret = unsafe { invoke(&mut jit, hc_weighted20(), &s, &slots) };
    // SAFETY: a double result.
    assert_eq!(unsafe { read_as::<f64>(&ret) }, want);
}

/// The Rust reference of `hc_hash64`.
fn hash64(buf: &[u8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for k in 0..8u64 {
        let lane = buf
            .iter()
            .fold(mix(INIT, k), |h, &b| mix(h, b as u64 + 256 * k));
        out[8 * k as usize..8 * k as usize + 8].copy_from_slice(&lane.to_le_bytes());
    }
    out
}

#[test]
fn buffers_and_pointers() {
    let mut jit = Jit::new().unwrap();
    let data: Vec<u8> = (0..200u32).map(|i| (i * 37 + 11) as u8).collect();
    let mut out = [0u8; 64];
    let s = sig(vec![T::Buffer, T::USize, T::Buffer], T::Void);
    // SAFETY: hc_hash64 reads `len` bytes of `data` and writes 64 bytes of `out`.
    unsafe {
        invoke(
            &mut jit,
            hc_hash64(),
            &s,
            &[addr(&data[0]), data.len() as u64, out.as_mut_ptr() as u64],
        )
    };
    assert_eq!(out, hash64(&data));

    let mut fill = [0u8; 16];
    let s = sig(vec![T::Buffer, T::USize, T::U8], T::Void);
    // SAFETY: hc_buf_fill writes 10 of the 16 bytes of `fill`.
    unsafe {
        invoke(
            &mut jit,
            hc_buf_fill(),
            &s,
            &[fill.as_mut_ptr() as u64, 10, with_junk_above(0x7e, 1)],
        )
    };
    assert_eq!(fill, [[0x7e; 10].as_slice(), &[0; 6]].concat().as_slice());

    let mut cell = -5i64;
    let s = sig(vec![T::Pointer, T::I64], T::Void);
    // SAFETY: hc_ptr_write_i64 writes one int64_t through a live pointer.
    unsafe {
        invoke(
            &mut jit,
            hc_ptr_write_i64(),
            &s,
            &[&mut cell as *mut i64 as u64, i64::MIN as u64],
        )
    };
    assert_eq!(cell, i64::MIN);
    cell = 77;
    // SAFETY: hc_ptr_read_i64 reads one int64_t through a live pointer.
    let ret = unsafe {
        invoke(
            &mut jit,
            hc_ptr_read_i64(),
            &sig(vec![T::Pointer], T::I64),
            &[addr(&cell)],
        )
    };
    // SAFETY: an int64_t result.
    assert_eq!(unsafe { read_as::<i64>(&ret) }, 77);
    // SAFETY: hc_greeting(void) -> const char *.
    let ret = unsafe { invoke(&mut jit, hc_greeting(), &sig(vec![], T::Pointer), &[]) };
    // SAFETY: the result points at a static NUL-terminated C string.
    let text = unsafe { CStr::from_ptr(read_as::<*const std::ffi::c_char>(&ret)) };
    assert_eq!(text.to_str().unwrap(), "hello from C");
}

#[test]
fn struct_layout_matches_c() {
    for (which, (name, ty)) in fixture_structs().iter().enumerate() {
        let st = ty.as_struct().unwrap();
        let (mut size, mut align, mut offsets) = (0usize, 0usize, [usize::MAX; 8]);
        // SAFETY: hc_layout writes at most 8 offsets into the array.
        let n = unsafe { hc_layout(which as i32, &mut size, &mut align, offsets.as_mut_ptr()) };
        assert_eq!(n as usize, st.fields().len(), "{name}: field count");
        assert_eq!(
            (st.size(), st.align()),
            (size, align),
            "{name}: size and alignment"
        );
        assert_eq!(st.offsets(), &offsets[..n as usize], "{name}: offsets");
    }
    // SAFETY: as above; -1 writes nothing.
    let past = unsafe {
        hc_layout(
            fixture_structs().len() as i32,
            &mut 0,
            &mut 0,
            [0; 8].as_mut_ptr(),
        )
    };
    assert_eq!(past, -1, "hc_layout knows more structs than the test");
}

#[test]
fn fast_trampolines_hand_typed() {
    let mut jit = Jit::new().unwrap();
    let mut out = [0xa5a5_a5a5_a5a5_a5a5u64; 2];
    let out_addr = out.as_mut_ptr() as u64;
    let buf3 = sig(vec![T::Buffer, T::USize, T::Buffer], T::Void);
    let sigs = [
        sig(vec![T::I8], T::I32),
        sig(vec![T::I32], T::I8),
        sig(vec![T::U32], T::U8),
        sig(vec![T::U32], T::Bool),
        sig(vec![T::F64], T::F64),
        sig(vec![T::U64], T::U64),
        sig(vec![], T::I32),
        sig(vec![T::Buffer, T::USize], T::U32),
        buf3,
        sig(vec![T::I32], T::I16),
    ];
    let items = [
        (&sigs[0], hc_i8_to_i32(), FastResult::Direct),
        (&sigs[1], hc_i32_to_i8(), FastResult::Direct),
        (&sigs[2], hc_u32_to_u8(), FastResult::Direct),
        (&sigs[3], hc_u32_to_bool(), FastResult::Direct),
        (&sigs[4], hc_f64_half(), FastResult::Direct),
        (&sigs[5], hc_u64_inc(), FastResult::OutSlot(out_addr)),
        (&sigs[6], hc_answer(), FastResult::Direct),
        (&sigs[7], hc_buf_sum(), FastResult::Direct),
        (&sigs[8], hc_hash64(), FastResult::Direct),
        (&sigs[9], hc_i32_to_i16(), FastResult::OutSlot(out_addr + 8)),
    ];
    let set = jit.fast_trampolines(&items).unwrap();
    let recv = 0x5151usize as *const c_void;
    let options = FakeOptions {
        isolate: std::ptr::null_mut(),
        fallback: false,
        data: 0,
        wasm_memory: std::ptr::null_mut(),
    };
    let opts = &options as *const FakeOptions as *const c_void;
    type P = *const c_void;
    // SAFETY (every transmute below): trampoline k has V8's fast-call
    // signature for sigs[k] (receiver, V8 fast types, options) and the
    // result type of its mode; the function types spell exactly that.
    unsafe {
        let f: extern "C" fn(P, i32, P) -> i32 = std::mem::transmute(set.pointer(0));
        assert_eq!(f(recv, -128, opts), -128);
        let f: extern "C" fn(P, i32, P) -> i32 = std::mem::transmute(set.pointer(1));
        assert_eq!(f(recv, 0x1ff80, opts), -128, "i8 result widened to int32");
        let f: extern "C" fn(P, u32, P) -> u32 = std::mem::transmute(set.pointer(2));
        assert_eq!(f(recv, 0x1ff, opts), 0xff, "u8 result widened to uint32");
        let f: extern "C" fn(P, u32, P) -> bool = std::mem::transmute(set.pointer(3));
        assert!(f(recv, 0x100, opts));
        assert!(!f(recv, 0, opts));
        let f: extern "C" fn(P, f64, P) -> f64 = std::mem::transmute(set.pointer(4));
        assert_eq!(f(recv, 5.0, opts), 2.5);
        let f: extern "C" fn(P, u64, P) = std::mem::transmute(set.pointer(5));
        f(recv, u64::MAX - 1, opts);
        let f: extern "C" fn(P, P) -> i32 = std::mem::transmute(set.pointer(6));
        assert_eq!(f(recv, opts), 42);

        assert_eq!(
            std::mem::offset_of!(FastApiTypedArray, data),
            TYPED_ARRAY_DATA_OFFSET as usize
        );
        let mut data: Vec<u8> = (1..=100).collect();
        let arr = FastApiTypedArray {
            length: data.len(),
            data: data.as_mut_ptr(),
        };
        let f: extern "C" fn(P, *const FastApiTypedArray, u64, P) -> u32 =
            std::mem::transmute(set.pointer(7));
        assert_eq!(f(recv, &arr, 100, opts), 5050);
        let mut hash = [0u8; 64];
        let out_arr = FastApiTypedArray {
            length: 64,
            data: hash.as_mut_ptr(),
        };
        let f: extern "C" fn(P, *const FastApiTypedArray, u64, *const FastApiTypedArray, P) =
            std::mem::transmute(set.pointer(8));
        f(recv, &arr, 100, &out_arr, opts);
        assert_eq!(hash, hash64(&data));
        let f: extern "C" fn(P, i32, P) = std::mem::transmute(set.pointer(9));
        f(recv, 0x18000, opts);
    }
    drop(set);
    assert_eq!(out[0], u64::MAX, "u64 result stored at its out slot");
    assert_eq!(
        out[1], 0xa5a5_a5a5_a5a5_8000,
        "i16 result stored at natural width only"
    );
    assert!(!options.fallback);

    let structs = sig(vec![fixture("d2")], T::F64);
    let err = jit.fast_trampolines(&[(&structs, hc_d2_swap(), FastResult::Direct)]);
    assert!(
        matches!(err, Err(JitError::NoFastPath(_))),
        "structs have no fast path"
    );
}
