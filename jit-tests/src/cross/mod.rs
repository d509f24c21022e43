//! The stubs of targets this machine is not, executed: aarch64 Linux under
//! qemu, x86_64 Windows under wine, Apple arm64 under qemu (Apple-ABI C
//! compiled by clang for macOS and converted to ELF, see [`apple_asm`]).
//!
//! For every case (the corpus of the build seed plus [`extra_signatures`])
//! one object file holds, emitted by `hotcall_jit::text`:
//! * `hc_inv_<i>`: the invoker of the signature (calls `hc_rs_<i>`);
//! * `hc_fast_<i>`: the fast trampoline (signatures without structs), with
//!   `hc_rs_<i>` as a symbol;
//! * `hc_thunk_<i>`: the callback thunk, calling `hc_dispatch` with the
//!   context symbol `hc_ctx_<i>`;
//! * `hc_callinv_<i>`: an invoker of `(function) -> R` that calls
//!   `hc_rs_<i>_call(hc_thunk_<i>)`.
//!
//! A generated C driver ([`driver`]) calls them and prints one line per
//! check (`<part><i> <label> <hex>`); [`Plan::expected`] computes every line
//! with the Rust reference ([`crate::checksum`]), and [`compare`] matches
//! them. Buffers live in the driver's arena (`hc_arena`), whose address the
//! driver prints first, so expected checksums can include it.

pub mod apple_asm;
pub mod driver;
pub mod tools;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use hotcall_abi::{NativeType, Signature, StructType};
use hotcall_jit::abi::result_buffer_size;
use hotcall_jit::text::{emit_object, emit_object_as, BinaryFormat};
use hotcall_jit::{v8_signature, CodeRef, FastResult, StubKind, StubRequest, Target};

use crate::corpus::{self, Rng, Value};
use crate::marshal::{self, JUNK};
use crate::slots::with_junk_above;
use crate::{cgen, checksum};

/// A target whose stubs are executed here by emulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CrossTarget {
    Aarch64Linux,
    Win64,
    AppleArm64,
}

/// Where the driver maps the out slots of the [`Part::FastSlot`]
/// trampolines: an out slot is an absolute address baked into the code, so
/// it must be known before linking (the driver fails loudly if the address
/// is taken).
pub const OUT_SLOTS: u64 = 0x1000_0000;

/// The qemu sysroot of the aarch64 Linux cross toolchain.
pub const AARCH64_SYSROOT: &str = "/usr/aarch64-linux-gnu";
pub use tools::WINE64;

impl CrossTarget {
    pub fn triple(self) -> &'static str {
        match self {
            CrossTarget::Aarch64Linux => "aarch64-unknown-linux-gnu",
            CrossTarget::Win64 => "x86_64-pc-windows-msvc",
            CrossTarget::AppleArm64 => "aarch64-apple-darwin",
        }
    }

    /// The programs the build and the run need.
    pub fn tools(self) -> &'static [&'static str] {
        match self {
            CrossTarget::Aarch64Linux => tools::AARCH64_LINUX_TOOLS,
            CrossTarget::Win64 => tools::WIN64_TOOLS,
            CrossTarget::AppleArm64 => tools::APPLE_ARM64_TOOLS,
        }
    }

    /// The first missing tool, if any.
    pub fn missing_tool(self) -> Option<&'static str> {
        tools::first_missing(self.tools())
    }
}

fn st(fields: Vec<NativeType>) -> NativeType {
    NativeType::Struct(Arc::new(StructType::new(fields).expect("valid struct")))
}

