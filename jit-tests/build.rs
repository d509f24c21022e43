//! Builds the C fixtures (`c/fixtures.c`) and the generated random corpus
//! (`$OUT_DIR/corpus.c`) into one static library.

use std::path::PathBuf;

#[path = "src/cgen.rs"]
mod cgen;
#[path = "src/corpus.rs"]
#[allow(dead_code)]
mod corpus;
#[path = "src/cross/tools.rs"]
#[allow(dead_code)]
mod tools;

fn main() {
    for f in [
        "c/fixtures.c",
        "c/hc_common.h",
        "src/corpus.rs",
        "src/cgen.rs",
    ] {
        println!("cargo:rerun-if-changed={f}");
    }
    println!("cargo:rerun-if-env-changed=HOTCALL_CORPUS_SEED");
    mark_cross_targets_without_tools();
    let seed = corpus::seed_from_env(std::env::var("HOTCALL_CORPUS_SEED").ok().as_deref());
    println!("cargo:rustc-env=HC_CORPUS_SEED={seed}");

    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let corpus_c = out.join("corpus.c");
    std::fs::write(&corpus_c, cgen::corpus_source(seed)).expect("write corpus.c");

    cc::Build::new()
        .file("c/fixtures.c")
        .file(&corpus_c)
        .include("c")
        .std("c11")
        .warnings(true)
        .extra_warnings(true)
        .flag("-Werror")
        .compile("hotcall_fixtures");
}

/// Outside CI, a cross target whose tools are missing gets a cfg that marks
/// its test `#[ignore]`d, so the skip shows in the test summary ("1
/// ignored", with the reason) instead of passing. Under CI nothing is
/// ignored and the test fails on the missing tool.
fn mark_cross_targets_without_tools() {
    println!("cargo:rerun-if-env-changed=CI");
    println!("cargo:rerun-if-env-changed=PATH");
    let ci = tools::in_ci();
    let mut missing_any = false;
    for (cfg, needed) in tools::TARGET_TOOLS {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        if let Some(tool) = tools::first_missing(needed) {
            missing_any = true;
            if ci {
                println!("cargo:warning=CI is set and {tool} is missing: the cross-target test will fail");
            } else {
                println!("cargo:rustc-cfg={cfg}");
                println!("cargo:warning={tool} not installed: its cross-target test is ignored (NOT executed)");
            }
        }
    }
    if missing_any {
        // Installing a tool (Debian puts them all here) re-runs this script.
        println!("cargo:rerun-if-changed=/usr/bin");
        println!("cargo:rerun-if-changed=/usr/lib/wine");
    }
}
