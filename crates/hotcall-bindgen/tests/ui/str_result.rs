#[hotcall_bindgen::bindgen]
fn name() -> &'static str {
    "x"
}

fn main() {}