/// Signatures the random corpus reaches rarely or never, aimed at Apple
/// arm64's stack packing (natural size and alignment, caller-extended narrow
/// ints, naturally aligned HFAs on the stack) and register exhaustion. They
/// run on every cross target, numbered from `corpus::COUNT`.
pub fn extra_signatures() -> Vec<Signature> {
    use NativeType::*;
    let i64x8 = vec![I64; 8];
    let f64x8 = vec![F64; 8];
    let cat = |a: &[NativeType], b: &[NativeType]| -> Vec<NativeType> {
        a.iter().chain(b).cloned().collect()
    };
    let hfa3 = st(vec![F32, F32, F32]);
    let small_mixed = st(vec![U8, U16]);
    let twelve = st(vec![I32, I32, I32]);
    let hfa2d = st(vec![F64, F64]);
    let big = st(vec![I64, U8, F64, I16]);
    vec![
        // Narrow ints packed on the stack after the 8 X registers.
        Signature::new(cat(&i64x8, &[I8, U16, I8, Bool, I16, U8, I32, U8]), I32),
        // An HFA {f32,f32,f32} after 8 doubles, then an f32: 12 bytes at
        // 4-byte alignment on Apple, then the f32 right after it.
        Signature::new(cat(&f64x8, &[hfa3.clone(), F32]), F64),
        Signature::new(cat(&f64x8, &[F32, hfa3.clone(), F32, U8]), F32),
        // Floats packed on the stack after the 8 V registers.
        Signature::new(cat(&vec![F32; 9], &[F64, F32, I8, F32]), F32),
        // Structs after register exhaustion: 12-byte composite needing 2
        // registers when 1 is left (goes to the stack, NGRN := 8), then
        // narrow ints and a small mixed struct.
        Signature::new(
            cat(
                &vec![I64; 7],
                &[twelve.clone(), U8, small_mixed.clone(), I16],
            ),
            small_mixed.clone(),
        ),
        Signature::new(
            cat(&i64x8, &[small_mixed.clone(), I8, twelve.clone(), U16]),
            twelve.clone(),
        ),
        // HFA of doubles that does not fit in the 1 V register left.
        Signature::new(
            cat(&vec![F64; 7], &[hfa2d.clone(), F32, hfa2d.clone()]),
            hfa2d,
        ),
        // An indirect (> 16 bytes) struct and an sret result with stack args.
        Signature::new(
            cat(&i64x8, &[big.clone(), U8, hfa3.clone(), I8]),
            big.clone(),
        ),
        Signature::new(
            cat(&[Bool, I8, U8, I16, U16], std::slice::from_ref(&hfa3)),
            hfa3,
        ),
        // Fast-path shapes (no structs): narrow ints and floats on the stack.
        Signature::new(
            cat(&i64x8, &[U8, I8, Bool, F32, U16, Buffer, I16, F64, Pointer]),
            I16,
        ),
        Signature::new(cat(&f64x8, &[F32, U8, F32, I8, F64, Bool, F32, I16]), U8),
        // Tail-jump trampolines (`stubs/tail.rs`): narrow ints extended
        // on the way in (Apple's clang relies on it) with a 32-bit result;
        // Win64's positional shift of floats next to extended ints and a
        // buffer load; the last integer count in registers on aarch64.
        Signature::new(vec![U8, I8, U16, I16, Bool], I32),
        Signature::new(vec![F32, I16, F64], F64),
        Signature::new(vec![Buffer, F64, U8], U32),
        Signature::new(vec![I32; 7], I64),
        // Tail jumps that load V8's first stack argument (the integer the
        // receiver pushed out of the registers) into C's last register:
        // SysV's sixth integer, Win64's fourth position, AAPCS64's eighth
        // integer, narrow ones extended (x86_64) and next to floats.
        Signature::new(vec![I32, I32, I32, I32, I32, I16], I32),
        Signature::new(vec![I64, F64, I64, F32, I64, I64, F64, I64, U8], F64),
        Signature::new(vec![U8, I8, U16, I16], I32),
        Signature::new(vec![F32, I32, F64, U64], U64),
        Signature::new(vec![I64, I64, I64, I64, I64, I64, I64, I32], I32),
        Signature::new(
            vec![I32, F64, I32, F32, I32, I32, F64, I32, I32, Pointer],
            Pointer,
        ),
        Signature::new(vec![I64, I64, I64, I64, I64, I64, I64, U16, F32], F32),
    ]
}

/// Which stub a line of driver output checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// The invoker calling `hc_rs_<i>`.
    Invoker,
    /// The fast trampoline called like V8 does, calling `hc_rs_<i>`,
    /// returning the result ([`FastResult::Direct`]).
    Fast,
    /// The same with the result stored at an out slot
    /// ([`FastResult::OutSlot`], at [`OUT_SLOTS`] + 8 × the fast ordinal).
    FastSlot,
    /// `hc_rs_<i>_call` calling the thunk, which calls the dispatcher.
    Thunk,
}

