//! The Rust reference of the checksum the C side computes (`c/hc_common.h`
//! and the generated corpus): written independently of the C generator, so
//! a test compares two implementations of one definition.

use hotcall_abi::NativeType;

use crate::corpus::{canonical, Value};

/// The initial checksum (FNV-1a's offset basis).
pub const INIT: u64 = 0xcbf2_9ce4_8422_2325;

/// Mixes one canonical 64-bit word into `h`.
pub fn mix(h: u64, v: u64) -> u64 {
    let h = (h ^ v).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h ^ (h >> 29)
}

fn mix_leaves(h: u64, value: &Value, read_buffers: bool) -> u64 {
    match value {
        Value::Scalar(v) => mix(h, *v),
        Value::Buffer { addr, head } if read_buffers => mix(mix(h, *addr), *head),
        Value::Buffer { addr, .. } => mix(h, *addr),
        Value::Struct(fields) => fields.iter().fold(h, |h, f| mix_leaves(h, f, read_buffers)),
    }
}

/// What `hc_rs_<i>` records for these arguments: every scalar leaf mixed in
/// order; a buffer mixes its address, then its first eight bytes.
pub fn of_args(values: &[Value]) -> u64 {
    values.iter().fold(INIT, |h, v| mix_leaves(h, v, true))
}

/// What `hc_rs_<i>_call` records for the value its callback returned
/// (buffers are not read: only their address counts).
pub fn of_result(value: Option<&Value>) -> u64 {
    value.map_or(INIT, |v| mix_leaves(INIT, v, false))
}

/// The canonical scalar of type `ty` derived from checksum `h`.
fn derive_scalar(ty: &NativeType, h: u64) -> u64 {
    match ty {
        NativeType::F32 => {
            let f = (h >> 40) as u32 as f32 * 0.25;
            (if h & 1 == 1 { -f } else { f }).to_bits() as u64
        }
        NativeType::F64 => {
            let d = (h >> 11) as f64 * 0.5;
            (if h & 1 == 1 { -d } else { d }).to_bits()
        }
        other => canonical(other, h),
    }
}

fn derive_into(ty: &NativeType, h: u64, leaf: &mut u64) -> Value {
    match ty.as_struct() {
        Some(st) => Value::Struct(
            st.fields()
                .iter()
                .map(|f| derive_into(f, h, leaf))
                .collect(),
        ),
        None => {
            *leaf += 1;
            Value::Scalar(derive_scalar(ty, mix(h, *leaf)))
        }
    }
}

/// The value `hc_rs_<i>` returns for checksum `h` (`None` for void). Struct
/// leaf `j` (flattened, from 0) is derived from `mix(h, j + 1)`. Buffers
/// come back as plain addresses (`Value::Scalar`).
pub fn derive_result(ty: &NativeType, h: u64) -> Option<Value> {
    match ty {
        NativeType::Void => None,
        NativeType::Struct(_) => Some(derive_into(ty, h, &mut 0)),
        scalar => Some(Value::Scalar(derive_scalar(scalar, h))),
    }
}
