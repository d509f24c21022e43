//! The seed's example programs (`examples/`), run unchanged from their own
//! directories through the real binary, print what the seed says they print.
//! `build.rs` builds each example's C library next to its script.

use std::path::Path;
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
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
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
