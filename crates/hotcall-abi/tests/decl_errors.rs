//! Invalid declarations: every one is rejected with a message that names the
//! symbol and the offending type or field, checked word for word.

use hotcall_abi::decl::{
    parse_definition, signature_from_exprs, DeclErrorKind, TypeExpr, TypePosition,
};
use hotcall_abi::{parse_symbols, DeclError};
use serde_json::{json, Value};

fn error_of(symbols: Value) -> DeclError {
    match parse_symbols(&symbols) {
        Ok(parsed) => panic!("accepted {symbols}: {parsed:?}"),
        Err(e) => e,
    }
}

/// (what, symbols object, exact message).
fn invalid_declarations() -> Vec<(&'static str, Value, &'static str)> {
    vec![
        (
            "unknown parameter type",
            json!({"f": {"parameters": ["i32", "int"], "result": "void"}}),
            r#"Invalid FFI declaration of symbol "f", parameter 1: unknown type "int""#,
        ),
        (
            "unknown result type",
            json!({"g": {"parameters": [], "result": "float"}}),
            r#"Invalid FFI declaration of symbol "g", result: unknown type "float""#,
        ),
        (
            "unknown static type",
            json!({"counter": {"type": "u128"}}),
            r#"Invalid FFI declaration of symbol "counter", static type: unknown type "u128""#,
        ),
        (
            "type names are case-sensitive",
            json!({"f": {"parameters": ["U8"], "result": "void"}}),
            r#"Invalid FFI declaration of symbol "f", parameter 0: unknown type "U8""#,
        ),
        (
            "unknown type inside a struct",
            json!({"f": {"parameters": [{"struct": ["u8", "char"]}], "result": "void"}}),
            r#"Invalid FFI declaration of symbol "f", parameter 0: unknown type "char""#,
        ),
        (
            "empty struct parameter",
            json!({"f": {"parameters": ["u8", {"struct": []}], "result": "void"}}),
            r#"Invalid FFI declaration of symbol "f", parameter 1: empty struct type {struct: []}"#,
        ),
        (
            "empty struct nested in the result",
            json!({"f": {"parameters": [], "result": {"struct": ["u8", {"struct": []}]}}}),
            r#"Invalid FFI declaration of symbol "f", result: empty struct type {struct: []}"#,
        ),
        (
            "void parameter",
            json!({"f": {"parameters": ["i32", "i32", "void"], "result": "void"}}),
            r#"Invalid FFI declaration of symbol "f", parameter 2: type "void" is only allowed as a result"#,
        ),
        (
            "void static",
            json!({"nothing": {"type": "void"}}),
            r#"Invalid FFI declaration of symbol "nothing", static type: type "void" is only allowed as a result"#,
        ),
        (
            "void struct field in a parameter",
            json!({"f": {"parameters": [{"struct": ["u8", "void"]}], "result": "void"}}),
            r#"Invalid FFI declaration of symbol "f", parameter 0: type "void" is not allowed as a struct field"#,
        ),
        (
            "void struct field in the result",
            json!({"f": {"parameters": [], "result": {"struct": ["void"]}}}),
            r#"Invalid FFI declaration of symbol "f", result: type "void" is not allowed as a struct field"#,
        ),
        (
            "parameters not an array",
            json!({"f": {"parameters": "i32", "result": "i32"}}),
            r#"Invalid FFI declaration of symbol "f": "parameters" must be an array, got "i32""#,
        ),
        (
            "parameters an object",
            json!({"f": {"parameters": {"0": "i32"}, "result": "i32"}}),
            r#"Invalid FFI declaration of symbol "f": "parameters" must be an array, got {"0":"i32"}"#,
        ),
        (
            "missing parameters",
            json!({"f": {"result": "i32"}}),
            r#"Invalid FFI declaration of symbol "f": missing "parameters" (or "type" for a static)"#,
        ),
        (
            "missing result",
            json!({"f": {"parameters": ["i32"]}}),
            r#"Invalid FFI declaration of symbol "f": missing "result""#,
        ),
        (
            "null result",
            json!({"f": {"parameters": [], "result": null}}),
            r#"Invalid FFI declaration of symbol "f", result: expected a type name or {struct: [...]}, got null"#,
        ),
        (
            "non-boolean nonblocking",
            json!({"f": {"parameters": [], "result": "void", "nonblocking": "yes"}}),
            r#"Invalid FFI declaration of symbol "f": "nonblocking" must be a boolean, got "yes""#,
        ),
        (
            "non-boolean callback",
            json!({"f": {"parameters": [], "result": "void", "callback": 1}}),
            r#"Invalid FFI declaration of symbol "f": "callback" must be a boolean, got 1"#,
        ),
        (
            "non-boolean optional",
            json!({"f": {"parameters": [], "result": "void", "optional": "false"}}),
            r#"Invalid FFI declaration of symbol "f": "optional" must be a boolean, got "false""#,
        ),
        (
            "malformed type object",
            json!({"f": {"parameters": [{"strukt": ["u8"]}], "result": "void"}}),
            r#"Invalid FFI declaration of symbol "f", parameter 0: expected a type name or {struct: [...]}, got {"strukt":["u8"]}"#,
        ),
        (
            "struct with an extra key",
            json!({"f": {"parameters": [], "result": {"struct": ["u8"], "packed": true}}}),
            r#"Invalid FFI declaration of symbol "f", result: expected a type name or {struct: [...]}, got {"struct":["u8"],"packed":true}"#,
        ),
        (
            "struct fields not an array",
            json!({"f": {"parameters": [{"struct": "u8"}], "result": "void"}}),
            r#"Invalid FFI declaration of symbol "f", parameter 0: expected a type name or {struct: [...]}, got {"struct":"u8"}"#,
        ),
        (
            "a number as a type",
            json!({"f": {"parameters": [8], "result": "void"}}),
            r#"Invalid FFI declaration of symbol "f", parameter 0: expected a type name or {struct: [...]}, got 8"#,
        ),
        (
            "both type and parameters",
            json!({"s": {"type": "u8", "parameters": [], "result": "void"}}),
            r#"Invalid FFI declaration of symbol "s": a declaration has either "type" (static) or "parameters" (function), not both"#,
        ),
        (
            "declaration not an object",
            json!({"f": "i32"}),
            r#"Invalid FFI declaration of symbol "f": the declaration must be an object"#,
        ),
        (
            "name not a string",
            json!({"f": {"name": 3, "parameters": [], "result": "void"}}),
            r#"Invalid FFI declaration of symbol "f": "name" must be a string, got 3"#,
        ),
        (
            "symbols not an object",
            json!(["f"]),
            "Invalid FFI declaration: the symbols declaration must be an object",
        ),
        (
            "the first invalid symbol in declaration order is reported",
            json!({
                "ok": {"parameters": [], "result": "void"},
                "second": {"parameters": ["bad2"], "result": "void"},
                "third": {"parameters": ["bad3"], "result": "void"},
            }),
            r#"Invalid FFI declaration of symbol "second", parameter 0: unknown type "bad2""#,
        ),
    ]
}

