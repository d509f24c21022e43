//! Runs every `tests/scripts/*.{js,mjs,ts,mts}` through `hotcall run` and
//! compares what it printed with the files next to it. See
//! `tests/scripts/README.md` for the conventions; in short:
//!
//! - `NAME.out`: the expected stdout (required);
//! - `NAME.err`: the expected stderr (when absent, stderr must be empty);
//! - header comments at the top of the script: `// @flags: --allow-ffi`
//!   (options before FILE), `// @args: a b` (Deno.args), `// @exit: 1`
//!   (expected exit code, default 0);
//! - in `.out`/`.err`, `$DIR` stands for the scripts directory,
//!   `$FIXTURES` for the C fixture library and `[WILDCARD]` matches any
//!   text (also across lines);
//! - `Deno.args[0]` is always the path of the C fixture library built by
//!   `build.rs` from `tests/scripts/ffi_fixtures/*.c` (empty if it could not
//!   be built); `@args` follow it.
//!
//! Environment: `HOTCALL_SCRIPTS=substring` runs only the matching scripts;
//! `HOTCALL_BLESS=1` rewrites `.out`/`.err` with what the scripts printed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const EXTENSIONS: &[&str] = &["js", "mjs", "ts", "mts"];
const TIMEOUT: Duration = Duration::from_secs(60);

/// The shared library of C fixtures (see `build.rs`).
fn fixtures() -> &'static str {
    option_env!("HOTCALL_TEST_FIXTURES").unwrap_or("")
}

fn scripts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scripts")
}

/// The `// @key: value` lines at the top of a script.
#[derive(Default)]
struct Header {
    flags: Vec<String>,
    args: Vec<String>,
    exit: i32,
}

fn parse_header(source: &str) -> Result<Header, String> {
    let mut header = Header::default();
    for line in source.lines() {
        let Some(rest) = line.trim().strip_prefix("// @") else {
            break;
        };
        let (key, value) = rest
            .split_once(':')
            .ok_or_else(|| format!("bad header line '{line}' (want '// @key: value')"))?;
        let words = value.split_whitespace().map(str::to_owned);
        match key.trim() {
            "flags" => header.flags.extend(words),
            "args" => header.args.extend(words),
            "exit" => {
                header.exit = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("bad exit code in '{line}'"))?
            }
            other => return Err(format!("unknown header '@{other}' in '{line}'")),
        }
    }
    Ok(header)
}

