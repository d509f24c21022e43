//! A `#[bindgen]` library using every supported type, both ways, for the
//! end-to-end test `bindgen_fixture_every_type` in `tests/examples.rs`
//! (which runs `hotcall bindgen` here and then `all_types.ts`).
//!
//! Each function transforms its input (no plain echo), so that a value that
//! merely survives a wrong encoding does not pass. The feature `changed`
//! changes the signature of `add_i32`, for the stale-bindings test.

use std::sync::atomic::{AtomicU32, Ordering};

use hotcall_bindgen::bindgen;

// ---- scalars --------------------------------------------------------------

#[cfg(not(feature = "changed"))]
#[bindgen]
fn add_i32(a: i32, b: i32) -> i32 {
    a.wrapping_add(b)
}

/// The `changed` build: same name, another result type.
#[cfg(feature = "changed")]
#[bindgen]
fn add_i32(a: i32, b: i32) -> i64 {
    a as i64 + b as i64
}

#[bindgen]
fn not_bool(v: bool) -> bool {
    !v
}

#[bindgen]
fn inc_u8(v: u8) -> u8 {
    v.wrapping_add(1)
}

#[bindgen]
fn inc_i8(v: i8) -> i8 {
    v.wrapping_add(1)
}

#[bindgen]
fn inc_u16(v: u16) -> u16 {
    v.wrapping_add(1)
}

#[bindgen]
fn inc_i16(v: i16) -> i16 {
    v.wrapping_add(1)
}

#[bindgen]
fn inc_u32(v: u32) -> u32 {
    v.wrapping_add(1)
}

#[bindgen]
fn inc_u64(v: u64) -> u64 {
    v.wrapping_add(1)
}

#[bindgen]
fn inc_i64(v: i64) -> i64 {
    v.wrapping_add(1)
}

#[bindgen]
fn inc_usize(v: usize) -> usize {
    v.wrapping_add(1)
}

#[bindgen]
fn inc_isize(v: isize) -> isize {
    v.wrapping_add(1)
}

#[bindgen]
fn half_f32(v: f32) -> f32 {
    v / 2.0
}

#[bindgen]
fn half_f64(v: f64) -> f64 {
    v / 2.0
}

/// A JS reserved word as a parameter name.
#[bindgen]
fn negate(new: i32) -> i32 {
    -new
}

