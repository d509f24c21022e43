use std::collections::HashMap;

#[hotcall_bindgen::bindgen]
fn lookup(map: HashMap<String, i32>) -> i32 {
    map.len() as i32
}

fn main() {}
