//! End-to-end tests of the FFI namespace: an isolate with `Deno` installed
//! runs JS against the C fixture library built by `build.rs`.
//!
//! Fast-path claims are proven: the caller is optimized with
//! `%OptimizeFunctionOnNextCall`, and the test asserts that the C function
//! ran (the fixture's call counter moved) while the slow-call counter
//! (`Deno[Symbol.for("hotcall.internals")].slowCalls()`) did not.

use std::sync::Once;
use std::time::Duration;

use hotcall_v8::{install, FfiConfig, FfiPermissions, TaskQueue};

const FIXTURE: &str = env!("HOTCALL_V8_FIXTURE");

fn init_v8() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        v8::icu::set_common_data_73(deno_core_icudata::ICU_DATA).expect("ICU data");
        v8::V8::set_flags_from_string("--allow-natives-syntax");
        v8::V8::initialize_platform(v8::new_default_platform(0, false).make_shared());
        v8::V8::initialize();
    });
}

/// Shared JS helpers, prepended to every test script.
const PRELUDE: &str = r#"
const slowCalls = Deno[Symbol.for("hotcall.internals")].slowCalls;
function assert(cond, msg) { if (!cond) throw new Error("assertion failed: " + msg); }
function same(a, b) {
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
  return typeof a === typeof b && Object.is(a, b);
}
function show(v) { return typeof v === "bigint" ? v + "n" : String(v); }
function assertEq(got, want, what) { assert(same(got, want), `${what}: got ${show(got)}, want ${show(want)}`); }
function assertThrows(f, Type, pattern, what) {
  try { f(); } catch (e) {
    assert(e instanceof Type, `${what}: wrong error type ${e && e.name}: ${e && e.message}`);
    assert(pattern.test(e.message), `${what}: message "${e.message}" does not match ${pattern}`);
    return;
  }
  throw new Error(`${what}: did not throw`);
}
"#;

/// Runs `body` as the body of an async function; `LIB` is the fixture path.
/// Drives nonblocking calls through the task queue until the function settles.
fn run_js(permissions: FfiPermissions, body: &str) -> Result<(), String> {
    init_v8();
    let isolate = &mut v8::Isolate::new(Default::default());
    let queue = TaskQueue::new();
    let scope = &mut v8::HandleScope::new(isolate);
    let context = v8::Context::new(scope);
    let scope = &mut v8::ContextScope::new(scope, context);
    let deno = v8::Object::new(scope);
    let key = v8::String::new(scope, "Deno").unwrap();
    context.global(scope).set(scope, key.into(), deno.into());
    install(
        scope,
        deno,
        FfiConfig {
            permissions,
            tasks: queue.sender(),
        },
    )?;

    let source = format!("const LIB = {FIXTURE:?};\n{PRELUDE}\n(async () => {{\n{body}\n}})()");
    let tc = &mut v8::TryCatch::new(scope);
    let code = v8::String::new(tc, &source).unwrap();
    let promise = v8::Script::compile(tc, code, None)
        .and_then(|s| s.run(tc))
        .and_then(|v| v8::Local::<v8::Promise>::try_from(v).ok());
    let Some(promise) = promise else {
        let e = tc.exception().map(|e| e.to_rust_string_lossy(tc));
        return Err(format!("script failed: {e:?}"));
    };
    loop {
        tc.perform_microtask_checkpoint();
        if promise.state() != v8::PromiseState::Pending {
            break;
        }
        if queue.wait_and_run(tc, Some(Duration::from_secs(10))) == 0 && !queue.keeps_alive() {
            break;
        }
    }
    match promise.state() {
        v8::PromiseState::Fulfilled => Ok(()),
        v8::PromiseState::Rejected => {
            let e = promise.result(tc);
            let stack = v8::Local::<v8::Object>::try_from(e)
                .ok()
                .and_then(|o| {
                    let k = v8::String::new(tc, "stack").unwrap();
                    o.get(tc, k.into())
                })
                .map(|s| s.to_rust_string_lossy(tc));
            Err(stack.unwrap_or_else(|| e.to_rust_string_lossy(tc)))
        }
        v8::PromiseState::Pending => Err("the test never settled".to_owned()),
    }
}

fn ok(body: &str) {
    if let Err(e) = run_js(FfiPermissions::All, body) {
        panic!("{e}");
    }
}

const OPEN_SCALARS: &str = r#"
const lib = Deno.dlopen(LIB, {
  call_count: { parameters: [], result: "u64" },
  nop: { parameters: [], result: "void" },
  not_bool: { parameters: ["bool"], result: "bool" },
  add_u8: { parameters: ["u8", "u8"], result: "u8" },
  add_i8: { parameters: ["i8", "i8"], result: "i8" },
  add_u16: { parameters: ["u16", "u16"], result: "u16" },
  add_i16: { parameters: ["i16", "i16"], result: "i16" },
  add_u32: { parameters: ["u32", "u32"], result: "u32" },
  add_i32: { parameters: ["i32", "i32"], result: "i32" },
  add_u64: { parameters: ["u64", "u64"], result: "u64" },
  add_i64: { parameters: ["i64", "i64"], result: "i64" },
  add_usize: { parameters: ["usize", "usize"], result: "usize" },
  add_isize: { parameters: ["isize", "isize"], result: "isize" },
  add_f32: { parameters: ["f32", "f32"], result: "f32" },
  add_f64: { parameters: ["f64", "f64"], result: "f64" },
  ptr_add: { parameters: ["pointer", "usize"], result: "pointer" },
  fn_id: { parameters: ["function"], result: "function" },
  buf_sum: { parameters: ["buffer", "usize"], result: "u32" },
  buf_id: { parameters: ["buffer"], result: "buffer" },
  buf_fill: { parameters: ["buffer", "usize", "u8"], result: "void" },
  mix10: { parameters: ["i8", "u16", "i32", "i64", "f32", "f64", "u8", "i16", "u32", "f64"], result: "f64" },
  add_i32_cb: { name: "add_i32", parameters: ["i32", "i32"], result: "i32", callback: true },
});
const count = lib.symbols.call_count;
"#;

