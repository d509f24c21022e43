//! Compiles the C functions the benchmarks call.

fn main() {
    println!("cargo:rerun-if-changed=c/bench_fns.c");
    cc::Build::new()
        .file("c/bench_fns.c")
        .opt_level(2)
        .warnings(true)
        .compile("hotcall_bench_fns");
}
