#[hotcall_bindgen::bindgen]
fn call(f: fn(i32) -> i32) -> i32 {
    f(1)
}

#[hotcall_bindgen::bindgen]
fn call_str(f: extern "C" fn(String)) {
    f(String::new())
}

fn main() {}
