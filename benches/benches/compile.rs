//! Stub compile time from an existing `Jit` (the host ISA is built once in
//! `Jit::new`, outside the measurement; `jit_new` times that separately).
//! The trampolines are compiled but never called, so every one targets
//! `bench_nop`'s address.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use hotcall_benches::{addr, bench_nop, library_mix, sig_add_u32};
use hotcall_jit::{FastResult, Jit};

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50)
}

fn bench_compile(c: &mut Criterion) {
    let mut jit = Jit::new().unwrap();
    let target = addr(bench_nop as *const ());
    let one = sig_add_u32();
    let mix = library_mix();
    assert_eq!(mix.len(), 25);
    let one_item = [(&one, target, FastResult::Direct)];
    let mix_items: Vec<_> = mix
        .iter()
        .map(|s| (s, target, FastResult::Direct))
        .collect();

    let mut g = c.benchmark_group("compile");
    // Cold: a fresh `Jit` per iteration (built in the untimed setup), so
    // every shape is compiled by Cranelift. The StubSet (its JITModule and
    // pages) is dropped outside the timed region: freeing a library's stubs
    // is not part of compiling them.
    g.bench_function("fast_1_symbol", |b| {
        b.iter_batched(
            || Jit::new().unwrap(),
            |mut jit| (jit.fast_trampolines(black_box(&one_item)).unwrap(), jit),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("fast_25_symbols", |b| {
        b.iter_batched(
            || Jit::new().unwrap(),
            |mut jit| (jit.fast_trampolines(black_box(&mix_items)).unwrap(), jit),
            BatchSize::SmallInput,
        )
    });
    // The same cold batch with every trampoline compiled by Cranelift, as
    // before tail jumps (`Jit::set_tail_jumps(false)`).
    g.bench_function("fast_25_symbols_no_tail_jumps", |b| {
        b.iter_batched(
            || {
                let mut jit = Jit::new().unwrap();
                jit.set_tail_jumps(false);
                jit
            },
            |mut jit| (jit.fast_trampolines(black_box(&mix_items)).unwrap(), jit),
            BatchSize::SmallInput,
        )
    });
    // Warm: the same `Jit` has compiled these shapes before (a second
    // library with the same signatures, or repeated signatures within one):
    // every trampoline is instantiated from its template.
    jit.fast_trampolines(&mix_items).unwrap();
    g.bench_function("fast_1_symbol_known_shape", |b| {
        b.iter_with_large_drop(|| jit.fast_trampolines(black_box(&one_item)).unwrap())
    });
    g.bench_function("fast_25_symbols_known_shapes", |b| {
        b.iter_with_large_drop(|| jit.fast_trampolines(black_box(&mix_items)).unwrap())
    });
    // For reference: what a library load would pay if it built its own ISA.
    g.bench_function("jit_new", |b| {
        b.iter_with_large_drop(|| Jit::new().unwrap())
    });
    g.finish();
}

criterion_group! {
    name = compile;
    config = config();
    targets = bench_compile
}
criterion_main!(compile);
