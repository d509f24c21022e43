//! `#[bindgen]`: the attribute of `hotcall-bindgen` (depend on that crate,
//! which re-exports it, not on this one).
//!
//! On a `struct` it adds `#[repr(C)]` and a JSON type descriptor. On a `fn`
//! it keeps the function and adds, next to it:
//! - an `extern "C"` shim exported under the function's name, taking the C
//!   encoding of each parameter (`docs/bindgen.md`) and returning the C
//!   encoding of the result;
//! - a metadata record (JSON, NUL-terminated) in the `hotcall_bindgen` link
//!   section, where `hotcall bindgen` reads it from the built library;
//! - an exported `__hotcall_bindgen_meta_NAME()` returning that record, with
//!   which the generated bindings check at load time that the library still
//!   has the signature they were generated for.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{format_ident, quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{
    Error, FnArg, GenericArgument, Ident, Item, ItemFn, ItemStruct, Pat, PathArguments, ReturnType,
    Token, Type,
};

/// Exports a function to JavaScript, or makes a struct usable by exported
/// functions. `#[bindgen(nonblocking)]` on a function makes its JS wrapper
/// asynchronous (the call runs on a worker thread). See `docs/bindgen.md`.
#[proc_macro_attribute]
pub fn bindgen(attr: TokenStream, item: TokenStream) -> TokenStream {
    let item = TokenStream2::from(item);
    match expand(attr.into(), item.clone()) {
        Ok(tokens) => tokens.into(),
        // Keep the item itself, so that the error is the only one.
        Err(e) => {
            let error = e.to_compile_error();
            quote!(#item #error).into()
        }
    }
}

/// What the error messages list as supported.
const SUPPORTED: &str = "supported types: bool, u8, i8, u16, i16, u32, i32, u64, i64, \
usize, isize, f32, f64, raw pointers (*const T, *mut T), &str and String, &[u8], &mut [u8] \
and Vec<u8>, Option<T> of these, #[bindgen] structs, extern \"C\" fn callbacks (parameters \
only); results may also be ()";

const FIELD_SUPPORTED: &str = "struct fields may be bool, u8, i8, u16, i16, u32, i32, u64, \
i64, usize, isize, f32, f64, raw pointers (*const T, *mut T) or #[bindgen] structs";

const CALLBACK_SUPPORTED: &str = "callback parameters and results may be bool, u8, i8, u16, \
i16, u32, i32, u64, i64, usize, isize, f32, f64 or raw pointers (results also ())";

const SCALARS: &[&str] = &[
    "bool", "u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64", "usize", "isize", "f32", "f64",
];

fn expand(attr: TokenStream2, item: TokenStream2) -> syn::Result<TokenStream2> {
    let item: Item = syn::parse2(item)?;
    match item {
        Item::Fn(f) => {
            let flags =
                syn::parse::Parser::parse2(Punctuated::<Ident, Token![,]>::parse_terminated, attr)?;
            let mut nonblocking = false;
            for flag in flags {
                if flag == "nonblocking" {
                    nonblocking = true;
                } else {
                    return Err(Error::new(
                        flag.span(),
                        format!(
                            "unknown #[bindgen] option `{flag}` (the only option is `nonblocking`)"
                        ),
                    ));
                }
            }
            expand_fn(f, nonblocking)
        }
        Item::Struct(s) => {
            if !attr.is_empty() {
                return Err(Error::new(
                    attr.span(),
                    "#[bindgen] on a struct takes no options",
                ));
            }
            expand_struct(s)
        }
        other => Err(Error::new_spanned(
            other,
            "#[bindgen] goes on a `fn` or on a `struct` with named fields",
        )),
    }
}

/// The classification of a Rust type.
#[derive(Clone)]
enum Ty {
    /// A row of the FFI type table, with the Rust type.
    Scalar(&'static str, Type),
    Pointer(Type),
    Unit,
    Str,
    String,
    Bytes,
    BytesMut,
    Vec,
    Option(Box<Ty>),
    Struct(Type),
    Function {
        ty: Type,
        nullable: bool,
        params: Vec<Ty>,
        result: Box<Ty>,
    },
}

/// Where a type appears, for the checks.
#[derive(Clone, Copy, PartialEq)]
enum Pos {
    Param,
    Result,
    Field,
    Callback,
}

fn unsupported(ty: &Type, what: &str, list: &str) -> Error {
    let shown = quote!(#ty)
        .to_string()
        .replace(" < ", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace("& ", "&");
    Error::new_spanned(
        ty,
        format!("hotcall-bindgen: unsupported {what} type `{shown}`; {list}"),
    )
}

fn is_u8(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident("u8"))
}

/// The single generic type argument of a path segment, if that is what it has.
fn one_type_arg(args: &PathArguments) -> Option<&Type> {
    let PathArguments::AngleBracketed(a) = args else {
        return None;
    };
    if a.args.len() != 1 {
        return None;
    }
    match &a.args[0] {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

fn classify(ty: &Type, pos: Pos) -> syn::Result<Ty> {
    let (what, list) = match pos {
        Pos::Param => ("parameter", SUPPORTED),
        Pos::Result => ("result", SUPPORTED),
        Pos::Field => ("struct field", FIELD_SUPPORTED),
        Pos::Callback => ("callback", CALLBACK_SUPPORTED),
    };
    let bad = || unsupported(ty, what, list);
    let t = match ty {
        Type::Paren(p) => return classify(&p.elem, pos),
        Type::Group(g) => return classify(&g.elem, pos),
        Type::Tuple(t) if t.elems.is_empty() => Ty::Unit,
        Type::Ptr(_) => Ty::Pointer(ty.clone()),
        Type::Reference(r) => match &*r.elem {
            Type::Path(p) if p.qself.is_none() && p.path.is_ident("str") => {
                if r.mutability.is_some() {
                    return Err(bad());
                }
                Ty::Str
            }
            Type::Slice(s) if is_u8(&s.elem) => {
                if r.mutability.is_some() {
                    Ty::BytesMut
                } else {
                    Ty::Bytes
                }
            }
            _ => return Err(bad()),
        },
        Type::BareFn(f) => function_type(ty, f, false)?,
        Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last().ok_or_else(bad)?;
            let name = last.ident.to_string();
            let single = p.path.segments.len() == 1;
            let no_args = last.arguments.is_empty();
            if let Some(s) = SCALARS.iter().find(|s| **s == name) {
                if !single || !no_args {
                    return Err(bad());
                }
                Ty::Scalar(s, ty.clone())
            } else if name == "String" && no_args {
                Ty::String
            } else if name == "Vec" {
                match one_type_arg(&last.arguments) {
                    Some(inner) if is_u8(inner) => Ty::Vec,
                    _ => return Err(bad()),
                }
            } else if name == "Option" {
                let inner = one_type_arg(&last.arguments).ok_or_else(bad)?;
                if let Type::BareFn(f) = inner {
                    function_type(ty, f, true)?
                } else {
                    let inner_ty = classify(inner, pos)?;
                    if matches!(inner_ty, Ty::Option(_) | Ty::Unit | Ty::Function { .. }) {
                        return Err(unsupported(
                            ty,
                            what,
                            "Option may hold any supported type except another Option, () or a callback (use Option<extern \"C\" fn(..)> directly for a nullable callback)",
                        ));
                    }
                    Ty::Option(Box::new(inner_ty))
                }
            } else if ["char", "i128", "u128", "str", "Box", "Rc", "Arc", "Result"]
                .contains(&name.as_str())
                || !no_args
            {
                return Err(bad());
            } else {
                // Any other plain name must be a #[bindgen] struct; the
                // `BindgenStruct` bound in the expansion checks it.
                Ty::Struct(ty.clone())
            }
        }
        _ => return Err(bad()),
    };
    let allowed = matches!(
        (&t, pos),
        (Ty::Scalar(..) | Ty::Pointer(_), _)
            | (Ty::Unit, Pos::Result | Pos::Callback)
            | (Ty::Struct(_), Pos::Param | Pos::Result | Pos::Field)
            | (
                Ty::Str | Ty::Bytes | Ty::BytesMut | Ty::Function { .. },
                Pos::Param
            )
            | (
                Ty::String | Ty::Vec | Ty::Option(_),
                Pos::Param | Pos::Result
            )
    );
    if !allowed {
        let list = match (&t, pos) {
            (Ty::Str, Pos::Result) => "return String instead of &str",
            (Ty::Bytes | Ty::BytesMut, Pos::Result) => "return Vec<u8> instead of a slice",
            (Ty::Function { .. }, Pos::Result) => "callbacks can only be parameters",
            (Ty::Unit, _) => "() is only a result type",
            _ => list,
        };
        return Err(unsupported(ty, what, list));
    }
    Ok(t)
}

fn function_type(ty: &Type, f: &syn::TypeBareFn, nullable: bool) -> syn::Result<Ty> {
    let is_c = f
        .abi
        .as_ref()
        .is_some_and(|abi| abi.name.as_ref().is_some_and(|n| n.value() == "C"));
    if !is_c || f.variadic.is_some() || f.lifetimes.is_some() {
        return Err(unsupported(
            ty,
            "callback",
            "callbacks must be `extern \"C\" fn(..) -> ..` (or Option of one) without generics or varargs",
        ));
    }
    let params = f
        .inputs
        .iter()
        .map(|a| classify(&a.ty, Pos::Callback))
        .collect::<syn::Result<Vec<_>>>()?;
    let result = match &f.output {
        ReturnType::Default => Ty::Unit,
        ReturnType::Type(_, t) => classify(t, Pos::Callback)?,
    };
    Ok(Ty::Function {
        ty: ty.clone(),
        nullable,
        params,
        result: Box::new(result),
    })
}

/// A piece of a metadata record: JSON text or a struct's descriptor.
enum Part {
    Lit(String),
    Desc(Type),
}

fn push_lit(parts: &mut Vec<Part>, s: &str) {
    if let Some(Part::Lit(last)) = parts.last_mut() {
        last.push_str(s);
    } else {
        parts.push(Part::Lit(s.to_owned()));
    }
}

/// Appends the JSON type descriptor of `t`.
fn describe(t: &Ty, parts: &mut Vec<Part>) {
    let name = match t {
        Ty::Scalar(n, _) => n,
        Ty::Pointer(_) => "pointer",
        Ty::Unit => "void",
        Ty::Str => "str",
        Ty::String => "string",
        Ty::Bytes => "bytes",
        Ty::BytesMut => "bytes_mut",
        Ty::Vec => "vec",
        Ty::Option(inner) => {
            push_lit(parts, "{\"option\":");
            describe(inner, parts);
            push_lit(parts, "}");
            return;
        }
        Ty::Struct(ty) => {
            parts.push(Part::Desc(ty.clone()));
            return;
        }
        Ty::Function {
            nullable,
            params,
            result,
            ..
        } => {
            push_lit(
                parts,
                &format!("{{\"function\":{{\"nullable\":{nullable},\"params\":["),
            );
            for (i, p) in params.iter().enumerate() {
                if i > 0 {
                    push_lit(parts, ",");
                }
                describe(p, parts);
            }
            push_lit(parts, "],\"result\":");
            describe(result, parts);
            push_lit(parts, "}}");
            return;
        }
    };
    push_lit(parts, &format!("\"{name}\""));
}

/// `const`s evaluating to the bytes of `parts`: `(items, array_len, array_expr)`.
fn const_bytes(parts: &[Part], prefix: &Ident) -> (TokenStream2, Ident) {
    let pieces = parts.iter().map(|p| match p {
        Part::Lit(s) => {
            let lit = syn::LitByteStr::new(s.as_bytes(), Span::call_site());
            quote!(#lit)
        }
        Part::Desc(ty) => quote_spanned! {ty.span()=>
            <#ty as ::hotcall_bindgen::__rt::BindgenStruct>::DESC
        },
    });
    let parts_ident = format_ident!("{}_PARTS", prefix);
    let len_ident = format_ident!("{}_LEN", prefix);
    let items = quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        const #parts_ident: &[&[u8]] = &[#(#pieces),*];
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        const #len_ident: usize = ::hotcall_bindgen::__rt::total_len(#parts_ident);
    };
    (items, len_ident)
}

fn json_name(ident: &Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
}

fn expand_struct(mut s: ItemStruct) -> syn::Result<TokenStream2> {
    if !s.generics.params.is_empty() {
        return Err(Error::new_spanned(
            &s.generics,
            "hotcall-bindgen: generic structs are not supported",
        ));
    }
    let syn::Fields::Named(fields) = &s.fields else {
        return Err(Error::new_spanned(
            &s.fields,
            "hotcall-bindgen: #[bindgen] structs need named fields (`struct S { a: i32 }`)",
        ));
    };
    if fields.named.is_empty() {
        return Err(Error::new_spanned(
            &s.ident,
            "hotcall-bindgen: a #[bindgen] struct needs at least one field (C has no empty structs)",
        ));
    }
    let mut has_repr_c = false;
    for attr in &s.attrs {
        if attr.path().is_ident("repr") {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("C") {
                    has_repr_c = true;
                    Ok(())
                } else {
                    Err(meta.error(
                        "hotcall-bindgen: #[bindgen] structs are #[repr(C)]; remove other repr options",
                    ))
                }
            })?;
        }
    }
    let name = &s.ident;
    let mut parts = Vec::new();
    push_lit(
        &mut parts,
        &format!("{{\"struct\":\"{}\",\"fields\":[", json_name(name)),
    );
    for (i, field) in fields.named.iter().enumerate() {
        let t = classify(&field.ty, Pos::Field)?;
        if i > 0 {
            push_lit(&mut parts, ",");
        }
        let fname = json_name(field.ident.as_ref().expect("named field"));
        push_lit(&mut parts, &format!("{{\"name\":\"{fname}\",\"type\":"));
        describe(&t, &mut parts);
        push_lit(&mut parts, "}");
    }
    push_lit(&mut parts, "]}");
    if !has_repr_c {
        s.attrs.push(syn::parse_quote!(#[repr(C)]));
    }
    let prefix = format_ident!("__HOTCALL_BINDGEN_STRUCT_{}", name);
    let (items, len) = const_bytes(&parts, &prefix);
    let parts_ident = format_ident!("{}_PARTS", prefix);
    let desc_ident = format_ident!("{}_DESC", prefix);
    Ok(quote! {
        #s
        #items
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        const #desc_ident: [u8; #len] = ::hotcall_bindgen::__rt::concat::<#len>(#parts_ident);
        // SAFETY: DESC lists the fields of this #[repr(C)] struct in order,
        // with the C type of each (generated from the definition above).
        unsafe impl ::hotcall_bindgen::__rt::BindgenStruct for #name {
            const DESC: &'static [u8] = &#desc_ident;
        }
    })
}

/// The shim's parameters for one Rust parameter, the expression building the
/// Rust value (bound to a local first), and whether the argument is a
/// borrow of that local (`&str`).
struct Lowered {
    params: Vec<TokenStream2>,
    holder: TokenStream2,
    borrow_str: bool,
}

fn lower_param(t: &Ty, base: &Ident) -> Lowered {
    let ptr = format_ident!("{}_ptr", base);
    let len = format_ident!("{}_len", base);
    let rt = quote!(::hotcall_bindgen::__rt);
    let simple = |ty: &Type| Lowered {
        params: vec![quote!(#base: #ty)],
        holder: quote!(#base),
        borrow_str: false,
    };
    let buffer = |mutable: bool, holder: TokenStream2, borrow_str: bool| Lowered {
        params: if mutable {
            vec![quote!(#ptr: *mut u8), quote!(#len: usize)]
        } else {
            vec![quote!(#ptr: *const u8), quote!(#len: usize)]
        },
        holder,
        borrow_str,
    };
    // SAFETY (of the unsafe blocks below): the generated bindings pass
    // (ptr, len) of a live JS buffer of len bytes (or len 0), kept alive
    // until the call returns, as `docs/bindgen.md` requires of any caller.
    match t {
        Ty::Scalar(_, ty) | Ty::Pointer(ty) | Ty::Struct(ty) | Ty::Function { ty, .. } => {
            simple(ty)
        }
        Ty::Str => buffer(false, quote!(unsafe { #rt::str_arg(#ptr, #len) }), true),
        Ty::String => buffer(
            false,
            quote!(unsafe { #rt::str_arg(#ptr, #len) }.into_owned()),
            false,
        ),
        Ty::Bytes => buffer(false, quote!(unsafe { #rt::bytes_arg(#ptr, #len) }), false),
        Ty::BytesMut => buffer(
            true,
            quote!(unsafe { #rt::bytes_mut_arg(#ptr, #len) }),
            false,
        ),
        Ty::Vec => buffer(
            false,
            quote!(unsafe { #rt::bytes_arg(#ptr, #len) }.to_vec()),
            false,
        ),
        Ty::Option(inner) => {
            let some = format_ident!("{}_some", base);
            let inner = lower_param(inner, base);
            let mut params = vec![quote!(#some: bool)];
            params.extend(inner.params);
            let h = inner.holder;
            Lowered {
                params,
                holder: quote!(if #some { ::core::option::Option::Some(#h) } else { ::core::option::Option::None }),
                borrow_str: inner.borrow_str,
            }
        }
        Ty::Unit => unreachable!("rejected by classify"),
    }
}

/// The shim's return type and the conversion of `value` into it.
fn lower_result(t: &Ty, value: TokenStream2) -> (TokenStream2, TokenStream2) {
    let rt = quote!(::hotcall_bindgen::__rt);
    match t {
        Ty::Unit => (quote!(()), value),
        Ty::Scalar(_, ty) | Ty::Pointer(ty) | Ty::Struct(ty) => (quote!(#ty), value),
        Ty::String => (
            quote!(#rt::OwnedBuf),
            quote!(#rt::OwnedBuf::from_string(#value)),
        ),
        Ty::Vec => (
            quote!(#rt::OwnedBuf),
            quote!(#rt::OwnedBuf::from_vec(#value)),
        ),
        Ty::Option(inner) => {
            let (ret, conv) = lower_result(inner, quote!(__v));
            (
                quote!(#rt::OptionRepr<#ret>),
                quote!(#rt::OptionRepr::new((#value).map(|__v| #conv))),
            )
        }
        _ => unreachable!("rejected by classify"),
    }
}

fn expand_fn(f: ItemFn, nonblocking: bool) -> syn::Result<TokenStream2> {
    let sig = &f.sig;
    if let Some(a) = &sig.asyncness {
        return Err(Error::new(
            a.span(),
            "hotcall-bindgen: async fns are not supported; use #[bindgen(nonblocking)] on a plain fn",
        ));
    }
    if !sig.generics.params.is_empty() {
        return Err(Error::new_spanned(
            &sig.generics,
            "hotcall-bindgen: generic fns are not supported",
        ));
    }
    if let Some(v) = &sig.variadic {
        return Err(Error::new_spanned(
            v,
            "hotcall-bindgen: variadic fns are not supported",
        ));
    }
    let name = &sig.ident;
    let js_name = json_name(name);
    let mut parts = Vec::new();
    push_lit(
        &mut parts,
        &format!("{{\"v\":1,\"name\":\"{js_name}\",\"nonblocking\":{nonblocking},\"params\":["),
    );
    let mut shim_params = Vec::new();
    let mut prelude = Vec::new();
    let mut args = Vec::new();
    for (i, input) in sig.inputs.iter().enumerate() {
        let FnArg::Typed(pt) = input else {
            return Err(Error::new_spanned(
                input,
                "hotcall-bindgen: methods are not supported; use a free fn",
            ));
        };
        let t = classify(&pt.ty, Pos::Param)?;
        let pname = match &*pt.pat {
            Pat::Ident(p) => json_name(&p.ident),
            _ => format!("arg{i}"),
        };
        if i > 0 {
            push_lit(&mut parts, ",");
        }
        push_lit(&mut parts, &format!("{{\"name\":\"{pname}\",\"type\":"));
        describe(&t, &mut parts);
        push_lit(&mut parts, "}");
        let base = format_ident!("__p{}", i);
        let lowered = lower_param(&t, &base);
        shim_params.extend(lowered.params);
        let holder = lowered.holder;
        let local = format_ident!("__h{}", i);
        prelude.push(quote!(let #local = #holder;));
        args.push(match (lowered.borrow_str, &t) {
            (true, Ty::Option(_)) => quote!(#local.as_deref()),
            (true, _) => quote!(&*#local),
            _ => quote!(#local),
        });
    }
    let result = match &sig.output {
        ReturnType::Default => Ty::Unit,
        ReturnType::Type(_, t) => classify(t, Pos::Result)?,
    };
    push_lit(&mut parts, "],\"result\":");
    describe(&result, &mut parts);
    push_lit(&mut parts, "}\0");

    let call = if sig.unsafety.is_some() {
        // SAFETY: the caller of the exported symbol takes on the contract
        // of the `unsafe fn` (documented by its author).
        quote!(unsafe { #name(#(#args),*) })
    } else {
        quote!(#name(#(#args),*))
    };
    let (ret, conv) = lower_result(&result, quote!(__r));
    let shim = format_ident!("__hotcall_bindgen_shim_{}", name);
    let meta_fn = format_ident!("__hotcall_bindgen_meta_fn_{}", name);
    let meta_static = format_ident!("__HOTCALL_BINDGEN_META_{}", name);
    let meta_export = format!("__hotcall_bindgen_meta_{js_name}");
    let prefix = format_ident!("__HOTCALL_BINDGEN_FN_{}", name);
    let (items, len) = const_bytes(&parts, &prefix);
    let parts_ident = format_ident!("{}_PARTS", prefix);
    Ok(quote! {
        #f

        #items

        /// This function's metadata record (`docs/bindgen.md`).
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        #[used]
        #[cfg_attr(target_os = "macos", unsafe(link_section = "__DATA,__hotcall_bg"))]
        #[cfg_attr(not(target_os = "macos"), unsafe(link_section = "hotcall_bindgen"))]
        static #meta_static: [u8; #len] = ::hotcall_bindgen::__rt::concat::<#len>(#parts_ident);

        #[doc(hidden)]
        #[allow(non_snake_case)]
        #[unsafe(export_name = #meta_export)]
        extern "C" fn #meta_fn() -> *const u8 {
            #meta_static.as_ptr()
        }

        #[doc(hidden)]
        #[allow(non_snake_case, clippy::too_many_arguments, clippy::missing_safety_doc)]
        #[unsafe(export_name = #js_name)]
        unsafe extern "C" fn #shim(#(#shim_params),*) -> #ret {
            #(#prelude)*
            let __r = #call;
            #conv
        }
    })
}
