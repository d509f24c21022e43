//! Writes the TypeScript module: the `Deno.dlopen` declaration, the load
//! and staleness check, struct codecs and one typed wrapper per function.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Arc;

use hotcall_abi::{NativeType, StructType};

use crate::meta::{Function, StructDef, Type, FORMAT_VERSION};
use crate::Error;

/// The C struct of a returned `String` / `Vec<u8>`: `{ ptr, len }`.
fn owned_buf() -> NativeType {
    NativeType::Struct(Arc::new(
        StructType::new(vec![NativeType::Pointer, NativeType::USize]).expect("non-empty"),
    ))
}

/// The C struct of a returned `Option<T>`: `{ bool is_some; T value }`.
fn option_repr(inner: NativeType) -> StructType {
    StructType::new(vec![NativeType::Bool, inner]).expect("non-empty")
}

/// The FFI parameter types encoding one parameter.
fn lower_param(t: &Type, out: &mut Vec<NativeType>) {
    match t {
        Type::Str | Type::String | Type::Bytes | Type::BytesMut | Type::Vec => {
            out.extend([NativeType::Buffer, NativeType::USize])
        }
        Type::Option(inner) => {
            out.push(NativeType::Bool);
            lower_param(inner, out);
        }
        Type::Function { .. } => out.push(NativeType::Function),
        other => out.push(other.native().expect("scalar, pointer or struct")),
    }
}

/// The FFI result type encoding a result.
fn lower_result(t: &Type) -> NativeType {
    match t {
        Type::Void => NativeType::Void,
        Type::String | Type::Vec => owned_buf(),
        Type::Option(inner) => NativeType::Struct(Arc::new(option_repr(lower_result(inner)))),
        other => other.native().expect("scalar, pointer or struct"),
    }
}

/// A type as written in a `Deno.dlopen` declaration.
fn js_native(t: &NativeType) -> String {
    match t {
        NativeType::Struct(s) => {
            let fields: Vec<String> = s.fields().iter().map(js_native).collect();
            format!("{{ struct: [{}] }}", fields.join(", "))
        }
        other => format!("\"{other}\""),
    }
}

fn is_64(t: &NativeType) -> bool {
    use NativeType::*;
    matches!(t, U64 | I64 | USize | ISize)
}

/// The TypeScript type of a value (parameter or result).
fn ts_type(t: &Type, param: bool) -> String {
    match t {
        Type::Scalar(NativeType::Bool) => "boolean".into(),
        Type::Scalar(n) if is_64(n) => "number | bigint".into(),
        Type::Scalar(_) => "number".into(),
        Type::Pointer if param => "number | bigint | null".into(),
        Type::Pointer => "number | bigint".into(),
        Type::Void => "void".into(),
        Type::Str | Type::String => "string".into(),
        Type::Bytes | Type::BytesMut | Type::Vec => "Uint8Array".into(),
        Type::Option(inner) => match ts_type(inner, param) {
            nullable if nullable.ends_with("| null") => nullable,
            t => format!("{t} | null"),
        },
        Type::Struct(s) => s.name.clone(),
        Type::Function { .. } => "Deno.UnsafeCallback | number | bigint | null".into(),
    }
}

/// A JS statement writing `value` of scalar/pointer/struct type `t` at
/// `d` + `off` (a JS expression).
fn write_at(t: &Type, off: &str, value: &str) -> String {
    let n = match t {
        Type::Scalar(n) => n.clone(),
        Type::Pointer => return format!("d.setBigUint64({off}, BigInt({value} ?? 0), true);"),
        Type::Struct(s) => return format!("__write_{}(d, {off}, {value});", s.name),
        _ => unreachable!("struct fields are scalars, pointers or structs"),
    };
    use NativeType::*;
    match n {
        Bool => format!("d.setUint8({off}, {value} ? 1 : 0);"),
        U8 => format!("d.setUint8({off}, {value});"),
        I8 => format!("d.setInt8({off}, {value});"),
        U16 => format!("d.setUint16({off}, {value}, true);"),
        I16 => format!("d.setInt16({off}, {value}, true);"),
        U32 => format!("d.setUint32({off}, {value}, true);"),
        I32 => format!("d.setInt32({off}, {value}, true);"),
        U64 | USize => format!("d.setBigUint64({off}, BigInt({value}), true);"),
        I64 | ISize => format!("d.setBigInt64({off}, BigInt({value}), true);"),
        F32 => format!("d.setFloat32({off}, {value}, true);"),
        F64 => format!("d.setFloat64({off}, {value}, true);"),
        other => unreachable!("no scalar {other}"),
    }
}

