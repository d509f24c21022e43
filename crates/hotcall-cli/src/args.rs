//! Hand-written command-line parsing (no dependencies).
//!
//! Grammar: `hotcall [--help] <SUBCOMMAND> [OPTIONS] ARGS`. Each subcommand
//! has its own options struct and usage text; adding one means a variant of
//! [`Command`], a branch in [`parse`] and a line in [`USAGE`].

use std::path::PathBuf;

use hotcall_v8::FfiPermissions;

/// Top-level usage.
pub const USAGE: &str = "\
hotcall: a Deno-compatible FFI runtime and its stub inspector

Usage: hotcall <COMMAND> [OPTIONS]

Commands:
  run      Run a JavaScript or TypeScript module
  stubs    Print the generated stubs of a JSON symbols declaration
  bindgen  Build a #[bindgen] Rust library and write its TypeScript bindings

Options:
  -h, --help    Print this help (or 'hotcall <COMMAND> --help')
";

/// Usage of `hotcall stubs`.
pub const STUBS_USAGE: &str = "\
Print the stubs hotcall generates for each function of a symbols declaration.

Usage: hotcall stubs [OPTIONS] FILE.json

FILE.json holds a symbols object of the same shape as the second argument of
Deno.dlopen, e.g. {\"add\": {\"parameters\": [\"i32\", \"i32\"], \"result\": \"i32\"}}.
Statics are listed and skipped.

Options:
      --target TRIPLE  Generate code for TRIPLE (default: the host). One of:
                       x86_64-unknown-linux-gnu, aarch64-unknown-linux-gnu,
                       aarch64-apple-darwin, x86_64-pc-windows-msvc
      --kind KIND      fast, invoker, thunk or all (default: all). The fast
                       trampoline is skipped, with a note, for signatures with
                       structs by value and for `callback: true` or
                       `nonblocking: true` symbols
      --clif           Also print the Cranelift IR of each stub
  -h, --help           Print this help
";

/// Usage of `hotcall bindgen`.
pub const BINDGEN_USAGE: &str = "\
Build the Rust cdylib crate in the current directory (with cargo) and write
TypeScript bindings for its #[hotcall_bindgen::bindgen] functions and structs.

Usage: hotcall bindgen [OPTIONS]

The library is copied next to the bindings, which load it from there (or
from the path passed to their load()). See docs/bindgen.md.

Options:
      --release     Build with cargo's release profile
      --out FILE    The module to write (default: bindings/bindings.ts)
  -h, --help        Print this help
";

/// Usage of `hotcall run`.
pub const RUN_USAGE: &str = "\
Run a JavaScript or TypeScript ES module (.js, .mjs, .ts, .mts).

Usage: hotcall run [OPTIONS] FILE [ARGS...]

Arguments after FILE are passed to the script as Deno.args.

Options:
      --allow-ffi[=PATHS]  Allow Deno.dlopen (of the comma-separated PATHS
                           only: files, or anything below directories)
      --allow-read[=...]   Accepted for compatibility (no file API yet);
                           likewise --allow-write, --allow-env, --allow-net,
                           --allow-run, --allow-sys, --allow-hrtime
  -A, --allow-all          Every permission, --allow-ffi included
      --v8-flags=FLAGS     Comma-separated V8 flags, e.g.
                           --v8-flags=--allow-natives-syntax,--max-old-space-size=64
      --unstable           Accepted and ignored (the FFI API is always on)
      --no-check           Accepted and ignored (types are stripped, never checked)
  -q, --quiet              Accepted and ignored (hotcall prints no diagnostics
                           of its own besides errors)
  -h, --help               Print this help
";

/// A parsed command line.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    /// Print this usage text and exit successfully.
    Help(&'static str),
    Stubs(StubsArgs),
    Run(RunArgs),
    Bindgen(BindgenArgs),
}

/// Options of `hotcall bindgen`.
#[derive(Debug, PartialEq, Eq)]
pub struct BindgenArgs {
    pub release: bool,
    pub out: PathBuf,
}

/// Options of `hotcall run`.
#[derive(Debug, PartialEq, Eq)]
pub struct RunArgs {
    pub allow_ffi: FfiPermissions,
    pub allow_read: bool,
    /// Individual V8 flags, each starting with `--`.
    pub v8_flags: Vec<String>,
    pub file: PathBuf,
    /// Everything after FILE (`Deno.args`).
    pub script_args: Vec<String>,
}

/// Which stub kinds `hotcall stubs` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindFilter {
    Fast,
    Invoker,
    Thunk,
    All,
}

