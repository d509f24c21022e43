#[hotcall_bindgen::bindgen]
fn wide(v: u128) -> u128 {
    v
}

fn main() {}
