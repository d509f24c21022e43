//! The programs each cross target needs, and whether this run must have
//! them. Shared with `build.rs`, which marks the test of a target whose
//! tools are missing as ignored (so a local `cargo test` summary counts it),
//! except under CI, where a missing tool fails the test.

use std::path::Path;

/// Where Debian's wine64 package puts the 64-bit loader.
pub const WINE64: &str = "/usr/lib/wine/wine64";

/// The programs the build and the run of aarch64 Linux stubs need.
pub const AARCH64_LINUX_TOOLS: &[&str] = &["aarch64-linux-gnu-gcc", "qemu-aarch64"];
/// ... of x86_64 Windows stubs.
pub const WIN64_TOOLS: &[&str] = &["x86_64-w64-mingw32-gcc", WINE64];
/// ... of Apple arm64 stubs.
pub const APPLE_ARM64_TOOLS: &[&str] = &[
    "clang-19",
    "aarch64-linux-gnu-as",
    "aarch64-linux-gnu-gcc",
    "qemu-aarch64",
];

/// `(cfg name build.rs sets when the tools are missing, tools)` per target.
pub const TARGET_TOOLS: &[(&str, &[&str])] = &[
    ("hc_missing_aarch64_linux_tools", AARCH64_LINUX_TOOLS),
    ("hc_missing_win64_tools", WIN64_TOOLS),
    ("hc_missing_apple_arm64_tools", APPLE_ARM64_TOOLS),
];

/// An absolute path that is a file, or a name found on `PATH`.
pub fn tool_exists(tool: &str) -> bool {
    if tool.contains('/') {
        return Path::new(tool).is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(tool).is_file()))
}

/// The first of `tools` that is missing.
pub fn first_missing(tools: &[&'static str]) -> Option<&'static str> {
    tools.iter().copied().find(|t| !tool_exists(t))
}

/// True when `CI` is set (to anything but empty, `0` or `false`): every
/// cross target must then run.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}
