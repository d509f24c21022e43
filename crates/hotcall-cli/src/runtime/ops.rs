//! The native functions the bootstrap JS (`src/js/`) builds the runtime
//! from. They are handed to it as properties of one `ops` object and never
//! exposed to user code directly (except `queueMicrotask`).

use std::io::Write;
use std::time::{Duration, Instant};

use super::clone::op_structured_clone;
use super::timers::Timers;
use super::worker::{
    op_self_close, op_self_post, op_worker_post, op_worker_start, op_worker_terminate,
};

/// When the runtime started (`performance.now()`), an isolate slot.
pub struct StartTime(pub Instant);

/// Data the bootstrap reads once.
pub struct Info<'a> {
    pub args: &'a [String],
    pub main_url: &'a str,
    /// The isolate is a `Worker`'s (the bootstrap adds `self.postMessage`...).
    pub is_worker: bool,
}

/// Builds the `ops` object.
pub fn create<'s>(
    scope: &mut v8::HandleScope<'s>,
    info: &Info,
) -> Option<v8::Local<'s, v8::Object>> {
    let ops = v8::Object::new(scope);
    // Each native must be passed as its own fn item (V8 callbacks are
    // zero-sized types), hence a macro rather than a table of fn pointers.
    macro_rules! natives {
        ($($name:literal => $f:ident),* $(,)?) => {$(
            let f = v8::Function::new(scope, $f)?;
            set(scope, ops, $name, f.into())?;
        )*};
    }
    natives! {
        "print" => op_print,
        "timerStart" => op_timer_start,
        "timerClear" => op_timer_clear,
        "queueMicrotask" => op_queue_microtask,
        "encode" => op_encode,
        "encodeInto" => op_encode_into,
        "decode" => op_decode,
        "promiseState" => op_promise_state,
        "proxyTarget" => op_proxy_target,
        "typeTag" => op_type_tag,
        "exit" => op_exit,
        "execPath" => op_exec_path,
        "cwd" => op_cwd,
        "now" => op_now,
        "mapPosition" => op_map_position,
        "structuredClone" => op_structured_clone,
        "memoryUsage" => op_memory_usage,
        "workerStart" => op_worker_start,
        "workerPost" => op_worker_post,
        "workerTerminate" => op_worker_terminate,
        "selfPost" => op_self_post,
        "selfClose" => op_self_close,
    }
    let is_worker = v8::Boolean::new(scope, info.is_worker);
    set(scope, ops, "isWorker", is_worker.into())?;
    let args: Vec<v8::Local<v8::Value>> = info
        .args
        .iter()
        .map(|a| string(scope, a).map(Into::into))
        .collect::<Option<_>>()?;
    let args = v8::Array::new_with_elements(scope, &args);
    set(scope, ops, "args", args.into())?;
    let (os, arch) = build_os_arch();
    for (key, value) in [
        ("os", os),
        ("arch", arch),
        ("target", &target_triple()),
        ("mainUrl", info.main_url),
        ("v8Version", v8::V8::get_version()),
        ("version", env!("CARGO_PKG_VERSION")),
    ] {
        let v = string(scope, value)?;
        set(scope, ops, key, v.into())?;
    }
    let pid = v8::Number::new(scope, f64::from(std::process::id()));
    set(scope, ops, "pid", pid.into())?;
    Some(ops)
}

/// `Deno.build.os` and `.arch` spelled as Deno does ("linux", "darwin",
/// "windows"; "x86_64", "aarch64").
fn build_os_arch() -> (&'static str, &'static str) {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    (os, std::env::consts::ARCH)
}

fn target_triple() -> String {
    let (os, arch) = build_os_arch();
    match os {
        "darwin" => format!("{arch}-apple-darwin"),
        "windows" => format!("{arch}-pc-windows-msvc"),
        "linux" => format!("{arch}-unknown-linux-gnu"),
        other => format!("{arch}-unknown-{other}"),
    }
}

fn string<'s>(scope: &mut v8::HandleScope<'s>, s: &str) -> Option<v8::Local<'s, v8::String>> {
    v8::String::new(scope, s)
}

fn set(
    scope: &mut v8::HandleScope,
    obj: v8::Local<v8::Object>,
    key: &str,
    value: v8::Local<v8::Value>,
) -> Option<()> {
    let key = string(scope, key)?;
    obj.set(scope, key.into(), value).map(|_| ())
}

