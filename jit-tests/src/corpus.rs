//! The seeded random corpus of signatures, shared verbatim by `build.rs`
//! (which writes C for it) and the tests (which drive the stubs with it).
//!
//! Everything is a pure function of `(seed, index)`, so the build script and
//! the tests agree on every signature and every literal without exchanging
//! anything but the seed.
//!
//! Values are kept *canonical*: every scalar as the `u64` C gets with
//! `(uint64_t)(int64_t)x` for signed integers, `(uint64_t)x` for unsigned
//! ones and `bool`, the zero-extended IEEE bits for floats and the address
//! for the pointer kinds. The checksum mixes exactly these words.

use std::sync::Arc;

use hotcall_abi::{NativeType, Signature, StructType};

/// The default corpus seed (override with `HOTCALL_CORPUS_SEED` at build time).
pub const DEFAULT_SEED: u64 = 0x686f_7463_616c_6c21;

/// Number of random signatures.
pub const COUNT: usize = 320;

/// Most parameters a random signature has.
pub const MAX_PARAMS: usize = 24;

/// The splitmix64 generator: tiny, seedable, good enough for test data.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// A generator for one stream (`tag`) of one corpus entry.
    pub fn stream(seed: u64, index: usize, tag: u64) -> Rng {
        let mut r = Rng(seed ^ tag.wrapping_mul(0xa076_1d64_78bd_642f));
        r.0 ^= (index as u64).wrapping_mul(0xe703_7ed1_a0b4_28db);
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0; the tiny modulo bias does not matter here).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
}

/// Stream tags: one independent random stream per use.
pub const TAG_SIGNATURE: u64 = 1;
pub const TAG_LITERALS: u64 = 2;
pub const TAG_ARGS: u64 = 3;
pub const TAG_CALLBACK_RESULT: u64 = 4;

/// Scalar types a parameter or result can have.
pub const PARAM_SCALARS: &[NativeType] = &[
    NativeType::Bool,
    NativeType::U8,
    NativeType::I8,
    NativeType::U16,
    NativeType::I16,
    NativeType::U32,
    NativeType::I32,
    NativeType::U64,
    NativeType::I64,
    NativeType::USize,
    NativeType::ISize,
    NativeType::F32,
    NativeType::F64,
    NativeType::Pointer,
    NativeType::Buffer,
    NativeType::Function,
];

/// Scalar types a struct field can have.
pub const FIELD_SCALARS: &[NativeType] = &[
    NativeType::Bool,
    NativeType::U8,
    NativeType::I8,
    NativeType::U16,
    NativeType::I16,
    NativeType::U32,
    NativeType::I32,
    NativeType::U64,
    NativeType::I64,
    NativeType::F32,
    NativeType::F64,
    NativeType::Pointer,
];

const FLOATS: &[NativeType] = &[NativeType::F32, NativeType::F64];

fn random_struct(rng: &mut Rng, depth: usize) -> NativeType {
    let all_float = rng.chance(30);
    let n = if rng.chance(80) {
        1 + rng.below(4)
    } else {
        1 + rng.below(7)
    };
    let fields = (0..n)
        .map(|_| {
            if depth < 2 && rng.chance(12) {
                random_struct(rng, depth + 1)
            } else if all_float {
                rng.pick(FLOATS)
            } else {
                rng.pick(FIELD_SCALARS)
            }
        })
        .collect();
    NativeType::Struct(Arc::new(
        StructType::new(fields).expect("non-empty, non-void fields"),
    ))
}

fn random_type(rng: &mut Rng) -> NativeType {
    if rng.chance(15) {
        random_struct(rng, 0)
    } else {
        rng.pick(PARAM_SCALARS)
    }
}