impl KindFilter {
    fn parse(s: &str) -> Result<KindFilter, String> {
        match s {
            "fast" => Ok(KindFilter::Fast),
            "invoker" => Ok(KindFilter::Invoker),
            "thunk" => Ok(KindFilter::Thunk),
            "all" => Ok(KindFilter::All),
            other => Err(format!(
                "unknown stub kind '{other}' (expected fast, invoker, thunk or all)"
            )),
        }
    }
}

/// Options of `hotcall stubs`.
#[derive(Debug, PartialEq, Eq)]
pub struct StubsArgs {
    /// `None`: the host.
    pub target: Option<String>,
    pub kind: KindFilter,
    pub clif: bool,
    pub file: PathBuf,
}

/// Parses the arguments after the program name.
pub fn parse(argv: &[String]) -> Result<Command, String> {
    let Some((first, rest)) = argv.split_first() else {
        return Ok(Command::Help(USAGE));
    };
    match first.as_str() {
        "-h" | "--help" | "help" => Ok(Command::Help(USAGE)),
        "stubs" => parse_stubs(rest),
        "run" => parse_run(rest),
        "bindgen" => parse_bindgen(rest),
        other if other.starts_with('-') => Err(format!("unknown option '{other}'")),
        other => Err(format!("unknown command '{other}'")),
    }
}

fn parse_stubs(argv: &[String]) -> Result<Command, String> {
    let mut target = None;
    let mut kind = KindFilter::All;
    let mut clif = false;
    let mut file = None;
    let mut it = argv.iter();
    while let Some(arg) = it.next() {
        // `--opt=value` and `--opt value` are both accepted.
        let (opt, inline) = match arg.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => it
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("option '{name}' needs a value")),
            }
        };
        match opt {
            "-h" | "--help" => return Ok(Command::Help(STUBS_USAGE)),
            "--target" => target = Some(value("--target")?),
            "--kind" => kind = KindFilter::parse(&value("--kind")?)?,
            "--clif" if inline.is_none() => clif = true,
            "--" => {
                let path = it.next().ok_or("missing FILE.json after '--'")?;
                set_file(&mut file, path)?;
            }
            o if o.starts_with('-') && o != "-" => {
                return Err(format!("unknown option '{arg}' for 'stubs'"))
            }
            _ => set_file(&mut file, arg)?,
        }
    }
    let file = file.ok_or("'stubs' needs a FILE.json argument")?;
    Ok(Command::Stubs(StubsArgs {
        target,
        kind,
        clif,
        file,
    }))
}

fn parse_bindgen(argv: &[String]) -> Result<Command, String> {
    let mut release = false;
    let mut out = PathBuf::from("bindings/bindings.ts");
    let mut it = argv.iter();
    while let Some(arg) = it.next() {
        match arg.split_once('=') {
            Some(("--out", v)) => out = PathBuf::from(v),
            _ => match arg.as_str() {
                "-h" | "--help" => return Ok(Command::Help(BINDGEN_USAGE)),
                "--release" => release = true,
                "--out" => {
                    out = PathBuf::from(it.next().ok_or("option '--out' needs a value")?);
                }
                _ => return Err(format!("unexpected argument '{arg}' for 'bindgen'")),
            },
        }
    }
    Ok(Command::Bindgen(BindgenArgs { release, out }))
}

/// Permissions that exist in Deno but guard no API of hotcall: accepted, with
/// or without `=value`, and ignored.
const IGNORED_PERMISSIONS: &[&str] = &[
    "--allow-write",
    "--allow-env",
    "--allow-net",
    "--allow-run",
    "--allow-sys",
    "--allow-hrtime",
];