fn throw_type_error(scope: &mut v8::HandleScope, msg: &str) {
    let msg = v8::String::new(scope, msg).unwrap_or_else(|| v8::String::empty(scope));
    let e = v8::Exception::type_error(scope, msg);
    scope.throw_exception(e);
}

fn throw_range_error(scope: &mut v8::HandleScope, msg: &str) {
    let msg = v8::String::new(scope, msg).unwrap_or_else(|| v8::String::empty(scope));
    let e = v8::Exception::range_error(scope, msg);
    scope.throw_exception(e);
}

/// `print(text, toStderr)`.
fn op_print(scope: &mut v8::HandleScope, args: v8::FunctionCallbackArguments, _: v8::ReturnValue) {
    let text = args.get(0).to_rust_string_lossy(scope);
    let result = if args.get(1).is_true() {
        let mut err = std::io::stderr().lock();
        err.write_all(text.as_bytes()).and_then(|()| err.flush())
    } else {
        std::io::stdout().lock().write_all(text.as_bytes())
    };
    // A closed pipe (e.g. `| head`) must not kill the program with a panic;
    // the output is simply lost, as in Deno.
    let _ = result;
}

/// `timerStart(callback, delayMs, repeat, argsArray)` → id.
fn op_timer_start(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    let Ok(callback) = v8::Local::<v8::Function>::try_from(args.get(0)) else {
        return throw_type_error(scope, "timer callback must be a function");
    };
    let delay = args.get(1).number_value(scope).unwrap_or(0.0);
    // NaN, negative and too long delays become 0 ms (.. 1 ms), as in browsers.
    let delay = if delay.is_finite() && (0.0..=2_147_483_647.0).contains(&delay) {
        Duration::from_micros((delay * 1000.0) as u64)
    } else if delay > 2_147_483_647.0 {
        Duration::from_millis(1)
    } else {
        Duration::ZERO
    };
    let repeat = args.get(2).is_true();
    let mut extra = Vec::new();
    if let Ok(list) = v8::Local::<v8::Array>::try_from(args.get(3)) {
        for i in 0..list.length() {
            let v = list
                .get_index(scope, i)
                .unwrap_or_else(|| v8::undefined(scope).into());
            extra.push(v8::Global::new(scope, v));
        }
    }
    let callback = v8::Global::new(scope, callback);
    let Some(timers) = scope.get_slot_mut::<Timers>() else {
        return;
    };
    let id = timers.start(callback, extra, delay, repeat);
    rv.set_uint32(id);
}

/// `timerClear(id)`.
fn op_timer_clear(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    _: v8::ReturnValue,
) {
    let id = args.get(0).uint32_value(scope).unwrap_or(0);
    if let Some(timers) = scope.get_slot_mut::<Timers>() {
        timers.clear(id);
    }
}

/// `queueMicrotask(fn)`.
fn op_queue_microtask(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    _: v8::ReturnValue,
) {
    match v8::Local::<v8::Function>::try_from(args.get(0)) {
        Ok(f) => scope.enqueue_microtask(f),
        Err(_) => throw_type_error(
            scope,
            "Failed to execute 'queueMicrotask': Argument 1 is not a function",
        ),
    }
}

/// A fresh `Uint8Array` holding `bytes`.
fn uint8_array<'s>(
    scope: &mut v8::HandleScope<'s>,
    bytes: Vec<u8>,
) -> Option<v8::Local<'s, v8::Uint8Array>> {
    let len = bytes.len();
    let store = v8::ArrayBuffer::new_backing_store_from_vec(bytes).make_shared();
    let buffer = v8::ArrayBuffer::with_backing_store(scope, &store);
    v8::Uint8Array::new(scope, buffer, 0, len)
}

/// `encode(string)` → `Uint8Array` of its UTF-8 (lone surrogates as U+FFFD).
fn op_encode(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    let text = args.get(0).to_rust_string_lossy(scope);
    if let Some(array) = uint8_array(scope, text.into_bytes()) {
        rv.set(array.into());
    }
}

/// `encodeInto(string, uint8Array)` → `[read, written]`: as much of the
/// string as fits in whole characters; `read` counts UTF-16 code units.
fn op_encode_into(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    let text = args.get(0).to_rust_string_lossy(scope);
    let Ok(dest) = v8::Local::<v8::Uint8Array>::try_from(args.get(1)) else {
        return throw_type_error(scope, "The destination must be a Uint8Array");
    };
    let capacity = dest.byte_length();
    let mut read = 0usize;
    let mut written = 0usize;
    for c in text.chars() {
        if written + c.len_utf8() > capacity {
            break;
        }
        written += c.len_utf8();
        read += c.len_utf16();
    }
    if written > 0 {
        let data = dest.data() as *mut u8;
        // SAFETY: `dest` is a live Uint8Array (held by this handle scope)
        // whose view covers `capacity >= written` bytes starting at `data`
        // (non-null since the view is not empty); no JS runs while we copy.
        unsafe { std::ptr::copy_nonoverlapping(text.as_ptr(), data, written) };
    }
    let read = v8::Number::new(scope, read as f64).into();
    let written = v8::Number::new(scope, written as f64).into();
    rv.set(v8::Array::new_with_elements(scope, &[read, written]).into());
}

