//! Per-call cost: direct Rust→C call, hotcall fast trampoline, hotcall
//! invoker and libffi `ffi_call`, on the same C functions; then callback
//! round trips from C through a hotcall thunk and a libffi closure.

use std::ffi::c_void;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use hotcall_benches::*;
use hotcall_jit::callback::{Callback, CallbackCall};
use hotcall_jit::{FastResult, InvokerFn, Jit, StubSet};
use libffi::low::ffi_cif;
use libffi::middle::{arg, Arg, Cif, Closure, CodePtr, Type};

/// Stand-ins for V8's receiver and `FastApiCallbackOptions*`: the
/// trampoline ignores both, but they are passed like real ones.
static FAKE_RECEIVER: u64 = 0;
static FAKE_OPTIONS: [u64; 4] = [0; 4];

fn receiver() -> *const c_void {
    black_box(&FAKE_RECEIVER as *const u64 as *const c_void)
}

fn options() -> *const c_void {
    black_box(FAKE_OPTIONS.as_ptr() as *const c_void)
}

/// The fast trampoline for one C function (`FastResult::Direct`).
fn trampoline(jit: &mut Jit, sig: &hotcall_abi::Signature, f: *const ()) -> StubSet {
    jit.fast_trampolines(&[(sig, addr(f), FastResult::Direct)])
        .unwrap()
}

/// The same trampoline compiled by Cranelift (frame, `call`, `ret`), as
/// every trampoline was before tail jumps (`stubs/tail.rs`).
fn framed_trampoline(sig: &hotcall_abi::Signature, f: *const ()) -> StubSet {
    let mut jit = Jit::new().unwrap();
    jit.set_tail_jumps(false);
    trampoline(&mut jit, sig, f)
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_millis(1500))
        .sample_size(50)
}

fn group_nop(c: &mut Criterion) {
    let mut jit = Jit::new().unwrap();
    let sig = sig_nop();
    let f = bench_nop as *const ();
    let set = trampoline(&mut jit, &sig, f);
    // SAFETY: the stub has V8's fast-call signature for () -> void.
    let fast: extern "C" fn(*const c_void, *const c_void) =
        unsafe { std::mem::transmute(set.pointer(0)) };
    let framed = framed_trampoline(&sig, f);
    // SAFETY: as above, the same signature compiled by Cranelift.
    let fast_framed: extern "C" fn(*const c_void, *const c_void) =
        unsafe { std::mem::transmute(framed.pointer(0)) };
    let inv: InvokerFn = jit.invoker(&sig).unwrap();
    let cif = Cif::new(Vec::<Type>::new(), Type::void());
    let mut ret = [0u8; 16];

    let mut g = c.benchmark_group("nop");
    // SAFETY: bench_nop takes nothing and returns nothing.
    g.bench_function("direct", |b| b.iter(|| unsafe { bench_nop() }));
    g.bench_function("trampoline", |b| b.iter(|| fast(receiver(), options())));
    g.bench_function("trampoline_call_ret", |b| {
        b.iter(|| fast_framed(receiver(), options()))
    });
    g.bench_function("invoker", |b| {
        let args: [u64; 0] = [];
        // SAFETY: the invoker was built for () -> void; `ret` outlives the call.
        b.iter(|| unsafe {
            inv(
                black_box(addr(f)),
                black_box(args.as_ptr()),
                black_box(ret.as_mut_ptr()),
            )
        })
    });
    g.bench_function("libffi", |b| {
        let code = CodePtr::from_ptr(f.cast());
        // SAFETY: the cif describes bench_nop exactly.
        b.iter(|| unsafe { cif.call::<()>(black_box(code), &[]) })
    });
    g.finish();
}

