//! Reading FFI declarations out of JS objects into `hotcall_abi` types.
//!
//! Types become [`TypeExpr`]s (a struct that contains itself becomes
//! [`TypeExpr::Cycle`]) and are validated by `hotcall_abi`, so messages are
//! the same as for JSON declarations.

use hotcall_abi::decl::signature_from_exprs;
use hotcall_abi::limits::{self, TypeBudget};
use hotcall_abi::{
    DeclError, ForeignFunction, ForeignStatic, ForeignSymbol, NativeType, Signature, TypeExpr,
};

use crate::convert::describe;
use crate::errors::{v8_str, Throw};

/// The property names declarations are read by.
#[derive(Clone, Copy)]
enum Key {
    Struct,
    Parameters,
    Result,
    Name,
    Optional,
    Type,
    Nonblocking,
    Callback,
}

impl Key {
    const ALL: [(Key, &'static str); 8] = [
        (Key::Struct, "struct"),
        (Key::Parameters, "parameters"),
        (Key::Result, "result"),
        (Key::Name, "name"),
        (Key::Optional, "optional"),
        (Key::Type, "type"),
        (Key::Nonblocking, "nonblocking"),
        (Key::Callback, "callback"),
    ];

    fn text(self) -> &'static str {
        Key::ALL[self as usize].1
    }
}

/// The [`Key`] strings of one isolate, internalized once (kept in an
/// isolate slot), so reading a declaration makes no key strings.
struct KeyStrings(Vec<v8::Global<v8::String>>);

fn key_string<'s>(scope: &mut v8::HandleScope<'s>, key: Key) -> v8::Local<'s, v8::String> {
    if let Some(keys) = scope.get_slot::<std::rc::Rc<KeyStrings>>().cloned() {
        return v8::Local::new(scope, &keys.0[key as usize]);
    }
    let keys: Vec<_> = Key::ALL
        .iter()
        .map(|(_, text)| {
            let s =
                v8::String::new_from_utf8(scope, text.as_bytes(), v8::NewStringType::Internalized)
                    .unwrap_or_else(|| v8_str(scope, text));
            v8::Global::new(scope, s)
        })
        .collect();
    let local = v8::Local::new(scope, &keys[key as usize]);
    scope.set_slot(std::rc::Rc::new(KeyStrings(keys)));
    local
}

/// `obj[key]`, or [`Throw::Pending`] if a getter threw.
fn get<'s>(
    scope: &mut v8::HandleScope<'s>,
    obj: v8::Local<v8::Object>,
    key: Key,
) -> Result<v8::Local<'s, v8::Value>, Throw> {
    let key = key_string(scope, key);
    obj.get(scope, key.into()).ok_or(Throw::Pending)
}

/// `value` as an array to read, with its length, if `Array.isArray` says
/// it is one: a JS array, or a proxy whose target is one (read through the
/// proxy, as `ffi.js` reads it, so both readers agree).
fn array_like<'s>(
    scope: &mut v8::HandleScope<'s>,
    value: v8::Local<'s, v8::Value>,
) -> Result<Option<(v8::Local<'s, v8::Object>, u32)>, Throw> {
    if let Ok(array) = v8::Local::<v8::Array>::try_from(value) {
        return Ok(Some((array.into(), array.length())));
    }
    let mut target = value;
    while let Ok(proxy) = v8::Local::<v8::Proxy>::try_from(target) {
        if proxy.is_revoked() {
            return Ok(None);
        }
        target = proxy.get_target(scope);
    }
    if !target.is_array() {
        return Ok(None);
    }
    let object = v8::Local::<v8::Object>::try_from(value).map_err(|_| Throw::Pending)?;
    let key = v8_str(scope, "length");
    let length = object.get(scope, key.into()).ok_or(Throw::Pending)?;
    let length = length.uint32_value(scope).ok_or(Throw::Pending)?;
    Ok(Some((object, length)))
}

/// Reads a type expression (`"u8"` or `{ struct: [...] }`) from a JS value,
/// counting it against a budget of its own.
pub fn read_type<'s>(
    scope: &mut v8::HandleScope<'s>,
    value: v8::Local<'s, v8::Value>,
) -> Result<TypeExpr, Throw> {
    read_type_counted(scope, value, &mut TypeBudget::default())
}

/// As [`read_type`], counting the struct fields read against `budget` (one
/// per declaration). The limits are checked while reading: a struct array's
/// `length` before anything is allocated or read, the nesting depth before
/// descending (so no depth overflows the stack). A struct over a limit
/// becomes [`TypeExpr::OverLimit`], reported by `hotcall_abi` with its position.
pub fn read_type_counted<'s>(
    scope: &mut v8::HandleScope<'s>,
    value: v8::Local<'s, v8::Value>,
    budget: &mut TypeBudget,
) -> Result<TypeExpr, Throw> {
    let mut ancestors = Vec::new();
    read_type_in(scope, value, &mut ancestors, budget)
}

