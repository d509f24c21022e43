//! The seed's bindgen example. `hotcall bindgen` in this directory builds
//! the library and writes `bindings/bindings.ts`, which `mul.ts` imports.

use hotcall_bindgen::bindgen;

#[bindgen]
struct Input {
    a: i32,
    b: i32,
}

#[bindgen]
fn mul(input: Input) -> i32 {
    input.a * input.b
}
