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

// ---- limits (hotcall_abi::limits, docs/limits.md) ----

/// `{struct: [inner]}` around `inner`, `depth` levels in all (JSON).
fn nested_json(depth: usize) -> Value {
    let mut v = json!({"struct": ["u8"]});
    for _ in 1..depth {
        v = json!({ "struct": [v] });
    }
    v
}

fn nested_expr(depth: usize) -> TypeExpr {
    let mut t = TypeExpr::Struct(vec![TypeExpr::Name("u8".into())]);
    for _ in 1..depth {
        t = TypeExpr::Struct(vec![t]);
    }
    t
}

fn function(params: Vec<Value>, result: Value) -> Value {
    json!({"f": {"parameters": params, "result": result}})
}

#[test]
fn declarations_over_the_limits_have_exact_messages() {
    // The numbers are written out: 255, 1023, 63 and 4096 are the documented limits.
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "256 parameters",
            function(vec![json!("i32"); 256], json!("void")),
            r#"Invalid FFI declaration of symbol "f": 256 parameters, more than the limit of 255"#,
        ),
        (
            "70000 parameters",
            function(vec![json!("u8"); 70_000], json!("void")),
            r#"Invalid FFI declaration of symbol "f": 70000 parameters, more than the limit of 255"#,
        ),
        (
            "the parameter count is checked before the types",
            function(vec![json!("nonsense"); 300], json!("void")),
            r#"Invalid FFI declaration of symbol "f": 300 parameters, more than the limit of 255"#,
        ),
        (
            "struct of 1024 fields",
            function(vec![json!({"struct": vec!["u8"; 1024]})], json!("void")),
            r#"Invalid FFI declaration of symbol "f", parameter 0: a struct with 1024 fields, more than the limit of 1023"#,
        ),
        (
            "nested struct of 1024 fields in the result",
            function(
                vec![],
                json!({"struct": ["u8", {"struct": vec!["f32"; 1024]}]}),
            ),
            r#"Invalid FFI declaration of symbol "f", result: a struct with 1024 fields, more than the limit of 1023"#,
        ),
        (
            "struct 64 deep",
            function(vec![json!("u8"), nested_json(64)], json!("void")),
            r#"Invalid FFI declaration of symbol "f", parameter 1: structs nested more than the limit of 63 levels deep"#,
        ),
        (
            "struct 500 deep (serde_json itself recurses to drop deeper values)",
            function(vec![], nested_json(500)),
            r#"Invalid FFI declaration of symbol "f", result: structs nested more than the limit of 63 levels deep"#,
        ),
        (
            "static struct 64 deep",
            json!({"s": {"type": nested_json(64)}}),
            r#"Invalid FFI declaration of symbol "s", static type: structs nested more than the limit of 63 levels deep"#,
        ),
        (
            // 40 parameters of 1 + 100 types are 4040; the 41st passes 4096.
            "more than 4096 types",
            function(vec![json!({"struct": vec!["u8"; 100]}); 100], json!("void")),
            r#"Invalid FFI declaration of symbol "f", parameter 40: more than the limit of 4096 types (parameters, result and struct fields) in one declaration"#,
        ),
    ];
    let mut wrong = Vec::new();
    for (what, symbols, want) in cases {
        let got = error_of(symbols).to_string();
        if got != want {
            wrong.push(format!("{what}:\n   got: {got}\n  want: {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn declarations_at_the_limits_are_accepted() {
    let at_limits = function(
        vec![json!("i32"); 254]
            .into_iter()
            .chain([nested_json(63)])
            .collect(),
        json!({"struct": vec!["u16"; 1023]}),
    );
    let parsed = parse_symbols(&at_limits).unwrap();
    let hotcall_abi::ForeignSymbol::Function(f) = &parsed[0].1 else {
        panic!("not a function: {parsed:?}")
    };
    assert_eq!(f.signature.params.len(), 255);
    assert_eq!(f.signature.result.size(), 2046);
    // 63 levels around one byte.
    let mut depth = 0;
    let mut ty = &f.signature.params[254];
    while let Some(st) = ty.as_struct() {
        depth += 1;
        ty = &st.fields()[0];
    }
    assert_eq!(depth, 63);
    // Every parameter, the result and every field count: 4 parameters,
    // the result and 3 * 1023 + 1022 fields are 4096 types exactly.
    let types = |last: usize| {
        let mut params = vec![json!({"struct": vec!["u8"; 1023]}); 3];
        params.push(json!({ "struct": vec!["u8"; last] }));
        function(params, json!("void"))
    };
    assert!(parse_symbols(&types(1022)).is_ok());
    // One field more: the parameters reach 4096, the result is the 4097th.
    assert_eq!(
        error_of(types(1023)).to_string(),
        r#"Invalid FFI declaration of symbol "f", result: more than the limit of 4096 types (parameters, result and struct fields) in one declaration"#
    );
}

#[test]
fn type_exprs_over_the_limits_are_refused_without_recursing_into_them() {
    // An embedder's TypeExpr of any depth: resolved without overflowing
    // the stack (resolution stops at the depth limit).
    let deep = nested_expr(4000);
    let e = signature_from_exprs("deep", &[deep], &TypeExpr::Name("void".into())).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"Invalid FFI declaration of symbol "deep", parameter 0: structs nested more than the limit of 63 levels deep"#
    );
    assert!(signature_from_exprs("ok", &[nested_expr(63)], &TypeExpr::Name("void".into())).is_ok());
    let e = signature_from_exprs(
        "many",
        &vec![TypeExpr::Name("u8".into()); 256],
        &TypeExpr::Name("void".into()),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"Invalid FFI declaration of symbol "many": 256 parameters, more than the limit of 255"#
    );
    // A reader that stopped at a limit leaves OverLimit in place.
    let e = TypeExpr::OverLimit(hotcall_abi::limits::Limit::StructFields(4294967295))
        .resolve("sparse", &TypePosition::Parameter(2))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"Invalid FFI declaration of symbol "sparse", parameter 2: a struct with 4294967295 fields, more than the limit of 1023"#
    );
    // A cycle is still a recursive struct, inside a deep struct too.
    let mut cyc = TypeExpr::Struct(vec![TypeExpr::Cycle]);
    for _ in 1..60 {
        cyc = TypeExpr::Struct(vec![TypeExpr::Name("u8".into()), cyc]);
    }
    let e = cyc.resolve("c", &TypePosition::Result).unwrap_err();
    assert_eq!(e.kind, DeclErrorKind::RecursiveStruct);
}
