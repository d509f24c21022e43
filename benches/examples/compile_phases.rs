//! Where the time of `Jit::fast_trampolines` goes: the same steps as
//! `Jit::compile`, timed one by one (median over many runs) for 1 and for
//! 25 symbols.
//!
//! The same is then repeated with the host ISA rebuilt with hotcall's
//! flags plus `regalloc_algorithm=single_pass`, to see what the register
//! allocator costs.
//!
//! Run: `cargo run --release -p hotcall-benches --example compile_phases`

use std::time::{Duration, Instant};

use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{default_libcall_names, Linkage};
use hotcall_abi::Signature;
use hotcall_benches::{addr, bench_nop, library_mix, sig_add_u32};
use hotcall_jit::generate::{define_stub, Contexts, StubKind, StubRequest};
use hotcall_jit::{CodeRef, FastResult, Target};

const RUNS: usize = 2000;

#[derive(Default)]
struct Phases {
    new_module: Vec<Duration>,
    define: Vec<Duration>,
    finalize: Vec<Duration>,
    free: Vec<Duration>,
    total: Vec<Duration>,
}

fn median(v: &mut [Duration]) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1e6
}

fn run(
    target: &Target,
    isa: &OwnedTargetIsa,
    cx: &mut Contexts,
    sigs: &[Signature],
    phases: &mut Phases,
) {
    let f = CodeRef::Address(addr(bench_nop as *const ()) as u64);
    let t0 = Instant::now();
    let mut module = JITModule::new(JITBuilder::with_isa(isa.clone(), default_libcall_names()));
    let t1 = Instant::now();
    let mut ids = Vec::with_capacity(sigs.len());
    for (i, sig) in sigs.iter().enumerate() {
        let name = format!("stub{i}");
        let kind = StubKind::Fast {
            target: f.clone(),
            result: FastResult::Direct,
        };
        let req = StubRequest {
            name: &name,
            sig,
            kind,
        };
        ids.push(define_stub(&mut module, target.flavor(), cx, &req, Linkage::Local).unwrap());
    }
    let t2 = Instant::now();
    module.finalize_definitions().unwrap();
    let pointers: Vec<*const u8> = ids
        .iter()
        .map(|&id| module.get_finalized_function(id))
        .collect();
    let t3 = Instant::now();
    std::hint::black_box(&pointers);
    // SAFETY: no stub of this module was called or handed out.
    unsafe { module.free_memory() };
    let t4 = Instant::now();
    phases.new_module.push(t1 - t0);
    phases.define.push(t2 - t1);
    phases.finalize.push(t3 - t2);
    phases.free.push(t4 - t3);
    phases.total.push(t3 - t0);
}

/// The host ISA with the flags of `hotcall_jit::Target::from_triple`, and
/// the register allocator chosen by `regalloc`.
fn host_isa(target: &Target, regalloc: &str) -> OwnedTargetIsa {
    let mut flags = settings::builder();
    for (name, value) in [
        ("opt_level", "none"),
        ("enable_verifier", "false"),
        ("is_pic", "false"),
        ("unwind_info", "false"),
        ("preserve_frame_pointers", "true"),
        ("regalloc_algorithm", regalloc),
    ] {
        flags.set(name, value).unwrap();
    }
    cranelift_codegen::isa::lookup(target.triple().clone())
        .unwrap()
        .finish(settings::Flags::new(flags))
        .unwrap()
}

fn main() {
    let t = Instant::now();
    let target = Target::host().unwrap();
    println!(
        "Target::host() (ISA construction, once per Jit): {:.1} µs",
        t.elapsed().as_secs_f64() * 1e6
    );
    let mut cx = Contexts::default();
    let cases = [
        ("1 symbol", vec![sig_add_u32()]),
        ("25 symbols", library_mix()),
    ];
    let isas = [
        ("hotcall Target (backtracking)", target.isa().clone()),
        ("same flags + single_pass", host_isa(&target, "single_pass")),
    ];
    println!("median of {RUNS} runs, µs");
    println!("| ISA | batch | JITModule::new | define (IR + Cranelift compile + copy) | finalize | total | free_memory (not in total) |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    // The ISAs take turns run by run, so that noise from other processes
    // hits both alike.
    for (name, sigs) in &cases {
        let mut phases: Vec<Phases> = isas.iter().map(|_| Phases::default()).collect();
        for i in 0..RUNS + RUNS / 10 {
            for ((_, isa), p) in isas.iter().zip(&mut phases) {
                let mut warm_up = Phases::default();
                let p = if i < RUNS / 10 { &mut warm_up } else { p };
                run(&target, isa, &mut cx, sigs, p);
            }
        }
        for ((isa_name, _), p) in isas.iter().zip(&mut phases) {
            println!(
                "| {isa_name} | {name} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} |",
                median(&mut p.new_module),
                median(&mut p.define),
                median(&mut p.finalize),
                median(&mut p.total),
                median(&mut p.free)
            );
        }
    }
}