fn read_type_in<'s>(
    scope: &mut v8::HandleScope<'s>,
    value: v8::Local<'s, v8::Value>,
    ancestors: &mut Vec<v8::Local<'s, v8::Object>>,
    budget: &mut TypeBudget,
) -> Result<TypeExpr, Throw> {
    if value.is_string() {
        return Ok(TypeExpr::Name(value.to_rust_string_lossy(scope)));
    }
    let Ok(obj) = v8::Local::<v8::Object>::try_from(value) else {
        return Ok(TypeExpr::Invalid(describe(value).to_owned()));
    };
    // `ancestors` holds the enclosing structs, so its length is this
    // struct's depth minus one (at most MAX_STRUCT_DEPTH - 1 here).
    if ancestors.iter().any(|a| a.strict_equals(obj.into())) {
        return Ok(TypeExpr::Cycle);
    }
    let fields = get(scope, obj, Key::Struct)?;
    let Ok(fields) = v8::Local::<v8::Array>::try_from(fields) else {
        return Ok(TypeExpr::Invalid(
            "an object without a \"struct\" array".to_owned(),
        ));
    };
    if let Err(limit) = limits::check_depth(ancestors.len() + 1)
        .and_then(|()| limits::check_field_count(u64::from(fields.length())))
    {
        return Ok(TypeExpr::OverLimit(limit));
    }
    ancestors.push(obj);
    let mut out = Vec::with_capacity(fields.length() as usize);
    for i in 0..fields.length() {
        if let Err(limit) = budget.take() {
            ancestors.pop();
            return Ok(TypeExpr::OverLimit(limit));
        }
        let field = fields.get_index(scope, i).ok_or(Throw::Pending)?;
        out.push(read_type_in(scope, field, ancestors, budget)?);
    }
    ancestors.pop();
    Ok(TypeExpr::Struct(out))
}

/// An optional boolean field (`undefined`/`null` is false).
fn flag(
    scope: &mut v8::HandleScope,
    obj: v8::Local<v8::Object>,
    symbol: &str,
    field: Key,
) -> Result<bool, Throw> {
    let v = get(scope, obj, field)?;
    let field = field.text();
    if v.is_null_or_undefined() {
        Ok(false)
    } else if v.is_boolean() {
        Ok(v.boolean_value(scope))
    } else {
        Err(Throw::Type(format!(
            "Invalid FFI declaration of symbol \"{symbol}\": \"{field}\" must be a boolean, got {}",
            describe(v)
        )))
    }
}

/// Reads `{ parameters, result }` of `symbol` into a signature.
fn read_signature<'s>(
    scope: &mut v8::HandleScope<'s>,
    obj: v8::Local<'s, v8::Object>,
    symbol: &str,
) -> Result<Signature, Throw> {
    let params = get(scope, obj, Key::Parameters)?;
    let Some((params, length)) = array_like(scope, params)? else {
        return Err(Throw::Type(format!("Invalid FFI declaration of symbol \"{symbol}\": \"parameters\" must be an array, got {}", describe(params))));
    };
    // The length of a sparse array can be 2^32 - 1: check it before
    // allocating or reading anything.
    limits::check_parameter_count(u64::from(length))
        .map_err(|l| DeclError::limit(symbol, None, l))?;
    let mut budget = TypeBudget::default();
    let mut exprs = Vec::with_capacity(length as usize);
    for i in 0..length {
        let p = params.get_index(scope, i).ok_or(Throw::Pending)?;
        exprs.push(read_type_counted(scope, p, &mut budget)?);
    }
    let result = get(scope, obj, Key::Result)?;
    if result.is_undefined() {
        return Err(Throw::Type(format!(
            "Invalid FFI declaration of symbol \"{symbol}\": missing \"result\""
        )));
    }
    let result = read_type_counted(scope, result, &mut budget)?;
    Ok(signature_from_exprs(symbol, &exprs, &result)?)
}

/// Reads an `UnsafeCallback` / `UnsafeFnPointer` definition
/// (`{ parameters, result, nonblocking? }`); `what` names it in messages.
/// Returns the signature and the `nonblocking` flag; `nonblocking: true`
/// is a `TypeError` unless `allow_nonblocking`.
pub fn read_definition<'s>(
    scope: &mut v8::HandleScope<'s>,
    value: v8::Local<'s, v8::Value>,
    what: &str,
    allow_nonblocking: bool,
) -> Result<(Signature, bool), Throw> {
    let Ok(obj) = v8::Local::<v8::Object>::try_from(value) else {
        return Err(Throw::Type(format!(
            "Invalid FFI declaration of symbol \"{what}\": the definition must be an object"
        )));
    };
    let sig = read_signature(scope, obj, what)?;
    let nonblocking = flag(scope, obj, what, Key::Nonblocking)?;
    if nonblocking && !allow_nonblocking {
        return Err(Throw::Type(format!(
            "Invalid FFI declaration of symbol \"{what}\": \"nonblocking\" is not allowed here"
        )));
    }
    Ok((sig, nonblocking))
}