impl Part {
    pub fn letter(self) -> char {
        match self {
            Part::Invoker => 'I',
            Part::Fast => 'F',
            Part::FastSlot => 'S',
            Part::Thunk => 'T',
        }
    }

    /// An invoker writes this part's result buffer (the thunk part is
    /// called through an invoker of `hc_rs_<i>_call`); it stores a
    /// scalar's whole register (`invoker_shape`).
    fn result_by_invoker(self) -> bool {
        matches!(self, Part::Invoker | Part::Thunk)
    }
}

/// What the driver reads for one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Read {
    /// `hc_last`, the checksum C recorded.
    Checksum,
    /// `size` bytes at `off` of the result buffer, zero-extended.
    Ret { off: usize, size: usize },
    /// How often the dispatcher ran for this thunk.
    Calls,
    /// The low `size` bytes of the dispatcher's argument slot `k`.
    Slot { k: usize, size: usize },
    /// `size` bytes at `off` of the struct the dispatcher's slot `k` points to.
    Seen { k: usize, off: usize, size: usize },
    /// `fallback | data` of the fast call's options (must stay 0).
    Options,
}

/// One line the driver prints and its expected value.
#[derive(Clone, Debug)]
pub struct Check {
    pub part: Part,
    pub index: usize,
    pub label: String,
    pub read: Read,
    pub expect: u64,
}

impl Check {
    /// The line's key: `<part letter><index> <label>`.
    pub fn key(&self) -> String {
        format!("{}{} {}", self.part.letter(), self.index, self.label)
    }
}

/// One signature and the values every part uses.
#[derive(Clone, Debug)]
pub struct Case {
    pub index: usize,
    pub sig: Signature,
    /// The arguments of the invoker and fast calls (`TAG_ARGS`, as the host
    /// tests); buffer addresses are filled in by [`Plan::with_arena`].
    pub args: Vec<Value>,
    /// Arena word of each buffer argument, for the invoker call.
    pub inv_buffers: Vec<Option<usize>>,
    /// Same for the fast calls; `None` if the signature has no fast path.
    pub fast_buffers: Option<Vec<Option<usize>>>,
    /// The ordinal of the case among those with a fast path (its out slot).
    pub fast_ordinal: Option<usize>,
    /// What `hc_rs_<i>_call` passes to the thunk (buffers as addresses).
    pub literals: Vec<Value>,
    /// What the dispatcher answers (`None` for void).
    pub answer: Option<Value>,
}

/// Everything one cross run does.
#[derive(Clone, Debug)]
pub struct Plan {
    pub seed: u64,
    pub cases: Vec<Case>,
    /// The initial words of the driver's buffer arena (buffer heads).
    pub arena: Vec<u64>,
}

fn args_for(seed: u64, i: usize, sig: &Signature) -> Vec<Value> {
    let mut rng = Rng::stream(seed, i, corpus::TAG_ARGS);
    sig.params
        .iter()
        .map(|p| corpus::random_value(&mut rng, p))
        .collect()
}

fn place_buffers(args: &[Value], arena: &mut Vec<u64>) -> Vec<Option<usize>> {
    args.iter()
        .map(|v| match v {
            Value::Buffer { head, .. } => {
                arena.push(*head);
                Some(arena.len() - 1)
            }
            _ => None,
        })
        .collect()
}

impl Plan {
    /// How many of the plan's direct fast trampolines are tail jumps on
    /// `target` (the rest are compiled by Cranelift).
    pub fn tail_jumps(&self, target: CrossTarget) -> usize {
        let flavor = Target::parse(target.triple())
            .expect("supported target")
            .flavor();
        self.cases
            .iter()
            .filter(|c| !c.sig.has_struct())
            .filter(|c| hotcall_jit::is_tail_jump(flavor, &c.sig, &FastResult::Direct))
            .count()
    }

