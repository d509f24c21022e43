//! Valid declarations: every field of functions and statics is read.

use std::sync::Arc;

use hotcall_abi::decl::parse_definition;
use hotcall_abi::{
    parse_symbols, ForeignFunction, ForeignStatic, ForeignSymbol, NativeType as T, Signature,
    StructType,
};
use serde_json::json;

fn function(name: &str, params: Vec<T>, result: T) -> ForeignFunction {
    ForeignFunction {
        name: name.into(),
        signature: Signature::new(params, result),
        nonblocking: false,
        callback: false,
        optional: false,
    }
}

#[test]
fn minimal_function() {
    let parsed =
        parse_symbols(&json!({"add": {"parameters": ["i32", "i32"], "result": "i32"}})).unwrap();
    assert_eq!(
        parsed,
        vec![(
            "add".to_owned(),
            ForeignSymbol::Function(function("add", vec![T::I32, T::I32], T::I32))
        )]
    );
}

#[test]
fn every_function_field() {
    let parsed = parse_symbols(&json!({
        "plus": {
            "name": "c_add",
            "parameters": ["u64"],
            "result": "void",
            "nonblocking": true,
            "callback": true,
            "optional": true,
        }
    }))
    .unwrap();
    let want = ForeignFunction {
        nonblocking: true,
        callback: true,
        optional: true,
        ..function("c_add", vec![T::U64], T::Void)
    };
    assert_eq!(
        parsed,
        vec![("plus".to_owned(), ForeignSymbol::Function(want))]
    );
}

#[test]
fn flags_default_to_false_and_accept_null() {
    let parsed = parse_symbols(&json!({
        "a": {"parameters": [], "result": "void", "nonblocking": false, "callback": false, "optional": false},
        "b": {"parameters": [], "result": "void", "nonblocking": null, "callback": null, "optional": null},
    }))
    .unwrap();
    for (_, symbol) in parsed {
        let ForeignSymbol::Function(f) = symbol else {
            panic!("not a function: {symbol:?}")
        };
        assert!(!f.nonblocking && !f.callback && !f.optional, "{f:?}");
    }
}

#[test]
fn every_scalar_type_name() {
    let names = [
        ("bool", T::Bool),
        ("u8", T::U8),
        ("i8", T::I8),
        ("u16", T::U16),
        ("i16", T::I16),
        ("u32", T::U32),
        ("i32", T::I32),
        ("u64", T::U64),
        ("i64", T::I64),
        ("usize", T::USize),
        ("isize", T::ISize),
        ("f32", T::F32),
        ("f64", T::F64),
        ("pointer", T::Pointer),
        ("buffer", T::Buffer),
        ("function", T::Function),
    ];
    for (name, ty) in names {
        let parsed = parse_symbols(&json!({"f": {"parameters": [name], "result": name}})).unwrap();
        let want = function("f", vec![ty.clone()], ty);
        assert_eq!(parsed[0].1, ForeignSymbol::Function(want), "{name}");
        assert_eq!(
            T::from_name(name).map(|t| t.to_string()).as_deref(),
            Some(name)
        );
    }
}

#[test]
fn statics() {
    let parsed = parse_symbols(&json!({
        "counter": {"type": "u32"},
        "maybe": {"name": "g_maybe", "type": "pointer", "optional": true},
        "origin": {"type": {"struct": ["f64", "f64"]}},
    }))
    .unwrap();
    let point = T::Struct(Arc::new(StructType::new(vec![T::F64, T::F64]).unwrap()));
    assert_eq!(
        parsed,
        vec![
            (
                "counter".to_owned(),
                ForeignSymbol::Static(ForeignStatic {
                    name: "counter".into(),
                    ty: T::U32,
                    optional: false
                })
            ),
            (
                "maybe".to_owned(),
                ForeignSymbol::Static(ForeignStatic {
                    name: "g_maybe".into(),
                    ty: T::Pointer,
                    optional: true
                })
            ),
            (
                "origin".to_owned(),
                ForeignSymbol::Static(ForeignStatic {
                    name: "origin".into(),
                    ty: point,
                    optional: false
                })
            ),
        ]
    );
}

#[test]
fn declaration_order_is_preserved() {
    // Not alphabetical, so a sorted map would reorder it.
    let parsed = parse_symbols(&json!({
        "zeta": {"parameters": [], "result": "void"},
        "alpha": {"type": "u8"},
        "mid": {"parameters": ["f64"], "result": "f64"},
        "beta": {"parameters": [], "result": "void"},
    }))
    .unwrap();
    let keys: Vec<&str> = parsed.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["zeta", "alpha", "mid", "beta"]);
}

#[test]
fn structs_nest_and_display() {
    let parsed = parse_symbols(&json!({
        "f": {"parameters": [{"struct": ["u8", {"struct": ["f64", "i16"]}]}], "result": {"struct": ["bool"]}}
    }))
    .unwrap();
    let ForeignSymbol::Function(f) = &parsed[0].1 else {
        panic!("not a function")
    };
    let inner = T::Struct(Arc::new(StructType::new(vec![T::F64, T::I16]).unwrap()));
    let outer = T::Struct(Arc::new(StructType::new(vec![T::U8, inner]).unwrap()));
    assert_eq!(f.signature.params, vec![outer]);
    assert!(f.signature.has_struct());
    assert_eq!(
        f.signature.to_string(),
        "({struct: [u8, {struct: [f64, i16]}]}) -> {struct: [bool]}"
    );
}

#[test]
fn empty_symbols_object() {
    assert_eq!(parse_symbols(&json!({})).unwrap(), vec![]);
}

#[test]
fn definitions() {
    let (sig, nonblocking) = parse_definition(
        "UnsafeCallback",
        &json!({"parameters": ["pointer", "i32"], "result": "bool"}),
        false,
    )
    .unwrap();
    assert_eq!(sig, Signature::new(vec![T::Pointer, T::I32], T::Bool));
    assert!(!nonblocking);
}