/// Signature `index` of the corpus of `seed`.
pub fn signature(seed: u64, index: usize) -> Signature {
    let mut rng = Rng::stream(seed, index, TAG_SIGNATURE);
    // Favour short lists but reach register exhaustion often.
    let n = if rng.chance(30) {
        rng.below(5)
    } else {
        rng.below(MAX_PARAMS + 1)
    };
    let params = (0..n).map(|_| random_type(&mut rng)).collect();
    let result = if rng.chance(12) {
        NativeType::Void
    } else {
        random_type(&mut rng)
    };
    Signature::new(params, result)
}

/// A value of some FFI type, canonical (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Scalar(u64),
    /// A buffer: the address of its data and its first eight bytes (read by
    /// the C checksum, so only real buffers may be passed to `hc_rs_<i>`).
    Buffer {
        addr: u64,
        head: u64,
    },
    Struct(Vec<Value>),
}

/// The canonical form of the low bits of `raw` as a value of `ty`.
pub fn canonical(ty: &NativeType, raw: u64) -> u64 {
    use NativeType::*;
    match ty {
        Bool => raw & 1,
        U8 => raw as u8 as u64,
        I8 => raw as i8 as i64 as u64,
        U16 => raw as u16 as u64,
        I16 => raw as i16 as i64 as u64,
        U32 | F32 => raw as u32 as u64,
        I32 => raw as i32 as i64 as u64,
        _ => raw,
    }
}

fn random_int(rng: &mut Rng, ty: &NativeType) -> u64 {
    let bits = ty.size() as u32 * 8;
    let max_unsigned = if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let raw = if rng.chance(35) {
        let half = max_unsigned >> 1;
        rng.pick(&[
            0,
            1,
            max_unsigned,
            half,
            half + 1,
            half - 1,
            2,
            max_unsigned - 1,
        ])
    } else {
        rng.next_u64()
    };
    canonical(ty, raw)
}

fn random_f32(rng: &mut Rng) -> u64 {
    let v = if rng.chance(25) {
        rng.pick(&[
            0.0f32,
            -0.0,
            1.0,
            -1.5,
            f32::MAX,
            f32::MIN_POSITIVE,
            1e-45,
            f32::INFINITY,
        ])
    } else {
        (rng.next_u64() as i32 >> 4) as f32 / 256.0
    };
    v.to_bits() as u64
}

fn random_f64(rng: &mut Rng) -> u64 {
    let v = if rng.chance(25) {
        rng.pick(&[
            0.0f64,
            -0.0,
            1.0,
            -2.5,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            f64::NEG_INFINITY,
        ])
    } else {
        (rng.next_u64() as i64 >> 8) as f64 / 65536.0
    };
    v.to_bits()
}

/// A random value of `ty`. Buffers get a random (fake) address: callers
/// that let C read the buffer replace it with a real one.
pub fn random_value(rng: &mut Rng, ty: &NativeType) -> Value {
    match ty {
        NativeType::Struct(st) => {
            Value::Struct(st.fields().iter().map(|f| random_value(rng, f)).collect())
        }
        NativeType::Buffer => Value::Buffer {
            addr: rng.next_u64() | 1,
            head: rng.next_u64(),
        },
        NativeType::F32 => Value::Scalar(random_f32(rng)),
        NativeType::F64 => Value::Scalar(random_f64(rng)),
        NativeType::Bool => Value::Scalar(rng.next_u64() & 1),
        other => Value::Scalar(random_int(rng, other)),
    }
}

/// The literal arguments `hc_rs_<index>_call` passes to its callback.
pub fn literals(seed: u64, index: usize, sig: &Signature) -> Vec<Value> {
    let mut rng = Rng::stream(seed, index, TAG_LITERALS);
    sig.params
        .iter()
        .map(|p| random_value(&mut rng, p))
        .collect()
}

/// The seed in effect, from the build-time environment variable text.
pub fn seed_from_env(text: Option<&str>) -> u64 {
    match text {
        Some(t) => {
            let t = t.trim();
            let parsed = match t.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => t.parse(),
            };
            parsed.unwrap_or_else(|_| panic!("HOTCALL_CORPUS_SEED={t:?} is not a u64"))
        }
        None => DEFAULT_SEED,
    }
}