fn group_add_u32(c: &mut Criterion) {
    let mut jit = Jit::new().unwrap();
    let sig = sig_add_u32();
    let f = bench_add_u32 as *const ();
    let set = trampoline(&mut jit, &sig, f);
    // SAFETY: the stub has V8's fast-call signature for (u32, u32) -> u32.
    let fast: extern "C" fn(*const c_void, u32, u32, *const c_void) -> u32 =
        unsafe { std::mem::transmute(set.pointer(0)) };
    let framed = framed_trampoline(&sig, f);
    // SAFETY: as above, the same signature compiled by Cranelift.
    let fast_framed: extern "C" fn(*const c_void, u32, u32, *const c_void) -> u32 =
        unsafe { std::mem::transmute(framed.pointer(0)) };
    let inv = jit.invoker(&sig).unwrap();
    let cif = Cif::new([Type::u32(), Type::u32()], Type::u32());
    let mut ret = [0u8; 16];

    {
        let args = [40u64, 2];
        let (x, y) = (40u32, 2u32);
        // SAFETY: every path calls bench_add_u32 with its declared types.
        let (direct, ffi) = unsafe {
            inv(addr(f), args.as_ptr(), ret.as_mut_ptr());
            (
                bench_add_u32(40, 2),
                cif.call::<u32>(CodePtr::from_ptr(f.cast()), &[arg(&x), arg(&y)]),
            )
        };
        let via_invoker = u32::from_le_bytes(ret[..4].try_into().unwrap());
        assert_eq!(
            [direct, fast(receiver(), 40, 2, options()), via_invoker, ffi],
            [42; 4]
        );
    }

    let mut g = c.benchmark_group("add_u32");
    // SAFETY: bench_add_u32 has exactly this Rust declaration.
    g.bench_function("direct", |b| {
        b.iter(|| unsafe { bench_add_u32(black_box(40), black_box(2)) })
    });
    g.bench_function("trampoline", |b| {
        b.iter(|| fast(receiver(), black_box(40), black_box(2), options()))
    });
    g.bench_function("trampoline_call_ret", |b| {
        b.iter(|| fast_framed(receiver(), black_box(40), black_box(2), options()))
    });
    g.bench_function("invoker", |b| {
        let args = [40u64, 2];
        // SAFETY: two u32 slots for the (u32, u32) -> u32 invoker; `ret` holds 16 bytes.
        b.iter(|| unsafe {
            inv(
                black_box(addr(f)),
                black_box(args.as_ptr()),
                black_box(ret.as_mut_ptr()),
            );
        })
    });
    g.bench_function("libffi", |b| {
        let (x, y) = (40u32, 2u32);
        let args: [Arg; 2] = [arg(&x), arg(&y)];
        let code = CodePtr::from_ptr(f.cast());
        // SAFETY: the cif and the arguments describe bench_add_u32 exactly.
        b.iter(|| unsafe { cif.call::<u32>(black_box(code), black_box(&args)) })
    });
    g.finish();
}

fn group_add_f64(c: &mut Criterion) {
    let mut jit = Jit::new().unwrap();
    let sig = sig_add_f64();
    let f = bench_add_f64 as *const ();
    let set = trampoline(&mut jit, &sig, f);
    // SAFETY: the stub has V8's fast-call signature for (f64, f64) -> f64.
    let fast: extern "C" fn(*const c_void, f64, f64, *const c_void) -> f64 =
        unsafe { std::mem::transmute(set.pointer(0)) };
    let framed = framed_trampoline(&sig, f);
    // SAFETY: as above, the same signature compiled by Cranelift.
    let fast_framed: extern "C" fn(*const c_void, f64, f64, *const c_void) -> f64 =
        unsafe { std::mem::transmute(framed.pointer(0)) };
    let inv = jit.invoker(&sig).unwrap();
    let cif = Cif::new([Type::f64(), Type::f64()], Type::f64());
    let mut ret = [0u8; 16];

    {
        let args = [1.5f64.to_bits(), 2.25f64.to_bits()];
        let (x, y) = (1.5f64, 2.25f64);
        // SAFETY: every path calls bench_add_f64 with its declared types.
        let (direct, ffi) = unsafe {
            inv(addr(f), args.as_ptr(), ret.as_mut_ptr());
            (
                bench_add_f64(1.5, 2.25),
                cif.call::<f64>(CodePtr::from_ptr(f.cast()), &[arg(&x), arg(&y)]),
            )
        };
        let via_invoker = f64::from_le_bytes(ret[..8].try_into().unwrap());
        assert_eq!(
            [
                direct,
                fast(receiver(), 1.5, 2.25, options()),
                via_invoker,
                ffi
            ],
            [3.75; 4]
        );
    }

    let mut g = c.benchmark_group("add_f64");
    // SAFETY: bench_add_f64 has exactly this Rust declaration.
    g.bench_function("direct", |b| {
        b.iter(|| unsafe { bench_add_f64(black_box(1.5), black_box(2.25)) })
    });
    g.bench_function("trampoline", |b| {
        b.iter(|| fast(receiver(), black_box(1.5), black_box(2.25), options()))
    });
    g.bench_function("trampoline_call_ret", |b| {
        b.iter(|| fast_framed(receiver(), black_box(1.5), black_box(2.25), options()))
    });
    g.bench_function("invoker", |b| {
        let args = [1.5f64.to_bits(), 2.25f64.to_bits()];
        // SAFETY: two f64 slots for the (f64, f64) -> f64 invoker; `ret` holds 16 bytes.
        b.iter(|| unsafe {
            inv(
                black_box(addr(f)),
                black_box(args.as_ptr()),
                black_box(ret.as_mut_ptr()),
            );
        })
    });
    g.bench_function("libffi", |b| {
        let (x, y) = (1.5f64, 2.25f64);
        let args: [Arg; 2] = [arg(&x), arg(&y)];
        let code = CodePtr::from_ptr(f.cast());
        // SAFETY: the cif and the arguments describe bench_add_f64 exactly.
        b.iter(|| unsafe { cif.call::<f64>(black_box(code), black_box(&args)) })
    });
    g.finish();
}

