#[hotcall_bindgen::bindgen]
fn maybe(v: Option<Option<i32>>) -> i32 {
    v.flatten().unwrap_or(0)
}

#[hotcall_bindgen::bindgen(blocking)]
fn unknown_option() {}

fn main() {}
