//! The generator refuses signatures over the declaration limits with an
//! error (never a Cranelift panic), and compiles the largest allowed ones
//! quickly and correctly: an invoker of `MAX_PARAMETERS` arguments calls a
//! callback thunk of the same signature, which must see every argument.

use std::ffi::c_void;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hotcall_abi::limits::{Limit, MAX_PARAMETERS, MAX_STRUCT_DEPTH, MAX_STRUCT_FIELDS};
use hotcall_abi::{NativeType as T, Signature, StructType};
use hotcall_jit::callback::Callback;
use hotcall_jit::generate::{StubKind, StubRequest};
use hotcall_jit::{CodeRef, FastResult, Jit, JitError, Target};

fn st(fields: Vec<T>) -> T {
    T::Struct(Arc::new(StructType::new(fields).unwrap()))
}

/// A struct nested `depth` levels deep (built without recursion).
fn nested(depth: usize) -> T {
    let mut ty = st(vec![T::U8]);
    for _ in 1..depth {
        ty = st(vec![ty, T::U8]);
    }
    ty
}

fn over_limit_signatures() -> Vec<(&'static str, Signature, Limit)> {
    vec![
        (
            "70000 parameters",
            Signature::new(vec![T::I32; 70_000], T::Void),
            Limit::Parameters(70_000),
        ),
        (
            "limit + 1 parameters",
            Signature::new(vec![T::I32; MAX_PARAMETERS + 1], T::Void),
            Limit::Parameters(MAX_PARAMETERS as u64 + 1),
        ),
        (
            "struct one level too deep",
            Signature::new(vec![nested(MAX_STRUCT_DEPTH + 1)], T::Void),
            Limit::StructDepth,
        ),
        (
            "struct 4000 deep as the result",
            Signature::new(vec![], nested(4000)),
            Limit::StructDepth,
        ),
        (
            "struct with limit + 1 fields",
            Signature::new(vec![st(vec![T::U8; MAX_STRUCT_FIELDS + 1])], T::Void),
            Limit::StructFields(MAX_STRUCT_FIELDS as u64 + 1),
        ),
        (
            "a wide struct shared by every parameter",
            Signature::new(vec![st(vec![T::U8; 100]); 100], T::Void),
            Limit::Types,
        ),
    ]
}

#[test]
fn every_stub_kind_refuses_signatures_over_the_limits() {
    let mut jit = Jit::new().unwrap();
    let cross = Target::parse("aarch64-apple-darwin").unwrap();
    for (what, sig, limit) in over_limit_signatures() {
        let refused = |r: Result<(), JitError>, kind: &str| match r {
            Err(JitError::OverLimit(l)) => assert_eq!(l, limit, "{what}, {kind}"),
            other => panic!("{what}, {kind}: expected OverLimit, got {other:?}"),
        };
        refused(jit.invoker(&sig).map(drop), "invoker");
        refused(
            jit.fast_trampolines(&[(&sig, std::ptr::null(), FastResult::Direct)])
                .map(drop),
            "fast trampoline",
        );
        refused(
            Callback::new(&mut jit, &sig, |_| {}).map(drop),
            "callback thunk",
        );
        let req = StubRequest {
            name: "s",
            sig: &sig,
            kind: StubKind::Thunk {
                dispatcher: CodeRef::Symbol("d".into()),
                ctx: CodeRef::Symbol("c".into()),
            },
        };
        refused(
            hotcall_jit::text::stub_text(&cross, &req).map(drop),
            "object text",
        );
    }
}

/// The largest signature: `MAX_PARAMETERS` parameters, alternating
/// integer and float kinds so both register files and the stack are used.
fn largest_signature() -> Signature {
    let kinds = [T::I64, T::F64, T::U8, T::F32, T::I32, T::Pointer];
    let params = (0..MAX_PARAMETERS)
        .map(|i| kinds[i % kinds.len()].clone())
        .collect();
    Signature::new(params, T::I64)
}