fn parse_run(argv: &[String]) -> Result<Command, String> {
    let mut allow_ffi = FfiPermissions::Denied;
    let mut allow_read = false;
    let mut v8_flags = Vec::new();
    let mut it = argv.iter();
    let file = loop {
        let Some(arg) = it.next() else {
            return Err("'run' needs a FILE argument".into());
        };
        // Optional values must be attached with '=' (as in Deno), so that
        // `--allow-ffi script.js` keeps meaning "allow everything".
        let (opt, value) = match arg.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o, Some(v)),
            _ => (arg.as_str(), None),
        };
        match (opt, value) {
            ("-h" | "--help", None) => return Ok(Command::Help(RUN_USAGE)),
            ("--allow-ffi", None) => allow_ffi = FfiPermissions::All,
            ("--allow-ffi", Some(list)) => allow_ffi = parse_path_list(list)?,
            ("--allow-read", _) => allow_read = true,
            ("-A" | "--allow-all", None) => {
                allow_ffi = FfiPermissions::All;
                allow_read = true;
            }
            ("--v8-flags", Some(list)) => v8_flags.extend(parse_v8_flags(list)?),
            ("--v8-flags", None) => {
                return Err("option '--v8-flags' needs a value: --v8-flags=FLAGS".into())
            }
            ("--unstable" | "--no-check" | "-q" | "--quiet", None) => {}
            (o, _) if IGNORED_PERMISSIONS.contains(&o) => {}
            ("--", None) => break it.next().ok_or("missing FILE after '--'")?,
            (o, _) if o.starts_with('-') && o != "-" => {
                return Err(format!("unknown option '{arg}' for 'run'"))
            }
            _ => break arg,
        }
    };
    Ok(Command::Run(RunArgs {
        allow_ffi,
        allow_read,
        v8_flags,
        file: PathBuf::from(file),
        script_args: it.cloned().collect(),
    }))
}

/// `--allow-ffi=a,b`: the listed paths (empty entries are an error, so that a
/// stray comma never widens the permission).
fn parse_path_list(list: &str) -> Result<FfiPermissions, String> {
    let paths: Vec<PathBuf> = list.split(',').map(PathBuf::from).collect();
    if paths.iter().any(|p| p.as_os_str().is_empty()) {
        return Err(format!("'--allow-ffi={list}' has an empty path"));
    }
    Ok(FfiPermissions::Paths(paths))
}

/// `--v8-flags=--a,--b=1`: V8 flags, each of which must start with '-'.
fn parse_v8_flags(list: &str) -> Result<Vec<String>, String> {
    let mut flags = Vec::new();
    for flag in list.split(',').filter(|f| !f.is_empty()) {
        if !flag.starts_with('-') {
            return Err(format!(
                "V8 flag '{flag}' must start with '--' (in --v8-flags={list})"
            ));
        }
        flags.push(flag.to_owned());
    }
    Ok(flags)
}