#[bindgen]
fn ptr_add(p: *const u8, n: usize) -> *const u8 {
    p.wrapping_add(n)
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A `()` result.
#[bindgen]
fn set_counter(v: u32) {
    COUNTER.store(v, Ordering::SeqCst);
}

/// No parameters.
#[bindgen]
fn counter() -> u32 {
    COUNTER.load(Ordering::SeqCst)
}

// ---- structs --------------------------------------------------------------

#[bindgen]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// Nested structs, with padding after `id`.
#[bindgen]
pub struct Rect {
    pub id: u8,
    pub origin: Point,
    pub size: Point,
}

/// Every scalar field type, in an order that needs padding.
#[bindgen]
pub struct Scalars {
    pub b: bool,
    pub u64_: u64,
    pub u8_: u8,
    pub i16_: i16,
    pub i8_: i8,
    pub u16_: u16,
    pub u32_: u32,
    pub i32_: i32,
    pub i64_: i64,
    pub usize_: usize,
    pub isize_: isize,
    pub f32_: f32,
    pub f64_: f64,
    pub ptr: *const u8,
}

#[bindgen]
fn area(r: Rect) -> f64 {
    r.size.x * r.size.y
}

#[bindgen]
fn make_rect(id: u8, x: f64, y: f64, w: f64, h: f64) -> Rect {
    Rect {
        id,
        origin: Point { x, y },
        size: Point { x: w, y: h },
    }
}

/// Moves the rect by (1, 2) and bumps its id.
#[bindgen]
fn shift(r: Rect) -> Rect {
    Rect {
        id: r.id + 1,
        origin: Point {
            x: r.origin.x + 1.0,
            y: r.origin.y + 2.0,
        },
        size: r.size,
    }
}

/// Every field changed: ints + 1 (wrapping), floats doubled, bool negated,
/// pointer + 1.
#[bindgen]
fn bump(s: Scalars) -> Scalars {
    Scalars {
        b: !s.b,
        u64_: s.u64_.wrapping_add(1),
        u8_: s.u8_.wrapping_add(1),
        i16_: s.i16_.wrapping_add(1),
        i8_: s.i8_.wrapping_add(1),
        u16_: s.u16_.wrapping_add(1),
        u32_: s.u32_.wrapping_add(1),
        i32_: s.i32_.wrapping_add(1),
        i64_: s.i64_.wrapping_add(1),
        usize_: s.usize_.wrapping_add(1),
        isize_: s.isize_.wrapping_add(1),
        f32_: s.f32_ * 2.0,
        f64_: s.f64_ * 2.0,
        ptr: s.ptr.wrapping_add(1),
    }
}

// ---- strings and bytes ----------------------------------------------------

#[bindgen]
fn greet(name: &str) -> String {
    format!("Hello, {name}!")
}

#[bindgen]
fn shout(s: String) -> String {
    s.to_uppercase()
}

/// Characters (not bytes) of `s`.
#[bindgen]
fn char_count(s: &str) -> usize {
    s.chars().count()
}

#[bindgen]
fn sum_bytes(b: &[u8]) -> u32 {
    b.iter().map(|&x| x as u32).sum()
}

#[bindgen]
fn reversed(b: Vec<u8>) -> Vec<u8> {
    let mut b = b;
    b.reverse();
    b
}

/// Writes `v, v+1, ...` into `b` (modified in place).
#[bindgen]
fn fill_from(b: &mut [u8], v: u8) {
    for (i, x) in b.iter_mut().enumerate() {
        *x = v.wrapping_add(i as u8);
    }
}

#[bindgen]
fn repeat_byte(v: u8, n: usize) -> Vec<u8> {
    vec![v; n]
}

// ---- Option ---------------------------------------------------------------

#[bindgen]
fn checked_div(a: i32, b: i32) -> Option<i32> {
    a.checked_div(b)
}

#[bindgen]
fn or_default(v: Option<u64>, d: u64) -> u64 {
    v.unwrap_or(d)
}

#[bindgen]
fn flip(v: Option<bool>) -> Option<bool> {
    v.map(|b| !b)
}

#[bindgen]
fn bracket(name: Option<&str>) -> Option<String> {
    name.map(|s| format!("<{s}>"))
}

#[bindgen]
fn opt_len(s: Option<String>) -> i64 {
    s.map_or(-1, |s| s.len() as i64)
}

#[bindgen]
fn mirror(p: Option<Point>) -> Option<Point> {
    p.map(|p| Point { x: -p.x, y: -p.y })
}

#[bindgen]
fn tail(b: Option<&[u8]>) -> Option<Vec<u8>> {
    b.map(|b| b.iter().skip(1).copied().collect())
}

#[bindgen]
fn count_some(a: Option<Vec<u8>>, p: Option<*const u8>) -> u32 {
    a.map_or(0, |a| a.len() as u32) + p.map_or(0, |_| 100)
}

// ---- nonblocking ----------------------------------------------------------

#[bindgen(nonblocking)]
fn slow_add(a: i32, b: i32, ms: u32) -> i32 {
    std::thread::sleep(std::time::Duration::from_millis(ms.into()));
    a + b
}

#[bindgen(nonblocking)]
fn slow_greet(name: &str) -> String {
    std::thread::sleep(std::time::Duration::from_millis(20));
    format!("Later, {name}!")
}

#[bindgen(nonblocking)]
fn slow_shift(r: Rect) -> Option<Rect> {
    Some(shift(r))
}

// ---- callbacks ------------------------------------------------------------

#[bindgen]
fn apply(f: extern "C" fn(i32) -> i32, v: i32) -> i32 {
    f(v) * 10
}

#[bindgen]
fn combine(f: Option<extern "C" fn(f64, f64) -> f64>, a: f64, b: f64) -> f64 {
    f.map_or(-1.0, |f| f(a, b))
}

/// Calls `f(0) .. f(n - 1)`.
#[bindgen]
fn count_up(n: u32, f: extern "C" fn(u32)) {
    for i in 0..n {
        f(i);
    }
}
