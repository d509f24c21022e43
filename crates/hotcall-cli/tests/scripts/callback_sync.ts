// @flags: --allow-ffi
// Deno.UnsafeCallback called synchronously from C during an FFI call, for
// every kind of parameter and result (narrow ints, 64-bit, floats,
// pointers, structs by value, many arguments).

const fn = (parameters: Deno.NativeType[], result: Deno.NativeResultType = "i32") =>
  ({ parameters, result, callback: true }) as const;
const point = { struct: ["i32", "i32"] } as const;
const rect = { struct: ["f64", "f64", "f64", "f64"] } as const;
const mixed = { struct: ["u8", "f64", "u16"] } as const;

const lib = Deno.dlopen(Deno.args[0], {
  cb_call_void: fn(["function"], "void"),
  cb_call_i32: fn(["function", "i32", "i32"]),
  cb_call_narrow: fn(["function"]),
  cb_call_ret_u8: fn(["function"]),
  cb_call_ret_i8: fn(["function"]),
  cb_call_ret_i16: fn(["function"]),
  cb_call_bool: fn(["function", "bool"]),
  cb_call_f64: fn(["function", "f32", "f64"], "f64"),
  cb_call_f32: fn(["function", "f32"], "f32"),
  cb_call_u64: fn(["function"], "u64"),
  cb_call_i64: fn(["function"], "i64"),
  cb_call_ptr: fn(["function", "pointer"], "pointer"),
  cb_call_many: fn(["function"], "f64"),
  cb_call_with_point: fn(["function", "i32", "i32", "i32"]),
  cb_call_returning_point: fn(["function", "i32", "i32"]),
  cb_call_with_rect: fn(["function"], "f64"),
  cb_call_returning_rect: fn(["function"], "f64"),
  cb_call_with_mixed: fn(["function"], "f64"),
});
const s = lib.symbols;

// The object itself.
const add = new Deno.UnsafeCallback(
  { parameters: ["i32", "i32"], result: "i32" },
  (a: number, b: number) => a * 10 + b,
);
// `.pointer` is a number when the address is a safe integer (Deno 1.25-1.30).
console.log(typeof add.pointer, add.pointer !== 0);
console.log(add.definition.parameters, add.definition.result);
console.log(typeof add.callback, Object.prototype.toString.call(add));
console.log(Deno.UnsafePointer.of(add) === add.pointer);
console.log("i32:", s.cb_call_i32(add.pointer, 4, 2), s.cb_call_i32(add.pointer, -7, 3));

let called = 0;
const v = new Deno.UnsafeCallback({ parameters: [], result: "void" }, () => {
  called++;
  return "ignored";
});
s.cb_call_void(v.pointer);
s.cb_call_void(v.pointer);
console.log("void called:", called);

// Narrow arguments arrive sign- or zero-extended; narrow results wrap.
const narrow = new Deno.UnsafeCallback(
  { parameters: ["u8", "i8", "u16", "i16"], result: "i32" },
  (a: number, b: number, c: number, d: number) => {
    console.log("narrow args:", a, b, c, d);
    return a + b + c + d;
  },
);
console.log("narrow:", s.cb_call_narrow(narrow.pointer));
for (const [type, value] of [["u8", 300], ["u8", -1], ["i8", 200], ["i16", -40000], ["i16", 1.9]] as const) {
  const cb = new Deno.UnsafeCallback({ parameters: [], result: type }, () => value);
  const call = s[`cb_call_ret_${type}`];
  console.log(`${type} result ${value} ->`, call(cb.pointer));
  cb.close();
}

const not = new Deno.UnsafeCallback(
  { parameters: ["bool"], result: "bool" },
  (x: boolean) => {
    console.log("bool arg:", x);
    return !x;
  },
);
console.log("bool:", s.cb_call_bool(not.pointer, true), s.cb_call_bool(not.pointer, false));

// Results coerce like Deno 1.30: undefined is 0, numbers wrap, booleans
// are 0/1, bool is ToBoolean of anything.
const coerced: [string, string, unknown, (p: number) => unknown][] = [
  ["i32", "undefined", undefined, (p) => s.cb_call_i32(p, 0, 0)],
  ["i32", "true", true, (p) => s.cb_call_i32(p, 0, 0)],
  ["i32", "2 ** 32 + 5", 2 ** 32 + 5, (p) => s.cb_call_i32(p, 0, 0)],
  ["i32", "-1.9", -1.9, (p) => s.cb_call_i32(p, 0, 0)],
  ["i32", "NaN", NaN, (p) => s.cb_call_i32(p, 0, 0)],
  ["bool", "1", 1, (p) => s.cb_call_bool(p, false)],
  ["bool", "\"\"", "", (p) => s.cb_call_bool(p, false)],
  ["bool", "{}", {}, (p) => s.cb_call_bool(p, false)],
  ["bool", "undefined", undefined, (p) => s.cb_call_bool(p, false)],
  ["u64", "undefined", undefined, (p) => s.cb_call_u64(p)],
  ["u64", "-1", -1, (p) => s.cb_call_u64(p)],
  ["f64", "undefined", undefined, (p) => s.cb_call_f64(p, 1, 2)],
];
for (const [result, label, value, call] of coerced) {
  const parameters = { i32: ["i32", "i32"], bool: ["bool"], u64: ["u64", "i64", "u64"], f64: ["f32", "f64"] }[result];
  const cb = new Deno.UnsafeCallback({ parameters, result } as Deno.UnsafeCallbackDefinition, () => value);
  console.log(`${result} result ${label} ->`, call(cb.pointer));
  cb.close();
}

