//! TypeScript to JavaScript: types are stripped with oxc (parser, semantic
//! analysis for the scoping the transformer needs, the TypeScript transform
//! only, codegen). Nothing is type-checked and no newer syntax is lowered:
//! V8 12.8 runs everything modern.

use std::path::Path;

use oxc_allocator::Allocator;
use oxc_codegen::{Codegen, CodegenOptions};
use oxc_parser::Parser;
use oxc_semantic::SemanticBuilder;
use oxc_span::SourceType;
use oxc_transformer::{TransformOptions, Transformer};

/// True for the extensions whose source is TypeScript.
pub fn is_typescript(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("ts" | "mts" | "cts" | "tsx")
    )
}

/// Where each position of the generated JavaScript came from in the
/// TypeScript source, so that stack traces show the lines the user wrote.
#[derive(Debug, Default)]
pub struct PositionMap {
    /// `(generated line, generated column, source line, source column)`,
    /// 0-based, columns in UTF-16 units, sorted.
    tokens: Vec<(u32, u32, u32, u32)>,
}

impl PositionMap {
    /// The 1-based source `(line, column)` of 1-based generated `(line, column)`:
    /// the nearest mapped position at or before it on the same line (or the
    /// line's first one).
    pub fn original(&self, line: u32, column: u32) -> Option<(u32, u32)> {
        let (line, column) = (line.checked_sub(1)?, column.checked_sub(1)?);
        let after = self
            .tokens
            .partition_point(|t| (t.0, t.1) <= (line, column));
        let token = match after.checked_sub(1).map(|i| self.tokens[i]) {
            Some(t) if t.0 == line => t,
            _ => *self.tokens.get(after).filter(|t| t.0 == line)?,
        };
        Some((token.2 + 1, token.3 + 1))
    }
}

/// Strips the types of the TypeScript module `source` (read from `path`).
/// The error names the file, line and column of each problem found.
pub fn strip_types(path: &Path, url: &str, source: &str) -> Result<(String, PositionMap), String> {
    let allocator = Allocator::default();
    let source_type = SourceType::from_path(path)
        .unwrap_or_else(|_| SourceType::ts())
        .with_module(true);
    let parsed = Parser::new(&allocator, source, source_type).parse();
    if !parsed.diagnostics.is_empty() || parsed.panicked {
        return Err(describe(url, source, &parsed.diagnostics));
    }
    let mut program = parsed.program;
    let semantic = SemanticBuilder::new()
        .with_excess_capacity(2.0)
        .with_enum_eval(true)
        .build(&program);
    let scoping = semantic.semantic.into_scoping();
    let options = TransformOptions::default();
    let transformed =
        Transformer::new(&allocator, path, &options).build_with_scoping(scoping, &mut program);
    if !transformed.diagnostics.is_empty() {
        return Err(describe(url, source, &transformed.diagnostics));
    }
    let options = CodegenOptions {
        source_map_path: Some(path.to_path_buf()),
        ..CodegenOptions::default()
    };
    let generated = Codegen::new().with_options(options).build(&program);
    let mut tokens: Vec<_> = generated
        .map
        .iter()
        .flat_map(|m| m.get_tokens())
        .map(|t| {
            (
                t.get_dst_line(),
                t.get_dst_col(),
                t.get_src_line(),
                t.get_src_col(),
            )
        })
        .collect();
    tokens.sort_unstable();
    Ok((generated.code, PositionMap { tokens }))
}

fn describe<'d>(
    url: &str,
    source: &str,
    diagnostics: impl IntoIterator<Item = &'d oxc_diagnostics::OxcDiagnostic>,
) -> String {
    let mut lines = Vec::new();
    for d in diagnostics {
        let at = d
            .labels
            .first()
            .map(|l| {
                let (line, col) = line_col(source, l.offset() as usize);
                format!("{url}:{line}:{col}")
            })
            .unwrap_or_else(|| url.to_owned());
        let mut text = format!("{}\n    at {at}", d.message);
        if let Some(help) = &d.help {
            text.push_str(&format!("\n  help: {help}"));
        }
        lines.push(text);
    }
    if lines.is_empty() {
        lines.push(format!("the TypeScript parser gave up\n    at {url}"));
    }
    lines.join("\n\n")
}

/// 1-based line and column (in characters) of byte `offset`.
fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(src: &str) -> Result<String, String> {
        strip_types(Path::new("t.ts"), "file:///t.ts", src).map(|(code, _)| code)
    }

    #[test]
    fn maps_positions_back() {
        let src = "interface A {\n  x: number;\n}\n\nconst a: A = { x: 1 };\nthrow new Error(String(a.x));\n";
        let (code, map) = strip_types(Path::new("t.ts"), "file:///t.ts", src).unwrap();
        let (line, text) = code
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains("throw"))
            .unwrap();
        let col = text.find("new").unwrap();
        assert_eq!(map.original(line as u32 + 1, col as u32 + 1), Some((6, 7)));
        assert_eq!(map.original(999, 1), None);
    }

    #[test]
    fn removes_types_keeps_code() {
        let out = strip(
            "interface P { x: number }\n\
             type T = string;\n\
             const a = [1, 2] as const;\n\
             function f<T>(x: T, y?: number): T { return x; }\n\
             enum E { A, B = 5 }\n\
             console.log(f<number>(a[0]!), E.B as number);\n",
        )
        .unwrap();
        assert!(!out.contains("interface"), "{out}");
        assert!(!out.contains(": number"), "{out}");
        assert!(!out.contains("as const"), "{out}");
        assert!(out.contains("function f(x, y)"), "{out}");
        assert!(out.contains("E[E[\"B\"] = 5] = \"B\""), "{out}");
    }

    #[test]
    fn syntax_errors_name_the_place() {
        let err = strip("let x: number = ;\n").unwrap_err();
        assert!(err.contains("file:///t.ts:1:"), "{err}");
    }
}