    /// The corpus of `seed` followed by [`extra_signatures`].
    pub fn new(seed: u64) -> Plan {
        let sigs = (0..corpus::COUNT)
            .map(|i| corpus::signature(seed, i))
            .chain(extra_signatures());
        let mut arena = Vec::new();
        let mut fast_count = 0;
        let cases = sigs
            .enumerate()
            .map(|(index, sig)| {
                let args = args_for(seed, index, &sig);
                let inv_buffers = place_buffers(&args, &mut arena);
                let fast_buffers = (!sig.has_struct()).then(|| place_buffers(&args, &mut arena));
                let fast_ordinal = fast_buffers.as_ref().map(|_| {
                    fast_count += 1;
                    fast_count - 1
                });
                let literals = corpus::literals(seed, index, &sig)
                    .iter()
                    .map(marshal::addresses_only)
                    .collect();
                let mut rng = Rng::stream(seed, index, corpus::TAG_CALLBACK_RESULT);
                let answer = (sig.result != NativeType::Void)
                    .then(|| marshal::addresses_only(&corpus::random_value(&mut rng, &sig.result)));
                Case {
                    index,
                    sig,
                    args,
                    inv_buffers,
                    fast_buffers,
                    fast_ordinal,
                    literals,
                    answer,
                }
            })
            .collect();
        Plan { seed, cases, arena }
    }

    /// `(index, signature)` of every case, for [`cgen::cases_source`].
    pub fn signatures(&self) -> Vec<(usize, Signature)> {
        self.cases
            .iter()
            .map(|c| (c.index, c.sig.clone()))
            .collect()
    }

    /// The case's arguments with buffer addresses in the arena at `base`.
    pub fn with_arena(case: &Case, buffers: &[Option<usize>], base: u64) -> Vec<Value> {
        case.args
            .iter()
            .zip(buffers)
            .map(|(v, slot)| match (v, slot) {
                (Value::Buffer { head, .. }, Some(k)) => Value::Buffer {
                    addr: base + 8 * *k as u64,
                    head: *head,
                },
                (v, _) => v.clone(),
            })
            .collect()
    }

    /// Every check of every case, expected values computed by the Rust
    /// reference for an arena at `base` (the reads do not depend on it).
    pub fn expected(&self, base: u64) -> Vec<Check> {
        let mut out = Vec::new();
        for case in &self.cases {
            let i = case.index;
            let sig = &case.sig;
            // Invoker: C's checksum of the arguments and the derived result.
            let args = Plan::with_arena(case, &case.inv_buffers, base);
            let h = checksum::of_args(&args);
            push(&mut out, Part::Invoker, i, "h", Read::Checksum, h);
            let result = checksum::derive_result(&sig.result, h);
            result_checks(&mut out, Part::Invoker, i, &sig.result, result.as_ref());

            // Fast trampoline, V8's way, result returned directly.
            if let Some(bufs) = &case.fast_buffers {
                let args = Plan::with_arena(case, bufs, base);
                let h = checksum::of_args(&args);
                push(&mut out, Part::Fast, i, "h", Read::Checksum, h);
                push(&mut out, Part::Fast, i, "opt", Read::Options, 0);
                let v8 = v8_signature(sig, &FastResult::Direct).expect("no structs");
                let result = checksum::derive_result(&sig.result, h);
                result_checks(&mut out, Part::Fast, i, &v8.result, result.as_ref());
                // Out slot: the C result at its natural width, the rest of
                // the slot untouched (the driver reads the slot as `ret`).
                push(&mut out, Part::FastSlot, i, "h", Read::Checksum, h);
                push(&mut out, Part::FastSlot, i, "opt", Read::Options, 0);
                result_checks(&mut out, Part::FastSlot, i, &sig.result, result.as_ref());
            }

            // Thunk: what the dispatcher saw, what C saw it return.
            push(&mut out, Part::Thunk, i, "calls", Read::Calls, 1);
            for (k, (ty, lit)) in sig.params.iter().zip(&case.literals).enumerate() {
                match ty.as_struct() {
                    Some(s) => {
                        for ((off, leaf_ty), v) in s.flatten().iter().zip(scalar_leaves(lit)) {
                            let size = leaf_ty.size();
                            let read = Read::Seen { k, off: *off, size };
                            push(
                                &mut out,
                                Part::Thunk,
                                i,
                                &format!("a{k}@{off}"),
                                read,
                                mask(v, size),
                            );
                        }
                    }
                    None => {
                        // Integers are widened to the whole slot; an f32
                        // fills the low 4 bytes (the rest is unspecified).
                        let size = if *ty == NativeType::F32 { 4 } else { 8 };
                        let v = scalar_leaves(lit)[0];
                        push(
                            &mut out,
                            Part::Thunk,
                            i,
                            &format!("a{k}"),
                            Read::Slot { k, size },
                            mask(v, size),
                        );
                    }
                }
            }
            let h = checksum::of_result(case.answer.as_ref());
            push(&mut out, Part::Thunk, i, "h", Read::Checksum, h);
            result_checks(&mut out, Part::Thunk, i, &sig.result, case.answer.as_ref());
        }
        out
    }

