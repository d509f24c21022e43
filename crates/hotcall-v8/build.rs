//! Builds the C fixture library the `ffi` integration test dlopens.

use std::path::PathBuf;

fn main() {
    let src = "tests/fixture/fixture.c";
    println!("cargo:rerun-if-changed={src}");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let lib = out.join("libhotcall_v8_fixture.so");
    let compiler = cc::Build::new().opt_level(1).get_compiler();
    let status = compiler
        .to_command()
        .args(["-shared", "-fPIC", "-o"])
        .arg(&lib)
        .arg(src)
        .status()
        .expect("run the C compiler");
    assert!(status.success(), "compiling {src} failed");
    println!("cargo:rustc-env=HOTCALL_V8_FIXTURE={}", lib.display());
}
