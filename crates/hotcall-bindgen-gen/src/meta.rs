//! The metadata records `#[bindgen]` puts in a library, and reading them
//! back (format in `docs/bindgen.md`).

use std::sync::Arc;

use hotcall_abi::{NativeType, StructType};
use serde_json::Value;

use crate::Error;

/// The metadata format this generator reads (`"v"` of every record).
pub const FORMAT_VERSION: u64 = 1;

/// Name of the link section holding the records on ELF targets.
pub const ELF_SECTION: &str = "hotcall_bindgen";

/// Segment and section holding the records on Mach-O targets.
pub const MACHO_SECTION: (&str, &str) = ("__DATA", "__hotcall_bg");

/// A Rust type of a `#[bindgen]` signature, as the generator sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    /// A scalar of the FFI type table (`bool`, the ints, the floats).
    Scalar(NativeType),
    /// A raw pointer.
    Pointer,
    /// `()` as a result.
    Void,
    /// `&str` parameter.
    Str,
    /// `String`.
    String,
    /// `&[u8]` parameter.
    Bytes,
    /// `&mut [u8]` parameter.
    BytesMut,
    /// `Vec<u8>`.
    Vec,
    Option(Box<Type>),
    Struct(Arc<StructDef>),
    /// An `extern "C" fn` parameter (`nullable` for `Option<extern "C" fn>`).
    Function {
        nullable: bool,
        params: Vec<Type>,
        result: Box<Type>,
    },
}

/// A `#[bindgen]` struct: field names and types, and its C layout.
#[derive(Debug, PartialEq)]
pub struct StructDef {
    pub name: String,
    pub fields: Vec<(String, Type)>,
    pub layout: StructType,
}

/// One `#[bindgen]` function.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub name: String,
    pub nonblocking: bool,
    pub params: Vec<(String, Type)>,
    pub result: Type,
    /// The record exactly as stored in the library (the bindings compare it
    /// with the library's at load time).
    pub record: String,
}

impl Type {
    /// The FFI type of a scalar, pointer or struct (struct fields and the
    /// by-value parts of the C encoding).
    pub fn native(&self) -> Option<NativeType> {
        match self {
            Type::Scalar(t) => Some(t.clone()),
            Type::Pointer => Some(NativeType::Pointer),
            Type::Struct(s) => Some(NativeType::Struct(Arc::new(s.layout.clone()))),
            _ => None,
        }
    }
}

fn bad(what: &str, v: &Value) -> Error {
    Error(format!("malformed hotcall-bindgen metadata: {what} in {v}"))
}

fn parse_type(v: &Value) -> Result<Type, Error> {
    if let Some(name) = v.as_str() {
        return Ok(match name {
            "pointer" => Type::Pointer,
            "void" => Type::Void,
            "str" => Type::Str,
            "string" => Type::String,
            "bytes" => Type::Bytes,
            "bytes_mut" => Type::BytesMut,
            "vec" => Type::Vec,
            other => match NativeType::from_name(other) {
                Some(t) if is_int(&t) || t.is_float() => Type::Scalar(t),
                _ => return Err(bad("unknown type name", v)),
            },
        });
    }
    let obj = v.as_object().ok_or_else(|| bad("type", v))?;
    if let Some(inner) = obj.get("option") {
        return Ok(Type::Option(Box::new(parse_type(inner)?)));
    }
    if let Some(name) = obj.get("struct") {
        let name = name.as_str().ok_or_else(|| bad("struct name", v))?;
        let fields = obj
            .get("fields")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("struct fields", v))?;
        let mut out = Vec::new();
        for f in fields {
            let fname = f
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("field name", f))?;
            let ty = parse_type(f.get("type").ok_or_else(|| bad("field type", f))?)?;
            out.push((fname.to_owned(), ty));
        }
        let natives = out
            .iter()
            .map(|(_, t)| t.native().ok_or_else(|| bad("struct field type", v)))
            .collect::<Result<Vec<_>, _>>()?;
        let layout = StructType::new(natives).ok_or_else(|| bad("empty struct", v))?;
        return Ok(Type::Struct(Arc::new(StructDef {
            name: name.to_owned(),
            fields: out,
            layout,
        })));
    }
    if let Some(f) = obj.get("function") {
        let nullable = f.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        let params = f
            .get("params")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("callback parameters", v))?
            .iter()
            .map(parse_type)
            .collect::<Result<Vec<_>, _>>()?;
        let result = parse_type(f.get("result").ok_or_else(|| bad("callback result", v))?)?;
        return Ok(Type::Function {
            nullable,
            params,
            result: Box::new(result),
        });
    }
    Err(bad("type", v))
}

/// The scalars `#[bindgen]` maps to (not the pointer kinds).
fn is_int(t: &NativeType) -> bool {
    use NativeType::*;
    matches!(
        t,
        Bool | U8 | I8 | U16 | I16 | U32 | I32 | U64 | I64 | USize | ISize
    )
}

/// Parses one record (without its NUL terminator).
pub fn parse_record(record: &str) -> Result<Function, Error> {
    let v: Value = serde_json::from_str(record).map_err(|e| {
        Error(format!(
            "malformed hotcall-bindgen metadata record ({e}): {record}"
        ))
    })?;
    let version = v.get("v").and_then(Value::as_u64);
    if version != Some(FORMAT_VERSION) {
        return Err(Error(format!(
            "the library's hotcall-bindgen metadata has format version {}, this hotcall reads version {FORMAT_VERSION}: \
             build the library and run `hotcall bindgen` with matching versions of hotcall-bindgen and hotcall",
            version.map_or("(none)".to_owned(), |n| n.to_string())
        )));
    }
    let name = v
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("function name", &v))?;
    let nonblocking = v
        .get("nonblocking")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut params = Vec::new();
    for p in v
        .get("params")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("parameters", &v))?
    {
        let pname = p
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("parameter name", p))?;
        params.push((
            pname.to_owned(),
            parse_type(p.get("type").ok_or_else(|| bad("parameter type", p))?)?,
        ));
    }
    let result = parse_type(v.get("result").ok_or_else(|| bad("result", &v))?)?;
    Ok(Function {
        name: name.to_owned(),
        nonblocking,
        params,
        result,
        record: record.to_owned(),
    })
}

