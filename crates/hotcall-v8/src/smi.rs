//! Reading small integers (V8 "Smis") straight out of a handle, without a
//! call into V8: used on the callback round trip, where `IsNumber`,
//! `IsInt32` and `Value` cost a call each.
//!
//! A handle slot holds a tagged word; a Smi has tag bit 0 clear
//! (`kSmiTag = 0`, `include/v8-internal.h`). Where the value sits depends
//! on V8's build: in the low 32 bits shifted by one with pointer
//! compression (31-bit Smis; the upper half is not meaningful), in the
//! upper 32 bits without it. Which one this V8 uses is not exposed to Rust,
//! so [`probe`] reads back integers V8 made and enables the fast read only
//! when one of the two layouts matches exactly; otherwise [`value`] always
//! says "not known" and callers use the V8 API.

use std::sync::atomic::{AtomicU8, Ordering};

const UNKNOWN: u8 = 0;
const LOW_31: u8 = 1;
const HIGH_32: u8 = 2;
const UNUSABLE: u8 = 3;

static LAYOUT: AtomicU8 = AtomicU8::new(UNKNOWN);

/// The tagged word in `value`'s handle slot.
fn word(value: v8::Local<v8::Value>) -> u64 {
    // SAFETY: a `Local` is the address of a live handle slot holding one
    // tagged word (8 bytes on the 64-bit targets hotcall supports).
    unsafe { (&*value as *const v8::Value).cast::<u64>().read() }
}

/// Learns the Smi layout from integers V8 encodes (once per process).
pub fn probe(scope: &mut v8::HandleScope) {
    if LAYOUT.load(Ordering::Relaxed) != UNKNOWN {
        return;
    }
    let samples = [0, 1, -3, 0x0123_4567, -0x0123_4567];
    let words: Vec<(i32, u64)> = samples
        .iter()
        .map(|&n| (n, word(v8::Integer::new(scope, n).into())))
        .collect();
    let low_31 = words.iter().all(|&(n, w)| w as u32 == (n << 1) as u32);
    let high_32 = words.iter().all(|&(n, w)| w == ((n as i64) << 32) as u64);
    // A heap object must carry the heap-object tag, or nothing here holds.
    let object = word(v8::Object::new(scope).into());
    let layout = match (low_31, high_32, object & 1 == 1) {
        (true, false, true) => LOW_31,
        (false, true, true) => HIGH_32,
        _ => UNUSABLE,
    };
    LAYOUT.store(layout, Ordering::Relaxed);
}

/// The integer in `value` if it is a Smi and the layout is known; `None`
/// does not mean "not an integer", only "ask V8".
#[inline]
pub fn value(value: v8::Local<v8::Value>) -> Option<i32> {
    let w = word(value);
    if w & 1 != 0 {
        return None;
    }
    match LAYOUT.load(Ordering::Relaxed) {
        LOW_31 => Some((w as u32 as i32) >> 1),
        HIGH_32 => Some((w >> 32) as u32 as i32),
        _ => None,
    }
}
