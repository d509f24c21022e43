// @flags: --allow-ffi --v8-flags=--allow-natives-syntax
// Bad input is a clear JS exception, never a crash: wrong arity, wrong
// argument types (on the slow path and from optimized callers), detached
// buffers, bad declarations (unknown types, void parameters, empty and
// recursive structs), missing symbols, bad library paths.

const LIB = Deno.args[0];
const prepare = new Function("f", "%PrepareFunctionForOptimization(f)");
const optimize = new Function("f", "%OptimizeFunctionOnNextCall(f)");
const slowCalls: () => number = (Deno as any)[Symbol.for("hotcall.internals")].slowCalls;

function report(label: string, f: () => unknown) {
  try {
    const r = f();
    console.log(label, "-> no throw:", r);
  } catch (e) {
    const err = e as Error;
    console.log(label, "->", err.constructor.name + ": " + err.message.replaceAll(LIB, "LIB"));
  }
}

const point = { struct: ["i32", "i32"] } as const;
const lib = Deno.dlopen(LIB, {
  ty_calls: { parameters: [], result: "u64" },
  ty_id_i32: { parameters: ["i32"], result: "i32" },
  ty_id_i8: { parameters: ["i8"], result: "i8" },
  ty_id_u64: { parameters: ["u64"], result: "u64" },
  ty_id_f64: { parameters: ["f64"], result: "f64" },
  ty_id_f32: { parameters: ["f32"], result: "f32" },
  ty_id_bool: { parameters: ["bool"], result: "bool" },
  ty_id_ptr: { parameters: ["pointer"], result: "pointer" },
  ty_id_fn: { parameters: ["function"], result: "function" },
  ty_buf_sum: { parameters: ["buffer", "usize"], result: "i32" },
  ty_buf_is_null: { parameters: ["buffer"], result: "i32" },
  ty_point_sum: { parameters: [point], result: "i32" },
  ty_mix: {
    parameters: ["i8", "u16", "i32", "i64", "f32", "f64", "u8", "i16", "u32", "f64", "u64", "bool"],
    result: "f64",
  },
});
const s = lib.symbols as Record<string, (...args: unknown[]) => unknown>;

console.log("-- arity");
report("no args", () => s.ty_id_i32());
report("two args (extra ones are ignored)", () => s.ty_id_i32(1, 2));
report("one of two", () => s.ty_buf_sum(new Uint8Array(1)));
report("struct, none", () => s.ty_point_sum());

console.log("-- argument types (slow path)");
report("string for i32", () => s.ty_id_i32("1"));
report("undefined for i32", () => s.ty_id_i32(undefined));
report("null for i8", () => s.ty_id_i8(null));
report("symbol for i8", () => s.ty_id_i8(Symbol("x")));
report("object for i32", () => s.ty_id_i32({ valueOf: () => 1 }));
report("bigint for i32", () => s.ty_id_i32(1n));
report("bigint for f64", () => s.ty_id_f64(1n));
report("string for f32", () => s.ty_id_f32("1.5"));
report("null for u64", () => s.ty_id_u64(null));
report("string for u64", () => s.ty_id_u64("5"));
report("number for bool", () => s.ty_id_bool(1));
report("string for bool", () => s.ty_id_bool("true"));
report("null for bool", () => s.ty_id_bool(null));
report("string for pointer", () => s.ty_id_ptr("0x10"));
report("object for pointer", () => s.ty_id_ptr({}));
report("Uint8Array for pointer", () => s.ty_id_ptr(new Uint8Array(1)));
report("function for function", () => s.ty_id_fn(() => 1));
report("number for buffer", () => s.ty_buf_sum(42, 1));
report("string for buffer", () => s.ty_buf_sum("abc", 3));
report("array for buffer", () => s.ty_buf_sum([1, 2], 2));
report("undefined for buffer", () => s.ty_buf_is_null(undefined));
report("number for struct", () => s.ty_point_sum(7));
report("null for struct", () => s.ty_point_sum(null));
report("short struct", () => s.ty_point_sum(new Uint8Array(7)));
report("12th of 12", () => s.ty_mix(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0));
report("4th of 12", () => s.ty_mix(1, 2, 3, "4", 5, 6, 7, 8, 9, 10, 11, true));

console.log("-- detached buffers");
function detached(): Uint8Array {
  const u = new Uint8Array([1, 2, 3, 4]);
  const moved = u.buffer.transfer();
  if (moved.byteLength !== 4 || u.buffer.byteLength !== 0) throw new Error("transfer did not detach");
  return u;
}
report("detached Uint8Array", () => s.ty_buf_sum(detached(), 4));
report("detached subarray", () => {
  const u = new Uint8Array(8);
  const sub = u.subarray(2);
  u.buffer.transfer();
  return s.ty_buf_sum(sub, 0);
});
report("detached ArrayBuffer", () => {
  const ab = new ArrayBuffer(4);
  ab.transfer();
  return s.ty_buf_sum(ab, 0);
});
report("detached DataView", () => {
  const ab = new ArrayBuffer(4);
  const dv = new DataView(ab);
  ab.transfer();
  return s.ty_buf_sum(dv, 0);
});
report("detached struct", () => {
  const p = new Int32Array([1, 2]);
  p.buffer.transfer();
  return s.ty_point_sum(p);
});

