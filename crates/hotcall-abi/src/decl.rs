//! Declarations of foreign symbols, parsed from JSON of the same shape as
//! the JavaScript ones and validated into [`NativeType`]s.
//!
//! Parsing goes through [`TypeExpr`], an engine-neutral tree of type
//! expressions: an embedder that reads declarations out of JS objects builds
//! `TypeExpr`s itself (marking a reference back to an enclosing struct as
//! [`TypeExpr::Cycle`]) and gets the same validation and messages.

use std::sync::Arc;

use serde_json::Value;

pub use crate::error::{DeclErrorKind, TypePosition};
use crate::limits::{self, Limit, TypeBudget};
use crate::{DeclError, NativeType, Signature, StructType};

/// A type as written in a declaration, before validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeExpr {
    /// A type name such as `"u8"`.
    Name(String),
    /// `{ struct: [fields] }`.
    Struct(Vec<TypeExpr>),
    /// A reference back to an enclosing struct (only JS objects can form one).
    Cycle,
    /// Anything else; the string describes what was found.
    Invalid(String),
    /// A type the reader stopped reading because it is over a limit (too
    /// deep, too many fields or types): readers check the limits while
    /// reading, before they allocate, and leave this in its place.
    OverLimit(Limit),
}

impl TypeExpr {
    /// Reads a type expression from JSON (`"u8"` or `{"struct": [...]}`),
    /// counting it against a budget of its own.
    pub fn from_json(value: &Value) -> TypeExpr {
        TypeExpr::from_json_counted(value, &mut TypeBudget::default())
    }

    /// As [`TypeExpr::from_json`], counting every type read against `budget`
    /// (one budget per declaration). Stops at the limits: a struct too deep,
    /// with too many fields or past the budget becomes [`TypeExpr::OverLimit`].
    pub fn from_json_counted(value: &Value, budget: &mut TypeBudget) -> TypeExpr {
        TypeExpr::from_json_at(value, 1, budget)
    }

    fn from_json_at(value: &Value, depth: usize, budget: &mut TypeBudget) -> TypeExpr {
        match value {
            Value::String(s) => TypeExpr::Name(s.clone()),
            Value::Object(map) => match map.get("struct") {
                Some(Value::Array(fields)) if map.len() == 1 => {
                    if let Err(limit) = limits::check_depth(depth)
                        .and_then(|()| limits::check_field_count(fields.len() as u64))
                    {
                        return TypeExpr::OverLimit(limit);
                    }
                    let mut out = Vec::with_capacity(fields.len());
                    for field in fields {
                        if let Err(limit) = budget.take() {
                            return TypeExpr::OverLimit(limit);
                        }
                        out.push(TypeExpr::from_json_at(field, depth + 1, budget));
                    }
                    TypeExpr::Struct(out)
                }
                _ => TypeExpr::Invalid(value.to_string()),
            },
            other => TypeExpr::Invalid(other.to_string()),
        }
    }

    /// Validates this expression as the type at `position` of `symbol`,
    /// counting it against a budget of its own.
    pub fn resolve(&self, symbol: &str, position: &TypePosition) -> Result<NativeType, DeclError> {
        let mut budget = TypeBudget::default();
        budget
            .take()
            .map_err(|l| DeclError::limit(symbol, Some(position), l))?;
        self.resolve_counted(symbol, position, &mut budget)
    }

    /// As [`TypeExpr::resolve`], counting the fields read against `budget`
    /// (the caller has counted this expression itself).
    fn resolve_counted(
        &self,
        symbol: &str,
        position: &TypePosition,
        budget: &mut TypeBudget,
    ) -> Result<NativeType, DeclError> {
        let ty = self.resolve_inner(symbol, position, 1, budget)?;
        if ty == NativeType::Void && *position != TypePosition::Result {
            return Err(DeclError::at(
                symbol,
                position,
                DeclErrorKind::VoidNotAllowed,
            ));
        }
        Ok(ty)
    }

    fn resolve_inner(
        &self,
        symbol: &str,
        position: &TypePosition,
        depth: usize,
        budget: &mut TypeBudget,
    ) -> Result<NativeType, DeclError> {
        let err = |kind| Err(DeclError::at(symbol, position, kind));
        match self {
            TypeExpr::Name(name) => match NativeType::from_name(name) {
                Some(ty) => Ok(ty),
                None => err(DeclErrorKind::UnknownType(name.clone())),
            },
            TypeExpr::Cycle => err(DeclErrorKind::RecursiveStruct),
            TypeExpr::Invalid(got) => err(DeclErrorKind::MalformedType(got.clone())),
            TypeExpr::OverLimit(limit) => err(DeclErrorKind::Limit(limit.clone())),
            TypeExpr::Struct(fields) => {
                if let Err(limit) = limits::check_depth(depth)
                    .and_then(|()| limits::check_field_count(fields.len() as u64))
                {
                    return err(DeclErrorKind::Limit(limit));
                }
                if fields.is_empty() {
                    return err(DeclErrorKind::EmptyStruct);
                }
                let mut resolved = Vec::with_capacity(fields.len());
                for field in fields {
                    if let Err(limit) = budget.take() {
                        return err(DeclErrorKind::Limit(limit));
                    }
                    let ty = field.resolve_inner(symbol, position, depth + 1, budget)?;
                    if ty == NativeType::Void {
                        return err(DeclErrorKind::VoidField);
                    }
                    resolved.push(ty);
                }
                let st = StructType::new(resolved).expect("fields checked non-empty and non-void");
                Ok(NativeType::Struct(Arc::new(st)))
            }
        }
    }
}

