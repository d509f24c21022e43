//! Installing the namespace: binds the natives and evaluates `js/ffi.js`.

use v8::MapFnTo;

use crate::errors::v8_str;
use crate::state::FfiState;
use crate::FfiConfig;

const FFI_SOURCE: &str = include_str!("js/ffi.js");

fn op_slow_calls<'s>(
    scope: &mut v8::HandleScope<'s>,
    _args: v8::FunctionCallbackArguments<'s>,
    mut rv: v8::ReturnValue,
) {
    let n = FfiState::get(scope).slow_calls.get();
    rv.set(v8::Number::new(scope, n as f64).into());
}

/// The object of natives `ffi.js` builds the API from.
fn natives<'s>(scope: &mut v8::HandleScope<'s>) -> Result<v8::Local<'s, v8::Object>, String> {
    natives_object(
        scope,
        &[
            ("open", crate::library::op_open.map_fn_to()),
            ("close", crate::library::op_close.map_fn_to()),
            ("shapes", crate::library::op_shapes.map_fn_to()),
            ("pointerOf", crate::pointer::op_pointer_of.map_fn_to()),
            ("read", crate::pointer::op_read.map_fn_to()),
            ("cstring", crate::pointer::op_cstring.map_fn_to()),
            ("arrayBuffer", crate::pointer::op_array_buffer.map_fn_to()),
            ("copyInto", crate::pointer::op_copy_into.map_fn_to()),
            ("fnPointer", crate::pointer::op_fn_pointer.map_fn_to()),
            ("slowCalls", op_slow_calls.map_fn_to()),
        ],
    )
}

/// A plain object whose properties are native functions, named as listed.
pub(crate) fn natives_object<'s>(
    scope: &mut v8::HandleScope<'s>,
    list: &[(&str, v8::FunctionCallback)],
) -> Result<v8::Local<'s, v8::Object>, String> {
    let obj = v8::Object::new(scope);
    for &(name, callback) in list {
        let f = v8::FunctionTemplate::builder_raw(callback)
            .build(scope)
            .get_function(scope)
            .ok_or("cannot create an FFI native function")?;
        let key = v8_str(scope, name);
        f.set_name(key);
        obj.set(scope, key.into(), f.into());
    }
    Ok(obj)
}

/// Evaluates a built-in script `source` (a function expression, shown in
/// stack traces as `name`) and calls it with `args`; returns its result, or
/// the exception's message prefixed with `name`.
pub(crate) fn call_builtin<'s>(
    scope: &mut v8::HandleScope<'s>,
    name: &str,
    source: &str,
    args: &[v8::Local<v8::Value>],
) -> Result<v8::Local<'s, v8::Value>, String> {
    let tc = &mut v8::EscapableHandleScope::new(scope);
    let tc = &mut v8::TryCatch::new(tc);
    let result = (|| {
        let code = v8_str(tc, source);
        let origin_name = v8_str(tc, name);
        let origin = v8::ScriptOrigin::new(
            tc,
            origin_name.into(),
            0,
            0,
            false,
            0,
            None,
            false,
            false,
            false,
            None,
        );
        // Compiled eagerly: most functions of the FFI scripts run on a
        // script's first dlopen or callback, and compiling them there, one
        // lazy compile at a time, made the first dlopen of 25 symbols take
        // 1.76 ms instead of 1.40 ms (medians of 10 alternating runs of
        // benches/js/cold_dlopen.ts); a process that never opens a library
        // starts no slower (6.3-6.7 ms either way).
        let mut source = v8::script_compiler::Source::new(code, Some(&origin));
        let script = v8::script_compiler::compile(
            tc,
            &mut source,
            v8::script_compiler::CompileOptions::EagerCompile,
            v8::script_compiler::NoCacheReason::NoReason,
        )?;
        let f = v8::Local::<v8::Function>::try_from(script.run(tc)?).ok()?;
        let recv = v8::undefined(tc).into();
        f.call(tc, recv, args)
    })();
    match result {
        Some(value) => Ok(tc.escape(value)),
        None => Err(match tc.exception() {
            Some(e) => format!("{name}: {}", e.to_rust_string_lossy(tc)),
            None => format!("{name}: evaluation failed"),
        }),
    }
}

/// See [`crate::install`].
pub fn install(
    scope: &mut v8::HandleScope,
    deno: v8::Local<v8::Object>,
    config: FfiConfig,
) -> Result<(), String> {
    if scope.get_slot::<std::rc::Rc<FfiState>>().is_none() {
        FfiState::init(scope, config.permissions.clone(), config.tasks.clone());
    }
    crate::smi::probe(scope);
    let natives = natives(scope)?;
    // This install's realm: symbol functions are pooled per realm.
    let realm = FfiState::get(scope).next_id();
    let key = v8_str(scope, "realm");
    let value = v8::Number::new(scope, realm as f64);
    natives.set(scope, key.into(), value.into());
    call_builtin(
        scope,
        "hotcall:ffi.js",
        FFI_SOURCE,
        &[deno.into(), natives.into()],
    )?;
    record_permission_denied(scope, deno);
    crate::callback::install(scope, deno, &config)
}

/// Remembers `deno.errors.PermissionDenied` (ffi.js made it if the embedder
/// had none) so that natives can throw it.
fn record_permission_denied(scope: &mut v8::HandleScope, deno: v8::Local<v8::Object>) {
    let errors = v8_str(scope, "errors");
    let class = v8_str(scope, "PermissionDenied");
    let class = deno
        .get(scope, errors.into())
        .and_then(|e| v8::Local::<v8::Object>::try_from(e).ok())
        .and_then(|e| e.get(scope, class.into()))
        .and_then(|c| v8::Local::<v8::Function>::try_from(c).ok());
    if let Some(class) = class {
        let class = v8::Global::new(scope, class);
        FfiState::get(scope).set_permission_denied_class(class);
    }
}
