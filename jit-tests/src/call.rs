//! Calling a C function through hotcall's invoker, for hand-written cases.

use std::ffi::c_void;

use hotcall_abi::Signature;
use hotcall_jit::abi::result_buffer_size;
use hotcall_jit::Jit;

use crate::marshal;

/// Calls `f` through the invoker of `sig` with `slots` and returns the
/// result buffer (filled with [`marshal::JUNK`] beforehand).
///
/// # Safety
/// `f` must be a C function of signature `sig`, and `slots` one valid slot
/// per parameter (pointers in them live and pointing at what `f` expects).
pub unsafe fn invoke(jit: &mut Jit, f: *const c_void, sig: &Signature, slots: &[u64]) -> Vec<u8> {
    assert_eq!(
        slots.len(),
        sig.params.len(),
        "one slot per parameter of {sig}"
    );
    let inv = jit.invoker(sig).expect("invoker");
    let mut ret = marshal::junk_buffer(result_buffer_size(&sig.result));
    // SAFETY: forwarded from the caller; `ret` has result_buffer_size bytes.
    unsafe { inv(f, slots.as_ptr(), marshal::bytes_mut(&mut ret).as_mut_ptr()) };
    marshal::bytes(&ret).to_vec()
}

/// Reads a `T` from the start of a result buffer.
///
/// # Safety
/// The first `size_of::<T>()` bytes must be a valid `T` (e.g. a C result of
/// a `#[repr(C)]` mirror type or of a plain integer/float).
pub unsafe fn read_as<T: Copy>(ret: &[u8]) -> T {
    assert!(ret.len() >= size_of::<T>(), "result buffer too small");
    // SAFETY: length checked; validity guaranteed by the caller; unaligned read.
    unsafe { ret.as_ptr().cast::<T>().read_unaligned() }
}

/// The address of a value, as an argument slot.
pub fn addr<T>(v: &T) -> u64 {
    v as *const T as u64
}