/// The value of parameter `i` as its slot holds it (narrow ints widened).
fn slot_value(ty: &T, i: usize) -> u64 {
    let n = i as u64 + 1;
    match ty {
        T::I64 => (n * 0x1_0000_0001) ^ 0x8000_0000_0000_0000,
        T::F64 => (n as f64 * 0.5).to_bits(),
        T::U8 => n & 0xff,
        T::F32 => (n as f32 * 0.25).to_bits() as u64,
        T::I32 => (-(n as i64)) as u64,
        T::Pointer => 0x7000_0000_0000 + n * 8,
        _ => unreachable!(),
    }
}

/// Upper bound for compiling the invoker and the thunk of the largest
/// signature in a debug build on a loaded 2-core machine (measured:
/// `docs/limits.md`); quadratic code generation would take minutes.
const COMPILE_BUDGET: Duration = Duration::from_secs(10);

#[test]
fn the_largest_signature_compiles_quickly_and_passes_every_argument() {
    let sig = largest_signature();
    let mut jit = Jit::new().unwrap();
    let seen: Arc<Mutex<Vec<u64>>> = Arc::default();
    let seen_in = Arc::clone(&seen);
    let n = sig.params.len();
    let started = Instant::now();
    let cb = Callback::new(&mut jit, &sig, move |call| {
        // SAFETY: the thunk passes one slot per parameter and an 8-byte result.
        unsafe {
            let args = std::slice::from_raw_parts(call.args, n);
            seen_in.lock().unwrap().extend_from_slice(args);
            *(call.ret as *mut i64) = -7;
        }
    })
    .unwrap();
    let thunk_time = started.elapsed();
    let started = Instant::now();
    let invoker = jit.invoker(&sig).unwrap();
    let invoker_time = started.elapsed();
    let started = Instant::now();
    drop(
        jit.fast_trampolines(&[(&sig, cb.pointer().cast(), FastResult::OutSlot(0))])
            .unwrap(),
    );
    let fast_time = started.elapsed();
    eprintln!(
        "{MAX_PARAMETERS} parameters: thunk {thunk_time:?}, invoker {invoker_time:?}, fast trampoline {fast_time:?}"
    );
    assert!(
        thunk_time + invoker_time + fast_time < COMPILE_BUDGET,
        "compiling took {:?}",
        thunk_time + invoker_time + fast_time
    );

    let args: Vec<u64> = sig
        .params
        .iter()
        .enumerate()
        .map(|(i, ty)| slot_value(ty, i))
        .collect();
    let mut ret = [0u8; 8];
    // SAFETY: the invoker and the thunk have the same signature; `args` has
    // one slot per parameter and `ret` 8 bytes for the i64 result.
    unsafe {
        invoker(
            cb.pointer() as *const c_void,
            args.as_ptr(),
            ret.as_mut_ptr(),
        )
    };
    assert_eq!(i64::from_ne_bytes(ret), -7);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), n);
    for (i, ty) in sig.params.iter().enumerate() {
        // The thunk widens narrow ints; compare at the natural width.
        let mask = match ty.size() {
            8 => u64::MAX,
            s => (1u64 << (s * 8)) - 1,
        };
        assert_eq!(
            seen[i] & mask,
            args[i] & mask,
            "parameter {i} ({ty}) arrived wrong"
        );
    }
    cb.close();
}

#[test]
fn the_deepest_and_widest_structs_compile() {
    let mut jit = Jit::new().unwrap();
    let deep = Signature::new(vec![nested(MAX_STRUCT_DEPTH)], nested(MAX_STRUCT_DEPTH));
    let wide = Signature::new(
        vec![st(vec![T::F32; MAX_STRUCT_FIELDS])],
        st(vec![T::U16; MAX_STRUCT_FIELDS]),
    );
    for (what, sig) in [("deepest", deep), ("widest", wide)] {
        let started = Instant::now();
        jit.invoker(&sig).unwrap();
        let cb = Callback::new(&mut jit, &sig, |_| {}).unwrap();
        eprintln!("{what} structs: {:?}", started.elapsed());
        assert!(started.elapsed() < COMPILE_BUDGET);
        cb.close();
    }
}
