//! The FFI type model of hotcall.
//!
//! * [`NativeType`]: one row of the FFI type table (`u8`, `f64`, `pointer`,
//!   `buffer`, `{ struct: [...] }`, ...), with its C size and alignment.
//! * [`StructType`]: a C struct laid out by the C rule (fields at the next
//!   multiple of their alignment, size rounded up to the largest alignment).
//! * [`Signature`]: parameter and result types of a C function.
//! * [`decl`]: parsing and validating declarations of the same shape as the
//!   JavaScript ones (`{ parameters, result, nonblocking, ... }`).
//!
//! * [`limits`]: the largest declaration accepted.
//!
//! Nothing here depends on an engine or a code generator.

pub mod decl;
mod error;
pub mod limits;
mod types;

pub use decl::{parse_symbols, ForeignFunction, ForeignStatic, ForeignSymbol, TypeExpr};
pub use error::DeclError;
pub use types::{NativeType, Signature, StructType};