// Floats.
const sum = new Deno.UnsafeCallback(
  { parameters: ["f32", "f64"], result: "f64" },
  (a: number, b: number) => a + b,
);
console.log("f64:", s.cb_call_f64(sum.pointer, 1.5, 0.25), s.cb_call_f64(sum.pointer, 0.1, 0));
const half = new Deno.UnsafeCallback({ parameters: ["f32"], result: "f32" }, (x: number) => x / 2);
console.log("f32:", s.cb_call_f32(half.pointer, 5), s.cb_call_f32(half.pointer, -0.5));

// 64-bit: numbers when safe, bigints beyond 2^53; results take either.
const wide = new Deno.UnsafeCallback(
  { parameters: ["u64", "i64", "u64"], result: "u64" },
  (a: bigint, b: bigint, c: number) => {
    console.log("u64 args:", a, b, c);
    return a - 5n;
  },
);
console.log("u64:", s.cb_call_u64(wide.pointer));
for (const value of [-5, 2 ** 53 + 2, -(2n ** 63n)]) {
  const cb = new Deno.UnsafeCallback({ parameters: [], result: "i64" }, () => value);
  console.log("i64:", s.cb_call_i64(cb.pointer));
  cb.close();
}

// Pointers are numbers when safe (as in Deno 1.25-1.30); a pointer result
// may be a number, a bigint, null, undefined or a buffer (its address).
const backing = new Uint8Array(16);
const backingAddress = Deno.UnsafePointer.of(backing);
for (
  const [label, back] of [
    ["p + 16", (p: number) => p + 16],
    ["4096n", () => 4096n],
    ["null", () => null],
    ["undefined", () => undefined],
    ["Uint8Array", () => backing],
    ["subarray", () => backing.subarray(4)],
    ["ArrayBuffer", () => backing.buffer],
    ["DataView", () => new DataView(backing.buffer, 2)],
    ["empty view", () => new Uint8Array(0)],
  ] as [string, (p: number) => unknown][]
) {
  const cb = new Deno.UnsafeCallback({ parameters: ["pointer"], result: "pointer" }, (p: number) => {
    if (label === "p + 16") console.log("pointer arg:", typeof p, p);
    return back(p);
  });
  const r = s.cb_call_ptr(cb.pointer, 1024);
  const shown = typeof r === "number" && r >= backingAddress && r < backingAddress + 16 ? `buffer + ${r - backingAddress}` : r;
  console.log(`pointer <- ${label}:`, typeof r, shown);
  cb.close();
}

// More arguments than registers.
const many = new Deno.UnsafeCallback(
  {
    parameters: ["i32", "f64", "i32", "f64", "i32", "f64", "i32", "f64", "i32", "f64", "i32", "f64",
      "i32", "f64", "i32", "f64", "i32", "f64"],
    result: "f64",
  },
  (...args: number[]) => args.reduce((x, y) => x * 2 + y, 0),
);
console.log("many:", s.cb_call_many(many.pointer));

// Structs by value: a Uint8Array of the bytes in, a buffer of the bytes out.
const withPoint = new Deno.UnsafeCallback(
  { parameters: [point, "i32"], result: "i32" },
  (p: Uint8Array, k: number) => {
    const [x, y] = new Int32Array(p.buffer, p.byteOffset, 2);
    console.log("point arg:", p.constructor.name, p.length, x, y, k);
    return (x - y) * k;
  },
);
console.log("with point:", s.cb_call_with_point(withPoint.pointer, 30, 4, 5));
const makePoint = new Deno.UnsafeCallback(
  { parameters: ["i32", "i32"], result: point },
  (x: number, y: number) => new Int32Array([y, x]),
);
console.log("returning point:", s.cb_call_returning_point(makePoint.pointer, 3, 7));
const withRect = new Deno.UnsafeCallback({ parameters: [rect], result: "f64" }, (r: Uint8Array) => {
  const [x, y, w, h] = new Float64Array(r.slice().buffer);
  return x + y * 10 + w * 100 + h * 1000;
});
console.log("with rect:", s.cb_call_with_rect(withRect.pointer));
const makeRect = new Deno.UnsafeCallback(
  { parameters: [], result: rect },
  () => new Float64Array([1, 2, 3, 4]).buffer,
);
console.log("returning rect:", s.cb_call_returning_rect(makeRect.pointer));
const withMixed = new Deno.UnsafeCallback({ parameters: [mixed], result: "f64" }, (m: Uint8Array) => {
  const view = new DataView(m.buffer, m.byteOffset, m.byteLength);
  console.log("mixed arg length:", m.length);
  return view.getUint8(0) + view.getFloat64(8, true) + view.getUint16(16, true);
});
console.log("with mixed:", s.cb_call_with_mixed(withMixed.pointer));

for (const cb of [add, v, narrow, not, sum, half, wide, many, withPoint, makePoint, withRect, makeRect, withMixed]) {
  cb.close();
}
lib.close();
console.log("done");
