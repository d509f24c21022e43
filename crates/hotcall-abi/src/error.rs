//! Declaration errors: each names the symbol and the offending type.

use std::fmt;

use crate::limits::Limit;

/// Where in a declaration a type stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypePosition {
    Parameter(usize),
    Result,
    Static,
}

impl fmt::Display for TypePosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypePosition::Parameter(i) => write!(f, "parameter {i}"),
            TypePosition::Result => f.write_str("result"),
            TypePosition::Static => f.write_str("static type"),
        }
    }
}

/// What is wrong with a declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeclErrorKind {
    /// A type name that is not in the type table.
    UnknownType(String),
    /// `{ struct: [] }`.
    EmptyStruct,
    /// A struct that contains itself.
    RecursiveStruct,
    /// `void` where a value is needed (parameter, static).
    VoidNotAllowed,
    /// `void` as a field of a struct (at any position, result included).
    VoidField,
    /// A type that is neither a string nor `{ struct: [...] }`.
    MalformedType(String),
    /// The declaration object itself is malformed (missing `parameters`, ...).
    Malformed(String),
    /// The declaration is over one of the limits of [`crate::limits`].
    Limit(Limit),
}

/// An invalid declaration, naming the symbol, the position and the type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclError {
    pub symbol: String,
    pub position: Option<TypePosition>,
    pub kind: DeclErrorKind,
}

impl DeclError {
    pub(crate) fn at(symbol: &str, position: &TypePosition, kind: DeclErrorKind) -> DeclError {
        DeclError {
            symbol: symbol.to_owned(),
            position: Some(position.clone()),
            kind,
        }
    }

    /// A declaration of `symbol` over `limit`, at `position` if it is
    /// inside a type (a parameter count has no position).
    pub fn limit(symbol: &str, position: Option<&TypePosition>, limit: Limit) -> DeclError {
        DeclError {
            symbol: symbol.to_owned(),
            position: position.cloned(),
            kind: DeclErrorKind::Limit(limit),
        }
    }

    pub(crate) fn malformed(symbol: &str, what: impl Into<String>) -> DeclError {
        DeclError {
            symbol: symbol.to_owned(),
            position: None,
            kind: DeclErrorKind::Malformed(what.into()),
        }
    }
}

impl fmt::Display for DeclError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // An error about the symbols object itself names no symbol.
        if self.symbol.is_empty() {
            f.write_str("Invalid FFI declaration")?;
        } else {
            write!(f, "Invalid FFI declaration of symbol \"{}\"", self.symbol)?;
        }
        if let Some(pos) = &self.position {
            write!(f, ", {pos}")?;
        }
        f.write_str(": ")?;
        match &self.kind {
            DeclErrorKind::UnknownType(name) => write!(f, "unknown type \"{name}\""),
            DeclErrorKind::EmptyStruct => f.write_str("empty struct type {struct: []}"),
            DeclErrorKind::RecursiveStruct => f.write_str("recursive struct type"),
            DeclErrorKind::VoidNotAllowed => {
                f.write_str("type \"void\" is only allowed as a result")
            }
            DeclErrorKind::VoidField => {
                f.write_str("type \"void\" is not allowed as a struct field")
            }
            DeclErrorKind::MalformedType(got) => {
                write!(f, "expected a type name or {{struct: [...]}}, got {got}")
            }
            DeclErrorKind::Malformed(what) => f.write_str(what),
            DeclErrorKind::Limit(limit) => write!(f, "{limit}"),
        }
    }
}

impl std::error::Error for DeclError {}
