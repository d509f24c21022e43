//! The seeded random corpus (`src/corpus.rs`) through every stub kind,
//! against the C compiler's code for the same signatures. Expected values
//! come from the Rust reference checksum (`src/checksum.rs`), never from
//! the stubs. Every failure names the seed and the corpus index; rebuild
//! with `HOTCALL_CORPUS_SEED=<seed>` to run another corpus.

use std::sync::{Arc, Mutex};

use hotcall_abi::{NativeType, Signature};
use hotcall_jit::abi::result_buffer_size;
use hotcall_jit::callback::Callback;
use hotcall_jit::{is_tail_jump, v8_signature, FastResult, Jit, JitError};
use hotcall_jit_tests::corpus::{self, Rng, Value};
use hotcall_jit_tests::marshal::{self, JUNK};
use hotcall_jit_tests::slots::{same_fast_call_type, v8_param_type, v8_return_type, Slots};
use hotcall_jit_tests::{checksum, ffi};

type CaseResult = Result<(), String>;

fn corpus_sigs() -> Vec<Signature> {
    (0..corpus::COUNT)
        .map(|i| corpus::signature(ffi::seed(), i))
        .collect()
}

/// Fails the test with every failed case listed (at most 20 shown).
fn report(what: &str, results: Vec<(usize, CaseResult)>, expected_cases: usize) {
    let seed = ffi::seed();
    assert_eq!(
        results.len(),
        expected_cases,
        "{what}: wrong number of cases ran"
    );
    let failures: Vec<String> = results
        .into_iter()
        .filter_map(|(i, r)| r.err().map(|e| format!("  seed {seed:#x} index {i}: {e}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{what}: {} of {expected_cases} cases failed:\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn ensure(ok: bool, what: impl FnOnce() -> String) -> CaseResult {
    if ok {
        Ok(())
    } else {
        Err(what())
    }
}

/// Checks the result buffer: the expected value at natural width and, for
/// scalars and void, every byte past it untouched.
fn check_ret(sig: &Signature, ty: &NativeType, ret: &[u8], expected: Option<&Value>) -> CaseResult {
    if let Some(want) = expected {
        let got = marshal::read(ty, ret);
        ensure(got == *want, || {
            format!("{sig}: result {got:?}, expected {want:?}")
        })?;
    }
    // Invokers store a scalar result as a whole 8-byte word (only its low
    // `ty.size()` bytes are meaningful, see `invoker_shape`) and `void` as
    // nothing; nothing may be written past that.
    let written = match ty {
        NativeType::Void => 0,
        NativeType::Struct(_) => ret.len(),
        _ => 8,
    };
    let tail = &ret[written.min(ret.len())..];
    ensure(tail.iter().all(|&b| b == JUNK), || {
        format!("{sig}: result buffer written past {written} bytes for {ty}: {ret:02x?}")
    })?;
    Ok(())
}

fn args_for(i: usize, sig: &Signature) -> Vec<Value> {
    let mut rng = Rng::stream(ffi::seed(), i, corpus::TAG_ARGS);
    sig.params
        .iter()
        .map(|p| corpus::random_value(&mut rng, p))
        .collect()
}

fn invoker_case(jit: &mut Jit, i: usize, sig: &Signature) -> CaseResult {
    let inv = jit.invoker(sig).map_err(|e| format!("{sig}: {e}"))?;
    let mut values = args_for(i, sig);
    let slots = Slots::invoker(&sig.params, &mut values);
    let mut ret = marshal::junk_buffer(result_buffer_size(&sig.result));
    // SAFETY: hc_rs_<i> has signature `sig`; `slots` holds one slot per
    // parameter (structs and buffers point at live memory owned by
    // `slots`); `ret` has result_buffer_size bytes.
    unsafe {
        inv(
            ffi::corpus_entry(i, false),
            slots.slots.as_ptr(),
            marshal::bytes_mut(&mut ret).as_mut_ptr(),
        )
    };
    let want_h = checksum::of_args(&values);
    let got_h = ffi::last_checksum();
    ensure(got_h == want_h, || {
        format!("{sig}: C checksum {got_h:#x}, reference {want_h:#x}, args {values:?}")
    })?;
    let expected = checksum::derive_result(&sig.result, want_h);
    check_ret(sig, &sig.result, marshal::bytes(&ret), expected.as_ref())
}

#[test]
fn c_library_matches_seed() {
    assert_eq!(ffi::c_corpus_info(), (ffi::seed(), corpus::COUNT));
}

#[test]
fn invoker_matches_reference() {
    let mut jit = Jit::new().unwrap();
    let sigs = corpus_sigs();
    let results = sigs
        .iter()
        .enumerate()
        .map(|(i, s)| (i, invoker_case(&mut jit, i, s)))
        .collect();
    report("invoker", results, corpus::COUNT);
}

/// Where a fast trampoline's result goes: returned, or at an out slot.
#[derive(Clone, Copy)]
enum Out {
    Direct,
    Slot(*const u8),
}

fn fast_case(
    inv_jit: &mut Jit,
    tramp: *const u8,
    i: usize,
    sig: &Signature,
    out: Out,
) -> CaseResult {
    let mode = match out {
        Out::Direct => FastResult::Direct,
        Out::Slot(p) => FastResult::OutSlot(p as u64),
    };
    let v8_sig = v8_signature(sig, &mode).ok_or_else(|| format!("{sig}: no v8 signature"))?;
    let inv = inv_jit
        .invoker(&v8_sig)
        .map_err(|e| format!("{v8_sig}: {e}"))?;
    let mut values = args_for(i, sig);
    let slots = Slots::fast(&sig.params, &mut values);
    let mut ret = marshal::junk_buffer(8);
    // SAFETY: `tramp` is a fast trampoline for `sig`, whose own signature is
    // `v8_sig` (checked against V8's rules by `v8_signature_follows_v8_rules`);
    // `slots` holds receiver, converted arguments (pointing at live memory
    // owned by `slots`) and options; `ret` has 8 bytes; an out slot is 8
    // live bytes owned by the caller.
    unsafe {
        inv(
            tramp.cast(),
            slots.slots.as_ptr(),
            marshal::bytes_mut(&mut ret).as_mut_ptr(),
        )
    };
    let want_h = checksum::of_args(&values);
    let got_h = ffi::last_checksum();
    ensure(got_h == want_h, || {
        format!("{sig} {mode:?}: C checksum {got_h:#x}, reference {want_h:#x}, args {values:?}")
    })?;
    ensure(slots.options_untouched(), || {
        format!("{sig}: options were written")
    })?;
    let expected = checksum::derive_result(&sig.result, want_h);
    match out {
        // Narrow results come back widened to the V8 type; canonical values
        // do not depend on the width, so the expectation is the same value.
        Out::Direct => check_ret(sig, &v8_sig.result, marshal::bytes(&ret), expected.as_ref()),
        Out::Slot(p) => {
            check_ret(sig, &NativeType::Void, marshal::bytes(&ret), None)?;
            // SAFETY: p points at 8 bytes of the caller's live out-slot array.
            let slot = unsafe { std::slice::from_raw_parts(p, 8) };
            check_ret(sig, &sig.result, slot, expected.as_ref())
        }
    }
}

/// Every signature without structs through one batch of fast trampolines,
/// called the way V8 calls them (through an invoker of the V8 signature).
/// With `tail_jumps`, the signatures that allow it get the hand-emitted
/// tail jump (`stubs/tail.rs`); without, every one is Cranelift's.
fn fast_corpus(direct: bool, tail_jumps: bool) {
    let seed = ffi::seed();
    let mut jit = Jit::new().unwrap();
    jit.set_tail_jumps(tail_jumps);
    let sigs = corpus_sigs();
    let fast: Vec<usize> = (0..sigs.len()).filter(|&i| !sigs[i].has_struct()).collect();
    assert!(
        fast.len() > corpus::COUNT / 4,
        "too few fast-path signatures in seed {seed:#x}"
    );
    let mut out_slots = marshal::junk_buffer(8 * sigs.len());
    let base: *const u8 = marshal::bytes_mut(&mut out_slots).as_mut_ptr();
    let out = |i: usize| {
        if direct {
            Out::Direct
        } else {
            // SAFETY: i < sigs.len(), so the offset stays inside `out_slots`.
            Out::Slot(unsafe { base.add(8 * i) })
        }
    };
    let items: Vec<_> = fast
        .iter()
        .map(|&i| {
            let mode = match out(i) {
                Out::Direct => FastResult::Direct,
                Out::Slot(p) => FastResult::OutSlot(p as u64),
            };
            (&sigs[i], ffi::corpus_entry(i, false), mode)
        })
        .collect();
    let tail = items
        .iter()
        .filter(|(sig, _, mode)| tail_jumps && is_tail_jump(jit.target().flavor(), sig, mode))
        .count();
    // The out-slot form always calls; the direct one must exercise both.
    if tail_jumps && direct {
        assert!(
            tail > 10 && tail < items.len(),
            "seed {seed:#x}: {tail} of {} fast signatures tail-jump",
            items.len()
        );
    }
    let set = jit.fast_trampolines(&items).unwrap();
    let results = fast
        .iter()
        .enumerate()
        .map(|(k, &i)| (i, fast_case(&mut jit, set.pointer(k), i, &sigs[i], out(i))))
        .collect();
    let label = match (direct, tail_jumps) {
        (true, true) => format!("fast Direct ({tail} tail jumps)"),
        (true, false) => "fast Direct (Cranelift only)".to_owned(),
        (false, _) => "fast OutSlot".to_owned(),
    };
    report(&label, results, fast.len());
    drop(set);
    drop(out_slots);
}

#[test]
fn fast_trampolines_direct() {
    fast_corpus(true, true);
}

#[test]
fn fast_trampolines_direct_without_tail_jumps() {
    fast_corpus(true, false);
}

#[test]
fn fast_trampolines_out_slot() {
    fast_corpus(false, true);
}

#[test]
fn v8_signature_follows_v8_rules() {
    let mut jit = Jit::new().unwrap();
    let seed = ffi::seed();
    for (i, sig) in corpus_sigs().iter().enumerate() {
        let got = v8_signature(sig, &FastResult::Direct);
        if sig.has_struct() {
            assert_eq!(got, None, "seed {seed:#x} index {i}: {sig} has structs");
            let err =
                jit.fast_trampolines(&[(sig, ffi::corpus_entry(i, false), FastResult::Direct)]);
            assert!(
                matches!(err, Err(JitError::NoFastPath(_))),
                "seed {seed:#x} index {i}: {sig}"
            );
            continue;
        }
        // The generator's V8 signature against what V8 is told
        // (slots::v8_param_type reads the table checked against V8).
        let mut params = vec![NativeType::Pointer];
        params.extend(sig.params.iter().map(|p| v8_param_type(p).unwrap()));
        params.push(NativeType::Pointer);
        let same_params = |got: &Signature| {
            got.params.len() == params.len()
                && got
                    .params
                    .iter()
                    .zip(&params)
                    .all(|(g, w)| same_fast_call_type(g, w))
        };
        let got = got.expect("no structs");
        assert!(
            same_params(&got),
            "seed {seed:#x} index {i}: {sig}: generator {got}, V8 {params:?}"
        );
        // Results V8 takes directly; the others go through the out slot.
        if let Some(result) = v8_return_type(&sig.result) {
            assert!(
                same_fast_call_type(&got.result, &result),
                "seed {seed:#x} index {i}: {sig}: generator returns {}, V8 {result}",
                got.result
            );
        }
        let slot = v8_signature(sig, &FastResult::OutSlot(0)).expect("no structs");
        assert!(same_params(&slot), "seed {seed:#x} index {i}: {sig}");
        assert_eq!(
            slot.result,
            NativeType::Void,
            "seed {seed:#x} index {i}: {sig}"
        );
    }
}

/// What a callback handler saw: one value per parameter.
type Seen = Arc<Mutex<Vec<Vec<Value>>>>;

/// Reads the handler's view of the arguments: integers widened to the whole
/// slot, f32 in the low 32 bits, structs as the bytes at the slot's address.
///
/// # Safety
/// `args` holds one slot per parameter of `params`, as a thunk passes them.
unsafe fn read_callback_args(params: &[NativeType], args: *const u64) -> Vec<Value> {
    params
        .iter()
        .enumerate()
        .map(|(k, ty)| {
            // SAFETY: the caller guarantees a slot per parameter.
            let slot = unsafe { *args.add(k) };
            match ty {
                NativeType::Struct(st) => {
                    // SAFETY: a struct slot holds the address of the struct's
                    // bytes, live for the duration of the call.
                    let bytes = unsafe { std::slice::from_raw_parts(slot as *const u8, st.size()) };
                    marshal::read(ty, bytes)
                }
                NativeType::F32 => Value::Scalar(slot as u32 as u64),
                _ => Value::Scalar(slot),
            }
        })
        .collect()
}

fn thunk_case(jit: &mut Jit, i: usize, sig: &Signature) -> CaseResult {
    let seed = ffi::seed();
    let literals: Vec<Value> = corpus::literals(seed, i, sig)
        .iter()
        .map(marshal::addresses_only)
        .collect();
    let mut rng = Rng::stream(seed, i, corpus::TAG_CALLBACK_RESULT);
    let answer = (sig.result != NativeType::Void)
        .then(|| marshal::addresses_only(&corpus::random_value(&mut rng, &sig.result)));

    let seen: Seen = Arc::default();
    let (params, result_ty, handler_answer, handler_seen) = (
        sig.params.clone(),
        sig.result.clone(),
        answer.clone(),
        seen.clone(),
    );
    let cb = Callback::new(jit, sig, move |call| {
        // SAFETY: the thunk of `sig` passes one slot per parameter.
        let args = unsafe { read_callback_args(&params, call.args) };
        handler_seen.lock().unwrap().push(args);
        if let Some(v) = &handler_answer {
            let size = result_buffer_size(&result_ty);
            // SAFETY: `ret` is the thunk's result buffer of this size.
            let ret = unsafe { std::slice::from_raw_parts_mut(call.ret, size) };
            marshal::write(&result_ty, v, ret);
        }
    })
    .map_err(|e| format!("{sig}: {e}"))?;

    let caller_sig = Signature::new(vec![NativeType::Function], sig.result.clone());
    let inv = jit
        .invoker(&caller_sig)
        .map_err(|e| format!("{caller_sig}: {e}"))?;
    let slots = [cb.pointer() as u64];
    let mut ret = marshal::junk_buffer(result_buffer_size(&sig.result));
    // SAFETY: hc_rs_<i>_call takes a function pointer of `sig` (the thunk,
    // alive until `cb` is closed below) and returns `sig.result`; `ret` has
    // result_buffer_size bytes.
    unsafe {
        inv(
            ffi::corpus_entry(i, true),
            slots.as_ptr(),
            marshal::bytes_mut(&mut ret).as_mut_ptr(),
        )
    };
    cb.close();

    let seen = std::mem::take(&mut *seen.lock().unwrap());
    ensure(seen.len() == 1, || {
        format!("{sig}: handler ran {} times", seen.len())
    })?;
    ensure(seen[0] == literals, || {
        format!("{sig}: handler got {:?}, C passed {literals:?}", seen[0])
    })?;
    let want_h = checksum::of_result(answer.as_ref());
    let got_h = ffi::last_checksum();
    ensure(got_h == want_h, || {
        format!(
            "{sig}: C saw a result with checksum {got_h:#x}, reference {want_h:#x} of {answer:?}"
        )
    })?;
    check_ret(sig, &sig.result, marshal::bytes(&ret), answer.as_ref())
}

#[test]
fn thunks_receive_literals_and_return_to_c() {
    let mut jit = Jit::new().unwrap();
    let sigs = corpus_sigs();
    let results = sigs
        .iter()
        .enumerate()
        .map(|(i, s)| (i, thunk_case(&mut jit, i, s)))
        .collect();
    report("callback thunk", results, corpus::COUNT);
}

/// A named property of a signature.
type SigCheck<'a> = (&'a str, &'a dyn Fn(&Signature) -> bool);

fn all_float(st: &hotcall_abi::StructType) -> bool {
    st.flatten().iter().all(|(_, t)| t.is_float())
}

/// The corpus reaches the cases it is meant to reach (so a seed change
/// cannot silently shrink what the other tests prove).
#[test]
fn corpus_covers_the_type_table() {
    let seed = ffi::seed();
    let sigs = corpus_sigs();
    assert!(sigs.len() >= 300);
    for ty in corpus::PARAM_SCALARS {
        assert!(
            sigs.iter().any(|s| s.params.contains(ty)),
            "seed {seed:#x}: no {ty} parameter"
        );
        assert!(
            sigs.iter().any(|s| s.result == *ty),
            "seed {seed:#x}: no {ty} result"
        );
    }
    let structs = |s: &Signature| -> Vec<hotcall_abi::StructType> {
        s.params
            .iter()
            .chain([&s.result])
            .filter_map(|t| t.as_struct().cloned())
            .collect()
    };
    let all: Vec<_> = sigs.iter().flat_map(structs).collect();
    let has = |what: &str, f: &dyn Fn(&hotcall_abi::StructType) -> bool| {
        assert!(
            all.iter().any(f),
            "seed {seed:#x}: no struct that is {what}"
        );
    };
    has("all-float and small", &|st| {
        all_float(st) && st.size() <= 16
    });
    has("mixed and small", &|st| !all_float(st) && st.size() <= 16);
    has("larger than 16 bytes", &|st| st.size() > 16);
    has("of odd size", &|st| st.size() % 2 == 1);
    has("nested", &|st| {
        st.fields().iter().any(|f| f.as_struct().is_some())
    });
    let cases: [SigCheck; 6] = [
        ("void", &|s| s.result == NativeType::Void),
        ("no parameters", &|s| s.params.is_empty()),
        ("20+ parameters", &|s| s.params.len() >= 20),
        ("a small struct result", &|s| {
            s.result.as_struct().is_some_and(|st| st.size() <= 16)
        }),
        ("an sret struct result", &|s| {
            s.result.as_struct().is_some_and(|st| st.size() > 16)
        }),
        // The case of the sysv.rs fix: an SSE-only struct after the integer
        // registers are used up.
        ("an all-float struct after 6 integer parameters", &|s| {
            s.params.iter().enumerate().any(|(k, p)| {
                let ints = s.params[..k].iter().filter(|t| t.is_integer_like()).count();
                ints >= 6
                    && p.as_struct()
                        .is_some_and(|st| all_float(st) && st.size() <= 16)
            })
        }),
    ];
    for (what, f) in cases {
        assert!(
            sigs.iter().any(f),
            "seed {seed:#x}: no signature with {what}"
        );
    }
}