/// A JS expression reading a value of scalar/pointer/struct type `t` at `d`
/// + `off`.
fn read_at(t: &Type, off: &str) -> String {
    let n = match t {
        Type::Scalar(n) => n.clone(),
        Type::Pointer => return format!("int64(d.getBigUint64({off}, true))"),
        Type::Struct(s) => return format!("__read_{}(d, {off})", s.name),
        _ => unreachable!("struct fields are scalars, pointers or structs"),
    };
    use NativeType::*;
    match n {
        Bool => format!("d.getUint8({off}) !== 0"),
        U8 => format!("d.getUint8({off})"),
        I8 => format!("d.getInt8({off})"),
        U16 => format!("d.getUint16({off}, true)"),
        I16 => format!("d.getInt16({off}, true)"),
        U32 => format!("d.getUint32({off}, true)"),
        I32 => format!("d.getInt32({off}, true)"),
        U64 | USize => format!("int64(d.getBigUint64({off}, true))"),
        I64 | ISize => format!("int64(d.getBigInt64({off}, true))"),
        F32 => format!("d.getFloat32({off}, true)"),
        F64 => format!("d.getFloat64({off}, true)"),
        other => unreachable!("no scalar {other}"),
    }
}

/// JS keywords and globals a Rust name may not shadow in the module.
const RESERVED: &[&str] = &[
    "arguments",
    "await",
    "case",
    "catch",
    "class",
    "debugger",
    "default",
    "delete",
    "eval",
    "export",
    "finally",
    "function",
    "import",
    "instanceof",
    "interface",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "switch",
    "this",
    "throw",
    "try",
    "typeof",
    "var",
    "void",
    "with",
    "yield",
    "load",
    "library",
    "lib",
    "int64",
    "view",
    "encoder",
    "decoder",
    "takeBytes",
    "pointerOf",
    "defaultLibraryPath",
];

/// A JS identifier for a Rust name (`_` appended to reserved words).
fn js_ident(name: &str) -> String {
    if RESERVED.contains(&name) {
        format!("{name}_")
    } else {
        name.to_owned()
    }
}

/// Collects every struct used, by name; two different structs with the same
/// name are an error (the module has one type per name).
fn collect_structs(
    t: &Type,
    out: &mut BTreeMap<String, Arc<StructDef>>,
    order: &mut Vec<Arc<StructDef>>,
) -> Result<(), Error> {
    match t {
        Type::Struct(s) => {
            for (_, f) in &s.fields {
                collect_structs(f, out, order)?;
            }
            match out.get(&s.name) {
                Some(seen) if **seen != **s => {
                    return Err(Error(format!(
                        "two different #[bindgen] structs are named {}",
                        s.name
                    )))
                }
                Some(_) => {}
                None => {
                    out.insert(s.name.clone(), s.clone());
                    order.push(s.clone());
                }
            }
        }
        Type::Option(inner) => collect_structs(inner, out, order)?,
        _ => {}
    }
    Ok(())
}