/// V8's fast-call form of `bench_mix10`: narrow ints widened to 32 bits.
type FastMix10 = extern "C" fn(
    *const c_void,
    i32,
    f64,
    u32,
    f32,
    i64,
    f64,
    u32,
    u64,
    f32,
    i32,
    *const c_void,
) -> f64;

fn group_mix10(c: &mut Criterion) {
    let mut jit = Jit::new().unwrap();
    let sig = sig_mix10();
    let f = bench_mix10 as *const ();
    let set = trampoline(&mut jit, &sig, f);
    // SAFETY: the stub has V8's fast-call signature for sig_mix10 (see FastMix10).
    let fast: FastMix10 = unsafe { std::mem::transmute(set.pointer(0)) };
    let inv = jit.invoker(&sig).unwrap();
    let cif = Cif::new(
        [
            Type::i32(),
            Type::f64(),
            Type::u32(),
            Type::f32(),
            Type::i64(),
            Type::f64(),
            Type::u8(),
            Type::u64(),
            Type::f32(),
            Type::i16(),
        ],
        Type::f64(),
    );
    let mut ret = [0u8; 16];

    let slots: [u64; 10] = [
        (-1i32) as u32 as u64,
        2.0f64.to_bits(),
        3,
        4.0f32.to_bits() as u64,
        (-5i64) as u64,
        6.0f64.to_bits(),
        7,
        8,
        9.0f32.to_bits() as u64,
        (-10i16) as u16 as u64,
    ];
    let (a, bb, cc, d, e, ff, gg, h, i, j) = (
        -1i32, 2.0f64, 3u32, 4.0f32, -5i64, 6.0f64, 7u8, 8u64, 9.0f32, -10i16,
    );
    let ffi_args: [Arg; 10] = [
        arg(&a),
        arg(&bb),
        arg(&cc),
        arg(&d),
        arg(&e),
        arg(&ff),
        arg(&gg),
        arg(&h),
        arg(&i),
        arg(&j),
    ];
    {
        let mut out = [0u8; 16];
        // SAFETY: every path calls bench_mix10 with its declared types.
        let (direct, ffi) = unsafe {
            inv(addr(f), slots.as_ptr(), out.as_mut_ptr());
            (
                bench_mix10(-1, 2.0, 3, 4.0, -5, 6.0, 7, 8, 9.0, -10),
                cif.call::<f64>(CodePtr::from_ptr(f.cast()), &ffi_args),
            )
        };
        let fast_result = fast(
            receiver(),
            -1,
            2.0,
            3,
            4.0,
            -5,
            6.0,
            7,
            8,
            9.0,
            -10,
            options(),
        );
        let via_invoker = f64::from_le_bytes(out[..8].try_into().unwrap());
        assert_eq!([direct, fast_result, via_invoker, ffi], [23.0; 4]);
    }

    let mut g = c.benchmark_group("mix10");
    g.bench_function("direct", |b| {
        b.iter(|| {
            // SAFETY: bench_mix10 has exactly this Rust declaration.
            unsafe {
                bench_mix10(
                    black_box(-1),
                    black_box(2.0),
                    black_box(3),
                    black_box(4.0),
                    black_box(-5),
                    black_box(6.0),
                    black_box(7),
                    black_box(8),
                    black_box(9.0),
                    black_box(-10),
                )
            }
        })
    });
    g.bench_function("trampoline", |b| {
        b.iter(|| {
            fast(
                receiver(),
                black_box(-1),
                black_box(2.0),
                black_box(3),
                black_box(4.0),
                black_box(-5),
                black_box(6.0),
                black_box(7),
                black_box(8),
                black_box(9.0),
                black_box(-10),
                options(),
            )
        })
    });
    g.bench_function("invoker", |b| {
        let args = slots;
        // SAFETY: ten slots typed as sig_mix10's parameters; `ret` holds 16 bytes.
        b.iter(|| unsafe {
            inv(
                black_box(addr(f)),
                black_box(args.as_ptr()),
                black_box(ret.as_mut_ptr()),
            );
        })
    });
    g.bench_function("libffi", |b| {
        let code = CodePtr::from_ptr(f.cast());
        // SAFETY: the cif and the arguments describe bench_mix10 exactly.
        b.iter(|| unsafe { cif.call::<f64>(black_box(code), black_box(&ffi_args)) })
    });
    g.finish();
}