/// True if `actual` matches `expected`, where `[WILDCARD]` matches anything.
fn matches(expected: &str, actual: &str) -> bool {
    let mut parts = expected.split("[WILDCARD]");
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

struct Outcome {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

fn run_script(dir: &Path, name: &str, header: &Header) -> Result<Outcome, String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hotcall"))
        .arg("run")
        .args(&header.flags)
        .arg(name)
        .arg(fixtures())
        .args(&header.args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start hotcall: {e}"))?;
    // Read both pipes on threads so a chatty script cannot block on a full pipe.
    let mut out_pipe = child.stdout.take().expect("piped stdout");
    let mut err_pipe = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut out_pipe, &mut buf).map(|_| buf)
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut err_pipe, &mut buf).map(|_| buf)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("timed out after {}s", TIMEOUT.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let text = |bytes: std::io::Result<Vec<u8>>| {
        let bytes = bytes.map_err(|e| e.to_string())?;
        Ok::<_, String>(normalize(&String::from_utf8_lossy(&bytes), dir))
    };
    Ok(Outcome {
        stdout: text(out.join().map_err(|_| "stdout reader panicked")?)?,
        stderr: text(err.join().map_err(|_| "stderr reader panicked")?)?,
        code: status.code(),
    })
}

/// Replaces the fixture library's path with `$FIXTURES` and the scripts
/// directory with `$DIR`.
fn normalize(text: &str, dir: &Path) -> String {
    let text = match fixtures() {
        "" => text.to_owned(),
        lib => text.replace(lib, "$FIXTURES"),
    };
    text.replace(&*dir.to_string_lossy(), "$DIR")
}

fn check(dir: &Path, script: &Path, bless: bool) -> Result<(), String> {
    let name = script.file_name().unwrap().to_string_lossy().into_owned();
    let source = std::fs::read_to_string(script).map_err(|e| format!("cannot read: {e}"))?;
    let header = parse_header(&source)?;
    let out_file = script.with_extension("out");
    let err_file = script.with_extension("err");
    let outcome = run_script(dir, &name, &header)?;
    if bless {
        std::fs::write(&out_file, &outcome.stdout).map_err(|e| e.to_string())?;
        if outcome.stderr.is_empty() {
            let _ = std::fs::remove_file(&err_file);
        } else {
            std::fs::write(&err_file, &outcome.stderr).map_err(|e| e.to_string())?;
        }
    }
    let expected_out = std::fs::read_to_string(&out_file)
        .map_err(|_| format!("missing {} (the expected stdout)", out_file.display()))?;
    let expected_err = std::fs::read_to_string(&err_file).unwrap_or_default();
    let mut problems = Vec::new();
    if outcome.code != Some(header.exit) {
        problems.push(format!(
            "exit code: expected {}, got {:?}",
            header.exit, outcome.code
        ));
    }
    for (what, expected, actual) in [
        ("stdout", &expected_out, &outcome.stdout),
        ("stderr", &expected_err, &outcome.stderr),
    ] {
        if !matches(expected, actual) {
            problems.push(format!(
                "{what} differs\n--- expected\n{expected}--- actual\n{actual}---"
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[test]
fn scripts() {
    let dir = scripts_dir();
    let filter = std::env::var("HOTCALL_SCRIPTS").unwrap_or_default();
    let bless = std::env::var_os("HOTCALL_BLESS").is_some();
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/scripts exists")
        .map(|e| e.expect("readable directory").path())
        .filter(|p| p.is_file())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EXTENSIONS.contains(&e))
        })
        .filter(|p| p.to_string_lossy().contains(&filter))
        .collect();
    scripts.sort();
    assert!(!scripts.is_empty(), "no script matches '{filter}'");
    let mut failures = Vec::new();
    for script in &scripts {
        let name = script.file_name().unwrap().to_string_lossy().into_owned();
        match check(&dir, script, bless) {
            Ok(()) => eprintln!("script {name} ... ok"),
            Err(why) => {
                eprintln!("script {name} ... FAILED");
                failures.push(format!("==== {name}\n{why}"));
            }
        }
    }
    let passed = scripts.len() - failures.len();
    eprintln!("scripts: {passed} passed, {} failed", failures.len());
    if !failures.is_empty() {
        panic!(
            "{} of {} scripts failed:\n\n{}",
            failures.len(),
            scripts.len(),
            failures.join("\n\n")
        );
    }
}

#[test]
fn wildcard_matching() {
    assert!(matches("abc", "abc"));
    assert!(!matches("abc", "abcd"));
    assert!(matches("a[WILDCARD]c", "a\nxyz\nc"));
    assert!(matches("[WILDCARD]", ""));
    assert!(matches("x[WILDCARD]y[WILDCARD]z", "x1y2z"));
    assert!(!matches("x[WILDCARD]y[WILDCARD]z", "x1z2y"));
    assert!(!matches("ab[WILDCARD]bc", "abc"));
}

#[test]
fn headers() {
    let h = parse_header("// @flags: --allow-ffi --unstable\n// @args: a b\n// @exit: 3\ncode")
        .unwrap();
    assert_eq!(h.flags, ["--allow-ffi", "--unstable"]);
    assert_eq!(h.args, ["a", "b"]);
    assert_eq!(h.exit, 3);
    assert!(parse_header("// @nope: 1").is_err());
}
