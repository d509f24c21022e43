//! `hotcall`: runs Deno-style FFI scripts (`hotcall run`) and shows the
//! stubs the generator makes (`hotcall stubs`), and writes TypeScript
//! bindings for `#[bindgen]` Rust libraries (`hotcall bindgen`).
//!
//! Subcommands live in their own modules; `args` turns the command line into
//! a [`args::Command`] and this file only dispatches and maps errors to exit
//! codes (1: the input or the generator failed, 2: bad command line).

mod args;
mod runtime;
mod stubs;

use std::io::Write;
use std::process::ExitCode;

use args::Command;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let command = match args::parse(&argv) {
        Ok(command) => command,
        Err(msg) => {
            eprintln!("hotcall: {msg}");
            eprintln!("Try 'hotcall --help'.");
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Help(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Command::Run(opts) => {
            let code = runtime::run(&opts);
            ExitCode::from(u8::try_from(code & 0xff).unwrap_or(1))
        }
        Command::Bindgen(opts) => bindgen(&opts),
        Command::Stubs(opts) => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            match stubs::run(&opts, &mut out)
                .and_then(|()| out.flush().map_err(stubs::StubsError::Io))
            {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("hotcall: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// `hotcall bindgen`: the generator of `hotcall-bindgen-gen`, in the current
/// directory.
fn bindgen(opts: &args::BindgenArgs) -> ExitCode {
    let crate_dir = match std::env::current_dir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("hotcall: cannot get the current directory: {e}");
            return ExitCode::from(1);
        }
    };
    let options = hotcall_bindgen_gen::Options {
        crate_dir,
        release: opts.release,
        out: opts.out.clone(),
        cargo: std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
    };
    match hotcall_bindgen_gen::run(&options) {
        Ok(outcome) => {
            let n = outcome.functions.len();
            eprintln!(
                "hotcall: wrote {} ({n} function{}: {}) and {}",
                outcome.bindings.display(),
                if n == 1 { "" } else { "s" },
                outcome.functions.join(", "),
                outcome.library.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("hotcall bindgen: {e}");
            ExitCode::from(1)
        }
    }
}
