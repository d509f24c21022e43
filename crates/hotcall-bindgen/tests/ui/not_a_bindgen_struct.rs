struct Plain {
    a: i32,
}

#[hotcall_bindgen::bindgen]
fn take(p: Plain) -> i32 {
    p.a
}

fn main() {}