/// A foreign function declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignFunction {
    /// The C symbol name (`name`, or the JS key when absent).
    pub name: String,
    pub signature: Signature,
    /// Runs on a worker thread and returns a Promise.
    pub nonblocking: bool,
    /// The C function may call back into JS: never use the fast path.
    pub callback: bool,
    /// A missing symbol becomes `null` instead of an error.
    pub optional: bool,
}

/// A foreign static (global variable) declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignStatic {
    /// The C symbol name (`name`, or the JS key when absent).
    pub name: String,
    pub ty: NativeType,
    pub optional: bool,
}

/// One entry of the symbols object given to `dlopen`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ForeignSymbol {
    Function(ForeignFunction),
    Static(ForeignStatic),
}

/// Parses a whole symbols object: `{ key: ForeignFunction | ForeignStatic }`,
/// keeping declaration order.
pub fn parse_symbols(json: &Value) -> Result<Vec<(String, ForeignSymbol)>, DeclError> {
    let Value::Object(map) = json else {
        return Err(DeclError::malformed(
            "",
            "the symbols declaration must be an object",
        ));
    };
    map.iter()
        .map(|(key, decl)| Ok((key.clone(), parse_symbol(key, decl)?)))
        .collect()
}

/// Parses one declaration; `key` is its key in the symbols object.
pub fn parse_symbol(key: &str, decl: &Value) -> Result<ForeignSymbol, DeclError> {
    let Value::Object(obj) = decl else {
        return Err(DeclError::malformed(
            key,
            "the declaration must be an object",
        ));
    };
    let name = match obj.get("name") {
        None => key.to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(DeclError::malformed(
                key,
                format!("\"name\" must be a string, got {other}"),
            ))
        }
    };
    let flag = |field: &str| -> Result<bool, DeclError> {
        match obj.get(field) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(DeclError::malformed(
                &name,
                format!("\"{field}\" must be a boolean, got {other}"),
            )),
        }
    };
    let optional = flag("optional")?;
    if let Some(ty) = obj.get("type") {
        if obj.contains_key("parameters") {
            return Err(DeclError::malformed(
                &name,
                "a declaration has either \"type\" (static) or \"parameters\" (function), not both",
            ));
        }
        let ty = TypeExpr::from_json(ty).resolve(&name, &TypePosition::Static)?;
        return Ok(ForeignSymbol::Static(ForeignStatic { name, ty, optional }));
    }
    let (signature, nonblocking) = parse_function_parts(&name, obj)?;
    let callback = flag("callback")?;
    Ok(ForeignSymbol::Function(ForeignFunction {
        name,
        signature,
        nonblocking,
        callback,
        optional,
    }))
}

/// Parses an `UnsafeCallback` / `UnsafeFnPointer` definition
/// (`{ parameters, result }`). `what` names it in messages.
/// `nonblocking` is rejected when `allow_nonblocking` is false.
pub fn parse_definition(
    what: &str,
    decl: &Value,
    allow_nonblocking: bool,
) -> Result<(Signature, bool), DeclError> {
    let Value::Object(obj) = decl else {
        return Err(DeclError::malformed(
            what,
            "the definition must be an object",
        ));
    };
    let (sig, nonblocking) = parse_function_parts(what, obj)?;
    if nonblocking && !allow_nonblocking {
        return Err(DeclError::malformed(
            what,
            "\"nonblocking\" is not allowed here",
        ));
    }
    Ok((sig, nonblocking))
}

fn parse_function_parts(
    name: &str,
    obj: &serde_json::Map<String, Value>,
) -> Result<(Signature, bool), DeclError> {
    let params = match obj.get("parameters") {
        Some(Value::Array(params)) => params,
        Some(other) => {
            return Err(DeclError::malformed(
                name,
                format!("\"parameters\" must be an array, got {other}"),
            ))
        }
        None => {
            return Err(DeclError::malformed(
                name,
                "missing \"parameters\" (or \"type\" for a static)",
            ))
        }
    };
    limits::check_parameter_count(params.len() as u64)
        .map_err(|l| DeclError::limit(name, None, l))?;
    let Some(result) = obj.get("result") else {
        return Err(DeclError::malformed(name, "missing \"result\""));
    };
    // One budget for the whole declaration; signature_from_exprs counts
    // the parameters and the result themselves.
    let mut budget = TypeBudget::default();
    let exprs: Vec<TypeExpr> = params
        .iter()
        .map(|p| TypeExpr::from_json_counted(p, &mut budget))
        .collect();
    let result_expr = TypeExpr::from_json_counted(result, &mut budget);
    let signature = signature_from_exprs(name, &exprs, &result_expr)?;
    let nonblocking = match obj.get("nonblocking") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(DeclError::malformed(
                name,
                format!("\"nonblocking\" must be a boolean, got {other}"),
            ))
        }
    };
    Ok((signature, nonblocking))
}

/// Validates parameter and result expressions into a [`Signature`],
/// checking the limits of [`crate::limits`] (the parameter count first).
pub fn signature_from_exprs(
    symbol: &str,
    params: &[TypeExpr],
    result: &TypeExpr,
) -> Result<Signature, DeclError> {
    limits::check_parameter_count(params.len() as u64)
        .map_err(|l| DeclError::limit(symbol, None, l))?;
    let mut budget = TypeBudget::default();
    let mut resolved = Vec::with_capacity(params.len());
    for (i, p) in params.iter().chain([result]).enumerate() {
        let position = if i < params.len() {
            TypePosition::Parameter(i)
        } else {
            TypePosition::Result
        };
        budget
            .take()
            .map_err(|l| DeclError::limit(symbol, Some(&position), l))?;
        resolved.push(p.resolve_counted(symbol, &position, &mut budget)?);
    }
    let result = resolved.pop().expect("the result was resolved last");
    Ok(Signature::new(resolved, result))
}
