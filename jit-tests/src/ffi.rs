//! Entry points of the C library built by `build.rs`.

use std::ffi::{c_int, c_void};

mod sys {
    use std::ffi::{c_int, c_void};

    extern "C" {
        pub fn hc_last_checksum() -> u64;
        pub fn hc_rs_seed() -> u64;
        pub fn hc_rs_count() -> usize;
        pub fn hc_rs_entry(i: usize, call: c_int) -> *const c_void;
    }
}

/// The corpus seed the C library was generated with (set by `build.rs`).
pub fn seed() -> u64 {
    env!("HC_CORPUS_SEED")
        .parse()
        .expect("build.rs writes a decimal seed")
}

/// The checksum the last fixture or corpus function recorded on this thread.
pub fn last_checksum() -> u64 {
    // SAFETY: reads a C thread-local; no arguments, no preconditions.
    unsafe { sys::hc_last_checksum() }
}

/// The seed and entry count compiled into the C corpus.
pub fn c_corpus_info() -> (u64, usize) {
    // SAFETY: constant-returning C functions without preconditions.
    unsafe { (sys::hc_rs_seed(), sys::hc_rs_count()) }
}

/// `hc_rs_<i>` (`call == false`) or `hc_rs_<i>_call`; panics past the end.
pub fn corpus_entry(i: usize, call: bool) -> *const c_void {
    // SAFETY: hc_rs_entry only switches on `i`; out of range gives NULL.
    let f = unsafe { sys::hc_rs_entry(i, c_int::from(call)) };
    assert!(!f.is_null(), "no corpus entry {i}");
    f
}