    /// The stub requests of every case (names as in the module docs).
    pub fn requests(&self) -> Vec<OwnedRequest> {
        let mut out = Vec::new();
        for case in &self.cases {
            let i = case.index;
            let target = CodeRef::Symbol(format!("hc_rs_{i}"));
            out.push(OwnedRequest {
                name: format!("hc_inv_{i}"),
                sig: case.sig.clone(),
                kind: StubKind::Invoker,
            });
            if let Some(k) = case.fast_ordinal {
                out.push(OwnedRequest {
                    name: format!("hc_fast_{i}"),
                    sig: case.sig.clone(),
                    kind: StubKind::Fast {
                        target: target.clone(),
                        result: FastResult::Direct,
                    },
                });
                out.push(OwnedRequest {
                    name: format!("hc_fastslot_{i}"),
                    sig: case.sig.clone(),
                    kind: StubKind::Fast {
                        target,
                        result: FastResult::OutSlot(out_slot(k)),
                    },
                });
            }
            out.push(OwnedRequest {
                name: format!("hc_thunk_{i}"),
                sig: case.sig.clone(),
                kind: StubKind::Thunk {
                    dispatcher: CodeRef::Symbol("hc_dispatch".into()),
                    ctx: CodeRef::Symbol(format!("hc_ctx_{i}")),
                },
            });
            out.push(OwnedRequest {
                name: format!("hc_callinv_{i}"),
                sig: Signature::new(vec![NativeType::Function], case.sig.result.clone()),
                kind: StubKind::Invoker,
            });
        }
        out
    }
}

/// The address of out slot `k` (see [`OUT_SLOTS`]).
pub fn out_slot(k: usize) -> u64 {
    OUT_SLOTS + 8 * k as u64
}

/// A [`StubRequest`] that owns its name and signature.
#[derive(Clone, Debug)]
pub struct OwnedRequest {
    pub name: String,
    pub sig: Signature,
    pub kind: StubKind,
}

impl OwnedRequest {
    pub fn borrow(&self) -> StubRequest<'_> {
        StubRequest {
            name: &self.name,
            sig: &self.sig,
            kind: self.kind.clone(),
        }
    }
}

fn push(out: &mut Vec<Check>, part: Part, index: usize, label: &str, read: Read, expect: u64) {
    out.push(Check {
        part,
        index,
        label: label.to_owned(),
        read,
        expect,
    });
}

fn mask(v: u64, size: usize) -> u64 {
    if size >= 8 {
        v
    } else {
        v & ((1u64 << (size * 8)) - 1)
    }
}

fn scalar_leaves(value: &Value) -> Vec<u64> {
    match value {
        Value::Scalar(v) => vec![*v],
        Value::Buffer { addr, .. } => vec![*addr],
        Value::Struct(fields) => fields.iter().flat_map(scalar_leaves).collect(),
    }
}

