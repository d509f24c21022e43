//! Builds the C fixtures (`c/fixtures.c`) and the generated random corpus
//! (`$OUT_DIR/corpus.c`) into one static library.

use std::path::PathBuf;

#[path = "src/cgen.rs"]
mod cgen;
#[path = "src/corpus.rs"]
#[allow(dead_code)]
mod corpus;

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
