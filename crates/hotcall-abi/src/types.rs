//! Native types, C struct layout and signatures.

use std::fmt;
use std::sync::Arc;

/// One FFI type: a row of the type table, or a struct of them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum NativeType {
    /// `void`: only valid as a result.
    Void,
    /// C `bool` (1 byte, 0 or 1).
    Bool,
    U8,
    I8,
    U16,
    I16,
    U32,
    I32,
    U64,
    I64,
    /// `size_t`.
    USize,
    /// `ssize_t`.
    ISize,
    F32,
    F64,
    /// `void *`, passed as a plain integer.
    Pointer,
    /// `const uint8_t *` to the first byte of a TypedArray / ArrayBuffer.
    Buffer,
    /// A C function pointer.
    Function,
    /// A struct passed by value.
    Struct(Arc<StructType>),
}

/// Every scalar type name accepted in declarations, with its type.
pub const SCALAR_NAMES: &[(&str, NativeType)] = &[
    ("void", NativeType::Void),
    ("bool", NativeType::Bool),
    ("u8", NativeType::U8),
    ("i8", NativeType::I8),
    ("u16", NativeType::U16),
    ("i16", NativeType::I16),
    ("u32", NativeType::U32),
    ("i32", NativeType::I32),
    ("u64", NativeType::U64),
    ("i64", NativeType::I64),
    ("usize", NativeType::USize),
    ("isize", NativeType::ISize),
    ("f32", NativeType::F32),
    ("f64", NativeType::F64),
    ("pointer", NativeType::Pointer),
    ("buffer", NativeType::Buffer),
    ("function", NativeType::Function),
];

impl NativeType {
    /// The type of a scalar name (`"u8"`, `"pointer"`, ...), if it is one.
    pub fn from_name(name: &str) -> Option<NativeType> {
        SCALAR_NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.clone())
    }

    /// Size in bytes as in C (`void` is 0).
    pub fn size(&self) -> usize {
        use NativeType::*;
        match self {
            Void => 0,
            Bool | U8 | I8 => 1,
            U16 | I16 => 2,
            U32 | I32 | F32 => 4,
            U64 | I64 | USize | ISize | F64 | Pointer | Buffer | Function => 8,
            Struct(s) => s.size(),
        }
    }

    /// Alignment in bytes as in C (`void` is 1).
    pub fn align(&self) -> usize {
        match self {
            NativeType::Void => 1,
            NativeType::Struct(s) => s.align(),
            other => other.size(),
        }
    }

    /// True for `f32` and `f64`.
    pub fn is_float(&self) -> bool {
        matches!(self, NativeType::F32 | NativeType::F64)
    }

    /// True for every integer-like scalar: ints, bool and the pointer kinds.
    pub fn is_integer_like(&self) -> bool {
        !matches!(
            self,
            NativeType::Void | NativeType::F32 | NativeType::F64 | NativeType::Struct(_)
        )
    }

    /// True for the signed integer types.
    pub fn is_signed(&self) -> bool {
        use NativeType::*;
        matches!(self, I8 | I16 | I32 | I64 | ISize)
    }

    /// The struct, if this is one.
    pub fn as_struct(&self) -> Option<&StructType> {
        match self {
            NativeType::Struct(s) => Some(s),
            _ => None,
        }
    }
}

impl fmt::Display for NativeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let NativeType::Struct(s) = self {
            return write!(f, "{s}");
        }
        let name = SCALAR_NAMES
            .iter()
            .find(|(_, t)| t == self)
            .map(|(n, _)| *n)
            .unwrap_or("?");
        f.write_str(name)
    }
}

/// A C struct with its computed layout.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StructType {
    fields: Vec<NativeType>,
    offsets: Vec<usize>,
    size: usize,
    align: usize,
}

impl StructType {
    /// Lays out `fields` by the C rule. Returns `None` for an empty struct or
    /// a `void` field; validation with a proper message is done in [`crate::decl`].
    pub fn new(fields: Vec<NativeType>) -> Option<StructType> {
        if fields.is_empty() || fields.contains(&NativeType::Void) {
            return None;
        }
        let mut offsets = Vec::with_capacity(fields.len());
        let mut offset = 0usize;
        let mut align = 1usize;
        for field in &fields {
            let a = field.align();
            offset = offset.next_multiple_of(a);
            offsets.push(offset);
            offset += field.size();
            align = align.max(a);
        }
        let size = offset.next_multiple_of(align);
        Some(StructType {
            fields,
            offsets,
            size,
            align,
        })
    }

    pub fn fields(&self) -> &[NativeType] {
        &self.fields
    }

    /// Byte offset of each field.
    pub fn offsets(&self) -> &[usize] {
        &self.offsets
    }

    pub fn size(&self) -> usize {
        self.size
    }

    pub fn align(&self) -> usize {
        self.align
    }

    /// Every scalar leaf of the struct (nested structs flattened) with its
    /// byte offset from the start of this struct.
    pub fn flatten(&self) -> Vec<(usize, NativeType)> {
        let mut out = Vec::new();
        self.flatten_into(0, &mut out);
        out
    }

    fn flatten_into(&self, base: usize, out: &mut Vec<(usize, NativeType)>) {
        for (field, off) in self.fields.iter().zip(&self.offsets) {
            match field {
                NativeType::Struct(inner) => inner.flatten_into(base + off, out),
                scalar => out.push((base + off, scalar.clone())),
            }
        }
    }
}

impl fmt::Display for StructType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{struct: [")?;
        for (i, field) in self.fields.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{field}")?;
        }
        f.write_str("]}")
    }
}

/// Parameter and result types of a C function.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature {
    pub params: Vec<NativeType>,
    pub result: NativeType,
}

impl Signature {
    pub fn new(params: Vec<NativeType>, result: NativeType) -> Signature {
        Signature { params, result }
    }

    /// True if a parameter or the result is a struct by value.
    pub fn has_struct(&self) -> bool {
        self.result.as_struct().is_some() || self.params.iter().any(|p| p.as_struct().is_some())
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{p}")?;
        }
        write!(f, ") -> {}", self.result)
    }
}
