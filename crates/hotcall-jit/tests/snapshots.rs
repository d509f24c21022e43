//! Snapshot tests of the generated machine code.
//!
//! For every (target, signature) pair of a fixed list, one snapshot holds the
//! Cranelift signature and the VCode of every stub kind (the fast trampoline
//! only where the signature has one). Any change of the generated code shows
//! up as a snapshot diff to be reviewed; see `docs/snapshots.md` for how to
//! re-bless after an intentional change.

use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use hotcall_abi::{NativeType as T, Signature, StructType};
use hotcall_jit::text::stub_text;
use hotcall_jit::{
    CodeRef, FastResult, JitError, StubKind, StubRequest, Target, SUPPORTED_TRIPLES,
};

fn st(fields: Vec<T>) -> T {
    T::Struct(Arc::new(StructType::new(fields).expect("valid struct")))
}

fn sig(params: Vec<T>, result: T) -> Signature {
    Signature::new(params, result)
}

/// `{u8, u8, u16}`: 4 bytes, integer class everywhere.
fn s_u8_u8_u16() -> T {
    st(vec![T::U8, T::U8, T::U16])
}

/// `{f64, f64}`: 16 bytes, two SSE eightbytes / an HFA of two doubles.
fn s_f64x2() -> T {
    st(vec![T::F64, T::F64])
}

/// `{f32, f32, f32}`: 12 bytes, an HFA on aarch64.
fn s_f32x3() -> T {
    st(vec![T::F32, T::F32, T::F32])
}

/// `{i32, f32}`: 8 bytes, one INTEGER eightbyte on SysV.
fn s_i32_f32() -> T {
    st(vec![T::I32, T::F32])
}

/// `{u8, f64, i32}`: 24 bytes with padding (memory class / by reference).
fn s_u8_f64_i32() -> T {
    st(vec![T::U8, T::F64, T::I32])
}

/// `{i64, i64, i64}`: 24 bytes, not an HFA.
fn s_i64x3() -> T {
    st(vec![T::I64, T::I64, T::I64])
}

/// `{f64, f64, f64}`: 24 bytes, still an HFA on aarch64.
fn s_f64x3() -> T {
    st(vec![T::F64, T::F64, T::F64])
}

/// `{{i16, u8}, f32, {f64}}`: 16 bytes, first eightbyte INTEGER, second SSE.
fn s_nested() -> T {
    st(vec![st(vec![T::I16, T::U8]), T::F32, st(vec![T::F64])])
}

/// `{{f32, f32}, f32}`: a nested HFA of three floats.
fn s_nested_hfa() -> T {
    st(vec![st(vec![T::F32, T::F32]), T::F32])
}