fn group_hash64(c: &mut Criterion) {
    let mut jit = Jit::new().unwrap();
    let sig = sig_hash64();
    let f = bench_hash64 as *const ();
    let set = trampoline(&mut jit, &sig, f);
    // SAFETY: the stub has V8's fast-call signature for (buffer, usize) -> u32.
    let fast: extern "C" fn(*const c_void, *const FastApiTypedArray, u64, *const c_void) -> u32 =
        unsafe { std::mem::transmute(set.pointer(0)) };
    let framed = framed_trampoline(&sig, f);
    // SAFETY: as above, the same signature compiled by Cranelift.
    let fast_framed: extern "C" fn(
        *const c_void,
        *const FastApiTypedArray,
        u64,
        *const c_void,
    ) -> u32 = unsafe { std::mem::transmute(framed.pointer(0)) };
    let inv = jit.invoker(&sig).unwrap();
    let cif = Cif::new([Type::pointer(), Type::usize()], Type::u32());
    let mut buf: Vec<u8> = (0..64u8).collect();
    let len = buf.len();
    let typed = FastApiTypedArray {
        length: len,
        data: buf.as_mut_ptr(),
    };
    let data = buf.as_ptr();
    let mut ret = [0u8; 16];

    {
        let args = [data as u64, len as u64];
        // SAFETY: every path hashes the `len` live bytes at `data`.
        let (direct, ffi) = unsafe {
            inv(addr(f), args.as_ptr(), ret.as_mut_ptr());
            (
                bench_hash64(data, len),
                cif.call::<u32>(CodePtr::from_ptr(f.cast()), &[arg(&data), arg(&len)]),
            )
        };
        let via_invoker = u32::from_le_bytes(ret[..4].try_into().unwrap());
        assert_eq!(
            [
                fast(receiver(), &typed, len as u64, options()),
                via_invoker,
                ffi
            ],
            [direct; 3]
        );
    }

    let mut g = c.benchmark_group("hash64");
    // SAFETY: `data` points at `len` live bytes.
    g.bench_function("direct", |b| {
        b.iter(|| unsafe { bench_hash64(black_box(data), black_box(len)) })
    });
    g.bench_function("trampoline", |b| {
        b.iter(|| {
            fast(
                receiver(),
                black_box(&typed as *const FastApiTypedArray),
                black_box(len as u64),
                options(),
            )
        })
    });
    g.bench_function("trampoline_call_ret", |b| {
        b.iter(|| {
            fast_framed(
                receiver(),
                black_box(&typed as *const FastApiTypedArray),
                black_box(len as u64),
                options(),
            )
        })
    });
    g.bench_function("invoker", |b| {
        let args = [data as u64, len as u64];
        // SAFETY: slot 0 addresses `len` live bytes, slot 1 is their count; `ret` holds 16 bytes.
        b.iter(|| unsafe {
            inv(
                black_box(addr(f)),
                black_box(args.as_ptr()),
                black_box(ret.as_mut_ptr()),
            );
        })
    });
    g.bench_function("libffi", |b| {
        let args: [Arg; 2] = [arg(&data), arg(&len)];
        let code = CodePtr::from_ptr(f.cast());
        // SAFETY: the cif and the arguments describe bench_hash64; `data` addresses `len` bytes.
        b.iter(|| unsafe { cif.call::<u32>(black_box(code), black_box(&args)) })
    });
    g.finish();
    drop(buf);
}