fn set_file(slot: &mut Option<PathBuf>, arg: &str) -> Result<(), String> {
    if slot.is_some() {
        return Err(format!(
            "unexpected extra argument '{arg}' (only one FILE.json)"
        ));
    }
    *slot = Some(PathBuf::from(arg));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(args: &str) -> Result<Command, String> {
        let argv: Vec<String> = args.split_whitespace().map(str::to_owned).collect();
        parse(&argv)
    }

    fn stubs(target: Option<&str>, kind: KindFilter, clif: bool, file: &str) -> Command {
        Command::Stubs(StubsArgs {
            target: target.map(str::to_owned),
            kind,
            clif,
            file: file.into(),
        })
    }

    #[test]
    fn help_forms() {
        assert_eq!(parse_str(""), Ok(Command::Help(USAGE)));
        assert_eq!(parse_str("--help"), Ok(Command::Help(USAGE)));
        assert_eq!(parse_str("-h"), Ok(Command::Help(USAGE)));
        assert_eq!(parse_str("stubs --help"), Ok(Command::Help(STUBS_USAGE)));
        assert_eq!(parse_str("stubs a.json -h"), Ok(Command::Help(STUBS_USAGE)));
    }

    #[test]
    fn stubs_defaults() {
        assert_eq!(
            parse_str("stubs a.json"),
            Ok(stubs(None, KindFilter::All, false, "a.json"))
        );
    }

    #[test]
    fn stubs_all_options_in_both_forms() {
        let want = stubs(
            Some("aarch64-apple-darwin"),
            KindFilter::Thunk,
            true,
            "a.json",
        );
        assert_eq!(
            parse_str("stubs --target aarch64-apple-darwin --kind thunk --clif a.json"),
            Ok(want)
        );
        let want = stubs(
            Some("x86_64-pc-windows-msvc"),
            KindFilter::Fast,
            false,
            "b.json",
        );
        assert_eq!(
            parse_str("stubs b.json --kind=fast --target=x86_64-pc-windows-msvc"),
            Ok(want)
        );
        let want = stubs(None, KindFilter::Invoker, false, "-odd.json");
        assert_eq!(parse_str("stubs --kind invoker -- -odd.json"), Ok(want));
    }

    fn run(ffi: FfiPermissions, read: bool, flags: &[&str], file: &str, rest: &[&str]) -> Command {
        Command::Run(RunArgs {
            allow_ffi: ffi,
            allow_read: read,
            v8_flags: flags.iter().map(|s| s.to_string()).collect(),
            file: file.into(),
            script_args: rest.iter().map(|s| s.to_string()).collect(),
        })
    }

    #[test]
    fn run_forms() {
        use FfiPermissions::*;
        assert_eq!(
            parse_str("run a.js"),
            Ok(run(Denied, false, &[], "a.js", &[]))
        );
        assert_eq!(
            parse_str("run --allow-ffi --quiet --unstable -q a.ts x --allow-ffi -y"),
            Ok(run(All, false, &[], "a.ts", &["x", "--allow-ffi", "-y"]))
        );
        assert_eq!(
            parse_str("run --allow-ffi=./lib,/x.so --allow-read=. a.js"),
            Ok(run(
                Paths(vec!["./lib".into(), "/x.so".into()]),
                true,
                &[],
                "a.js",
                &[]
            ))
        );
        assert_eq!(
            parse_str("run -A --allow-env --v8-flags=--allow-natives-syntax,--no-opt a.js"),
            Ok(run(
                All,
                true,
                &["--allow-natives-syntax", "--no-opt"],
                "a.js",
                &[]
            ))
        );
        assert_eq!(
            parse_str("run -- -odd.js --help"),
            Ok(run(Denied, false, &[], "-odd.js", &["--help"]))
        );
        assert_eq!(parse_str("run --help a.js"), Ok(Command::Help(RUN_USAGE)));
    }

    #[test]
    fn run_errors() {
        assert_eq!(parse_str("run"), Err("'run' needs a FILE argument".into()));
        assert_eq!(
            parse_str("run --allow-ffi"),
            Err("'run' needs a FILE argument".into())
        );
        assert_eq!(
            parse_str("run --allow-ffi=a,,b x.js"),
            Err("'--allow-ffi=a,,b' has an empty path".into())
        );
        assert_eq!(
            parse_str("run --v8-flags a.js"),
            Err("option '--v8-flags' needs a value: --v8-flags=FLAGS".into())
        );
        assert_eq!(
            parse_str("run --v8-flags=nope a.js"),
            Err("V8 flag 'nope' must start with '--' (in --v8-flags=nope)".into())
        );
        assert_eq!(
            parse_str("run --unstable=1 a.js"),
            Err("unknown option '--unstable=1' for 'run'".into())
        );
        assert_eq!(
            parse_str("run --frobnicate a.js"),
            Err("unknown option '--frobnicate' for 'run'".into())
        );
    }

    #[test]
    fn bindgen_forms() {
        let bindgen = |release: bool, out: &str| {
            Ok(Command::Bindgen(BindgenArgs {
                release,
                out: out.into(),
            }))
        };
        assert_eq!(parse_str("bindgen"), bindgen(false, "bindings/bindings.ts"));
        assert_eq!(
            parse_str("bindgen --release --out x/b.ts"),
            bindgen(true, "x/b.ts")
        );
        assert_eq!(parse_str("bindgen --out=y.ts"), bindgen(false, "y.ts"));
        assert_eq!(parse_str("bindgen -h"), Ok(Command::Help(BINDGEN_USAGE)));
        assert_eq!(
            parse_str("bindgen --out"),
            Err("option '--out' needs a value".into())
        );
        assert_eq!(
            parse_str("bindgen lib.rs"),
            Err("unexpected argument 'lib.rs' for 'bindgen'".into())
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            parse_str("walk a.json"),
            Err("unknown command 'walk'".into())
        );
        assert_eq!(
            parse_str("--verbose"),
            Err("unknown option '--verbose'".into())
        );
        assert_eq!(
            parse_str("stubs"),
            Err("'stubs' needs a FILE.json argument".into())
        );
        assert_eq!(
            parse_str("stubs a.json --target"),
            Err("option '--target' needs a value".into())
        );
        assert_eq!(
            parse_str("stubs --kind slow a.json"),
            Err("unknown stub kind 'slow' (expected fast, invoker, thunk or all)".into())
        );
        assert_eq!(
            parse_str("stubs --clif=yes a.json"),
            Err("unknown option '--clif=yes' for 'stubs'".into())
        );
        assert_eq!(
            parse_str("stubs -x a.json"),
            Err("unknown option '-x' for 'stubs'".into())
        );
        assert_eq!(
            parse_str("stubs a.json b.json"),
            Err("unexpected extra argument 'b.json' (only one FILE.json)".into())
        );
    }
}