#[test]
fn every_type_on_slow_and_fast_path() {
    ok(&format!(
        r#"{OPEN_SCALARS}
const bytes = new Uint8Array([1, 2, 3, 250]);
const cases = [
  ["nop", [], undefined],
  ["not_bool", [true], false],
  ["add_u8", [200, 100], 44],
  ["add_u8", [257, 1], 2],
  ["add_i8", [100, 100], -56],
  ["add_u16", [65535, 2], 1],
  ["add_i16", [32767, 1], -32768],
  ["add_u32", [0xffffffff, 2], 1],
  ["add_u32", [-1, 0], 0xffffffff],
  ["add_i32", [0x7fffffff, 1], -2147483648],
  ["add_i32", [40, 2], 42],
  ["add_u64", [1n, 2n], 3],
  ["add_u64", [2n ** 53n - 1n, 1n], 9007199254740992n],
  ["add_u64", [2n ** 53n - 2n, 1n], 2 ** 53 - 1],
  ["add_i64", [-5n, 2n], -3],
  ["add_i64", [-(2n ** 53n - 1n), -2n], -9007199254740993n],
  ["add_i64", [-(2n ** 53n - 2n), -1n], -(2 ** 53 - 1)],
  ["add_i64", [-(2n ** 32n), -(2n ** 32n)], -(2 ** 33)],
  ["add_usize", [2 ** 40, 2 ** 40], 2 ** 41],
  ["add_isize", [-7, 3], -4],
  ["add_f32", [1.5, 2.25], 3.75],
  ["add_f64", [0.1, 0.2], 0.1 + 0.2],
  ["ptr_add", [1000n, 24n], 1024],
  ["fn_id", [0x1234n], 0x1234],
  ["buf_sum", [bytes, 4], 256],
  ["buf_id", [bytes], Deno.UnsafePointer.of(bytes)],
  ["mix10", [-1, 2, 3, 4n, 0.5, 0.25, 5, -6, 7, 8], 22.75],
];
const failures = [];
for (const [name, args, want] of cases) {{
  const sym = lib.symbols[name];
  assertEq(sym(...args), want, `${{name}}(${{args.map(show)}}) slow`);
  const params = args.map((_, i) => "a" + i).join(", ");
  // A distinct source per case: V8 caches `new Function` by source, and
  // shared code would share (polymorphic) call feedback.
  const caller = new Function("sym_", `const sym = sym_;
    return function caller_${{name}}_${{cases.indexOf(cases.find(c => c[1] === args))}}(${{params}}) {{ return sym(${{params}}); }}`)(sym);
  %PrepareFunctionForOptimization(caller);
  // Enough calls for V8 to allocate the symbol wrapper's feedback (it is
  // only inlined into the optimized caller once it has some).
  for (let i = 0; i < 30; i++) caller(...args);
  %OptimizeFunctionOnNextCall(caller);
  const c0 = count();
  const s0 = slowCalls();
  const got = caller(...args);
  const s1 = slowCalls();
  const c1 = count();
  try {{
    assertEq(got, want, `${{name}}(${{args.map(show)}}) fast`);
    assertEq(s1, s0, `${{name}}(${{args.map(show)}}): the optimized call used the slow path`);
    assertEq(c1, c0 + 1, `${{name}}: the C function ran once`);
  }} catch (e) {{
    failures.push(e.message);
  }}
}}
assert(failures.length === 0, failures.join("\n"));
// Arguments the fast path cannot take fall back to the slow path with the same result.
assertEq(lib.symbols.add_u64(2, 3), 5, "u64 from number");
assertEq(lib.symbols.add_i64(-2, 1n), -1, "i64 from number");
assertEq(lib.symbols.ptr_add(1000, 24), 1024, "pointer from number");
assertEq(lib.symbols.ptr_add(null, 0), 0, "pointer from null");
assertEq(lib.symbols.buf_sum(new Uint16Array([1, 1]), 4), 2, "buffer from Uint16Array");
assertEq(lib.symbols.buf_sum(bytes.buffer, 4), 256, "buffer from ArrayBuffer");
assertEq(lib.symbols.buf_sum(new DataView(bytes.buffer, 1), 3), 255, "buffer from DataView with offset");
assertEq(lib.symbols.buf_sum(bytes.subarray(2), 2), 253, "buffer honours byteOffset");
assertEq(lib.symbols.buf_sum(null, 0), 0, "null buffer");
// A callback: true symbol has no fast overload: always the slow path.
function viaCb(a, b) {{ return lib.symbols.add_i32_cb(a, b); }}
%PrepareFunctionForOptimization(viaCb);
viaCb(1, 2);
%OptimizeFunctionOnNextCall(viaCb);
const s0 = slowCalls();
assertEq(viaCb(1, 2), 3, "callback symbol");
assertEq(slowCalls(), s0 + 1, "callback symbol takes the slow path");
// A buffer written by C through the fast path.
const dst = new Uint8Array(8);
function fill(b, n, v) {{ lib.symbols.buf_fill(b, n, v); }}
%PrepareFunctionForOptimization(fill);
for (let i = 0; i < 30; i++) fill(dst, 8, 1);
%OptimizeFunctionOnNextCall(fill);
const s1 = slowCalls();
fill(dst, 8, 7);
assertEq(slowCalls(), s1, "buf_fill took the fast path");
assertEq(dst[7], 7, "buf_fill wrote the buffer");
lib.close();
"#
    ));
}

#[test]
fn bad_arguments_throw_type_errors() {
    ok(&format!(
        r#"{OPEN_SCALARS}
const s = lib.symbols;
assertThrows(() => s.add_i32(1), TypeError, /add_i32.*2 arguments, got 1/, "arity");
assertEq(s.add_i32(1, 2, 3), 3, "extra arguments are ignored");
assertThrows(() => s.add_i32("1", 2), TypeError, /"add_i32", argument 0.*number.*string/, "string for i32");
assertThrows(() => s.add_i32(1, undefined), TypeError, /argument 1/, "undefined for i32");
assertThrows(() => s.not_bool(1), TypeError, /not_bool.*argument 0.*boolean/, "number for bool");
assertThrows(() => s.add_u64({{}}, 1), TypeError, /add_u64.*argument 0.*number or bigint/, "object for u64");
assertThrows(() => s.ptr_add("x", 1), TypeError, /ptr_add.*argument 0/, "string for pointer");
assertThrows(() => s.buf_sum([1, 2], 2), TypeError, /buf_sum.*argument 0.*TypedArray/, "array for buffer");
assertThrows(() => s.add_f64(1n, 2), TypeError, /add_f64.*argument 0/, "bigint for f64");
// Bad input after optimization: falls back, still a TypeError.
function f(a, b) {{ return s.add_i32(a, b); }}
%PrepareFunctionForOptimization(f);
f(1, 2);
%OptimizeFunctionOnNextCall(f);
f(1, 2);
assertThrows(() => f("x", 2), TypeError, /add_i32.*argument 0/, "optimized caller, bad type");
assertEq(f(2, 2), 4, "still works");
lib.close();
"#
    ));
}