/// A Rust `extern "C"` callback: the lower bound of any Rust dispatch.
unsafe extern "C" fn rust_cb(a: i32, b: i32) -> i32 {
    callback_work(a, b)
}

/// A minimal dispatcher for the raw thunk: reads the two slots, stores the
/// result, nothing else (no context, no unwinding guard).
unsafe extern "C" fn raw_dispatch(_ctx: *mut c_void, args: *const u64, ret: *mut u8) {
    // SAFETY: the thunk for (i32, i32) -> i32 passes two slots and a result
    // buffer of at least 8 bytes.
    unsafe {
        let r = callback_work(*args as i32, *args.add(1) as i32);
        (ret as *mut i32).write_unaligned(r);
    }
}

/// The libffi closure's callback: the same work as `raw_dispatch`.
unsafe extern "C" fn ffi_dispatch(
    _cif: &ffi_cif,
    result: &mut u64,
    args: *const *const c_void,
    _user: &(),
) {
    // SAFETY: libffi passes one pointer per parameter of the (i32, i32) -> i32
    // cif, each at a live i32; an i32 result is returned through a full
    // `ffi_arg` (u64) slot, so the value is sign-extended into it.
    unsafe {
        let a = *(*args as *const i32);
        let b = *(*args.add(1) as *const i32);
        *result = callback_work(a, b) as i64 as u64;
    }
}

fn group_callback(c: &mut Criterion) {
    let mut jit = Jit::new().unwrap();
    let sig = sig_callback();

    let callback = Callback::new(&mut jit, &sig, |call: &CallbackCall| {
        // SAFETY: two slots and a result buffer of at least 8 bytes.
        unsafe {
            let r = callback_work(*call.args as i32, *call.args.add(1) as i32);
            (call.ret as *mut i32).write_unaligned(r);
        }
    })
    .unwrap();
    // SAFETY: the thunk is a C function of the signature (i32, i32) -> i32.
    let hotcall_cb: CCallback = unsafe { std::mem::transmute(callback.pointer()) };

    let raw = jit
        .callback_thunk(&sig, raw_dispatch, std::ptr::null_mut())
        .unwrap();
    // SAFETY: as above; `raw` lives until the end of this function.
    let raw_cb: CCallback = unsafe { std::mem::transmute(raw.pointer(0)) };

    let cif = Cif::new([Type::i32(), Type::i32()], Type::i32());
    let closure = Closure::new(cif, ffi_dispatch, &());
    // SAFETY: the closure's cif is (i32, i32) -> i32 in the C convention.
    let ffi_cb: CCallback = unsafe { *closure.instantiate_code_ptr::<CCallback>() };

    // Every path computes the same result before it is timed.
    for cb in [bench_c_cb as CCallback, rust_cb, raw_cb, hotcall_cb, ffi_cb] {
        // SAFETY: each `cb` is a live C function of type (i32, i32) -> i32.
        assert_eq!(unsafe { bench_call_cb(cb, 35) }, 42);
    }

    let mut g = c.benchmark_group("callback");
    let cases: [(&str, CCallback); 5] = [
        ("c_to_c", bench_c_cb),
        ("c_to_rust_extern", rust_cb),
        ("hotcall_thunk_raw", raw_cb),
        ("hotcall_callback", hotcall_cb),
        ("libffi_closure", ffi_cb),
    ];
    for (name, cb) in cases {
        // SAFETY: `cb` is a live C function of type (i32, i32) -> i32 for
        // the whole benchmark (its owners are dropped below).
        g.bench_function(name, |b| {
            b.iter(|| unsafe { bench_call_cb(black_box(cb), black_box(35)) })
        });
    }
    g.finish();

    drop(closure);
    drop(raw);
    callback.close();
}

criterion_group! {
    name = calls;
    config = config();
    targets = group_nop, group_add_u32, group_add_f64, group_mix10, group_hash64, group_callback
}
criterion_main!(calls);
