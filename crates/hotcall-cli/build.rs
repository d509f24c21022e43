//! Builds the C fixtures of the script tests: every
//! `tests/scripts/ffi_fixtures/*.c` is compiled into one shared library,
//! `$OUT_DIR/libhotcall_test_fixtures.{so,dylib}`, whose path the tests get
//! as `env!("HOTCALL_TEST_FIXTURES")` (and pass to each script as
//! `Deno.args[0]`).
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
}

fn build(sources: &[PathBuf]) -> Result<PathBuf, String> {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let (name, shared) = match os.as_str() {
        "linux" => ("libhotcall_test_fixtures.so", "-shared"),
        "macos" => ("libhotcall_test_fixtures.dylib", "-dynamiclib"),
        other => return Err(format!("unsupported target OS {other}")),
    };
    if sources.is_empty() {
        return Err("no tests/scripts/ffi_fixtures/*.c".into());
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?).join(name);
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(&cc)
        .args([
            shared, "-fPIC", "-O1", "-g", "-std=c11", "-Wall", "-Wextra", "-Werror", "-pthread",
        ])
        .args(sources)
        .arg("-o")
        .arg(&out)
        .status()
        .map_err(|e| format!("cannot run {cc}: {e}"))?;
    if !status.success() {
        return Err(format!("{cc} failed ({status})"));
    }
    Ok(out)
}
