// @flags: --allow-ffi
// Statics (numbers read once at dlopen, pointer-typed statics as the
// symbol's bigint address, optional missing statics as null, `name`
// aliases), structs (nested, by value in and out, results as fresh
// Uint8Arrays), and Deno.UnsafeFnPointer (sync and nonblocking).

const point = { struct: ["i32", "i32"] } as const;
const line = { struct: [point, point, "u8"] } as const;
const lib = Deno.dlopen(Deno.args[0], {
  ty_static_i32: { type: "i32" },
  ty_static_u64: { type: "u64" },
  ty_static_f64: { type: "f64" },
  ty_static_bool: { type: "bool" },
  ty_static_u8: { type: "u8" },
  ty_static_i64: { type: "i64" },
  ty_static_fn: { type: "pointer" },
  ty_static_text: { type: "buffer" },
  point_static: { name: "ty_static_point", type: point },
  missing_static: { name: "ty_no_such_static", type: "i32", optional: true },
  missing_fn: { name: "ty_no_such_fn", parameters: [], result: "void", optional: true },
  ty_get_twice: { parameters: [], result: "function" },
  ty_make_point: { parameters: ["i32", "i32"], result: point },
  ty_point_sum: { parameters: [point], result: "i32" },
  ty_make_line: { parameters: [point, point, "u8"], result: line },
  ty_line_delta: { parameters: [line], result: point },
  sum: { name: "ty_point_sum", parameters: [point], result: "i32" },
});
const s = lib.symbols;

console.log("-- statics");
console.log(s.ty_static_i32, s.ty_static_u64, s.ty_static_f64, s.ty_static_bool, s.ty_static_u8, s.ty_static_i64);
console.log("point static:", s.point_static, new Int32Array(s.point_static.buffer));
console.log("missing:", s.missing_static, s.missing_fn);
// A pointer-typed static is the address of the symbol: read the function
// pointer stored there and compare it with the one ty_get_twice returns.
console.log(typeof s.ty_static_fn, new Deno.UnsafePointerView(s.ty_static_fn).getPointer() === s.ty_get_twice());
console.log(new Deno.UnsafePointerView(s.ty_static_text).getCString());
const desc = Object.getOwnPropertyDescriptor(s, "ty_static_i32")!;
console.log("read-only:", desc.writable, desc.configurable);
try {
  (s as Record<string, unknown>).ty_static_i32 = 5;
  console.log("assigned?!");
} catch (e) {
  console.log((e as Error).constructor.name);
}
console.log("still:", s.ty_static_i32);

console.log("-- structs");
const p1 = s.ty_make_point(7, -8);
const p2 = s.ty_make_point(7, -8);
console.log(p1.constructor.name, p1.length, p1.buffer.byteLength, p1 !== p2, p1.buffer !== p2.buffer);
console.log("by value in:", s.ty_point_sum(p1), s.sum(new Int32Array([100, 23])));
const arg = new Int32Array([1, 2]);
const l = s.ty_make_line(arg, new Int32Array([11, 22]), 2);
console.log("nested:", l.length, Array.from(new Int32Array(l.buffer, 0, 4)), l[16]);
console.log("delta:", new Int32Array(s.ty_line_delta(l).buffer));
// From a bigger buffer with a byteOffset (the struct is read at the offset).
const big = new Int32Array([0, 0, 5, 6, 0]);
console.log("offset:", s.ty_point_sum(big.subarray(2)), s.ty_point_sum(new DataView(big.buffer, 8)));

console.log("-- UnsafeFnPointer");
const twice = s.ty_get_twice();
const fp = new Deno.UnsafeFnPointer(twice, { parameters: ["i32"], result: "i32" });
console.log(fp.pointer === twice, fp.definition.result, fp.call(21), fp.call(-(2 ** 31)));
const nb = new Deno.UnsafeFnPointer(twice, { parameters: ["i32"], result: "i32", nonblocking: true });
const r = nb.call(50);
console.log(r instanceof Promise, await r);
// From a static: the function pointer stored in ty_static_fn.
const fromStatic = new Deno.UnsafeFnPointer(
  new Deno.UnsafePointerView(s.ty_static_fn).getPointer(),
  { parameters: ["i32"], result: "i32" },
);
console.log("from static:", fromStatic.call(8));
for (const f of [() => fp.call(), () => fp.call("1"), () => new Deno.UnsafeFnPointer(0n, { parameters: [], result: "void" }), () => new Deno.UnsafeFnPointer(twice, { parameters: ["i33"], result: "i32" })]) {
  try {
    f();
    console.log("no throw");
  } catch (e) {
    console.log((e as Error).constructor.name + ": " + (e as Error).message);
  }
}
lib.close();
// Function pointers do not belong to a library: the pointer is still
// callable while the library stays loaded (the fixture library is still
// open through the second dlopen below).
const again = Deno.dlopen(Deno.args[0], { ty_get_twice: { parameters: [], result: "function" } });
console.log("again:", again.symbols.ty_get_twice() === twice);
again.close();
console.log("done");
