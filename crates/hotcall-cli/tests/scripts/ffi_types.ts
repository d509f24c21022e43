// @flags: --allow-ffi --v8-flags=--allow-natives-syntax
// Every row of the FFI type table as parameter and result, on the slow path
// (an unoptimized caller) and on V8's fast path (a caller optimized with
// %OptimizeFunctionOnNextCall). For each case the line shows the result and
// which path the optimized call took: "fast" means the C function ran (its
// call counter moved by one) while hotcall's slow-call counter did not move;
// "slow" means V8 fell back to the slow callback (argument kinds the fast
// path can't take: other TypedArrays, DataView, ArrayBuffer, null, a
// bigint where the signature's 64-bit representation is number, structs).
// A fast result that differs from the slow one prints MISMATCH.

const calls = Deno.dlopen(Deno.args[0], { ty_calls: { parameters: [], result: "u64" } }).symbols.ty_calls;
const slowCalls: () => number = (Deno as any)[Symbol.for("hotcall.internals")].slowCalls;
// V8 natives, behind Function so that the TypeScript stripper never sees `%`.
const prepare = new Function("f", "%PrepareFunctionForOptimization(f)");
const optimize = new Function("f", "%OptimizeFunctionOnNextCall(f)");

const point = { struct: ["i32", "i32"] } as const;
const line = { struct: [point, point, "u8"] } as const;
const mixed = { struct: ["u8", "f64", "u16"] } as const;
const wide = { struct: ["u64", "i8"] } as const;
const lib = Deno.dlopen(Deno.args[0], {
  ty_nop: { parameters: [], result: "void" },
  ty_id_bool: { parameters: ["bool"], result: "bool" },
  ty_not: { parameters: ["bool"], result: "bool" },
  ty_id_u8: { parameters: ["u8"], result: "u8" },
  ty_id_i8: { parameters: ["i8"], result: "i8" },
  ty_id_u16: { parameters: ["u16"], result: "u16" },
  ty_id_i16: { parameters: ["i16"], result: "i16" },
  ty_id_u32: { parameters: ["u32"], result: "u32" },
  ty_id_i32: { parameters: ["i32"], result: "i32" },
  ty_id_u64: { parameters: ["u64"], result: "u64" },
  ty_id_i64: { parameters: ["i64"], result: "i64" },
  ty_id_usize: { parameters: ["usize"], result: "usize" },
  ty_id_isize: { parameters: ["isize"], result: "isize" },
  ty_id_f32: { parameters: ["f32"], result: "f32" },
  ty_id_f64: { parameters: ["f64"], result: "f64" },
  ty_id_ptr: { parameters: ["pointer"], result: "pointer" },
  ty_id_fn: { parameters: ["function"], result: "function" },
  ty_add_u8: { parameters: ["u8", "u8"], result: "u8" },
  ty_add_i16: { parameters: ["i16", "i16"], result: "i16" },
  ty_add_u64: { parameters: ["u64", "u64"], result: "u64" },
  ty_add_i64: { parameters: ["i64", "i64"], result: "i64" },
  ty_ptr_add: { parameters: ["pointer", "usize"], result: "pointer" },
  ty_f64_class: { parameters: ["f64"], result: "i32" },
  ty_mix: {
    parameters: ["i8", "u16", "i32", "i64", "f32", "f64", "u8", "i16", "u32", "f64", "u64", "bool"],
    result: "f64",
  },
  ty_buf_sum: { parameters: ["buffer", "usize"], result: "i32" },
  ty_buf_is_null: { parameters: ["buffer"], result: "i32" },
  ty_buf_id: { parameters: ["buffer"], result: "buffer" },
  ty_buf_fill: { parameters: ["buffer", "usize", "u8"], result: "void" },
  ty_get_twice: { parameters: [], result: "function" },
  ty_apply: { parameters: ["function", "i32"], result: "i32" },
  ty_point_sum: { parameters: [point], result: "i32" },
  ty_make_point: { parameters: ["i32", "i32"], result: point },
  ty_point_swap: { parameters: [point], result: point },
  ty_make_line: { parameters: [point, point, "u8"], result: line },
  ty_line_delta: { parameters: [line], result: point },
  ty_mixed_sum: { parameters: [mixed], result: "f64" },
  ty_make_mixed: { parameters: ["u8", "f64", "u16"], result: mixed },
  ty_make_wide: { parameters: ["u64", "i8"], result: wide },
});
const s = lib.symbols as Record<string, (...args: unknown[]) => unknown>;

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
  return typeof a === typeof b && Object.is(a, b);
}

