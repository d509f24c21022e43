//! The stubs of the targets this machine is not, executed against C
//! compiled for them (see `src/cross/`): aarch64 Linux under qemu, x86_64
//! Windows under wine, Apple arm64 under qemu (Apple-ABI C from clang for
//! macOS, converted to ELF). Every expected line comes from the Rust
//! reference checksum. A missing toolchain skips its test loudly; CI
//! (`.ci/run`) installs them all.

use hotcall_jit_tests::cross::{self, CrossTarget};
use hotcall_jit_tests::ffi;

fn check(target: CrossTarget) {
    if let Some(tool) = target.missing_tool() {
        eprintln!(
            "\n!!!!!!!! SKIPPED: {tool} not installed: the {} stubs were NOT executed !!!!!!!!\n",
            target.triple()
        );
        return;
    }
    let tail = cross::Plan::new(ffi::seed()).tail_jumps(target);
    assert!(
        tail > 0,
        "{}: no fast trampoline is a tail jump",
        target.triple()
    );
    eprintln!(
        "{}: {tail} of the fast trampolines are tail jumps",
        target.triple()
    );
    let cmp = cross::check_target(target, ffi::seed())
        .unwrap_or_else(|e| panic!("{}: build or run failed:\n{e}", target.triple()));
    let summary = cmp.summary(target.triple());
    eprintln!("{summary}");
    assert!(
        cmp.failures.is_empty(),
        "{summary}\n{} mismatches (first 40):\n{}",
        cmp.failures.len(),
        cmp.failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // Every case of every part ran and agreed.
    assert_eq!(cmp.agree, cmp.total, "{summary}");
    assert!(
        cmp.total.values().all(|&n| n > 0),
        "{summary}: a part ran no case"
    );
}

#[test]
fn aarch64_linux_stubs_agree_with_gcc_under_qemu() {
    check(CrossTarget::Aarch64Linux);
}

#[test]
fn x86_64_windows_stubs_agree_with_mingw_under_wine() {
    check(CrossTarget::Win64);
}

#[test]
fn aarch64_apple_stubs_agree_with_clang_under_qemu() {
    check(CrossTarget::AppleArm64);
}