/// Reads one entry of the symbols object; `key` is its property name.
fn read_symbol<'s>(
    scope: &mut v8::HandleScope<'s>,
    key: &str,
    decl: v8::Local<'s, v8::Value>,
) -> Result<ForeignSymbol, Throw> {
    let Ok(obj) = v8::Local::<v8::Object>::try_from(decl) else {
        return Err(Throw::Type(format!(
            "Invalid FFI declaration of symbol \"{key}\": the declaration must be an object"
        )));
    };
    let name = get(scope, obj, Key::Name)?;
    let name = if name.is_undefined() {
        key.to_owned()
    } else if name.is_string() {
        name.to_rust_string_lossy(scope)
    } else {
        return Err(Throw::Type(format!(
            "Invalid FFI declaration of symbol \"{key}\": \"name\" must be a string, got {}",
            describe(name)
        )));
    };
    let optional = flag(scope, obj, &name, Key::Optional)?;
    let ty = get(scope, obj, Key::Type)?;
    if !ty.is_undefined() {
        let ty = read_type(scope, ty)?.resolve(&name, &hotcall_abi::decl::TypePosition::Static)?;
        return Ok(ForeignSymbol::Static(ForeignStatic { name, ty, optional }));
    }
    let signature = read_signature(scope, obj, &name)?;
    let nonblocking = flag(scope, obj, &name, Key::Nonblocking)?;
    let callback = flag(scope, obj, &name, Key::Callback)?;
    Ok(ForeignSymbol::Function(ForeignFunction {
        name,
        signature,
        nonblocking,
        callback,
        optional,
    }))
}

/// Reads the whole symbols object given to `dlopen`, in property order.
pub fn read_symbols<'s>(
    scope: &mut v8::HandleScope<'s>,
    value: v8::Local<'s, v8::Value>,
) -> Result<Vec<(String, ForeignSymbol)>, Throw> {
    let Ok(obj) = v8::Local::<v8::Object>::try_from(value) else {
        return Err(Throw::Type(
            "Invalid FFI declaration: the symbols declaration must be an object".to_owned(),
        ));
    };
    let keys = obj
        .get_own_property_names(scope, v8::GetPropertyNamesArgs::default())
        .ok_or(Throw::Pending)?;
    let mut out = Vec::with_capacity(keys.length() as usize);
    for i in 0..keys.length() {
        let key = keys.get_index(scope, i).ok_or(Throw::Pending)?;
        let decl = obj.get(scope, key).ok_or(Throw::Pending)?;
        let key = key.to_rust_string_lossy(scope);
        let symbol = read_symbol(scope, &key, decl)?;
        out.push((key, symbol));
    }
    Ok(out)
}

/// The signature of type names that are all valid (`void` only as the
/// result), without building type expressions; `None` otherwise.
fn plain_signature(params: &[&str], result: &str) -> Option<Signature> {
    let params = params
        .iter()
        .map(|p| NativeType::from_name(p).filter(|t| *t != NativeType::Void))
        .collect::<Option<Vec<_>>>()?;
    Some(Signature::new(params, NativeType::from_name(result)?))
}

/// Reads a symbols declaration that `js/ffi.js` (`encodeSymbols`) read and
/// encoded in one string: for each function symbol, in property order,
/// `key, name, flags, result, count, parameter...`, separated by NUL
/// (flags: 1 optional, 2 nonblocking, 4 callback). Only the plain shape is
/// encoded (type names only, no statics); types are resolved by the same
/// `hotcall_abi` code as for [`read_symbols`], so the messages are the same.
pub fn read_encoded_symbols(text: &str) -> Result<Vec<(String, ForeignSymbol)>, Throw> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    // At least 5 fields per symbol: a capacity that rarely needs to grow.
    let mut out = Vec::with_capacity(text.bytes().filter(|&b| b == 0).count() / 5 + 1);
    let malformed = || Throw::Error("internal error: malformed encoded FFI declaration".to_owned());
    let mut fields = text.split('\0');
    while let Some(key) = fields.next() {
        let mut next = || fields.next().ok_or_else(malformed);
        let name = next()?.to_owned();
        let flags: u32 = next()?.parse().map_err(|_| malformed())?;
        let result = next()?;
        let count: usize = next()?.parse().map_err(|_| malformed())?;
        limits::check_parameter_count(count as u64)
            .map_err(|l| DeclError::limit(&name, None, l))?;
        let names = (0..count).map(|_| next()).collect::<Result<Vec<_>, _>>()?;
        let signature = match plain_signature(&names, result) {
            Some(signature) => signature,
            None => {
                // Some type is wrong: the same message as any declaration.
                let params: Vec<_> = names
                    .iter()
                    .map(|p| TypeExpr::Name((*p).to_owned()))
                    .collect();
                signature_from_exprs(&name, &params, &TypeExpr::Name(result.to_owned()))?
            }
        };
        out.push((
            key.to_owned(),
            ForeignSymbol::Function(ForeignFunction {
                name,
                signature,
                nonblocking: flags & 2 != 0,
                callback: flags & 4 != 0,
                optional: flags & 1 != 0,
            }),
        ));
    }
    Ok(out)
}
