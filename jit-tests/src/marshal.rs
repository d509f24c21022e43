//! Moving [`Value`]s in and out of memory: struct images (C layout from
//! `hotcall_abi::StructType`, checked against the C compiler by the layout
//! test) and natural-width scalars.

use hotcall_abi::NativeType;

use crate::corpus::{canonical, Value};

/// Filler for bytes nobody should read (padding, unused slot bits).
pub const JUNK: u8 = 0xa5;

/// Writes `value` (of `ty`) at the start of `dst`: scalars little-endian at
/// natural width, struct leaves at their C offsets. Padding is left alone.
pub fn write(ty: &NativeType, value: &Value, dst: &mut [u8]) {
    match (ty, value) {
        (NativeType::Struct(st), Value::Struct(fields)) => {
            for ((f, off), v) in st.fields().iter().zip(st.offsets()).zip(fields) {
                write(f, v, &mut dst[*off..]);
            }
        }
        (NativeType::Buffer, Value::Buffer { addr, .. }) => {
            dst[..8].copy_from_slice(&addr.to_le_bytes())
        }
        (scalar, Value::Scalar(bits)) => {
            let n = scalar.size();
            dst[..n].copy_from_slice(&bits.to_le_bytes()[..n]);
        }
        (ty, v) => panic!("cannot write {v:?} as {ty}"),
    }
}

/// Reads a value of `ty` from the start of `src`, canonicalised. Buffers
/// read back as their address (`Value::Scalar`).
pub fn read(ty: &NativeType, src: &[u8]) -> Value {
    match ty.as_struct() {
        Some(st) => Value::Struct(
            st.fields()
                .iter()
                .zip(st.offsets())
                .map(|(f, off)| read(f, &src[*off..]))
                .collect(),
        ),
        None => {
            let mut word = [0u8; 8];
            let n = ty.size();
            word[..n].copy_from_slice(&src[..n]);
            Value::Scalar(canonical(ty, u64::from_le_bytes(word)))
        }
    }
}

/// The same value with buffers replaced by their address, as results and
/// callback slots carry them.
pub fn addresses_only(value: &Value) -> Value {
    match value {
        Value::Buffer { addr, .. } => Value::Scalar(*addr),
        Value::Struct(fields) => Value::Struct(fields.iter().map(addresses_only).collect()),
        scalar => scalar.clone(),
    }
}

/// An 8-byte aligned buffer of `size` bytes (at least 8) filled with [`JUNK`].
pub fn junk_buffer(size: usize) -> Vec<u64> {
    vec![u64::from_ne_bytes([JUNK; 8]); size.max(8).div_ceil(8)]
}

/// The bytes of an aligned buffer.
pub fn bytes(buf: &[u64]) -> &[u8] {
    // SAFETY: u64 has no padding and any byte pattern is a valid u8; the
    // slice covers exactly the buffer's memory.
    unsafe { std::slice::from_raw_parts(buf.as_ptr().cast(), buf.len() * 8) }
}

/// The bytes of an aligned buffer, mutably.
pub fn bytes_mut(buf: &mut [u64]) -> &mut [u8] {
    // SAFETY: as in `bytes`; the exclusive borrow is carried over.
    unsafe { std::slice::from_raw_parts_mut(buf.as_mut_ptr().cast(), buf.len() * 8) }
}
