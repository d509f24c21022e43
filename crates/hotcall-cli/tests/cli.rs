//! Runs the built `hotcall` binary end to end.

use std::path::PathBuf;
use std::process::{Command, Output};

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn hotcall(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hotcall"))
        .args(args)
        .output()
        .expect("running hotcall")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

fn headers(text: &str) -> Vec<&str> {
    text.lines().filter(|l| l.starts_with("== ")).collect()
}

/// Writes `json` to a fresh file under the test's scratch directory.
fn scratch_file(name: &str, json: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, json).expect("writing scratch declaration");
    path
}

#[test]
fn add_on_x86_64_linux() {
    let add = examples().join("add.json");
    let out = hotcall(&[
        "stubs",
        "--target",
        "x86_64-unknown-linux-gnu",
        add.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(
        headers(&text),
        [
            "== add: (i32, i32) -> i32 [fast trampoline] x86_64-unknown-linux-gnu",
            "== add: (i32, i32) -> i32 [invoker] x86_64-unknown-linux-gnu",
            "== add: (i32, i32) -> i32 [callback thunk] x86_64-unknown-linux-gnu",
        ]
    );
    // x86_64 machine code: the fast trampoline drops V8's receiver (%rdi)
    // by moving the two ints down one register each.
    assert!(text.contains("movq %rsi, %rdi"), "{text}");
    assert!(text.contains("retq"), "{text}");
    assert!(
        !text.contains("function u0:"),
        "CLIF printed without --clif:\n{text}"
    );
}

#[test]
fn add_on_apple_arm64_with_clif() {
    let add = examples().join("add.json");
    let out = hotcall(&[
        "stubs",
        "--target=aarch64-apple-darwin",
        "--kind",
        "fast",
        "--clif",
        add.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(
        headers(&text),
        ["== add: (i32, i32) -> i32 [fast trampoline] aarch64-apple-darwin"]
    );
    // The CLIF calls the C function with Apple's convention ...
    assert!(
        text.contains("-- clif\nfunction u0:0(i64, i32, i32, i64) -> i32 system_v"),
        "{text}"
    );
    assert!(text.contains("apple_aarch64"), "{text}");
    // ... and the VCode is arm64.
    assert!(text.contains("-- vcode\n"), "{text}");
    assert!(text.contains("mov x0, x1"), "{text}");
    assert!(text.contains("br x16"), "{text}");
}

#[test]
fn output_is_deterministic() {
    let add = examples().join("add.json");
    let args = [
        "stubs",
        "--target",
        "aarch64-unknown-linux-gnu",
        add.to_str().unwrap(),
    ];
    assert_eq!(stdout(&hotcall(&args)), stdout(&hotcall(&args)));
}

#[test]
fn every_type_with_skips_and_statics() {
    let types = examples().join("types.json");
    let out = hotcall(&[
        "stubs",
        "--target",
        "x86_64-pc-windows-msvc",
        types.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    let lines = headers(&text);
    assert!(lines.contains(
        &"== point_len: ({struct: [f64, f64]}) -> f64 [fast trampoline] x86_64-pc-windows-msvc: skipped, structs by value have no V8 fast-call form"
    ));
    assert!(lines.contains(
        &"== sort_with (symbol qsort_like): (buffer, usize, function) -> void [fast trampoline] x86_64-pc-windows-msvc: skipped, callback: true symbols always take the slow path"
    ));
    assert!(lines.contains(
        &"== slow_hash: (buffer, usize) -> u64 [fast trampoline] x86_64-pc-windows-msvc: skipped, nonblocking symbols run on a worker thread, not from a fast call"
    ));
    assert!(lines
        .contains(&"== point_len: ({struct: [f64, f64]}) -> f64 [invoker] x86_64-pc-windows-msvc"));
    assert!(lines.contains(
        &"== narrow: (u8, i8, u16, i16) -> i16 [fast trampoline] x86_64-pc-windows-msvc"
    ));
    assert_eq!(
        lines.last(),
        Some(&"== counter: static u32 (skipped: statics have no stubs)")
    );
}

#[test]
fn out_cell_results_are_shown_as_they_run() {
    // `hotcall run` sends 64-bit and pointer results through the symbol's
    // out cell (hotcall_v8::fast::ResultKind); `stubs` must print that
    // trampoline, not one returning the value to V8.
    let decl = scratch_file(
        "out_cell.json",
        r#"{"id": {"parameters": ["u64"], "result": "u64"}, "addr": {"parameters": [], "result": "pointer"}, "scale": {"parameters": ["f64"], "result": "f64"}}"#,
    );
    let out = hotcall(&[
        "stubs",
        "--target",
        "x86_64-unknown-linux-gnu",
        "--kind",
        "fast",
        "--clif",
        decl.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(
        headers(&text),
        [
            "== id: (u64) -> u64 [fast trampoline, result to the out cell] x86_64-unknown-linux-gnu",
            "== addr: () -> pointer [fast trampoline, result to the out cell] x86_64-unknown-linux-gnu",
            "== scale: (f64) -> f64 [fast trampoline] x86_64-unknown-linux-gnu",
        ]
    );
    // No return value for V8; the integer is stored after the call.
    assert!(
        text.contains("function u0:0(i64, i64, i64) system_v {"),
        "{text}"
    );
    assert!(text.contains("movq %rax, (%rsi)"), "{text}");
    // A double returns directly (a tail jump).
    assert!(
        text.contains("function u0:0(i64, f64, i64) -> f64 system_v"),
        "{text}"
    );
}

#[test]
fn invalid_declaration_names_the_symbol() {
    let bad = scratch_file(
        "invalid.json",
        r#"{"ok": {"parameters": [], "result": "void"}, "broken": {"parameters": ["i32", "i33"], "result": "void"}}"#,
    );
    let out = hotcall(&[
        "stubs",
        "--target",
        "x86_64-unknown-linux-gnu",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "hotcall: Invalid FFI declaration of symbol \"broken\", parameter 1: unknown type \"i33\"\n"
    );
    assert_eq!(
        stdout(&out),
        "",
        "nothing is printed for a rejected declaration"
    );
}

#[test]
fn not_json_and_missing_file_fail() {
    let bad = scratch_file("not-json.json", "{ add: ");
    let out = hotcall(&["stubs", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is not valid JSON"),
        "{}",
        stderr(&out)
    );

    let out = hotcall(&["stubs", "/nonexistent/hotcall/decl.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("hotcall: cannot read /nonexistent/hotcall/decl.json"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_command_lines_exit_2() {
    let add = examples().join("add.json");
    for args in [
        &["walk", add.to_str().unwrap()][..],
        &["run"],
        &["run", "--allow-ffi=", "x.js"],
        &["stubs"],
        &["stubs", "--kind", "slow", add.to_str().unwrap()],
    ] {
        let out = hotcall(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("hotcall --help"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn unsupported_target_fails() {
    let add = examples().join("add.json");
    let out = hotcall(&[
        "stubs",
        "--target",
        "riscv64gc-unknown-linux-gnu",
        add.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("unsupported target riscv64gc-unknown-linux-gnu"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn help_lists_the_commands() {
    let out = hotcall(&["--help"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("stubs"), "{text}");
    assert!(text.contains("run "), "{text}");
    let out = hotcall(&["run", "--help"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("--allow-ffi[=PATHS]"));
    let out = hotcall(&["stubs", "--help"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("--target TRIPLE"));
}

/// `--allow-ffi=DIR`: what is checked is what is loaded. A folder with an
/// allowed library, a symlink out of it, a look-alike sibling folder and a
/// `..` path; the script runs from inside the allowed folder.
#[test]
fn scoped_ffi_permission_cannot_be_bypassed() {
    let fixture = PathBuf::from(env!("HOTCALL_TEST_FIXTURES"));
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ffi-permission-scope");
    let _ = std::fs::remove_dir_all(&root);
    let allowed = root.join("allowed");
    for dir in ["allowed/sub", "outside", "allowed-evil"] {
        std::fs::create_dir_all(root.join(dir)).expect("scratch folders");
    }
    for dir in ["allowed", "outside", "allowed-evil"] {
        std::fs::copy(&fixture, root.join(dir).join("lib.so"))
            .expect("copying the fixture library");
    }
    std::os::unix::fs::symlink(root.join("outside/lib.so"), allowed.join("link-out.so"))
        .expect("symlink");
    let evil = root.join("allowed-evil/lib.so");
    let allowed_url = format!("file://{}", allowed.join("lib.so").display());
    let escaped_url = format!(
        "file://{}/sub/%2e%2e/%2E%2E/outside/lib.so",
        allowed.display()
    );
    let script = format!(
        r#"
const cases = [
  ["lib.so", "lib.so"],
  ["./lib.so", "./lib.so"],
  ["bare system name", "libc.so.6"],
  ["empty", ""],
  ["..", "sub/../../outside/lib.so"],
  ["symlink out", "link-out.so"],
  ["look-alike prefix", "../allowed-evil/lib.so"],
  ["look-alike absolute", {evil:?}],
  ["file URL", new URL({allowed_url:?})],
  ["percent-encoded ..", new URL({escaped_url:?})],
];
for (const [label, path] of cases) {{
  try {{
    const lib = Deno.dlopen(path, {{ ty_id_i32: {{ parameters: ["i32"], result: "i32" }} }});
    console.log(label, "opened", lib.symbols.ty_id_i32(7));
    lib.close();
  }} catch (e) {{
    // "not loaded": the loader was never asked for some other file.
    const notLoaded = e.message.startsWith("Could not open library") ? " (not loaded)" : "";
    console.log(label, e.name + notLoaded);
  }}
}}
"#
    );
    std::fs::write(allowed.join("t.js"), script).expect("writing the script");
    let out = Command::new(env!("CARGO_BIN_EXE_hotcall"))
        .arg("run")
        .arg(format!("--allow-ffi={}", allowed.display()))
        .arg("t.js")
        .current_dir(&allowed)
        .output()
        .expect("running hotcall");
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "lib.so opened 7\n\
         ./lib.so opened 7\n\
         bare system name Error (not loaded)\n\
         empty Error (not loaded)\n\
         .. PermissionDenied\n\
         symlink out PermissionDenied\n\
         look-alike prefix PermissionDenied\n\
         look-alike absolute PermissionDenied\n\
         file URL opened 7\n\
         percent-encoded .. PermissionDenied\n"
    );
}