/// The signatures snapshotted on every target, by snapshot name.
fn signatures() -> Vec<(&'static str, Signature)> {
    use T::*;
    let mixed20 = vec![
        I8, F32, I16, F64, U8, F32, U16, F64, I32, F32, I64, F64, Bool, F32, U32, F64, Pointer,
        F32, I8, F64,
    ];
    let mut exhausted = vec![I64; 7];
    exhausted.extend(vec![F64; 7]);
    exhausted.extend([st(vec![I64, I64]), s_f32x3(), I64, F32]);
    vec![
        // Scalars: every type as a parameter and as a result.
        ("add_i32", sig(vec![I32, I32], I32)),
        ("void_void", sig(vec![], Void)),
        ("bool_bool", sig(vec![Bool], Bool)),
        ("u8_u8_to_u8", sig(vec![U8, U8], U8)),
        ("i8_i16_to_i8", sig(vec![I8, I16], I8)),
        ("u16_u8_to_u16", sig(vec![U16, U8], U16)),
        ("i16_i8_to_i16", sig(vec![I16, I8], I16)),
        ("u32_i64_to_u32", sig(vec![U32, I64], U32)),
        ("u64_u32_to_u64", sig(vec![U64, U32], U64)),
        ("i64_isize_to_i64", sig(vec![I64, ISize], I64)),
        ("usize_isize_to_isize", sig(vec![USize, ISize], ISize)),
        ("buffer_to_usize", sig(vec![Buffer], USize)),
        ("f32_f64_to_f32", sig(vec![F32, F64], F32)),
        ("f64_f32_i32_to_f64", sig(vec![F64, F32, I32], F64)),
        (
            "pointer_buffer_usize_to_pointer",
            sig(vec![Pointer, Buffer, USize], Pointer),
        ),
        ("buffer_buffer_to_buffer", sig(vec![Buffer, Buffer], Buffer)),
        // Callbacks: C function pointers in and out.
        (
            "qsort_callback",
            sig(vec![Buffer, USize, USize, Function], Void),
        ),
        ("pointer_to_function", sig(vec![Pointer], Function)),
        // Tail-jump boundaries (`stubs/tail.rs`): narrow ints extended on
        // the way in with a 32-bit result; the last integer count that
        // stays in registers with the receiver (5 on SysV, 7 on aarch64)
        // and the first that does not; Win64's 3 positional arguments
        // (floats shifted) and 4; floats that stay in place on SysV and
        // aarch64.
        ("narrow_to_i32", sig(vec![U8, I8, U16, I16], I32)),
        ("bool_i8_to_u32", sig(vec![Bool, I8], U32)),
        ("ints5", sig(vec![I64; 5], I64)),
        ("ints6", sig(vec![I64; 6], I64)),
        ("ints7", sig(vec![I32; 7], I32)),
        ("ints8", sig(vec![I32; 8], I32)),
        ("f32x3_to_f32", sig(vec![F32, F32, F32], F32)),
        (
            "f64_i32_f32_u64_to_void",
            sig(vec![F64, I32, F32, U64], Void),
        ),
        (
            "doubles8_buffer_to_f64",
            sig(vec![F64, F64, F64, F64, F64, F64, F64, F64, Buffer], F64),
        ),
        // Register exhaustion: stack arguments on every target.
        ("ints10", sig(vec![I64; 10], I64)),
        ("doubles10", sig(vec![F64; 10], F64)),
        ("mixed20", sig(mixed20, F64)),
        // Structs by value as parameters and results.
        (
            "struct_u8_u8_u16",
            sig(vec![s_u8_u8_u16(), I32], s_u8_u8_u16()),
        ),
        ("struct_f64x2", sig(vec![s_f64x2(), F64], s_f64x2())),
        ("struct_f32x3_hfa", sig(vec![s_f32x3(), F32], s_f32x3())),
        ("struct_i32_f32", sig(vec![s_i32_f32()], s_i32_f32())),
        (
            "struct_u8_f64_i32",
            sig(vec![s_u8_f64_i32(), I32], s_u8_f64_i32()),
        ),
        ("struct_i64x3", sig(vec![I32, s_i64x3()], s_i64x3())),
        ("struct_f64x3_hfa", sig(vec![s_f64x3()], s_f64x3())),
        ("struct_nested", sig(vec![s_nested()], s_nested())),
        ("struct_nested_hfa", sig(vec![s_nested_hfa(), F64], F32)),
        ("struct_after_exhaustion", sig(exhausted, I32)),
        // SysV: an all-SSE struct still takes xmm0/xmm1 after the integer
        // registers ran out; aarch64: an HFA after eight integers.
        (
            "struct_f64x2_after_ints",
            sig(vec![I64, I64, I64, I64, I64, I64, I64, I64, s_f64x2()], F64),
        ),
    ]
}

/// `x86_64-unknown-linux-gnu` → `x86_64_unknown_linux_gnu`.
fn triple_ident(triple: &str) -> String {
    triple.replace('-', "_")
}

/// The result types hotcall-v8 sends through the out cell instead of
/// returning them to V8 (V8 return type `Void` in the fast-type table that
/// `crates/hotcall-v8/tests/ffi.rs` writes from what V8 is told), so that
/// the snapshots show the trampolines that run.
fn out_cell_results() -> Vec<T> {
    let table = include_str!("../../../jit-tests/src/v8_fast_types.txt");
    table
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
            [name, _, "Void"] => T::from_name(name),
            _ => None,
        })
        .collect()
}