console.log("-- from optimized callers: same errors, C never called");
// Each caller is optimized for good arguments, then given a bad one.
let serial = 0;
function fastCase(label: string, name: string, good: unknown[], bad: unknown[]) {
  const params = good.map((_, i) => "a" + i).join(", ");
  const caller = new Function(
    "sym_",
    `const sym = sym_; return function bad${serial++}(${params}) { return sym(${params}); };`,
  )(s[name]);
  prepare(caller);
  for (let i = 0; i < 30; i++) caller(...good);
  optimize(caller);
  const c0 = s.ty_calls();
  const s0 = slowCalls();
  caller(...good);
  const wentFast = slowCalls() === s0;
  const c1 = s.ty_calls();
  report(`${label} (optimized: ${wentFast})`, () => caller(...bad));
  console.log("  C calls:", Number(s.ty_calls()) - Number(c1), "(good call:", Number(c1) - Number(c0) + ")");
}
fastCase("string for i32", "ty_id_i32", [1], ["1"]);
fastCase("undefined for i32", "ty_id_i32", [1], [undefined]);
fastCase("true for i32", "ty_id_i32", [1], [true]);
fastCase("bigint for f64", "ty_id_f64", [1.5], [1n]);
fastCase("null for f64", "ty_id_f64", [1.5], [null]);
fastCase("number for bool", "ty_id_bool", [true], [1]);
fastCase("string for bool", "ty_id_bool", [true], ["yes"]);
fastCase("undefined for bool", "ty_id_bool", [false], [undefined]);
fastCase("object for bool", "ty_id_bool", [false], [{}]);
fastCase("string for pointer", "ty_id_ptr", [1n], ["1"]);
fastCase("number for buffer", "ty_buf_sum", [new Uint8Array(4), 4], [4, 4]);
fastCase("detached Uint8Array", "ty_buf_sum", [new Uint8Array(4), 4], [detached(), 4]);
fastCase("detached, null check", "ty_buf_is_null", [new Uint8Array(4)], [detached()]);
fastCase("string for u64", "ty_id_u64", [1n], ["1"]);
fastCase("bool last of 12", "ty_mix", [1, 2, 3, 4n, 5, 6, 7, 8, 9, 10, 11n, true], [1, 2, 3, 4n, 5, 6, 7, 8, 9, 10, 11n, 1]);
lib.close();

console.log("-- declarations");
const open = (symbols: unknown) => () => Deno.dlopen(LIB, symbols as Deno.ForeignLibraryInterface);
report("unknown parameter type", open({ ty_id_i32: { parameters: ["int"], result: "i32" } }));
report("unknown result type", open({ ty_id_i32: { parameters: ["i32"], result: "i128" } }));
report("void parameter", open({ ty_id_i32: { parameters: ["void"], result: "i32" } }));
report("number as type", open({ ty_id_i32: { parameters: [4], result: "i32" } }));
report("empty struct", open({ ty_point_sum: { parameters: [{ struct: [] }], result: "i32" } }));
report("empty struct result", open({ ty_make_point: { parameters: ["i32", "i32"], result: { struct: [] } } }));
const rec: { struct: unknown[] } = { struct: ["i32"] };
rec.struct.push(rec);
report("recursive struct", open({ ty_point_sum: { parameters: [rec], result: "i32" } }));
const deep: { struct: unknown[] } = { struct: ["u8"] };
deep.struct.push({ struct: ["i32", { struct: [deep] }] });
report("recursive via nesting", open({ ty_point_sum: { parameters: [deep], result: "i32" } }));
report("void in struct", open({ ty_point_sum: { parameters: [{ struct: ["i32", "void"] }], result: "i32" } }));
report("object without struct", open({ ty_point_sum: { parameters: [{ fields: ["i32"] }], result: "i32" } }));
report("void static", open({ ty_static_i32: { type: "void" } }));
report("missing result", open({ ty_id_i32: { parameters: ["i32"] } }));
report("parameters not an array", open({ ty_id_i32: { parameters: "i32", result: "i32" } }));
report("nonblocking not a boolean", open({ ty_id_i32: { parameters: ["i32"], result: "i32", nonblocking: 1 } }));
report("declaration not an object", open({ ty_id_i32: "i32" }));
report("symbols not an object", open(null));
report("missing symbol", open({ ty_nope: { parameters: [], result: "void" } }));
report("missing via name", open({ ok: { name: "ty_nope2", parameters: [], result: "void" } }));
report("missing static", open({ ty_nope_static: { type: "i32" } }));
report("optional missing", () => {
  const l = Deno.dlopen(LIB, {
    ty_nope: { parameters: [], result: "void", optional: true },
    ty_nope_static: { type: "u8", optional: true },
    ty_id_i32: { parameters: ["i32"], result: "i32", optional: true },
  });
  const r = [l.symbols.ty_nope, l.symbols.ty_nope_static, l.symbols.ty_id_i32!(3)];
  l.close();
  return r;
});

console.log("-- library paths");
report("missing file", () => Deno.dlopen("/nonexistent/dir/libnope.so", {}));
report("relative missing", () => Deno.dlopen("./ffi_no_such_lib.so", {}));
report("not a library", () => Deno.dlopen("./ffi_bad_input.ts", {}));
report("number path", () => Deno.dlopen(42 as unknown as string, {}));
report("http URL", () => Deno.dlopen(new URL("http://example.com/lib.so") as unknown as string, {}));
report("file URL", () => {
  const l = Deno.dlopen(new URL("file://" + LIB), { ty_id_i32: { parameters: ["i32"], result: "i32" } });
  const r = l.symbols.ty_id_i32(7);
  l.close();
  return r;
});
console.log("done");