/// The bytes of a BufferSource (ArrayBuffer, SharedArrayBuffer, TypedArray,
/// DataView), copied.
fn buffer_source_bytes(
    scope: &mut v8::HandleScope,
    value: v8::Local<v8::Value>,
) -> Option<Vec<u8>> {
    let view: v8::Local<v8::ArrayBufferView> =
        if let Ok(view) = v8::Local::<v8::ArrayBufferView>::try_from(value) {
            view
        } else if let Ok(buffer) = v8::Local::<v8::ArrayBuffer>::try_from(value) {
            v8::Uint8Array::new(scope, buffer, 0, buffer.byte_length())?.into()
        } else if let Ok(shared) = v8::Local::<v8::SharedArrayBuffer>::try_from(value) {
            let len = shared.byte_length();
            let mut bytes = vec![0u8; len];
            if let Some(data) = shared.get_backing_store().data() {
                // SAFETY: the backing store (kept alive by the SharedRef for this
                // statement) holds `len` bytes at `data`.
                let src = unsafe { std::slice::from_raw_parts(data.as_ptr() as *const u8, len) };
                bytes.copy_from_slice(src);
            }
            return Some(bytes);
        } else {
            return None;
        };
    let mut bytes = vec![0u8; view.byte_length()];
    let n = view.copy_contents(&mut bytes);
    bytes.truncate(n);
    Some(bytes)
}

/// `decode(bufferSource, fatal)` → the UTF-8 text (BOM handling is the
/// caller's); malformed sequences become U+FFFD, or a TypeError if `fatal`.
fn op_decode(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    let Some(bytes) = buffer_source_bytes(scope, args.get(0)) else {
        return throw_type_error(
            scope,
            "The provided value is not of type '(ArrayBuffer or ArrayBufferView)'",
        );
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) if args.get(1).is_true() => {
            return throw_type_error(scope, "The encoded data is not valid.")
        }
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    match v8::String::new(scope, &text) {
        Some(s) => rv.set(s.into()),
        None => throw_range_error(scope, "The decoded string is too long"),
    }
}

/// `promiseState(p)` → `[0]` pending, `[1, value]` fulfilled, `[2, reason]` rejected.
fn op_promise_state(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    let Ok(p) = v8::Local::<v8::Promise>::try_from(args.get(0)) else {
        return;
    };
    let elements: Vec<v8::Local<v8::Value>> = match p.state() {
        v8::PromiseState::Pending => vec![v8::Integer::new(scope, 0).into()],
        v8::PromiseState::Fulfilled => vec![v8::Integer::new(scope, 1).into(), p.result(scope)],
        v8::PromiseState::Rejected => vec![v8::Integer::new(scope, 2).into(), p.result(scope)],
    };
    rv.set(v8::Array::new_with_elements(scope, &elements).into());
}

/// `proxyTarget(p)` → the target of a Proxy (without running any trap).
fn op_proxy_target(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    if let Ok(p) = v8::Local::<v8::Proxy>::try_from(args.get(0)) {
        rv.set(p.get_target(scope));
    }
}