let serial = 0;
// Calls `name(...args)` unoptimized (slow) and from an optimized caller;
// returns [slow result, fast result, path of the optimized call].
function both(name: string, args: unknown[]): [unknown, unknown, string] {
  const sym = s[name];
  const slowResult = sym(...args);
  const params = args.map((_, i) => "a" + i).join(", ");
  // A distinct source per case: V8 shares feedback between closures of the
  // same `new Function` source.
  const caller = new Function(
    "sym_",
    `const sym = sym_; return function caller${serial++}(${params}) { return sym(${params}); };`,
  )(sym);
  prepare(caller);
  for (let i = 0; i < 30; i++) caller(...args);
  optimize(caller);
  const c0 = calls();
  const s0 = slowCalls();
  const fastResult = caller(...args);
  const s1 = slowCalls();
  const c1 = calls();
  const ran = Number(c1) - Number(c0);
  const path = s1 === s0 && ran === 1 ? "fast" : s1 === s0 + 1 && ran === 1 ? "slow" : `?? slow+${s1 - s0} C+${ran}`;
  return [slowResult, fastResult, path];
}

// Prints one case; `label` replaces the value when it is an address.
function check(name: string, args: unknown[], label?: string, want?: unknown) {
  const [slow, fast, path] = both(name, args);
  const shown = label === undefined ? [slow] : [same(slow, want) ? label : `WRONG ${String(slow)}`];
  console.log(`${name}(${args.map(fmt).join(", ")}) ->`, ...shown, path);
  if (!same(slow, fast)) console.log("  MISMATCH: fast gave", fast);
}

// Addresses print as their names (they differ from run to run).
const names = new Map<unknown, string>();
function fmt(v: unknown): string {
  if (names.has(v)) return names.get(v)!;
  if (typeof v === "bigint") return v + "n";
  if (Object.is(v, -0)) return "-0";
  if (v === null) return "null";
  if (v instanceof Uint8Array || v instanceof Int32Array || v instanceof Float64Array) {
    return `${v.constructor.name}[${v.join(",")}]`;
  }
  if (v instanceof DataView) return `DataView(${v.byteOffset},${v.byteLength})`;
  if (v instanceof ArrayBuffer) return `ArrayBuffer(${v.byteLength})`;
  if (typeof v === "symbol") return "<" + v.description + ">";
  return String(v);
}

console.log("-- void, bool");
check("ty_nop", []);
check("ty_id_bool", [true]);
check("ty_id_bool", [false]);
check("ty_not", [true]);

console.log("-- 8/16/32-bit integers wrap (ToInt32 / ToUint32, then narrowed)");
for (const v of [0, 255, 256, -1, 3.9, -3.9, 2 ** 40 + 7]) check("ty_id_u8", [v]);
for (const v of [127, 128, -129, 255]) check("ty_id_i8", [v]);
for (const v of [65535, 65536, -1]) check("ty_id_u16", [v]);
for (const v of [32767, 32768, -32769]) check("ty_id_i16", [v]);
for (const v of [-1, 2 ** 32 + 5, 4294967295, 1.5, NaN, Infinity]) check("ty_id_u32", [v]);
for (const v of [2 ** 31, -1.5, -(2 ** 31), NaN, -Infinity, 2 ** 53]) check("ty_id_i32", [v]);
check("ty_add_u8", [200, 100]);
check("ty_add_i16", [32767, 1]);

console.log("-- 64-bit: number when safe, else bigint; bigint arguments wrap");
for (const v of [0, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 7.9]) check("ty_id_u64", [v]);
for (const v of [5n, 2n ** 53n - 1n, 2n ** 53n + 1n, 2n ** 64n - 1n, -1n, 2n ** 64n + 5n]) check("ty_id_u64", [v]);
check("ty_add_u64", [2 ** 53 - 1, 1]);
check("ty_add_u64", [2 ** 53 - 2, 1]);
for (const v of [-1, -(2 ** 53) + 1, -(2 ** 53), 2 ** 53, -7.9]) check("ty_id_i64", [v]);
for (const v of [-(2n ** 63n), 2n ** 63n, 2n ** 63n - 1n, -5n, -(2n ** 53n) - 1n]) check("ty_id_i64", [v]);
check("ty_add_i64", [-(2 ** 53 - 1), -2]);
check("ty_add_i64", [-(2 ** 32), -(2 ** 32)]);
check("ty_id_usize", [2 ** 40]);
check("ty_id_usize", [2n ** 64n - 1n]);
check("ty_id_isize", [-7]);
check("ty_id_isize", [-1n]);
check("ty_id_isize", [-(2n ** 60n)]);

