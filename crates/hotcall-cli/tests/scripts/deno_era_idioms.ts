// @flags: --allow-ffi --unstable
// Idioms of Deno 1.25-1.30 FFI scripts, run unchanged: pointers compared
// with `=== 0` and offset with `+ 8`, a buffer returned from a pointer
// callback, typeof checks on pointers, and Deno.resources() before/after.

const resourcesBefore = Deno.resources();
const lib = Deno.dlopen(Deno.args[0], {
  ty_buf_id: { parameters: ["buffer"], result: "pointer" },
  cb_call_ptr: { parameters: ["function", "pointer"], result: "pointer", callback: true },
});

const buf = new Uint8Array([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
const ptr = lib.symbols.ty_buf_id(buf);
console.log("typeof pointer:", typeof ptr);
console.log("null check:", ptr === 0, lib.symbols.ty_buf_id(null) === 0);
console.log("same as UnsafePointer.of:", ptr === Deno.UnsafePointer.of(buf));
const view = new Deno.UnsafePointerView(ptr + 8);
console.log("ptr + 8 reads:", view.getUint8(), view.getUint8(1));

const returnsBuffer = new Deno.UnsafeCallback(
  { parameters: ["pointer"], result: "pointer" },
  (_p: number) => buf.subarray(2),
);
const got = lib.symbols.cb_call_ptr(returnsBuffer.pointer, 0);
console.log("callback returned a buffer:", got === ptr + 2, new Deno.UnsafePointerView(got).getUint8());
console.log("callback pointer is a number:", typeof returnsBuffer.pointer === "number");

returnsBuffer.close();
lib.close();
const resourcesAfter = Deno.resources();
console.log("resources restored:", JSON.stringify(resourcesBefore) === JSON.stringify(resourcesAfter));
console.log(resourcesAfter);
