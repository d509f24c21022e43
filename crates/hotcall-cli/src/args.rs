//! Hand-written command-line parsing (no dependencies).
//!
//! Grammar: `hotcall [--help] <SUBCOMMAND> [OPTIONS] ARGS`. Each subcommand
//! has its own options struct and usage text; adding one means a variant of
//! [`Command`], a branch in [`parse`] and a line in [`USAGE`].

use std::path::PathBuf;

/// Top-level usage.
pub const USAGE: &str = "\
hotcall: inspect the native stubs hotcall generates for FFI declarations

Usage: hotcall <COMMAND> [OPTIONS]

Commands:
  stubs    Print the generated stubs of a JSON symbols declaration

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

/// A parsed command line.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    /// Print this usage text and exit successfully.
    Help(&'static str),
    Stubs(StubsArgs),
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

    #[test]
    fn errors() {
        assert_eq!(parse_str("run a.json"), Err("unknown command 'run'".into()));
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
