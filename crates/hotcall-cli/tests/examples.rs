//! The seed's example programs (`examples/`), run unchanged from their own
//! directories through the real binary, print what the seed says they print.
//! `build.rs` builds each example's C library next to its script.

use std::path::{Path, PathBuf};
use std::process::Command;

fn run_example(dir: &str, script: &str) -> (String, String, Option<i32>) {
    let cwd = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(dir);
    let out = Command::new(env!("CARGO_BIN_EXE_hotcall"))
        .args(["run", "--allow-ffi", "--unstable", script])
        .current_dir(&cwd)
        .output()
        .expect("run hotcall");
    outcome(&out)
}

#[test]
fn add_example_prints_the_sum() {
    let (stdout, stderr, code) = run_example("add", "ffi.ts");
    assert_eq!(
        stdout, "Result from external addition of 35 and 34: 69\n",
        "stderr: {stderr}"
    );
    assert_eq!(code, Some(0));
}

#[test]
fn nonblocking_example_prints_before_then_after() {
    let (stdout, stderr, code) = run_example("nonblocking", "nonblocking_ffi.ts");
    assert_eq!(stdout, "Before\nAfter\n", "stderr: {stderr}");
    assert_eq!(code, Some(0));
}

#[test]
fn callback_example_runs_the_callback_from_check_status() {
    let (stdout, stderr, code) = run_example("callback", "callback_ffi.ts");
    assert_eq!(
        stdout, "Operation finished, success: 1\n",
        "stderr: {stderr}"
    );
    assert_eq!(code, Some(0));
}

// ---- hotcall bindgen -------------------------------------------------------

/// The target directory of the nested `cargo build`s that `hotcall bindgen`
/// runs: not the outer build's, whose lock the running `cargo test` holds.
fn bindgen_target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target/tmp has a parent")
        .join("bindgen-tests")
}

fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Runs `hotcall ARGS` in `dir`, nested cargo builds going to
/// [`bindgen_target_dir`].
fn hotcall_in(dir: &Path, args: &[&str]) -> (String, String, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_hotcall"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", bindgen_target_dir())
        .env("CARGO", cargo())
        .output()
        .expect("run hotcall");
    outcome(&out)
}

/// Runs `hotcall bindgen` in the crate `dir`; returns the bindings it wrote.
fn generate_bindings(dir: &Path) -> String {
    let (_, stderr, code) = hotcall_in(dir, &["bindgen"]);
    assert_eq!(code, Some(0), "hotcall bindgen failed: {stderr}");
    std::fs::read_to_string(dir.join("bindings/bindings.ts")).unwrap()
}

/// The seed's bindgen example: `hotcall bindgen` builds `examples/bindgen`
/// and writes `bindings/bindings.ts`, then `mul({ a: 10, b: 2 })` is 20.
#[test]
fn bindgen_mul_example_prints_20() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/bindgen");
    insta::assert_snapshot!("bindgen_mul_bindings", generate_bindings(&dir));
    let (stdout, stderr, code) = hotcall_in(&dir, &["run", "--allow-ffi", "mul.ts"]);
    assert_eq!(stdout, "20\n", "stderr: {stderr}");
    assert_eq!(code, Some(0));
}

/// Every supported type both ways, nested structs, strings and byte slices
/// (non-ASCII, empty), nonblocking calls, callbacks, a missing library and
/// bindings stale against a library whose signature changed
/// (`tests/bindgen_fixture`: `all_types.ts` checks each value against one
/// written by hand; `all_types.out` lists every check).
#[test]
fn bindgen_fixture_every_type() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bindgen_fixture");
    insta::assert_snapshot!("bindgen_fixture_bindings", generate_bindings(&dir));

    // The same crate with `add_i32` returning i64, built where `hotcall
    // bindgen` built it (the bindings use their own copy of the library).
    let status = Command::new(cargo())
        .args(["build", "--lib", "--features", "changed"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", bindgen_target_dir())
        .status()
        .expect("run cargo");
    assert!(status.success(), "cargo build --features changed failed");
    let changed = bindgen_target_dir().join("debug/libhotcall_bindgen_fixture.so");

    let (stdout, stderr, code) = hotcall_in(
        &dir,
        &[
            "run",
            "--allow-ffi",
            "all_types.ts",
            changed.to_str().unwrap(),
        ],
    );
    let failed: Vec<&str> = stdout.lines().filter(|l| !l.starts_with("ok ")).collect();
    assert!(
        failed.is_empty(),
        "failed checks:\n{}\nstderr: {stderr}",
        failed.join("\n")
    );
    let expected = std::fs::read_to_string(dir.join("all_types.out")).unwrap();
    assert_eq!(stdout, expected, "stderr: {stderr}");
    assert_eq!(code, Some(0), "stderr: {stderr}");
}

/// Outside a crate's directory (here: a directory inside the workspace,
/// where cargo alone would build the whole workspace), `hotcall bindgen`
/// fails with exit code 1, runs no build and writes nothing.
#[test]
fn bindgen_outside_a_crate_fails() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bindgen-no-crate");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (_, stderr, code) = hotcall_in(&dir, &["bindgen"]);
    assert_eq!(code, Some(1), "stderr: {stderr}");
    assert_eq!(
        stderr,
        format!(
            "hotcall bindgen: no Cargo.toml in {}: run `hotcall bindgen` in the directory of the crate\n",
            dir.display()
        )
    );
    assert!(!dir.join("bindings").exists());
}

/// (stdout, stderr, exit code) of a finished `hotcall`.
fn outcome(out: &std::process::Output) -> (String, String, Option<i32>) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}