/// The text of one snapshot: every stub kind of `sig` on `target`.
fn snapshot_text(target: &Target, name: &str, sig: &Signature) -> String {
    let (fast_label, fast_result) = match out_cell_results().contains(&sig.result) {
        true => (
            "fast trampoline (result to the out cell)",
            FastResult::OutSymbol("hotcall_out_cell".into()),
        ),
        false => ("fast trampoline", FastResult::Direct),
    };
    let kinds = [
        (
            fast_label,
            StubKind::Fast {
                target: CodeRef::Symbol("c_fn".into()),
                result: fast_result,
            },
        ),
        ("invoker", StubKind::Invoker),
        (
            "callback thunk",
            StubKind::Thunk {
                dispatcher: CodeRef::Symbol("hotcall_dispatch".into()),
                ctx: CodeRef::Symbol("hotcall_ctx".into()),
            },
        ),
    ];
    let mut out = format!("{name}: {sig}\n");
    for (label, kind) in kinds {
        let is_fast = matches!(kind, StubKind::Fast { .. });
        let req = StubRequest { name, sig, kind };
        match stub_text(target, &req) {
            Ok(text) => {
                // The first CLIF line is the stub's own Cranelift signature.
                let head = text
                    .clif
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .trim_end_matches(" {");
                writeln!(out, "\n== {label}: {head}").unwrap();
                out.push_str(text.vcode.trim_end());
                out.push('\n');
            }
            Err(JitError::NoFastPath(_)) if is_fast && sig.has_struct() => {
                writeln!(
                    out,
                    "\n== {label}: none (structs by value take the slow path)"
                )
                .unwrap();
            }
            Err(e) => panic!("{name} on {}: {label}: {e}", target.triple()),
        }
    }
    out
}

/// Checks every signature on `triple`, collecting mismatches so that one run
/// reports (and, outside CI, writes `.snap.new` files for) all of them.
fn check_target(triple: &str) {
    let target = Target::parse(triple).expect("supported target");
    let mut failed = Vec::new();
    for (name, sig) in signatures() {
        let text = snapshot_text(&target, name, &sig);
        let snap = format!("{}__{name}", triple_ident(triple));
        let result = catch_unwind(AssertUnwindSafe(|| {
            insta::with_settings!({ prepend_module_to_snapshot => true, omit_expression => true }, {
                insta::assert_snapshot!(snap.as_str(), text);
            });
        }));
        if result.is_err() {
            failed.push(snap);
        }
    }
    assert!(failed.is_empty(), "snapshots differ: {failed:?}");
}

#[test]
fn x86_64_unknown_linux_gnu() {
    check_target("x86_64-unknown-linux-gnu");
}

#[test]
fn aarch64_unknown_linux_gnu() {
    check_target("aarch64-unknown-linux-gnu");
}

#[test]
fn aarch64_apple_darwin() {
    check_target("aarch64-apple-darwin");
}

#[test]
fn x86_64_pc_windows_msvc() {
    check_target("x86_64-pc-windows-msvc");
}

#[test]
fn every_supported_target_is_snapshotted() {
    let tested = [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ];
    let mut supported = SUPPORTED_TRIPLES.to_vec();
    supported.sort_unstable();
    let mut tested = tested.to_vec();
    tested.sort_unstable();
    assert_eq!(tested, supported);
}

/// Every type name of the FFI type table (`docs` spec), struct aside.
const TYPE_NAMES: &[&str] = &[
    "void", "bool", "u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64", "usize", "isize", "f32",
    "f64", "pointer", "buffer", "function",
];

/// `"struct"` for any struct, else the type's name.
fn type_name(ty: &T) -> String {
    match ty {
        T::Struct(_) => "struct".to_owned(),
        other => other.to_string(),
    }
}

#[test]
fn every_type_is_a_parameter_and_a_result() {
    let sigs = signatures();
    let as_param: Vec<String> = sigs
        .iter()
        .flat_map(|(_, s)| s.params.iter().map(type_name))
        .collect();
    let as_result: Vec<String> = sigs.iter().map(|(_, s)| type_name(&s.result)).collect();
    for name in TYPE_NAMES.iter().chain(&["struct"]) {
        assert!(
            T::from_name(name).is_some() || *name == "struct",
            "{name} is not a type"
        );
        if *name != "void" {
            assert!(
                as_param.iter().any(|p| p == name),
                "{name} is never a parameter"
            );
        }
        assert!(
            as_result.iter().any(|r| r == name),
            "{name} is never a result"
        );
    }
}
