//! Builds the C fixtures of the script tests: every
//! `tests/scripts/ffi_fixtures/*.c` is compiled into one shared library,
//! `$OUT_DIR/libhotcall_test_fixtures.{so,dylib}`, whose path the tests get
//! as `env!("HOTCALL_TEST_FIXTURES")` (and pass to each script as
//! `Deno.args[0]`).
//!
//! It also builds the C libraries of the seed examples in `examples/`
//! *next to their scripts* (`examples/add/libadd.so`, ...; git ignores
//! them), because the seed programs open them by a path relative to the
//! working directory (`./libadd.so`), exactly as they are written.
//!
//! The compiler is `$CC` or `cc`. Without a working C compiler (or on
//! Windows) the variable is empty and the binary still builds; only the
//! script tests that need the library fail.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let dir = Path::new("tests/scripts/ffi_fixtures");
    println!("cargo:rerun-if-changed={}", dir.display());
    println!("cargo:rerun-if-env-changed=CC");
    let mut sources: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "c"))
                .collect()
        })
        .unwrap_or_default();
    sources.sort();
    for s in &sources {
        println!("cargo:rerun-if-changed={}", s.display());
    }
    let path = match build(&sources) {
        Ok(path) => path.display().to_string(),
        Err(e) => {
            println!("cargo:warning=script test fixtures not built: {e}");
            String::new()
        }
    };
    println!("cargo:rustc-env=HOTCALL_TEST_FIXTURES={path}");
    build_examples();
}

/// The seed examples: C source and the library name its script opens.
const EXAMPLES: &[(&str, &str)] = &[
    ("add/add.c", "add/libadd"),
    ("nonblocking/sleep.c", "nonblocking/sleep"),
    ("callback/callback.c", "callback/callback"),
];

fn build_examples() {
    let Ok(suffix) = shared_suffix() else { return };
    let root = Path::new("../../examples");
    for (source, library) in EXAMPLES {
        let source = root.join(source);
        println!("cargo:rerun-if-changed={}", source.display());
        let out = root.join(format!("{library}.{suffix}"));
        // The seed's sleep.c has no return statement: no -Werror here.
        if let Err(e) = compile_shared(&[source], &out, &["-O1", "-w"]) {
            println!(
                "cargo:warning=example library {} not built: {e}",
                out.display()
            );
        }
    }
}

fn build(sources: &[PathBuf]) -> Result<PathBuf, String> {
    if sources.is_empty() {
        return Err("no tests/scripts/ffi_fixtures/*.c".into());
    }
    let name = format!("libhotcall_test_fixtures.{}", shared_suffix()?);
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?).join(name);
    let flags = [
        "-O1", "-g", "-std=c11", "-Wall", "-Wextra", "-Werror", "-pthread",
    ];
    compile_shared(sources, &out, &flags)?;
    Ok(out)
}

/// File suffix of shared libraries on the target OS.
fn shared_suffix() -> Result<&'static str, String> {
    match std::env::var("CARGO_CFG_TARGET_OS")
        .unwrap_or_default()
        .as_str()
    {
        "linux" => Ok("so"),
        "macos" => Ok("dylib"),
        other => Err(format!("unsupported target OS {other}")),
    }
}

/// Compiles `sources` into the shared library `out` with `$CC` or `cc`.
fn compile_shared(sources: &[PathBuf], out: &Path, flags: &[&str]) -> Result<(), String> {
    let shared = if shared_suffix()? == "dylib" {
        "-dynamiclib"
    } else {
        "-shared"
    };
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(&cc)
        .args([shared, "-fPIC"])
        .args(flags)
        .args(sources)
        .arg("-o")
        .arg(out)
        .status()
        .map_err(|e| format!("cannot run {cc}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cc} failed ({status})"))
    }
}
