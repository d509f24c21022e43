//! Executable memory follows its owner: dropping stubs unmaps their pages,
//! and no page is ever writable and executable at once.
//!
//! The tests read the process-wide `/proc/self/maps` and empty the
//! process-wide callback graveyard, so they must not overlap: this file is
//! its own test binary (nothing else maps code in it) and every test holds
//! [`serial`] for its whole run, whatever `--test-threads` is.

use std::ffi::c_void;

use hotcall_abi::{NativeType as T, Signature};
use hotcall_jit::callback::{collect_garbage, Callback};
use hotcall_jit::{FastResult, Jit};

extern "C" fn add_i32(a: i32, b: i32) -> i32 {
    a.wrapping_add(b)
}

/// The lock that serialises the tests of this binary (a test that failed
/// while holding it does not fail the others).
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// The process's memory mappings, one line each.
fn maps() -> Vec<String> {
    std::fs::read_to_string("/proc/self/maps")
        .expect("read /proc/self/maps")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Bytes of anonymous executable memory (JIT code) mapped right now.
fn executable_anonymous_bytes() -> u64 {
    maps()
        .iter()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let anonymous = fields.len() < 6;
            if !anonymous || !fields[1].contains('x') {
                return None;
            }
            let (lo, hi) = fields[0].split_once('-')?;
            Some(u64::from_str_radix(hi, 16).ok()? - u64::from_str_radix(lo, 16).ok()?)
        })
        .sum()
}

/// Slack for allocator caching: far less than one page per iteration.
const SLACK: u64 = 64 * 1024;

#[test]
fn dropped_stub_sets_release_their_pages() {
    let _serial = serial();
    let mut jit = Jit::new().unwrap();
    let sig = Signature::new(vec![T::I32, T::I32], T::I32);
    let item = [(&sig, add_i32 as *const c_void, FastResult::Direct)];
    // Warm up allocator state, then measure.
    drop(jit.fast_trampolines(&item).unwrap());
    let before = executable_anonymous_bytes();
    for _ in 0..500 {
        let set = jit.fast_trampolines(&item).unwrap();
        // SAFETY: the trampoline has V8's fast-call signature for (i32, i32) -> i32.
        let f: extern "C" fn(*const c_void, i32, i32, *const c_void) -> i32 =
            unsafe { std::mem::transmute(set.pointer(0)) };
        assert_eq!(f(std::ptr::null(), 2, 3, std::ptr::null()), 5);
    }
    let after = executable_anonymous_bytes();
    assert!(
        after <= before + SLACK,
        "executable memory grew from {before} to {after} bytes over 500 dropped stub sets"
    );
}

#[test]
fn closed_callbacks_release_their_pages() {
    let _serial = serial();
    let mut jit = Jit::new().unwrap();
    let sig = Signature::new(vec![T::I32], T::I32);
    drop(Callback::new(&mut jit, &sig, |_| {}).unwrap());
    collect_garbage();
    let before = executable_anonymous_bytes();
    for i in 0..300 {
        let cb = Callback::new(&mut jit, &sig, move |call| {
            // SAFETY: one i32 slot in, an 8-byte result buffer out.
            unsafe { *(call.ret as *mut i32) = *call.args as i32 + i };
        })
        .unwrap();
        // SAFETY: the thunk has the C signature (i32) -> i32.
        let f: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(cb.pointer()) };
        assert_eq!(f(10), 10 + i);
        cb.close();
    }
    collect_garbage();
    let after = executable_anonymous_bytes();
    assert!(
        after <= before + SLACK,
        "executable memory grew from {before} to {after} bytes over 300 closed callbacks"
    );
}

#[test]
fn no_mapping_is_writable_and_executable() {
    let _serial = serial();
    let mut jit = Jit::new().unwrap();
    let sig = Signature::new(vec![T::F64, T::Buffer, T::U8], T::I64);
    let _invoker = jit.invoker(&sig).unwrap();
    let _set = jit
        .fast_trampolines(&[(&sig, add_i32 as *const c_void, FastResult::Direct)])
        .unwrap();
    let wx: Vec<String> = maps()
        .into_iter()
        .filter(|l| {
            l.split_whitespace()
                .nth(1)
                .is_some_and(|p| p.contains('w') && p.contains('x'))
        })
        .collect();
    assert!(wx.is_empty(), "writable+executable mappings: {wx:?}");
}

#[test]
fn callback_closed_inside_its_own_call_is_freed_after_it_returns() {
    let _serial = serial();
    use std::sync::{Arc, Mutex};
    let mut jit = Jit::new().unwrap();
    let sig = Signature::new(vec![T::I32], T::I32);
    let slot: Arc<Mutex<Option<Callback>>> = Arc::new(Mutex::new(None));
    let inner = Arc::clone(&slot);
    let cb = Callback::new(&mut jit, &sig, move |call| {
        // Close ourselves while this very call is running.
        let me = inner.lock().unwrap().take().expect("callback still open");
        assert_eq!(me.active_calls(), 1);
        drop(me);
        // The thunk must still be mapped: it runs again after we return.
        collect_garbage();
        // SAFETY: one i32 slot in, an 8-byte result buffer out.
        unsafe { *(call.ret as *mut i32) = *call.args as i32 * 2 };
    })
    .unwrap();
    // SAFETY: the thunk has the C signature (i32) -> i32.
    let f: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(cb.pointer()) };
    *slot.lock().unwrap() = Some(cb);
    assert_eq!(f(21), 42);
    assert!(slot.lock().unwrap().is_none());
    collect_garbage();
}

#[test]
fn callback_closed_while_another_thread_is_inside_waits_for_it() {
    let _serial = serial();
    use std::sync::mpsc::channel;
    use std::sync::{Arc, Barrier};
    let mut jit = Jit::new().unwrap();
    let sig = Signature::new(vec![T::I32], T::I32);
    let (entered_tx, entered_rx) = channel::<()>();
    let entered_tx = std::sync::Mutex::new(entered_tx);
    let go = Arc::new(Barrier::new(2));
    let go_in_handler = Arc::clone(&go);
    let cb = Callback::new(&mut jit, &sig, move |call| {
        entered_tx.lock().unwrap().send(()).unwrap();
        go_in_handler.wait();
        // SAFETY: one i32 slot in, an 8-byte result buffer out.
        unsafe { *(call.ret as *mut i32) = *call.args as i32 + 1 };
    })
    .unwrap();
    let pointer = cb.pointer() as usize;
    let caller = std::thread::spawn(move || {
        // SAFETY: the thunk has the C signature (i32) -> i32 and stays
        // mapped until this call has returned (that is what is tested).
        let f: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(pointer) };
        f(41)
    });
    entered_rx.recv().unwrap();
    assert_eq!(cb.active_calls(), 1, "the foreign call is counted");
    cb.close();
    collect_garbage();
    go.wait();
    assert_eq!(caller.join().unwrap(), 42);
    collect_garbage();
}