/// `typeTag(v)` → the internal kind of an object, which JS cannot always
/// tell reliably ("" for ordinary objects).
fn op_type_tag(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    let v = args.get(0);
    type Check = fn(&v8::Value) -> bool;
    let checks: &[(Check, &str)] = &[
        (v8::Value::is_proxy, "Proxy"),
        (v8::Value::is_promise, "Promise"),
        (v8::Value::is_map, "Map"),
        (v8::Value::is_set, "Set"),
        (v8::Value::is_weak_map, "WeakMap"),
        (v8::Value::is_weak_set, "WeakSet"),
        (v8::Value::is_date, "Date"),
        (v8::Value::is_reg_exp, "RegExp"),
        (v8::Value::is_array_buffer, "ArrayBuffer"),
        (v8::Value::is_shared_array_buffer, "SharedArrayBuffer"),
        (v8::Value::is_data_view, "DataView"),
        (v8::Value::is_typed_array, "TypedArray"),
        (v8::Value::is_native_error, "Error"),
        (v8::Value::is_number_object, "Number"),
        (v8::Value::is_string_object, "String"),
        (v8::Value::is_boolean_object, "Boolean"),
        (v8::Value::is_big_int_object, "BigInt"),
        (v8::Value::is_symbol_object, "Symbol"),
        (v8::Value::is_module_namespace_object, "Module"),
        (v8::Value::is_generator_object, "Generator"),
        (v8::Value::is_map_iterator, "Map Iterator"),
        (v8::Value::is_set_iterator, "Set Iterator"),
        (v8::Value::is_arguments_object, "Arguments"),
    ];
    let tag = checks
        .iter()
        .find(|(check, _)| check(&v))
        .map_or("", |(_, tag)| tag);
    if let Some(s) = string(scope, tag) {
        rv.set(s.into());
    }
}

/// `exit(code)`: flushes the output and ends the process at once.
fn op_exit(scope: &mut v8::HandleScope, args: v8::FunctionCallbackArguments, _: v8::ReturnValue) {
    let code = args.get(0).int32_value(scope).unwrap_or(0);
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    std::process::exit(code);
}

fn op_exec_path(
    scope: &mut v8::HandleScope,
    _: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    match std::env::current_exe() {
        Ok(p) => {
            if let Some(s) = string(scope, &p.to_string_lossy()) {
                rv.set(s.into());
            }
        }
        Err(e) => throw_type_error(scope, &format!("cannot find the executable: {e}")),
    }
}

fn op_cwd(scope: &mut v8::HandleScope, _: v8::FunctionCallbackArguments, mut rv: v8::ReturnValue) {
    match std::env::current_dir() {
        Ok(p) => {
            if let Some(s) = string(scope, &p.to_string_lossy()) {
                rv.set(s.into());
            }
        }
        Err(e) => throw_type_error(scope, &format!("cannot get the current directory: {e}")),
    }
}

/// Milliseconds since the runtime started, with sub-millisecond precision.
fn op_now(scope: &mut v8::HandleScope, _: v8::FunctionCallbackArguments, mut rv: v8::ReturnValue) {
    let ms = scope
        .get_slot::<StartTime>()
        .map_or(0.0, |s| s.0.elapsed().as_secs_f64() * 1000.0);
    rv.set_double(ms);
}

/// `mapPosition(url, line, column)` → `[line, column]` in the TypeScript
/// source of a transpiled module, or undefined.
fn op_map_position(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    let url = args.get(0).to_rust_string_lossy(scope);
    let line = args.get(1).uint32_value(scope).unwrap_or(0);
    let column = args.get(2).uint32_value(scope).unwrap_or(0);
    if let Some((line, column)) = super::errors::original_position(scope, &url, line, column) {
        let line = v8::Integer::new_from_unsigned(scope, line).into();
        let column = v8::Integer::new_from_unsigned(scope, column).into();
        rv.set(v8::Array::new_with_elements(scope, &[line, column]).into());
    }
}

/// The resident set size of this process in bytes (Linux: `/proc/self/statm`).
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * page_size())
}

extern "C" {
    fn sysconf(name: i32) -> i64;
}

/// `sysconf(_SC_PAGESIZE)` (`_SC_PAGESIZE` is 30 on Linux), 4096 if unknown.
fn page_size() -> u64 {
    const SC_PAGESIZE: i32 = 30;
    // SAFETY: sysconf only reads a configuration value; any name is valid.
    let n = unsafe { sysconf(SC_PAGESIZE) };
    u64::try_from(n).ok().filter(|&n| n > 0).unwrap_or(4096)
}

/// `memoryUsage()` -> `[rss, heapTotal, heapUsed, external]` in bytes
/// (`Deno.memoryUsage()`; rss is 0 where it cannot be read).
fn op_memory_usage(
    scope: &mut v8::HandleScope,
    _args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    let mut stats = v8::HeapStatistics::default();
    scope.get_heap_statistics(&mut stats);
    let values = [
        resident_bytes().unwrap_or(0) as f64,
        stats.total_heap_size() as f64,
        stats.used_heap_size() as f64,
        stats.external_memory() as f64,
    ];
    let items: Vec<v8::Local<v8::Value>> = values
        .iter()
        .map(|&v| v8::Number::new(scope, v).into())
        .collect();
    rv.set(v8::Array::new_with_elements(scope, &items).into());
}