/// The result buffer checks: a struct leaf by leaf at natural width (never
/// padding); a scalar (of the caller's type `ty`) as the whole first word,
/// so bytes written past its width show (an invoker's at its width: it
/// stores the whole register); void as the untouched first word.
fn result_checks(
    out: &mut Vec<Check>,
    part: Part,
    i: usize,
    ty: &NativeType,
    value: Option<&Value>,
) {
    match (ty.as_struct(), value) {
        (Some(s), Some(v)) => {
            for ((off, leaf_ty), leaf) in s.flatten().iter().zip(scalar_leaves(v)) {
                let size = leaf_ty.size();
                push(
                    out,
                    part,
                    i,
                    &format!("r@{off}"),
                    Read::Ret { off: *off, size },
                    mask(leaf, size),
                );
            }
        }
        // Only the type's width of an invoker's stored register is its value.
        (None, Some(v)) if part.result_by_invoker() => {
            let size = ty.size();
            let value = mask(scalar_leaves(v)[0], size);
            push(out, part, i, "r", Read::Ret { off: 0, size }, value);
        }
        (None, Some(v)) => {
            let word = with_junk_above(scalar_leaves(v)[0], ty.size());
            push(out, part, i, "r", Read::Ret { off: 0, size: 8 }, word);
        }
        (_, None) => {
            let junk = u64::from_ne_bytes([JUNK; 8]);
            push(out, part, i, "r", Read::Ret { off: 0, size: 8 }, junk);
        }
    }
}

/// Size of a case's result buffer, in 8-byte words.
pub fn result_words(result: &NativeType) -> usize {
    result_buffer_size(result) / 8
}

/// The stubs object for `target`: the target's own format, except Apple
/// arm64, emitted as ELF to be linked on aarch64 Linux.
pub fn stubs_object(target: CrossTarget, plan: &Plan) -> Result<Vec<u8>, String> {
    let t = Target::parse(target.triple()).map_err(|e| e.to_string())?;
    let owned = plan.requests();
    let requests: Vec<StubRequest> = owned.iter().map(OwnedRequest::borrow).collect();
    let obj = match target {
        CrossTarget::AppleArm64 => emit_object_as(&t, BinaryFormat::Elf, &requests),
        _ => emit_object(&t, &requests),
    };
    obj.map_err(|e| format!("{}: {e}", target.triple()))
}

/// What a run printed, by key, plus the parts it crashed in.
#[derive(Debug, Default)]
pub struct Output {
    pub base: u64,
    pub lines: BTreeMap<String, u64>,
    /// `(part key, how the process ended)` of every part that did not
    /// finish (the driver is rerun without them).
    pub crashed: Vec<(String, String)>,
}

/// The result of comparing a run with the reference.
#[derive(Debug, Default)]
pub struct Comparison {
    /// Cases of each part whose every line matched.
    pub agree: BTreeMap<Part, usize>,
    /// Cases of each part.
    pub total: BTreeMap<Part, usize>,
    /// One message per mismatching line or crashed part.
    pub failures: Vec<String>,
}

/// Compares `output` with the expectations of `plan`.
pub fn compare(plan: &Plan, output: &Output) -> Comparison {
    let mut cmp = Comparison::default();
    let mut bad: BTreeMap<(Part, usize), ()> = BTreeMap::new();
    let mut seen_cases: BTreeMap<(Part, usize), ()> = BTreeMap::new();
    let sig_of = |i: usize| plan.cases[i].sig.to_string();
    for check in plan.expected(output.base) {
        seen_cases.insert((check.part, check.index), ());
        let key = check.key();
        let got = output.lines.get(&key);
        if got != Some(&check.expect) {
            bad.insert((check.part, check.index), ());
            let got = got.map_or("nothing".to_owned(), |g| format!("{g:#018x}"));
            cmp.failures.push(format!(
                "seed {:#x} index {} [{key}] {}: got {got}, expected {:#018x}",
                plan.seed,
                check.index,
                sig_of(check.index),
                check.expect
            ));
        }
    }
    for (part, why) in &output.crashed {
        cmp.failures
            .push(format!("seed {:#x} part {part}: {why}", plan.seed));
    }
    for (part, i) in seen_cases.keys() {
        *cmp.total.entry(*part).or_default() += 1;
        if !bad.contains_key(&(*part, *i)) {
            *cmp.agree.entry(*part).or_default() += 1;
        }
    }
    cmp
}