console.log("-- floats");
for (const v of [1.5, 0.1, NaN, -0, 1e40, -Infinity, 2 ** -149]) check("ty_id_f32", [v]);
for (const v of [0.1, NaN, -0, Infinity, Number.MIN_VALUE, -Number.MAX_VALUE]) check("ty_id_f64", [v]);
check("ty_f64_class", [-0]);
check("ty_f64_class", [NaN]);
check("ty_f64_class", [0]);

console.log("-- pointers and functions: always bigint out; numbers and null in");
for (const v of [0n, 1234n, 2n ** 64n - 1n, null, 4096, -1n]) check("ty_id_ptr", [v]);
check("ty_ptr_add", [1000n, 24n]);
check("ty_ptr_add", [1000n, 24]);
const twice = s.ty_get_twice() as bigint;
names.set(twice, "&ty_twice");
check("ty_get_twice", [], "<twice>", twice);
check("ty_id_fn", [twice], "<twice>", twice);
check("ty_id_fn", [null]);
check("ty_apply", [twice, 21]);

console.log("-- buffers");
const bytes = new Uint8Array([1, 2, 3, 250]);
check("ty_buf_sum", [bytes, 4]);
check("ty_buf_sum", [bytes.subarray(1), 3]);
check("ty_buf_sum", [new Uint8Array(0), 0]);
check("ty_buf_sum", [new Int32Array([1, 2]), 8]);
check("ty_buf_sum", [new Float64Array([1]), 8]);
check("ty_buf_sum", [new DataView(bytes.buffer, 1, 2), 2]);
check("ty_buf_sum", [bytes.buffer, 4]);
check("ty_buf_sum", [null, 0]);
check("ty_buf_is_null", [null]);
check("ty_buf_is_null", [bytes]);
// Zero-length views reach C as null on both paths (V8's fast path would
// hand C an address inside its heap); UnsafePointer.of gives 0 for them.
const outside = new Deno.UnsafePointerView(Deno.UnsafePointer.of(bytes)).getArrayBuffer(0);
for (
  const [label, empty] of [
    ["new Uint8Array(0)", new Uint8Array(0)],
    ["end subarray", bytes.subarray(bytes.length)],
    ["middle subarray", bytes.subarray(2, 2)],
    ["empty DataView", new DataView(bytes.buffer, 1, 0)],
    ["new ArrayBuffer(0)", new ArrayBuffer(0)],
    ["getArrayBuffer(0)", new Uint8Array(outside)],
  ] as [string, ArrayBufferView | ArrayBuffer][]
) {
  const [slow, fast, path] = both("ty_buf_is_null", [empty]);
  const of = Deno.UnsafePointer.of(empty);
  console.log(`ty_buf_is_null(${label}) -> slow ${slow}, optimized ${fast} ${path}; UnsafePointer.of:`, of);
}
const address = Deno.UnsafePointer.of(bytes);
check("ty_buf_id", [bytes], "<address of bytes>", address);
check("ty_buf_id", [bytes.subarray(2)], "<address + 2>", address + 2);
check("ty_buf_id", [new DataView(bytes.buffer, 3)], "<address + 3>", address + 3);
check("ty_buf_id", [bytes.buffer], "<address of bytes>", address);
const target = new Uint8Array(6);
check("ty_buf_fill", [target.subarray(1, 4), 3, 7]);
console.log("filled:", target);

console.log("-- structs (slow path only): Uint8Array results");
check("ty_point_sum", [new Int32Array([30, 12])]);
check("ty_point_sum", [new Int32Array([30, 12, 99]).buffer]);
check("ty_make_point", [1, -2]);
check("ty_point_swap", [new Int32Array([5, 6])]);
const a = new Int32Array([1, 2]), b = new Int32Array([4, 8]);
check("ty_make_line", [a, b, 3]);
const l = s.ty_make_line(a, b, 3) as Uint8Array;
console.log("line size:", l.length, "tag:", l[16]);
check("ty_line_delta", [l]);
console.log("delta:", new Int32Array((s.ty_line_delta(l) as Uint8Array).buffer));
const m = new DataView(new ArrayBuffer(24));
m.setUint8(0, 9);
m.setFloat64(8, 0.5, true);
m.setUint16(16, 300, true);
check("ty_mixed_sum", [m]);
check("ty_make_mixed", [1, 2.5, 3]);
check("ty_make_wide", [2n ** 64n - 1n, -1]);

console.log("-- many arguments");
check("ty_mix", [-1, 2, 3, 4, 0.5, 0.25, 5, -6, 7, 8, 9, true]);
check("ty_mix", [-1, 2, 3, 4n, 0.5, 0.25, 5, -6, 7, 8, 9n, false]);

lib.close();
console.log("done");
