//! `hotcall stubs`: print the generated stubs of a symbols declaration.

use std::fmt;
use std::io::{self, Write};

use hotcall_abi::{parse_symbols, DeclError, ForeignFunction, ForeignSymbol};
use hotcall_jit::text::stub_text;
use hotcall_jit::{CodeRef, FastResult, JitError, StubKind, StubRequest, Target};
use hotcall_v8::fast::ResultKind;

use crate::args::{KindFilter, StubsArgs};

/// Symbol of the dispatcher a callback thunk calls (left unresolved).
const DISPATCHER: &str = "hotcall_dispatch";
/// Symbol of the context a callback thunk passes (left unresolved).
const CONTEXT: &str = "hotcall_ctx";

/// Why `hotcall stubs` failed.
#[derive(Debug)]
pub enum StubsError {
    Read(String, io::Error),
    Json(String, serde_json::Error),
    Decl(DeclError),
    Jit(JitError),
    Io(io::Error),
}

impl fmt::Display for StubsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StubsError::Read(path, e) => write!(f, "cannot read {path}: {e}"),
            StubsError::Json(path, e) => write!(f, "{path} is not valid JSON: {e}"),
            StubsError::Decl(e) => write!(f, "{e}"),
            StubsError::Jit(e) => write!(f, "{e}"),
            StubsError::Io(e) => write!(f, "writing output: {e}"),
        }
    }
}

/// The stub kinds in printing order, with their header label.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Fast,
    Invoker,
    Thunk,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Fast => "fast trampoline",
            Kind::Invoker => "invoker",
            Kind::Thunk => "callback thunk",
        }
    }

    fn selected(filter: KindFilter) -> &'static [Kind] {
        match filter {
            KindFilter::Fast => &[Kind::Fast],
            KindFilter::Invoker => &[Kind::Invoker],
            KindFilter::Thunk => &[Kind::Thunk],
            KindFilter::All => &[Kind::Fast, Kind::Invoker, Kind::Thunk],
        }
    }
}

/// Runs `hotcall stubs` with `args`, printing to `out`.
pub fn run(args: &StubsArgs, out: &mut impl Write) -> Result<(), StubsError> {
    let path = args.file.display().to_string();
    let text =
        std::fs::read_to_string(&args.file).map_err(|e| StubsError::Read(path.clone(), e))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| StubsError::Json(path, e))?;
    let symbols = parse_symbols(&json).map_err(StubsError::Decl)?;
    let target = match &args.target {
        Some(triple) => Target::parse(triple),
        None => Target::host(),
    }
    .map_err(StubsError::Jit)?;
    let triple = target.triple().to_string();

    for (key, symbol) in &symbols {
        match symbol {
            ForeignSymbol::Static(st) => {
                writeln!(
                    out,
                    "== {}: static {} (skipped: statics have no stubs)",
                    display_name(key, &st.name),
                    st.ty
                )
                .map_err(StubsError::Io)?;
            }
            ForeignSymbol::Function(func) => {
                for &kind in Kind::selected(args.kind) {
                    print_stub(out, &target, &triple, key, func, kind, args.clif)?;
                }
            }
        }
    }
    Ok(())
}

/// `key`, plus the C symbol when a `name` field renames it.
fn display_name(key: &str, name: &str) -> String {
    if key == name {
        key.to_owned()
    } else {
        format!("{key} (symbol {name})")
    }
}

/// Why a function has no fast trampoline, if it has none.
fn fast_skip_reason(func: &ForeignFunction) -> Option<&'static str> {
    if func.callback {
        Some("callback: true symbols always take the slow path")
    } else if func.nonblocking {
        Some("nonblocking symbols run on a worker thread, not from a fast call")
    } else if func.signature.has_struct() {
        Some("structs by value have no V8 fast-call form")
    } else {
        None
    }
}

/// A symbol name for the stub: `hotcall_<kind>_<key>`, with every byte
/// that is not `[A-Za-z0-9_]` replaced by `_`.
fn stub_name(kind: Kind, key: &str) -> String {
    let prefix = match kind {
        Kind::Fast => "hotcall_fast_",
        Kind::Invoker => "hotcall_invoker_",
        Kind::Thunk => "hotcall_thunk_",
    };
    let clean: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{prefix}{clean}")
}

fn print_stub(
    out: &mut impl Write,
    target: &Target,
    triple: &str,
    key: &str,
    func: &ForeignFunction,
    kind: Kind,
    clif: bool,
) -> Result<(), StubsError> {
    let skip = match kind {
        Kind::Fast => fast_skip_reason(func),
        _ => None,
    };
    let fast = fast_result(key, func);
    let out_cell = kind == Kind::Fast && skip.is_none() && fast != FastResult::Direct;
    let header = format!(
        "== {}: {} [{}{}] {triple}",
        display_name(key, &func.name),
        func.signature,
        kind.label(),
        if out_cell {
            ", result to the out cell"
        } else {
            ""
        }
    );
    if let Some(reason) = skip {
        return writeln!(out, "{header}: skipped, {reason}").map_err(StubsError::Io);
    }
    let stub_kind = match kind {
        Kind::Fast => StubKind::Fast {
            target: CodeRef::Symbol(func.name.clone()),
            result: fast,
        },
        Kind::Invoker => StubKind::Invoker,
        Kind::Thunk => StubKind::Thunk {
            dispatcher: CodeRef::Symbol(DISPATCHER.into()),
            ctx: CodeRef::Symbol(CONTEXT.into()),
        },
    };
    let name = stub_name(kind, key);
    let text = stub_text(
        target,
        &StubRequest {
            name: &name,
            sig: &func.signature,
            kind: stub_kind,
        },
    )
    .map_err(StubsError::Jit)?;
    let io = |e| StubsError::Io(e);
    writeln!(out, "{header}").map_err(io)?;
    if clif {
        writeln!(out, "-- clif").map_err(io)?;
        write_block(out, &text.clif).map_err(io)?;
        writeln!(out, "-- vcode").map_err(io)?;
    }
    write_block(out, &text.vcode).map_err(io)?;
    writeln!(out).map_err(io)
}

/// Where the fast trampoline puts the result, as `hotcall run` does: back
/// to V8, or into the symbol's out cell (64-bit integers and pointer kinds:
/// `hotcall_v8::fast::ResultKind`), named `<key>_out_cell` here.
fn fast_result(key: &str, func: &ForeignFunction) -> FastResult {
    match ResultKind::of(&func.signature.result) {
        ResultKind::Direct => FastResult::Direct,
        _ => FastResult::OutSymbol(format!("{key}_out_cell")),
    }
}

/// Writes `text`, ending it with exactly one newline.
fn write_block(out: &mut impl Write, text: &str) -> io::Result<()> {
    writeln!(out, "{}", text.trim_end_matches('\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stub_names_are_symbols() {
        assert_eq!(stub_name(Kind::Fast, "add"), "hotcall_fast_add");
        assert_eq!(stub_name(Kind::Thunk, "a-b.c d"), "hotcall_thunk_a_b_c_d");
    }

    #[test]
    fn renamed_symbols_show_both_names() {
        assert_eq!(display_name("add", "add"), "add");
        assert_eq!(display_name("plus", "add"), "plus (symbol add)");
    }
}