const HELPERS: &str = r#"const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A 64-bit integer as hotcall returns one: a number when it is a safe integer, else a bigint. */
function int64(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The C function pointer of a callback parameter. */
function pointerOf(f: Deno.UnsafeCallback | number | bigint | null): number | bigint | null {
  return f instanceof Deno.UnsafeCallback ? f.pointer : f;
}

/** Copies out a returned `{ ptr, len }` buffer (at `d` + `offset`) and frees it in `lib`, which returned it. */
function takeBytes(lib: Library, d: DataView, offset: number): Uint8Array {
  const ptr = int64(d.getBigUint64(offset, true));
  const len = Number(d.getBigUint64(offset + 8, true));
  const out = new Uint8Array(len);
  if (ptr === null || ptr == 0) return out;
  Deno.UnsafePointerView.copyInto(ptr, out);
  lib.symbols.hotcall_bindgen_free(ptr, len);
  return out;
}
"#;

/// The TypeScript module for the library `lib_name` (the cdylib's crate
/// name: `libNAME.so`, `libNAME.dylib`, `NAME.dll`) with `functions`.
pub fn generate(lib_name: &str, functions: &[Function]) -> Result<String, Error> {
    let mut structs = BTreeMap::new();
    let mut order = Vec::new();
    for f in functions {
        for (_, t) in &f.params {
            collect_structs(t, &mut structs, &mut order)?;
        }
        collect_structs(&f.result, &mut structs, &mut order)?;
    }

    let mut o = String::new();
    writeln!(
        o,
        "// Generated by `hotcall bindgen` from the #[bindgen] items of the library `{lib_name}`"
    )
    .unwrap();
    writeln!(o, "// (metadata format {FORMAT_VERSION}). Do not edit: rerun `hotcall bindgen` after changing them.").unwrap();
    writeln!(
        o,
        "// The library is loaded on the first call, from next to this file (see `load`)."
    )
    .unwrap();
    o.push('\n');

    // Struct types and codecs.
    for s in &order {
        writeln!(
            o,
            "/** `#[bindgen] struct {}`: a C struct of {} bytes, alignment {}. */",
            s.name,
            s.layout.size(),
            s.layout.align()
        )
        .unwrap();
        writeln!(o, "export interface {} {{", s.name).unwrap();
        for (name, t) in &s.fields {
            writeln!(o, "  {name}: {};", ts_type(t, true)).unwrap();
        }
        o.push_str("}\n\n");
    }

    // The dlopen declaration.
    o.push_str("const SYMBOLS = {\n");
    o.push_str("  hotcall_bindgen_free: { parameters: [\"pointer\", \"usize\"], result: \"void\", optional: true },\n");
    for f in functions {
        writeln!(
            o,
            "  __hotcall_bindgen_meta_{}: {{ parameters: [], result: \"pointer\", optional: true }},",
            f.name
        )
        .unwrap();
        let mut params = Vec::new();
        for (_, t) in &f.params {
            lower_param(t, &mut params);
        }
        let params: Vec<String> = params.iter().map(js_native).collect();
        let mut extra = String::new();
        if f.nonblocking {
            extra.push_str(", nonblocking: true");
        } else if f
            .params
            .iter()
            .any(|(_, t)| matches!(t, Type::Function { .. }))
        {
            // C may call the callback during the call: no fast path.
            extra.push_str(", callback: true");
        }
        writeln!(
            o,
            "  {}: {{ parameters: [{}], result: {}{extra}, optional: true }},",
            f.name,
            params.join(", "),
            js_native(&lower_result(&f.result))
        )
        .unwrap();
    }
    o.push_str("} as const;\n\n");

    o.push_str("/** Each function's metadata record when the bindings were generated. */\n");
    o.push_str("const RECORDS: Record<string, string> = {\n");
    for f in functions {
        writeln!(
            o,
            "  {}: {},",
            f.name,
            serde_json::to_string(&f.record).expect("a string serializes")
        )
        .unwrap();
    }
    o.push_str("};\n\n");

    writeln!(
        o,
        "/** The library built for this OS, next to this module. */"
    )
    .unwrap();
    writeln!(o, "export function defaultLibraryPath(): URL {{").unwrap();
    writeln!(o, "  const os = Deno.build.os;").unwrap();
    writeln!(
        o,
        "  const file = os === \"windows\" ? \"{lib_name}.dll\" : os === \"darwin\" ? \"lib{lib_name}.dylib\" : \"lib{lib_name}.so\";"
    )
    .unwrap();
    writeln!(o, "  return new URL(file, import.meta.url);").unwrap();
    o.push_str("}\n\n");

    o.push_str(LOAD);
    o.push('\n');
    o.push_str(HELPERS);

    for s in &order {
        o.push('\n');
        let name = &s.name;
        writeln!(
            o,
            "function __write_{name}(d: DataView, o: number, v: {name}): void {{"
        )
        .unwrap();
        for ((fname, t), off) in s.fields.iter().zip(s.layout.offsets()) {
            writeln!(
                o,
                "  {}",
                write_at(t, &format!("o + {off}"), &format!("v.{fname}"))
            )
            .unwrap();
        }
        o.push_str("}\n\n");
        writeln!(
            o,
            "function __read_{name}(d: DataView, o: number): {name} {{"
        )
        .unwrap();
        o.push_str("  return {\n");
        for ((fname, t), off) in s.fields.iter().zip(s.layout.offsets()) {
            writeln!(o, "    {fname}: {},", read_at(t, &format!("o + {off}"))).unwrap();
        }
        o.push_str("  };\n}\n\n");
        writeln!(o, "function __encode_{name}(v: {name}): Uint8Array {{").unwrap();
        writeln!(o, "  const b = new Uint8Array({});", s.layout.size()).unwrap();
        writeln!(o, "  __write_{name}(new DataView(b.buffer), 0, v);").unwrap();
        o.push_str("  return b;\n}\n");
    }

    for f in functions {
        o.push('\n');
        wrapper(&mut o, f);
    }
    Ok(o)
}

const LOAD: &str = r#"type Library = Deno.DynamicLibrary<typeof SYMBOLS>;
let current: Library | null = null;

/**
 * Opens the library (by default the one next to this module) and checks that
 * it has every function with the signature these bindings were generated
 * for; throws if it cannot be opened or if the bindings are stale. The
 * wrappers call `load()` on first use; call it first to use another path.
 */
export function load(path: string | URL = defaultLibraryPath()): Library {
  let lib: Library;
  try {
    lib = Deno.dlopen(path, SYMBOLS);
  } catch (e) {
    throw new Error(
      `hotcall-bindgen: cannot open the library ${path}: ${(e as Error).message}\n` +
        "Run `hotcall bindgen` in the crate's directory to build it, or pass its path to load().",
    );
  }
  const symbols = lib.symbols as unknown as Record<string, ((...args: unknown[]) => unknown) | null>;
  const problems: string[] = [];
  if (symbols.hotcall_bindgen_free === null) {
    problems.push("hotcall_bindgen_free is missing: not a hotcall-bindgen library");
  }
  for (const [name, expected] of Object.entries(RECORDS)) {
    const meta = symbols[`__hotcall_bindgen_meta_${name}`];
    const p = meta === null || symbols[name] === null ? null : (meta() as number | bigint);
    const actual = p === null || p == 0 ? null : Deno.UnsafePointerView.getCString(p);
    if (actual === null) {
      problems.push(`${name}: missing from the library`);
    } else if (actual !== expected) {
      problems.push(`${name}: the library has\n    ${actual}\n  the bindings expect\n    ${expected}`);
    }
  }
  if (problems.length > 0) {
    lib.close();
    throw new Error(
      `hotcall-bindgen: these bindings are stale against ${path}; regenerate them with \`hotcall bindgen\`:\n  ` +
        problems.join("\n  "),
    );
  }
  if (current !== null) current.close();
  current = lib;
  return lib;
}

function library(): Library {
  return current ?? load();
}
"#;

/// The C-level arguments of one parameter named `n` (plus statements that
/// must run first).
fn encode_param(t: &Type, n: &str, pre: &mut Vec<String>, args: &mut Vec<String>) {
    match t {
        Type::Scalar(_) | Type::Pointer => args.push(n.to_owned()),
        Type::Str | Type::String => {
            pre.push(format!("const {n}_utf8 = encoder.encode({n});"));
            args.push(format!("{n}_utf8"));
            args.push(format!("{n}_utf8.length"));
        }
        Type::Bytes | Type::BytesMut | Type::Vec => {
            args.push(n.to_owned());
            args.push(format!("{n}.byteLength"));
        }
        Type::Struct(s) => args.push(format!("__encode_{}({n})", s.name)),
        Type::Function { .. } => args.push(format!("pointerOf({n})")),
        Type::Option(inner) => match &**inner {
            Type::Scalar(NativeType::Bool) => {
                args.push(format!("{n} != null"));
                args.push(format!("{n} ?? false"));
            }
            Type::Scalar(_) => {
                args.push(format!("{n} != null"));
                args.push(format!("{n} ?? 0"));
            }
            Type::Pointer => {
                args.push(format!("{n} != null"));
                args.push(format!("{n} ?? null"));
            }
            Type::Str | Type::String => {
                pre.push(format!(
                    "const {n}_utf8 = {n} == null ? null : encoder.encode({n});"
                ));
                args.push(format!("{n}_utf8 !== null"));
                args.push(format!("{n}_utf8"));
                args.push(format!("{n}_utf8 === null ? 0 : {n}_utf8.length"));
            }
            Type::Bytes | Type::BytesMut | Type::Vec => {
                args.push(format!("{n} != null"));
                args.push(format!("{n} ?? null"));
                args.push(format!("{n} == null ? 0 : {n}.byteLength"));
            }
            Type::Struct(s) => {
                args.push(format!("{n} != null"));
                args.push(format!(
                    "{n} == null ? new Uint8Array({}) : __encode_{}({n})",
                    s.layout.size(),
                    s.name
                ));
            }
            _ => unreachable!("the macro rejects Option of this"),
        },
        Type::Void => unreachable!("() is not a parameter"),
    }
}

/// A JS expression decoding a value stored at `d` + `off` in a result struct.
fn decode_at(t: &Type, off: usize) -> String {
    match t {
        Type::String => format!("decoder.decode(takeBytes(lib, d, {off}))"),
        Type::Vec => format!("takeBytes(lib, d, {off})"),
        other => read_at(other, &off.to_string()),
    }
}

/// The statements returning the JS value of the raw result `__r`.
fn decode_result(t: &Type) -> String {
    match t {
        Type::Void => String::new(),
        Type::Scalar(_) | Type::Pointer => "  return __r;\n".into(),
        Type::Struct(_) | Type::String | Type::Vec => {
            format!("  const d = view(__r);\n  return {};\n", decode_at(t, 0))
        }
        Type::Option(inner) => {
            let layout = option_repr(lower_result(inner));
            let off = layout.offsets()[1];
            format!(
                "  const d = view(__r);\n  return d.getUint8(0) === 0 ? null : {};\n",
                decode_at(inner, off)
            )
        }
        _ => unreachable!("the macro rejects this result"),
    }
}

fn rust_type(t: &Type) -> String {
    match t {
        Type::Scalar(n) => n.to_string(),
        Type::Pointer => "*const T | *mut T".into(),
        Type::Void => "()".into(),
        Type::Str => "&str".into(),
        Type::String => "String".into(),
        Type::Bytes => "&[u8]".into(),
        Type::BytesMut => "&mut [u8]".into(),
        Type::Vec => "Vec<u8>".into(),
        Type::Option(inner) => format!("Option<{}>", rust_type(inner)),
        Type::Struct(s) => s.name.clone(),
        Type::Function {
            nullable,
            params,
            result,
        } => {
            let p: Vec<String> = params.iter().map(rust_type).collect();
            let f = format!("extern \"C\" fn({}) -> {}", p.join(", "), rust_type(result));
            if *nullable {
                format!("Option<{f}>")
            } else {
                f
            }
        }
    }
}

fn wrapper(o: &mut String, f: &Function) {
    let name = &f.name;
    // Callback definitions, for `new Deno.UnsafeCallback(def, fn)`.
    for (pname, t) in &f.params {
        if let Type::Function { params, result, .. } = t {
            let p: Vec<String> = params
                .iter()
                .map(|t| js_native(&t.native().expect("callback scalars")))
                .collect();
            let r = match &**result {
                Type::Void => "\"void\"".to_owned(),
                r => js_native(&r.native().expect("callback scalars")),
            };
            writeln!(
                o,
                "/** The definition of a `Deno.UnsafeCallback` for the `{pname}` parameter of `{name}`. */"
            )
            .unwrap();
            writeln!(
                o,
                "export const {name}_{pname}_definition = {{ parameters: [{}], result: {r} }} as const;\n",
                p.join(", ")
            )
            .unwrap();
        }
    }
    let sig: Vec<String> = f
        .params
        .iter()
        .map(|(n, t)| format!("{n}: {}", rust_type(t)))
        .collect();
    writeln!(
        o,
        "/** `fn {name}({}) -> {}`{} */",
        sig.join(", "),
        rust_type(&f.result),
        if f.nonblocking {
            " (nonblocking: runs on a worker thread)"
        } else {
            ""
        }
    )
    .unwrap();
    let params: Vec<String> = f
        .params
        .iter()
        .map(|(n, t)| format!("{}: {}", js_ident(n), ts_type(t, true)))
        .collect();
    let ret = ts_type(&f.result, false);
    let (asyncness, ret, wait) = if f.nonblocking {
        ("async ", format!("Promise<{ret}>"), "await ")
    } else {
        ("", ret, "")
    };
    writeln!(
        o,
        "export {asyncness}function {}({}): {ret} {{",
        js_ident(name),
        params.join(", ")
    )
    .unwrap();
    let mut pre = Vec::new();
    let mut args = Vec::new();
    for (n, t) in &f.params {
        encode_param(t, &js_ident(n), &mut pre, &mut args);
    }
    for p in pre {
        writeln!(o, "  {p}").unwrap();
    }
    o.push_str("  const lib = library();\n");
    let call = format!("{wait}lib.symbols.{name}({})", args.join(", "));
    if matches!(f.result, Type::Void) {
        writeln!(o, "  {call};").unwrap();
    } else {
        writeln!(o, "  const __r = {call};").unwrap();
        o.push_str(&decode_result(&f.result));
    }
    o.push_str("}\n");
}
