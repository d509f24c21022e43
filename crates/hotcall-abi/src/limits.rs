//! Declaration limits: the largest declaration hotcall accepts. Every
//! reader (JSON, JS objects, the stub generator when called directly)
//! checks these before it allocates or compiles anything proportional to
//! the declaration. `docs/limits.md` gives the reasons and the sources.

use crate::{NativeType, Signature};

/// Parameters of one function, callback or function pointer definition.
/// C requires compilers to accept at least 127; 1024 also covers the
/// largest generated bindings seen in practice, and the stubs of a
/// 1024-parameter signature compile in milliseconds (`docs/limits.md`).
pub const MAX_PARAMETERS: usize = 255;

/// Fields of one struct (`{ struct: [...] }`, not counting nested fields).
/// C's minimum translation limit for members of one struct is 1023.
pub const MAX_STRUCT_FIELDS: usize = 1023;

/// Nesting depth of structs: a struct directly in a parameter or result
/// is at depth 1. C's minimum limit for nested struct definitions is 63.
pub const MAX_STRUCT_DEPTH: usize = 63;

/// Type expressions in one declaration: every parameter, the result and
/// every struct field at any depth counts once (a struct object used for
/// several fields counts once per use). Bounds the work of reading and
/// laying out a declaration whatever its shape.
pub const MAX_TYPES: usize = 4096;

/// Which limit a declaration is over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Limit {
    /// `count` parameters (more than [`MAX_PARAMETERS`]).
    Parameters(u64),
    /// A struct with `count` fields (more than [`MAX_STRUCT_FIELDS`]).
    StructFields(u64),
    /// Structs nested more than [`MAX_STRUCT_DEPTH`] deep.
    StructDepth,
    /// More than [`MAX_TYPES`] type expressions in one declaration.
    Types,
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Limit::Parameters(n) => {
                write!(f, "{n} parameters, more than the limit of {MAX_PARAMETERS}")
            }
            Limit::StructFields(n) => write!(
                f,
                "a struct with {n} fields, more than the limit of {MAX_STRUCT_FIELDS}"
            ),
            Limit::StructDepth => write!(
                f,
                "structs nested more than the limit of {MAX_STRUCT_DEPTH} levels deep"
            ),
            Limit::Types => write!(
                f,
                "more than the limit of {MAX_TYPES} types (parameters, result and struct fields) in one declaration"
            ),
        }
    }
}

/// A countdown of [`MAX_TYPES`] for one declaration.
#[derive(Clone, Debug)]
pub struct TypeBudget {
    left: usize,
}

impl Default for TypeBudget {
    fn default() -> TypeBudget {
        TypeBudget { left: MAX_TYPES }
    }
}

impl TypeBudget {
    /// Counts one type expression; `Err` once more than [`MAX_TYPES`] were counted.
    pub fn take(&mut self) -> Result<(), Limit> {
        if self.left == 0 {
            return Err(Limit::Types);
        }
        self.left -= 1;
        Ok(())
    }
}

/// Checks a parameter count (before the parameters are read).
pub fn check_parameter_count(count: u64) -> Result<(), Limit> {
    if count > MAX_PARAMETERS as u64 {
        return Err(Limit::Parameters(count));
    }
    Ok(())
}

/// Checks the field count of one struct (before its fields are read).
pub fn check_field_count(count: u64) -> Result<(), Limit> {
    if count > MAX_STRUCT_FIELDS as u64 {
        return Err(Limit::StructFields(count));
    }
    Ok(())
}

/// Checks the nesting depth of a struct about to be read (1 = outermost).
pub fn check_depth(depth: usize) -> Result<(), Limit> {
    if depth > MAX_STRUCT_DEPTH {
        return Err(Limit::StructDepth);
    }
    Ok(())
}

/// Checks an already built signature against every limit, for code that
/// receives [`Signature`]s directly (the stub generator). Iterative, with
/// the type budget, so it is fast and cannot overflow the stack whatever
/// the signature's shape (deep, wide, or a struct shared by many fields).
pub fn check_signature(sig: &Signature) -> Result<(), Limit> {
    check_parameter_count(sig.params.len() as u64)?;
    let mut budget = TypeBudget::default();
    // (type, depth of the struct it is, if it is one); each type is counted
    // when pushed, so the stack never holds more than MAX_TYPES entries.
    let mut stack: Vec<(&NativeType, usize)> = Vec::new();
    for ty in sig.params.iter().chain([&sig.result]) {
        budget.take()?;
        stack.push((ty, 1));
    }
    while let Some((ty, depth)) = stack.pop() {
        if let NativeType::Struct(st) = ty {
            check_depth(depth)?;
            check_field_count(st.fields().len() as u64)?;
            for field in st.fields() {
                budget.take()?;
                stack.push((field, depth + 1));
            }
        }
    }
    Ok(())
}