#[test]
fn invalid_declarations_have_exact_messages() {
    let mut wrong = Vec::new();
    for (what, symbols, want) in invalid_declarations() {
        let got = error_of(symbols).to_string();
        if got != want {
            wrong.push(format!("{what}:\n   got: {got}\n  want: {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn error_fields_locate_the_problem() {
    let e = error_of(json!({"f": {"parameters": ["u8", "x"], "result": "void"}}));
    assert_eq!(e.symbol, "f");
    assert_eq!(e.position, Some(TypePosition::Parameter(1)));
    assert_eq!(e.kind, DeclErrorKind::UnknownType("x".into()));

    let e = error_of(json!({"f": {"parameters": []}}));
    assert_eq!(e.position, None);
    assert_eq!(
        e.kind,
        DeclErrorKind::Malformed("missing \"result\"".into())
    );
}

#[test]
fn recursive_structs_are_rejected() {
    // Only JS objects can refer back to an enclosing struct; an embedder
    // marks the back reference as `TypeExpr::Cycle`.
    let node = TypeExpr::Struct(vec![TypeExpr::Name("i32".into()), TypeExpr::Cycle]);
    let e = node
        .resolve("walk", &TypePosition::Parameter(0))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"Invalid FFI declaration of symbol "walk", parameter 0: recursive struct type"#
    );
    assert_eq!(e.kind, DeclErrorKind::RecursiveStruct);

    let deep = TypeExpr::Struct(vec![TypeExpr::Struct(vec![
        TypeExpr::Name("u8".into()),
        TypeExpr::Cycle,
    ])]);
    let e = signature_from_exprs("tree", &[TypeExpr::Name("pointer".into())], &deep).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"Invalid FFI declaration of symbol "tree", result: recursive struct type"#
    );

    let e = TypeExpr::Cycle
        .resolve("g", &TypePosition::Static)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"Invalid FFI declaration of symbol "g", static type: recursive struct type"#
    );
}

#[test]
fn definitions_reject_nonblocking_where_not_allowed() {
    let def = json!({"parameters": ["u8"], "result": "void", "nonblocking": true});
    let e = parse_definition("UnsafeCallback", &def, false).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"Invalid FFI declaration of symbol "UnsafeCallback": "nonblocking" is not allowed here"#
    );
    let (_, nonblocking) = parse_definition("UnsafeFnPointer", &def, true).unwrap();
    assert!(nonblocking);

    let e = parse_definition("UnsafeCallback", &json!(null), false).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"Invalid FFI declaration of symbol "UnsafeCallback": the definition must be an object"#
    );
}