/// Splits a metadata section into records (each NUL-terminated; the linker
/// may pad between them with more NULs) and parses them, sorted by name.
pub fn parse_section(section: &[u8]) -> Result<Vec<Function>, Error> {
    let mut out = Vec::new();
    for chunk in section.split(|b| *b == 0).filter(|c| !c.is_empty()) {
        let text = std::str::from_utf8(chunk)
            .map_err(|_| Error("hotcall-bindgen metadata is not UTF-8".into()))?;
        out.push(parse_record(text)?);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    for pair in out.windows(2) {
        if pair[0].name == pair[1].name {
            return Err(Error(format!(
                "two #[bindgen] functions are named {}",
                pair[0].name
            )));
        }
    }
    Ok(out)
}

fn read_u16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}
fn read_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
fn read_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// The contents of the section `name` of a 64-bit little-endian ELF file,
/// `Ok(None)` if it has no such section.
pub fn elf_section<'a>(file: &'a [u8], name: &str) -> Result<Option<&'a [u8]>, Error> {
    if file.get(..4) != Some(b"\x7fELF") {
        return Err(Error("not an ELF file".into()));
    }
    if file.get(4) != Some(&2) || file.get(5) != Some(&1) {
        return Err(Error("not a 64-bit little-endian ELF file".into()));
    }
    let truncated = || Error("truncated ELF file".into());
    let shoff = read_u64(file, 0x28).ok_or_else(truncated)? as usize;
    let shentsize = read_u16(file, 0x3a).ok_or_else(truncated)? as usize;
    let shnum = read_u16(file, 0x3c).ok_or_else(truncated)? as usize;
    let shstrndx = read_u16(file, 0x3e).ok_or_else(truncated)? as usize;
    let header = |i: usize| -> Result<(u32, usize, usize), Error> {
        let at = shoff + i * shentsize;
        let name = read_u32(file, at).ok_or_else(truncated)?;
        let offset = read_u64(file, at + 0x18).ok_or_else(truncated)? as usize;
        let size = read_u64(file, at + 0x20).ok_or_else(truncated)? as usize;
        Ok((name, offset, size))
    };
    let (_, strtab_off, strtab_size) = header(shstrndx)?;
    let strtab = file
        .get(strtab_off..strtab_off + strtab_size)
        .ok_or_else(truncated)?;
    for i in 0..shnum {
        let (name_off, offset, size) = header(i)?;
        let rest = strtab.get(name_off as usize..).ok_or_else(truncated)?;
        let end = rest.iter().position(|b| *b == 0).unwrap_or(rest.len());
        if &rest[..end] == name.as_bytes() {
            return Ok(Some(file.get(offset..offset + size).ok_or_else(truncated)?));
        }
    }
    Ok(None)
}

/// The contents of section `sect` of segment `seg` of a 64-bit
/// little-endian Mach-O file, `Ok(None)` if it has no such section.
pub fn macho_section<'a>(file: &'a [u8], seg: &str, sect: &str) -> Result<Option<&'a [u8]>, Error> {
    if read_u32(file, 0) != Some(0xfeed_facf) {
        return Err(Error("not a 64-bit little-endian Mach-O file".into()));
    }
    let truncated = || Error("truncated Mach-O file".into());
    let name_is = |at: usize, want: &str| -> Result<bool, Error> {
        let raw = file.get(at..at + 16).ok_or_else(truncated)?;
        let end = raw.iter().position(|b| *b == 0).unwrap_or(16);
        Ok(&raw[..end] == want.as_bytes())
    };
    const LC_SEGMENT_64: u32 = 0x19;
    let ncmds = read_u32(file, 16).ok_or_else(truncated)?;
    let mut at = 32; // the mach_header_64
    for _ in 0..ncmds {
        let cmd = read_u32(file, at).ok_or_else(truncated)?;
        let size = read_u32(file, at + 4).ok_or_else(truncated)? as usize;
        if cmd == LC_SEGMENT_64 && name_is(at + 8, seg)? {
            let nsects = read_u32(file, at + 64).ok_or_else(truncated)? as usize;
            for i in 0..nsects {
                let s = at + 72 + i * 80; // section_64 entries
                if name_is(s, sect)? {
                    let size = read_u64(file, s + 40).ok_or_else(truncated)? as usize;
                    let offset = read_u32(file, s + 48).ok_or_else(truncated)? as usize;
                    return Ok(Some(file.get(offset..offset + size).ok_or_else(truncated)?));
                }
            }
        }
        if size == 0 {
            return Err(truncated());
        }
        at += size;
    }
    Ok(None)
}

/// The metadata section of a library file (ELF or Mach-O), `Ok(None)` if
/// the file has none.
pub fn library_section(file: &[u8]) -> Result<Option<&[u8]>, Error> {
    if file.starts_with(b"\x7fELF") {
        elf_section(file, ELF_SECTION)
    } else if read_u32(file, 0) == Some(0xfeed_facf) {
        macho_section(file, MACHO_SECTION.0, MACHO_SECTION.1)
    } else {
        Err(Error(
            "not an ELF or 64-bit Mach-O library (`hotcall bindgen` does not read Windows DLLs)"
                .into(),
        ))
    }
}
