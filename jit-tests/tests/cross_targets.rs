//! The stubs of the targets this machine is not, executed against C
//! compiled for them (see `src/cross/`): aarch64 Linux under qemu, x86_64
//! Windows under wine, Apple arm64 under qemu (Apple-ABI C from clang for
//! macOS, converted to ELF). Every expected line comes from the Rust
//! reference checksum. Without a target's toolchain, `build.rs` marks its
//! test ignored (the test summary counts it, with the reason); when `CI` is
//! set nothing is ignored and a missing tool fails the test (`.ci/run`
//! installs them all and exports `CI=1`).

use hotcall_jit_tests::cross::{self, CrossTarget};
use hotcall_jit_tests::ffi;

fn check(target: CrossTarget) {
    if let Some(tool) = target.missing_tool() {
        // Only reached under CI, or if the tool went away after the build
        // (build.rs re-runs when /usr/bin changes).
        panic!(
            "{tool} not installed: the {} stubs cannot be executed (CI set: {}; .ci/run installs it)",
            target.triple(),
            cross::tools::in_ci()
        );
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
#[cfg_attr(
    hc_missing_aarch64_linux_tools,
    ignore = "aarch64-linux-gnu-gcc or qemu-aarch64 not installed: NOT executed"
)]
fn aarch64_linux_stubs_agree_with_gcc_under_qemu() {
    check(CrossTarget::Aarch64Linux);
}

#[test]
#[cfg_attr(
    hc_missing_win64_tools,
    ignore = "x86_64-w64-mingw32-gcc or wine64 not installed: NOT executed"
)]
fn x86_64_windows_stubs_agree_with_mingw_under_wine() {
    check(CrossTarget::Win64);
}

#[test]
#[cfg_attr(
    hc_missing_apple_arm64_tools,
    ignore = "clang-19, aarch64-linux-gnu binutils/gcc or qemu-aarch64 not installed: NOT executed"
)]
fn aarch64_apple_stubs_agree_with_clang_under_qemu() {
    check(CrossTarget::AppleArm64);
}
