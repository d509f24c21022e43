#[hotcall_bindgen::bindgen]
struct Person {
    name: String,
    age: u8,
}

fn main() {}
