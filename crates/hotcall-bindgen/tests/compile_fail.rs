//! Unsupported Rust types and misuses of `#[bindgen]` are compile errors
//! that say what is supported (`tests/ui/*.rs`, expected `*.stderr`).

#[test]
fn unsupported_types_are_compile_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