impl Comparison {
    /// `<triple>: N invoker, N fast, N fast out-slot, N thunk cases agree
    /// with C` (plus the totals when some did not).
    pub fn summary(&self, triple: &str) -> String {
        let get = |m: &BTreeMap<Part, usize>, p| m.get(&p).copied().unwrap_or(0);
        let mut s = format!(
            "{triple}: {} invoker, {} fast, {} fast out-slot, {} thunk cases agree with C",
            get(&self.agree, Part::Invoker),
            get(&self.agree, Part::Fast),
            get(&self.agree, Part::FastSlot),
            get(&self.agree, Part::Thunk)
        );
        if !self.failures.is_empty() {
            let _ = write!(
                s,
                " (of {}, {}, {}, {}; {} failing lines)",
                get(&self.total, Part::Invoker),
                get(&self.total, Part::Fast),
                get(&self.total, Part::FastSlot),
                get(&self.total, Part::Thunk),
                self.failures.len()
            );
        }
        s
    }
}

/// Where the C headers live (`jit-tests/c`).
pub fn c_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("c")
}

fn run_tool(cmd: &mut Command) -> Result<std::process::Output, String> {
    let shown = format!("{cmd:?}");
    let out = cmd.output().map_err(|e| format!("{shown}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{shown} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(out)
}

/// Compiles and statically links `inputs` into `exe` with `compiler`.
fn link_static(
    compiler: &str,
    flags: &[&str],
    include: &str,
    exe: &Path,
    inputs: &[&Path],
) -> Result<(), String> {
    run_tool(
        Command::new(compiler)
            .args(flags)
            .arg(include)
            .arg("-static")
            .arg("-o")
            .arg(exe)
            .args(inputs),
    )
    .map(drop)
}

/// Builds the driver, the corpus C and the stubs for `target` in `dir` and
/// returns the command that runs the program.
pub fn build(target: CrossTarget, plan: &Plan, dir: &Path) -> Result<Command, String> {
    let corpus_c = dir.join("corpus.c");
    let driver_c = dir.join("driver.c");
    let write = |p: &Path, data: &[u8]| std::fs::write(p, data).map_err(|e| format!("{p:?}: {e}"));
    write(
        &corpus_c,
        cgen::cases_source(plan.seed, &plan.signatures()).as_bytes(),
    )?;
    write(&driver_c, driver::source(plan).as_bytes())?;
    let stubs = dir.join(match target {
        CrossTarget::Win64 => "stubs.obj",
        _ => "stubs.o",
    });
    write(&stubs, &stubs_object(target, plan)?)?;
    let include = format!("-I{}", c_dir().display());
    let common = ["-std=c11", "-O1", "-DHC_NO_TLS", "-w"];
    match target {
        CrossTarget::Aarch64Linux => {
            let exe = dir.join("driver");
            link_static(
                "aarch64-linux-gnu-gcc",
                &common,
                &include,
                &exe,
                &[&driver_c, &corpus_c, &stubs],
            )?;
            let mut cmd = Command::new("qemu-aarch64");
            cmd.arg("-L").arg(AARCH64_SYSROOT).arg(exe);
            Ok(cmd)
        }
        CrossTarget::Win64 => {
            let exe = dir.join("driver.exe");
            link_static(
                "x86_64-w64-mingw32-gcc",
                &common,
                &include,
                &exe,
                &[&driver_c, &corpus_c, &stubs],
            )?;
            let prefix = dir.join("wineprefix");
            std::fs::create_dir_all(&prefix).map_err(|e| format!("{prefix:?}: {e}"))?;
            let mut cmd = Command::new(WINE64);
            cmd.env("WINEDEBUG", "-all")
                .env("WINEPREFIX", &prefix)
                .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
                .env_remove("DISPLAY")
                .arg(exe);
            Ok(cmd)
        }
        CrossTarget::AppleArm64 => {
            // Apple-ABI code: clang for macOS, as assembly, converted to ELF.
            let apple_s = dir.join("corpus_apple.s");
            run_tool(
                Command::new("clang-19")
                    .args([
                        "--target=arm64-apple-macos11",
                        "-ffreestanding",
                        "-DHC_FREESTANDING",
                        "-S",
                    ])
                    // Generic vector syntax (`movi v0.2d`, not Apple's `movi.2d`).
                    .args(["-mllvm", "-aarch64-neon-syntax=generic"])
                    .args(common)
                    .arg(&include)
                    .arg("-o")
                    .arg(&apple_s)
                    .arg(&corpus_c),
            )?;
            let text =
                std::fs::read_to_string(&apple_s).map_err(|e| format!("{apple_s:?}: {e}"))?;
            let elf_s = dir.join("corpus_elf.s");
            write(&elf_s, apple_asm::apple_asm_to_elf(&text).as_bytes())?;
            let corpus_o = dir.join("corpus.o");
            run_tool(
                Command::new("aarch64-linux-gnu-as")
                    .arg("-o")
                    .arg(&corpus_o)
                    .arg(&elf_s),
            )?;
            let exe = dir.join("driver");
            link_static(
                "aarch64-linux-gnu-gcc",
                &common,
                &include,
                &exe,
                &[&driver_c, &corpus_o, &stubs],
            )?;
            let mut cmd = Command::new("qemu-aarch64");
            cmd.arg("-L").arg(AARCH64_SYSROOT).arg(exe);
            Ok(cmd)
        }
    }
}

/// Runs the driver; if it dies inside a part, records the part and runs
/// again without it (at most `max_crashes` times).
pub fn run(mut make_cmd: impl FnMut() -> Command, max_crashes: usize) -> Result<Output, String> {
    let mut output = Output::default();
    let mut skipped: Vec<String> = Vec::new();
    loop {
        let mut cmd = make_cmd();
        cmd.args(&skipped);
        let shown = format!("{cmd:?}");
        let out = cmd.output().map_err(|e| format!("{shown}: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut current: Option<String> = None;
        let mut ended = false;
        for line in stdout.lines().map(str::trim) {
            let mut words = line.split_whitespace();
            match (words.next(), words.next(), words.next()) {
                (Some("base"), Some(v), None) => {
                    output.base = u64::from_str_radix(v, 16).map_err(|e| format!("{line}: {e}"))?
                }
                (Some("begin"), Some(part), None) => current = Some(part.to_owned()),
                (Some("done"), Some(_), None) => current = None,
                (Some("end"), None, None) => ended = true,
                // A check line; anything else (wine reports crashes on
                // stdout) is not.
                (Some(case), Some(label), Some(v)) if words.next().is_none() && v.len() == 16 => {
                    if let Ok(v) = u64::from_str_radix(v, 16) {
                        output.lines.insert(format!("{case} {label}"), v);
                    }
                }
                _ => {}
            }
        }
        if ended && out.status.success() {
            return Ok(output);
        }
        let why = format!(
            "driver died ({}); stderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
        match current {
            Some(part) if output.crashed.len() < max_crashes && !skipped.contains(&part) => {
                output.crashed.push((part.clone(), why));
                skipped.push(part);
            }
            Some(part) => {
                output.crashed.push((part, why));
                return Ok(output);
            }
            None => return Err(format!("{shown}: {why}\nstdout tail: {}", tail(&stdout))),
        }
    }
}

fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(5)..].join("\n")
}

/// A fresh directory under the system temp dir for one target's build.
pub fn temp_dir(target: CrossTarget) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "hotcall-cross-{}-{}",
        target.triple(),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Builds, runs and compares one target: the whole test of one target.
pub fn check_target(target: CrossTarget, seed: u64) -> Result<Comparison, String> {
    let plan = Plan::new(seed);
    let dir = temp_dir(target);
    let cmd = build(target, &plan, &dir)?;
    let (program, args, envs) = (
        cmd.get_program().to_owned(),
        cmd.get_args().map(|a| a.to_owned()).collect::<Vec<_>>(),
        cmd.get_envs()
            .map(|(k, v)| (k.to_owned(), v.map(|v| v.to_owned())))
            .collect::<Vec<_>>(),
    );
    let output = run(
        || {
            let mut c = Command::new(&program);
            c.args(&args);
            for (k, v) in &envs {
                match v {
                    Some(v) => c.env(k, v),
                    None => c.env_remove(k),
                };
            }
            c
        },
        8,
    );
    // A wine prefix is some 700 MB: never keep it, even after a failure.
    let _ = std::fs::remove_dir_all(dir.join("wineprefix"));
    let cmp = compare(&plan, &output?);
    if cmp.failures.is_empty() && std::env::var_os("HOTCALL_KEEP_CROSS").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(cmp)
}