#[test]
fn declarations_paths_and_permissions() {
    ok(r#"
assertThrows(() => Deno.dlopen(LIB, { add_i32: { parameters: ["i33"], result: "i32" } }),
  TypeError, /add_i32.*unknown type "i33"/, "unknown type");
assertThrows(() => Deno.dlopen(LIB, { f: { parameters: [{ struct: [] }], result: "void" } }),
  TypeError, /"f".*empty struct/, "empty struct");
const rec = { struct: ["u8"] };
rec.struct.push(rec);
assertThrows(() => Deno.dlopen(LIB, { f: { parameters: [rec], result: "void" } }),
  TypeError, /"f".*recursive struct/, "recursive struct");
assertThrows(() => Deno.dlopen(LIB, { f: { parameters: ["void"], result: "void" } }),
  TypeError, /"f".*void/, "void parameter");
assertThrows(() => Deno.dlopen(LIB, { f: { parameters: "u8", result: "void" } }),
  TypeError, /"f".*parameters/, "parameters not an array");
assertThrows(() => Deno.dlopen(LIB, { nope: { parameters: [], result: "void" } }),
  Error, /Failed to register symbol nope/, "missing symbol");
assertThrows(() => Deno.dlopen("/no/such/lib.so", {}), Error, /\/no\/such\/lib\.so/, "bad path");
assertThrows(() => Deno.dlopen(42, {}), TypeError, /string or a file URL/, "bad path type");
const lib = Deno.dlopen({ protocol: "file:", pathname: LIB, href: "file://" + LIB }, {
  nope: { parameters: [], result: "void", optional: true },
  nope_static: { type: "u8", optional: true },
  add: { name: "add_i32", parameters: ["i32", "i32"], result: "i32" },
});
assertEq(lib.symbols.nope, null, "optional function");
assertEq(lib.symbols.nope_static, null, "optional static");
assertEq(lib.symbols.add(2, 3), 5, "renamed symbol");
lib.close();
"#);
    let denied = run_js(
        FfiPermissions::Denied,
        r#"
assertThrows(() => Deno.dlopen(LIB, {}), Deno.errors.PermissionDenied, /--allow-ffi/, "denied");
assert(new Deno.errors.PermissionDenied("x") instanceof Error, "PermissionDenied is an Error");
"#,
    );
    denied.unwrap();
    let elsewhere = run_js(
        FfiPermissions::Paths(vec!["/nonexistent-dir".into()]),
        r#"assertThrows(() => Deno.dlopen(LIB, {}), Deno.errors.PermissionDenied, /ffi/, "not covered");"#,
    );
    elsewhere.unwrap();
    let dir = std::path::Path::new(FIXTURE)
        .parent()
        .unwrap()
        .to_path_buf();
    run_js(
        FfiPermissions::Paths(vec![dir]),
        "Deno.dlopen(LIB, {}).close();",
    )
    .unwrap();
}

#[test]
fn close_makes_calls_throw() {
    ok(&format!(
        r#"{OPEN_SCALARS}
const add = lib.symbols.add_i32;
const add64 = lib.symbols.add_u64;
function f(a, b) {{ return add(a, b) + add64(BigInt(a), BigInt(b)); }}
%PrepareFunctionForOptimization(f);
for (let i = 0; i < 30; i++) f(1, 2);
%OptimizeFunctionOnNextCall(f);
const s0 = slowCalls();
assertEq(f(1, 2), 6, "before close");
assertEq(slowCalls(), s0, "both calls took the fast path before close");
lib.close();
lib.close();
assertThrows(() => add(1, 2), Error, /add_i32.*closed/, "after close");
assertThrows(() => f(1, 2), Error, /closed/, "optimized caller after close");
assertThrows(() => lib.symbols.add_i32_cb(1, 2), Error, /closed/, "slow-only symbol after close");
"#
    ));
}

#[test]
fn structs_by_value() {
    ok(r#"
const lib = Deno.dlopen(LIB, {
  make_point: { parameters: ["f64", "i32"], result: { struct: ["f64", "i32"] } },
  point_sum: { parameters: [{ struct: ["f64", "i32"] }], result: "f64" },
  swap_small: { parameters: [{ struct: ["u8", "u8"] }], result: { struct: ["u8", "u8"] } },
});
const p = lib.symbols.make_point(1.5, -4);
assert(p instanceof Uint8Array && p.length === 16, "struct result is a 16-byte Uint8Array");
const dv = new DataView(p.buffer);
assertEq(dv.getFloat64(0, true), 1.5, "x");
assertEq(dv.getInt32(8, true), -4, "y");
assertEq(lib.symbols.point_sum(p), -2.5, "struct parameter");
assertEq(lib.symbols.point_sum(p.buffer), -2.5, "struct from ArrayBuffer");
assertEq(lib.symbols.swap_small(new Uint8Array([1, 2])), new Uint8Array([2, 1]), "small struct");
assertThrows(() => lib.symbols.point_sum(new Uint8Array(4)), TypeError, /point_sum.*argument 0.*16 bytes/, "short struct");
assertThrows(() => lib.symbols.point_sum(7), TypeError, /point_sum.*argument 0/, "number for struct");
function f(x) { return lib.symbols.point_sum(x); }
%PrepareFunctionForOptimization(f);
f(p);
%OptimizeFunctionOnNextCall(f);
assertEq(f(p), -2.5, "struct from an optimized caller (slow path)");
lib.close();
"#);
}

#[test]
fn statics_and_pointers() {
    ok(r#"
const lib = Deno.dlopen(LIB, {
  static_i32: { type: "i32" },
  static_f64: { type: "f64" },
  static_u64: { type: "u64" },
  static_array: { type: "pointer" },
  add_i32_addr: { name: "add_i32", type: "pointer" },
  greeting: { parameters: [], result: "pointer" },
});
const s = lib.symbols;
assertEq(s.static_i32, 42, "i32 static");
assertEq(s.static_f64, 2.5, "f64 static");
assertEq(s.static_u64, 18446744073709551615n, "u64 static");
assertEq(typeof s.static_array, "number", "pointer static is the address");
s.static_i32 = 1;
assertEq(s.static_i32, 42, "statics are read-only");
const arr = new Deno.UnsafePointerView(s.static_array);
assertEq(arr.getInt32(), 1, "view offset 0");
assertEq(arr.getInt32(12), 4, "view offset 12");

const str = s.greeting();
assertEq(typeof str, "number", "pointer result");
assertEq(Deno.UnsafePointerView.getCString(str), "hello, ffi", "static getCString");
assertEq(new Deno.UnsafePointerView(str).getCString(7), "ffi", "getCString offset");

const buf = new ArrayBuffer(32);
const dv = new DataView(buf);
dv.setUint8(0, 1); dv.setInt8(1, -2); dv.setUint16(2, 65535, true); dv.setInt16(4, -3, true);
dv.setUint32(8, 4294967295, true); dv.setInt32(12, -5, true);
dv.setBigUint64(16, 18446744073709551615n, true); dv.setFloat32(24, 1.5, true); dv.setFloat32(28, 0, true);
const ptr = Deno.UnsafePointer.of(buf);
assertEq(typeof ptr, "number", "UnsafePointer.of");
assertEq(Deno.UnsafePointer.of(new Uint8Array(buf, 8)), ptr + 8, "UnsafePointer.of honours byteOffset");
const v = new Deno.UnsafePointerView(ptr);
assertEq(v.getBool(0), true, "getBool");
assertEq(v.getUint8(), 1, "getUint8");
assertEq(v.getInt8(1), -2, "getInt8");
assertEq(v.getUint16(2), 65535, "getUint16");
assertEq(v.getInt16(4), -3, "getInt16");
assertEq(v.getUint32(8), 4294967295, "getUint32");
assertEq(v.getInt32(12), -5, "getInt32");
assertEq(v.getBigUint64(16), 18446744073709551615n, "getBigUint64");
assertEq(v.getBigInt64(16), -1n, "getBigInt64");
assertEq(v.getFloat32(24), 1.5, "getFloat32");
dv.setFloat64(24, -0.25, true);
assertEq(v.getFloat64(24), -0.25, "getFloat64");
const view = v.getArrayBuffer(4, 8);
assertEq(view.byteLength, 4, "getArrayBuffer length");
new Uint8Array(view)[0] = 9;
assertEq(dv.getUint8(8), 9, "getArrayBuffer shares memory");
const into = new Uint8Array(2);
v.copyInto(into, 2);
assertEq(into, new Uint8Array([255, 255]), "copyInto");
Deno.UnsafePointerView.copyInto(ptr, into);
assertEq(into, new Uint8Array([1, 254]), "static copyInto");
assertEq(new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(ptr, 2))[1], 254, "static getArrayBuffer");
assertThrows(() => new Deno.UnsafePointerView(0n).getUint8(), TypeError, /null pointer/, "null read");
assertThrows(() => new Deno.UnsafePointerView(null).getCString(), TypeError, /null pointer/, "null getCString");
assertThrows(() => Deno.UnsafePointer.of(5), TypeError, /UnsafePointer.of/, "of(number)");
assertEq(Deno.UnsafePointer.of({ pointer: 77 }), 77, "of(callback-like)");

const add = new Deno.UnsafeFnPointer(s.add_i32_addr, { parameters: ["i32", "i32"], result: "i32" });
assertEq(add.call(20, 22), 42, "UnsafeFnPointer.call");
assertThrows(() => add.call(1), TypeError, /2 arguments/, "UnsafeFnPointer arity");
assertThrows(() => new Deno.UnsafeFnPointer(0n, { parameters: [], result: "void" }), TypeError, /null/, "null fn pointer");
const addNb = new Deno.UnsafeFnPointer(s.add_i32_addr, { parameters: ["i32", "i32"], result: "i32", nonblocking: true });
const pr = addNb.call(1, 2);
assert(pr instanceof Promise, "nonblocking fn pointer returns a Promise");
assertEq(await pr, 3, "nonblocking fn pointer result");
lib.close();
"#);
}

#[test]
fn nonblocking_calls() {
    ok(r#"
const lib = Deno.dlopen(LIB, {
  slow_add: { parameters: ["i32", "i32"], result: "i32", nonblocking: true },
  slow_fill: { parameters: ["buffer", "usize", "u8"], result: "void", nonblocking: true },
  make_point: { parameters: ["f64", "i32"], result: { struct: ["f64", "i32"] }, nonblocking: true },
});
const p = lib.symbols.slow_add(2, 3);
assert(p instanceof Promise, "returns a Promise");
assertEq(await p, 5, "result");
const started = Date.now();
const all = await Promise.all(Array.from({ length: 16 }, (_, i) => lib.symbols.slow_add(i, i)));
assertEq(all.join(","), Array.from({ length: 16 }, (_, i) => 2 * i).join(","), "16 in flight");
const bufs = Array.from({ length: 4 }, () => new Uint8Array(1024));
await Promise.all(bufs.map((b, i) => lib.symbols.slow_fill(b, b.length, i + 1)));
bufs.forEach((b, i) => assertEq(b[1023], i + 1, "buffer filled by a worker"));
const pt = await lib.symbols.make_point(0.5, 3);
assertEq(new DataView(pt.buffer).getInt32(8, true), 3, "struct result");
assertThrows(() => lib.symbols.slow_add("a", 1), TypeError, /slow_add.*argument 0/, "bad argument throws synchronously");
const pending = lib.symbols.slow_add(1, 1);
lib.close();
assertEq(await pending, 2, "a call in flight survives close()");
"#);
}

// ---- what V8 is told about fast calls vs what the trampoline expects ----

use hotcall_abi::{NativeType, Signature};
use hotcall_jit::{v8_signature, FastResult};
use hotcall_v8::fast::{registered_fast_types, RegisteredType, ResultKind};
use v8::fast_api::Int64Representation;

/// V8's name of a registered type (`CTypeInfo::Type` and `SequenceType`
/// numbers as declared in `v8-fast-api-calls.h`).
fn v8_type_name(t: RegisteredType) -> String {
    let base = match t.ctype {
        0 => "Void",
        1 => "Bool",
        2 => "Uint8",
        3 => "Int32",
        4 => "Uint32",
        5 => "Int64",
        6 => "Uint64",
        7 => "Float32",
        8 => "Float64",
        9 => "Pointer",
        10 => "V8Value",
        11 => "SeqOneByteString",
        255 => "CallbackOptions",
        n => return format!("UnknownType{n}"),
    };
    match t.sequence {
        0 => base.to_owned(),
        1 => format!("Sequence({base})"),
        2 => format!("TypedArray({base})"),
        3 => format!("ArrayBuffer({base})"),
        n => format!("UnknownSequence{n}({base})"),
    }
}

/// How a value of a V8 fast-call type reaches the C++ callback (here: the
/// trampoline), by V8's fast-call convention: (class, bytes, signed).
/// A `Uint8Array` arrives as a pointer to a `FastApiTypedArray<uint8_t>`
/// (other sequences are not expected); the receiver and the options as
/// pointers.
fn machine_of_v8(t: RegisteredType) -> (&'static str, usize, bool) {
    match (t.sequence, t.ctype) {
        (0, _) => {}
        (2, 2) => return ("FastApiTypedArray<uint8_t>*", 8, false),
        _ => return ("unexpected sequence", 0, false),
    }
    match t.ctype {
        0 => ("void", 0, false),
        1 => ("bool", 1, false),
        3 => ("int", 4, true),
        4 => ("int", 4, false),
        5 | 6 | 9 | 10 | 255 => ("int", 8, false),
        7 => ("float", 4, false),
        8 => ("float", 8, false),
        _ => ("unexpected", 0, false),
    }
}

/// The same for the FFI types the generator's `v8_signature` uses.
fn machine_of_ffi(t: &NativeType) -> (&'static str, usize, bool) {
    match t {
        NativeType::Void => ("void", 0, false),
        NativeType::Bool => ("bool", 1, false),
        NativeType::I32 => ("int", 4, true),
        NativeType::U32 => ("int", 4, false),
        NativeType::I64 | NativeType::U64 | NativeType::Pointer => ("int", 8, false),
        NativeType::F32 => ("float", 4, false),
        NativeType::F64 => ("float", 8, false),
        _ => ("unexpected", 0, false),
    }
}

/// Every scalar FFI type name but void.
fn scalar_names() -> Vec<&'static str> {
    vec![
        "bool", "u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64", "usize", "isize", "f32",
        "f64", "pointer", "buffer", "function",
    ]
}

fn scalar(name: &str) -> NativeType {
    NativeType::from_name(name).unwrap()
}

/// The table `jit-tests` builds its fast-call slots from (it cannot link
/// V8): one line per FFI type, the V8 argument and return types hotcall-v8
/// registers, read back from V8's `CFunctionInfo`.
const V8_TABLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../jit-tests/src/v8_fast_types.txt"
);

fn v8_table_from_v8() -> String {
    let mut out = String::from(
        "# Written by crates/hotcall-v8/tests/ffi.rs (HOTCALL_BLESS=1) from what V8 was\n\
         # told: FFI type, V8 fast-call argument type, V8 fast-call return type (Void:\n\
         # the result goes through the out slot). Read by jit-tests/src/slots.rs.\n",
    );
    for name in scalar_names() {
        let ty = scalar(name);
        let sig = Signature::new(vec![ty.clone()], ty);
        let info = registered_fast_types(&sig, Int64Representation::Number).unwrap();
        assert_eq!(info.args.len(), 2, "{name}: receiver, argument");
        out.push_str(&format!(
            "{name} {} {}\n",
            v8_type_name(info.args[1]),
            v8_type_name(info.ret)
        ));
    }
    out
}

#[test]
fn jit_tests_fast_type_table_is_what_v8_was_told() {
    let want = v8_table_from_v8();
    if std::env::var_os("HOTCALL_BLESS").is_some() {
        std::fs::write(V8_TABLE, &want).unwrap();
    }
    let have = std::fs::read_to_string(V8_TABLE).unwrap();
    assert_eq!(
        have, want,
        "{V8_TABLE} differs from what V8 is told; HOTCALL_BLESS=1 rewrites it"
    );
}

#[test]
fn fast_trampolines_expect_what_v8_was_told() {
    let names = scalar_names();
    let mut sigs: Vec<Signature> = Vec::new();
    for name in &names {
        // Each type as the only parameter, next to others, and as the result.
        sigs.push(Signature::new(vec![scalar(name)], NativeType::Void));
        sigs.push(Signature::new(
            vec![NativeType::I32, scalar(name), NativeType::F64],
            NativeType::I32,
        ));
        sigs.push(Signature::new(vec![], scalar(name)));
    }
    sigs.push(Signature::new(
        names.iter().map(|n| scalar(n)).collect(),
        NativeType::F32,
    ));
    sigs.push(Signature::new(vec![], NativeType::Void));
    // Both fast overloads of a symbol (src/fast.rs) share one trampoline.
    let reprs = [Int64Representation::Number, Int64Representation::BigInt];
    for (sig, repr) in sigs.iter().flat_map(|s| reprs.map(|r| (s, r))) {
        let told = registered_fast_types(sig, repr).unwrap();
        assert_eq!(
            told.bigint,
            matches!(repr, Int64Representation::BigInt),
            "{sig}"
        );
        // hotcall-v8 passes results the way ResultKind says.
        let mode = match ResultKind::of(&sig.result) {
            ResultKind::Direct => FastResult::Direct,
            _ => FastResult::OutSlot(0),
        };
        let expects = v8_signature(sig, &mode).unwrap();
        // V8 also passes the receiver first. The trampoline declares V8's
        // options pointer last but never reads it, and hotcall-v8 does not
        // ask V8 for it: no registered argument may be the options.
        assert_eq!(told.args.len(), sig.params.len() + 1, "{sig}");
        assert_eq!(expects.params.len(), told.args.len() + 1, "{sig}");
        assert_eq!(told.args[0].ctype, 10, "{sig}: receiver is V8Value");
        assert!(
            told.args.iter().all(|t| t.ctype != 255),
            "{sig}: no options"
        );
        for (i, (t, e)) in told.args.iter().zip(&expects.params).enumerate() {
            // The trampoline reads a buffer argument as a FastApiTypedArray*
            // (data at TYPED_ARRAY_DATA_OFFSET), whatever v8_signature calls it.
            let is_buffer = i >= 1 && sig.params.get(i - 1) == Some(&NativeType::Buffer);
            let expected = if is_buffer {
                ("FastApiTypedArray<uint8_t>*", 8, false)
            } else {
                machine_of_ffi(e)
            };
            assert_eq!(
                machine_of_v8(*t),
                expected,
                "{sig}: argument {i}: V8 is told {}, the trampoline expects {e}",
                v8_type_name(*t)
            );
        }
        assert_eq!(
            machine_of_v8(told.ret),
            machine_of_ffi(&expects.result),
            "{sig}: V8 is told it returns {}, the trampoline returns {}",
            v8_type_name(told.ret),
            expects.result
        );
    }
}

// ---- argument conversion fuzz ----

/// Cases of [`argument_conversion_agrees_with_the_spec_model`]:
/// `HOTCALL_FUZZ_CASES` (default 2000 values, each against every type).
fn fuzz_cases() -> u32 {
    std::env::var("HOTCALL_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000)
}

/// `HOTCALL_FUZZ_SEED` (default fixed, so a failure reproduces).
fn fuzz_seed() -> u32 {
    std::env::var("HOTCALL_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_f00d)
}

/// Random JS values (numbers incl. NaN, ±0, ±Infinity, huge; bigints
/// beyond 64 bits; null, undefined, strings, objects, functions, symbols;
/// every TypedArray kind, DataView and ArrayBuffer, zero-length, offset
/// and detached) through every FFI type's identity function, from a plain
/// and from an optimized caller. Each call must throw a TypeError naming
/// the symbol and argument, or return what a model of the spec's
/// conversion rules (written here in JS, not taken from hotcall) says.
#[test]
fn argument_conversion_agrees_with_the_spec_model() {
    let body = FUZZ_JS
        .replace("CASES", &fuzz_cases().to_string())
        .replace("SEED", &fuzz_seed().to_string());
    ok(&body);
}

const FUZZ_JS: &str = r#"
const TYPES = ["bool", "u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64", "usize", "isize",
  "f32", "f64", "pointer", "buffer", "function"];
const decls = {};
for (const t of TYPES) decls["fz_id_" + t] = { parameters: [t], result: t };
const lib = Deno.dlopen(LIB, decls);
const fns = TYPES.map((t) => lib.symbols["fz_id_" + t]);

let state = SEED >>> 0 || 1;
function rnd() { // xorshift32
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state;
}
const pick = (a) => a[rnd() % a.length];

const NUMBERS = [0, -0, 1, -1, 0.5, -0.5, 1.5, -2.5, 127, 128, 255, 256, -128, -129, 32767, 32768,
  65535, 65536, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1,
  2 ** 53, -(2 ** 53), 2 ** 63, -(2 ** 63), 2 ** 64, 2 ** 64 - 2048, 1e300, -1e300, NaN, Infinity,
  -Infinity, Number.MIN_VALUE, Number.EPSILON, 3.4028235e38, 3.5e38, 1.17549435e-38, 1e-45];
const BIGINTS = [0n, 1n, -1n, 2n ** 63n - 1n, 2n ** 63n, -(2n ** 63n), -(2n ** 63n) - 1n, 2n ** 64n - 1n,
  2n ** 64n, 2n ** 64n + 5n, -(2n ** 64n), 2n ** 100n + 7n, -(2n ** 127n) + 3n, 0xdeadbeefn];
const ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
  Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array];

function randomNumber() {
  switch (rnd() % 4) {
    case 0: return pick(NUMBERS);
    case 1: return (rnd() | 0) * (rnd() % 2 ? 1 : 1 / 1024);
    case 2: return rnd() * 2 ** (rnd() % 80) * (rnd() % 2 ? -1 : 1);
    default: return new Float64Array(new Uint32Array([rnd(), rnd()]).buffer)[0];
  }
}
function randomBigInt() {
  if (rnd() % 2) return pick(BIGINTS);
  let b = BigInt(rnd());
  for (let i = rnd() % 5; i > 0; i--) b = (b << 32n) | BigInt(rnd());
  return rnd() % 2 ? -b : b;
}
function randomBuffer() {
  const len = pick([0, 0, 1, 3, 8, 16, 64]);
  const A = pick(ARRAYS);
  const n = len * A.BYTES_PER_ELEMENT + 2 * 8;
  const ab = new ArrayBuffer(n);
  let v;
  switch (rnd() % 4) {
    case 0: v = new A(ab, 8, len); break;
    case 1: v = new A(len); break;
    case 2: v = new DataView(ab, rnd() % 9, len); break;
    default: v = len === 0 ? new ArrayBuffer(0) : ab;
  }
  if (rnd() % 6 === 0) {
    const buf = v instanceof ArrayBuffer ? v : v.buffer;
    buf.transfer();
  }
  return v;
}
function randomValue() {
  switch (rnd() % 12) {
    case 0: case 1: case 2: return randomNumber();
    case 3: case 4: return randomBigInt();
    case 5: return pick([true, false]);
    case 6: return pick([null, undefined]);
    case 7: return pick(["", "1", "0x10", "abc", "NaN"]);
    case 8: return pick([{}, [], [1], { valueOf() { return 1; } }, () => 1, Symbol("s"), new Number(3)]);
    default: return randomBuffer();
  }
}

// ---- the model: the spec's conversion rules ("docs": /work/shared/spec/ffi-api.md) ----
const THROW = { throw: true };
const ANY_INT = { anyInt: true }; // out-of-range number -> 64-bit: unspecified, must not throw
const isView = (v) => ArrayBuffer.isView(v) || v instanceof ArrayBuffer;
function detached(v) { return (v instanceof ArrayBuffer ? v : v.buffer).detached; }
function int64From(v, signed) {
  if (typeof v === "bigint") return signed ? BigInt.asIntN(64, v) : BigInt.asUintN(64, v);
  if (typeof v !== "number") return THROW;
  if (Number.isNaN(v)) return 0n;
  const t = Math.trunc(v);
  const lo = -(2 ** 63), hi = signed ? 2 ** 63 : 2 ** 64;
  if (!(t >= lo && t < hi)) return ANY_INT;
  const b = BigInt(t);
  return signed ? b : BigInt.asUintN(64, b);
}
function model(type, v) {
  switch (type) {
    case "bool": return typeof v === "boolean" ? v : THROW;
    case "u8": return typeof v === "number" ? (v | 0) & 0xff : THROW;
    case "i8": return typeof v === "number" ? ((v | 0) << 24) >> 24 : THROW;
    case "u16": return typeof v === "number" ? (v | 0) & 0xffff : THROW;
    case "i16": return typeof v === "number" ? ((v | 0) << 16) >> 16 : THROW;
    case "u32": return typeof v === "number" ? v >>> 0 : THROW;
    case "i32": return typeof v === "number" ? v | 0 : THROW;
    case "u64": case "usize": return int64From(v, false);
    case "i64": case "isize": return int64From(v, true);
    case "f32": return typeof v === "number" ? Math.fround(v) : THROW;
    case "f64": return typeof v === "number" ? v : THROW;
    case "pointer": case "function": return v === null ? 0n : int64From(v, false);
    case "buffer":
      if (v === null) return 0n;
      if (!isView(v) || detached(v)) return THROW;
      return v.byteLength === 0 ? 0n : { address: true };
  }
}
let inOptimizedPhase = false;
function agrees(type, want, got, v) {
  if (want === ANY_INT) return typeof got === "number" || typeof got === "bigint";
  if (want && want.address) {
    const a = typeof got === "bigint" ? got : BigInt(got);
    const base = BigInt(Deno.UnsafePointer.of(v instanceof ArrayBuffer ? v : v.buffer));
    const offset = BigInt(v instanceof ArrayBuffer ? 0 : v.byteOffset);
    return a !== 0n && a === base + offset;
  }
  if (typeof want === "bigint") {
    if (typeof got !== "number" && typeof got !== "bigint") return false;
    if (BigInt(got) !== want) return false;
    // 64-bit and pointer-kind results: a number when the value is a safe
    // integer, else a bigint.
    const safe = want >= BigInt(Number.MIN_SAFE_INTEGER) && want <= BigInt(Number.MAX_SAFE_INTEGER);
    return typeof got === (safe ? "number" : "bigint");
  }
  return Object.is(got, want);
}
function show(v) {
  if (typeof v === "bigint") return v + "n";
  if (typeof v === "symbol") return "Symbol()";
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  if (v && isView(v)) return `${v.constructor.name}(byteLength ${detached(v) ? "detached" : v.byteLength})`;
  try { return JSON.stringify(v) ?? String(v); } catch { return String(v); }
}

const stats = { calls: 0, threw: 0, ok: 0 };
const failures = [];
function check(i, v, got, error) {
  const type = TYPES[i];
  const want = model(type, v);
  stats.calls++;
  if (error !== undefined) {
    stats.threw++;
    const named = error instanceof TypeError && error.message.includes(`symbol "fz_id_${type}", argument 0`);
    if (want !== THROW || !named) failures.push(`${type}(${show(v)}): threw ${error}, model ${show(want)}`);
  } else {
    stats.ok++;
    if (want === THROW || !agrees(type, want, got, v)) {
      failures.push(`${type}(${show(v)}): got ${show(got)} (${typeof got}), model ${want === THROW ? "TypeError" : show(want)}`);
    }
  }
}
function callOne(f, v) {
  try { return [f(v), undefined]; } catch (e) { return [undefined, e]; }
}
// One monomorphic caller per type, optimized so that V8 takes its fast
// path (the JIT trampoline) for the values whose kind it allows; the other
// values deoptimize or fall back to the slow path. Half the cases go
// through plain calls, half through the optimized callers.
const prepare = new Function("f", "%PrepareFunctionForOptimization(f)");
const optimize = new Function("f", "%OptimizeFunctionOnNextCall(f)");
// A fresh caller each time (a deoptimized one keeps the polluted feedback),
// each of a distinct source: V8 caches `new Function` by source, and shared
// code would share (polymorphic) call feedback.
let generation = 0;
const makeCaller = (f) =>
  new Function("f", `return function caller_${generation++}(v) { return f(v); }`)(f);
// The optimized half uses a library of its own: its symbols' wrappers have
// not seen the first half's values of every kind (their feedback decides
// whether V8 inlines the fast call).
const lib2 = Deno.dlopen(LIB, decls);
const fastFns = TYPES.map((t) => lib2.symbols["fz_id_" + t]);
const callers = fastFns.map(makeCaller);
const WARM = { bool: true, buffer: new Uint8Array(4), f32: 1.5, f64: 2.5, u64: 7n, i64: 7n, pointer: 7n, function: 7n };
const status = new Function("f", "return %GetOptimizationStatus(f)");
const OPTIMIZED = 16; // V8's OptimizationStatus::kOptimized
function ensureOptimized(i) {
  if (status(callers[i]) & OPTIMIZED) return;
  const c = (callers[i] = makeCaller(fastFns[i]));
  const v = WARM[TYPES[i]] ?? 7;
  prepare(c);
  // Enough calls for V8 to allocate the wrapper's feedback (it is only
  // inlined into the optimized caller once it has some).
  for (let k = 0; k < 30; k++) try { c(v); } catch {}
  optimize(c);
  try { c(v); } catch {}
}
// A value of the kind V8's fast path takes for `type` (hotcall-v8's
// fast.rs: bigints for u64/i64/pointer kinds, numbers for sizes).
function fastKindValue(type) {
  switch (type) {
    case "bool": return pick([true, false]);
    case "u64": case "i64": case "pointer": case "function": return randomBigInt();
    case "buffer": return new Uint8Array(pick([0, 1, 8, 64]));
    default: return randomNumber();
  }
}
let fastCalls = 0;
for (let c = 0; c < CASES; c++) {
  const useOptimized = c >= CASES / 2;
  inOptimizedPhase = useOptimized;
  const v = useOptimized ? undefined : randomValue();
  for (let i = 0; i < fns.length; i++) {
    if (useOptimized) {
      ensureOptimized(i);
      // Values of other kinds were covered by the first half (slow path).
      const w = fastKindValue(TYPES[i]);
      const s0 = slowCalls();
      const [got, error] = callOne(callers[i], w);
      if (slowCalls() === s0) fastCalls++;
      check(i, w, got, error);
    } else {
      const [got, error] = callOne(fns[i], v);
      check(i, v, got, error);
    }
  }
}
// Most calls of the optimized half entered C through the fast path.
assert(fastCalls > CASES * TYPES.length / 4, `the fast path was taken: ${fastCalls} fast calls`);
if (failures.length) {
  throw new Error(`${failures.length} of ${stats.calls} conversions disagree with the model (seed SEED):\n` + failures.slice(0, 40).join("\n"));
}
assert(stats.threw > 0 && stats.ok > 0, "both outcomes seen");
assertEq(stats.calls, CASES * TYPES.length, "every value against every type");
lib.close();
lib2.close();
"#;

/// Runs `source` in `context` and returns its completion value as a string.
fn eval_in(
    scope: &mut v8::HandleScope<()>,
    context: v8::Local<v8::Context>,
    source: &str,
) -> String {
    let scope = &mut v8::ContextScope::new(scope, context);
    let tc = &mut v8::TryCatch::new(scope);
    let code = v8::String::new(tc, source).unwrap();
    match v8::Script::compile(tc, code, None).and_then(|s| s.run(tc)) {
        Some(v) => v.to_rust_string_lossy(tc),
        None => format!(
            "threw: {:?}",
            tc.exception().map(|e| e.to_rust_string_lossy(tc))
        ),
    }
}

#[test]
fn two_installs_in_one_isolate_keep_their_realms() {
    // A library closed in context A is reopened in context B: B's symbols
    // must be B's (errors of B's realm), and B's wrappers must exist
    // although the isolate had already numbered their shapes for A.
    init_v8();
    let isolate = &mut v8::Isolate::new(Default::default());
    let queue = TaskQueue::new();
    let scope = &mut v8::HandleScope::new(isolate);
    let mut contexts = Vec::new();
    for _ in 0..2 {
        let context = v8::Context::new(scope);
        let scope = &mut v8::ContextScope::new(scope, context);
        let deno = v8::Object::new(scope);
        let key = v8::String::new(scope, "Deno").unwrap();
        context.global(scope).set(scope, key.into(), deno.into());
        let config = FfiConfig {
            permissions: FfiPermissions::All,
            tasks: queue.sender(),
        };
        install(scope, deno, config).unwrap();
        contexts.push(context);
    }
    let open = format!(
        "const lib = Deno.dlopen({FIXTURE:?}, {{ add: {{ name: \"add_i32\", parameters: [\"i32\", \"i32\"], result: \"i32\" }}, \
         wide: {{ name: \"add_u64\", parameters: [\"u64\", \"u64\"], result: \"u64\" }} }});"
    );
    let in_a = format!(
        "{open} const r = [lib.symbols.add(2, 3), lib.symbols.wide(4n, 5)]; lib.close(); r.join()"
    );
    assert_eq!(eval_in(scope, contexts[0], &in_a), "5,9");
    let in_b = format!(
        "{open} let own; try {{ lib.symbols.add({{}}, 1); }} catch (e) {{ own = e instanceof TypeError; }} \
         [lib.symbols.add(2, 3), lib.symbols.wide(4n, 5), own].join()"
    );
    assert_eq!(eval_in(scope, contexts[1], &in_b), "5,9,true");
}

#[test]
fn smi_reads_agree_with_v8() {
    // `smi::value` reads handles without calling V8: it must give exactly
    // V8's integer for every Smi (here: the 31-bit range edges and a
    // pseudo-random sweep) and `None` for everything that is not one.
    init_v8();
    let isolate = &mut v8::Isolate::new(Default::default());
    let scope = &mut v8::HandleScope::new(isolate);
    let context = v8::Context::new(scope);
    let scope = &mut v8::ContextScope::new(scope, context);
    hotcall_v8::smi::probe(scope);
    let mut samples = vec![0, 1, -1, (1 << 30) - 1, -(1 << 30), 42, -42];
    let mut x: u32 = 0x9e37_79b9;
    for _ in 0..10_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        samples.push((x as i32) >> 1); // within the 31-bit Smi range
    }
    for n in samples {
        let scope = &mut v8::HandleScope::new(scope);
        let value: v8::Local<v8::Value> = v8::Integer::new(scope, n).into();
        // Computed by JS, so the handle holds what V8's own code produced.
        let code = v8::String::new(scope, &format!("({n} * 3) / 3")).unwrap();
        let computed = v8::Script::compile(scope, code, None)
            .unwrap()
            .run(scope)
            .unwrap();
        assert_eq!(hotcall_v8::smi::value(value), Some(n), "Integer::new({n})");
        assert_eq!(hotcall_v8::smi::value(computed), Some(n), "({n} * 3) / 3");
    }
    let scope = &mut v8::HandleScope::new(scope);
    for source in [
        "0.5",
        "-0",
        "2 ** 31",
        "-(2 ** 31) - 1",
        "NaN",
        "1n",
        "'1'",
        "({})",
        "undefined",
        "null",
        "true",
        "[1]",
    ] {
        let code = v8::String::new(scope, source).unwrap();
        let value = v8::Script::compile(scope, code, None)
            .unwrap()
            .run(scope)
            .unwrap();
        assert_eq!(hotcall_v8::smi::value(value), None, "{source} is not a Smi");
    }
}
