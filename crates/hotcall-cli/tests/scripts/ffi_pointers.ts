// @flags: --allow-ffi
// Deno.UnsafePointer.of and every Deno.UnsafePointerView getter with and
// without offsets, getCString, getArrayBuffer (a view over the memory, no
// copy), copyInto, the static forms, and null pointers (TypeError).

const lib = Deno.dlopen(Deno.args[0], {
  ty_buf_id: { parameters: ["buffer"], result: "buffer" },
  ty_buf_fill: { parameters: ["buffer", "usize", "u8"], result: "void" },
  ty_static_text: { type: "pointer" },
});
const s = lib.symbols;

function report(f: () => unknown) {
  try {
    console.log("no throw:", f());
  } catch (e) {
    console.log((e as Error).constructor.name + ": " + (e as Error).message);
  }
}

const bytes = new Uint8Array(32);
const dv = new DataView(bytes.buffer);
dv.setUint8(0, 1);
dv.setInt8(1, -2);
dv.setUint16(2, 65000, true);
dv.setInt16(4, -300, true);
dv.setUint32(8, 4000000000, true);
dv.setInt32(12, -123456789, true);
dv.setBigUint64(16, 2n ** 64n - 2n, true);
dv.setFloat32(24, 1.5, true);
dv.setFloat32(28, -0.1, true);

// UnsafePointer.of: the address of the first byte, honouring byteOffset.
const p = Deno.UnsafePointer.of(bytes);
console.log(typeof p, p !== 0n, p === s.ty_buf_id(bytes));
console.log("subarray:", Deno.UnsafePointer.of(bytes.subarray(5)) - p);
console.log("DataView:", Deno.UnsafePointer.of(new DataView(bytes.buffer, 7)) - p);
console.log("ArrayBuffer:", Deno.UnsafePointer.of(bytes.buffer) === p);
console.log("Int32Array:", Deno.UnsafePointer.of(new Int32Array(bytes.buffer, 8)) - p);

const v = new Deno.UnsafePointerView(p);
console.log("pointer:", v.pointer === p);
console.log("getBool:", v.getBool(), v.getBool(1), v.getBool(6));
console.log("getUint8:", v.getUint8(), v.getUint8(1));
console.log("getInt8:", v.getInt8(1), v.getInt8(0));
console.log("getUint16:", v.getUint16(2), v.getUint16(4));
console.log("getInt16:", v.getInt16(4), v.getInt16(2));
console.log("getUint32:", v.getUint32(8), v.getUint32(12));
console.log("getInt32:", v.getInt32(12), v.getInt32(8));
console.log("getBigUint64:", v.getBigUint64(16), v.getBigUint64(24));
console.log("getBigInt64:", v.getBigInt64(16), v.getBigInt64());
console.log("getFloat32:", v.getFloat32(24), v.getFloat32(28));
console.log("getFloat64:", v.getFloat64(16), new Deno.UnsafePointerView(Deno.UnsafePointer.of(new Float64Array([-0.5]))).getFloat64());
console.log("unaligned getUint32:", v.getUint32(1), v.getUint16(3));
console.log("default offsets:", v.getUint8() === v.getUint8(0), v.getInt32() === v.getInt32(0));
// Offset by a view on a pointer past the start.
const v2 = new Deno.UnsafePointerView(p + 8);
console.log("p + 8:", v2.getUint32(), v2.getInt32(4));

// C strings.
const text = new TextEncoder().encode("héllo\0world\0");
const tp = Deno.UnsafePointer.of(text);
const tv = new Deno.UnsafePointerView(tp);
console.log("getCString:", JSON.stringify(tv.getCString()), JSON.stringify(tv.getCString(7)), JSON.stringify(tv.getCString(5)));
console.log("static getCString:", JSON.stringify(Deno.UnsafePointerView.getCString(tp, 1)));
console.log("C static text:", JSON.stringify(new Deno.UnsafePointerView(s.ty_static_text).getCString()));
console.log("last, empty:", JSON.stringify(Deno.UnsafePointerView.getCString(tp, 11)), JSON.stringify(Deno.UnsafePointerView.getCString(tp, 12)));
// Bytes that are not UTF-8 are a TypeError (Deno 1.30), in both forms.
const bad = new Uint8Array([0x61, 0xff, 0xfe, 0x62, 0, 0x63, 0xc3, 0]);
const badp = Deno.UnsafePointer.of(bad);
report(() => new Deno.UnsafePointerView(badp).getCString());
report(() => Deno.UnsafePointerView.getCString(badp, 5));
console.log("valid after the bad bytes:", JSON.stringify(Deno.UnsafePointerView.getCString(badp, 3)));

// getArrayBuffer: over the memory, not a copy.
const ab = v.getArrayBuffer(4, 8);
console.log("getArrayBuffer:", ab.constructor.name, ab.byteLength, new Uint32Array(ab)[0]);
new Uint8Array(ab)[0] = 0xff;
console.log("write through:", bytes[8]);
s.ty_buf_fill(bytes.subarray(8, 12), 4, 9);
console.log("C write seen:", new Uint8Array(ab));
const ab2 = Deno.UnsafePointerView.getArrayBuffer(p, 2, 2);
console.log("static getArrayBuffer:", new Uint16Array(ab2)[0]);
console.log("zero length:", v.getArrayBuffer(0).byteLength);

// copyInto: a copy of dest.byteLength bytes.
const dest = new Uint8Array(4);
v.copyInto(dest, 16);
console.log("copyInto:", dest);
bytes[16] = 1;
console.log("a copy:", dest[0]);
const dest2 = new Uint16Array(2);
Deno.UnsafePointerView.copyInto(p, dest2, 2);
console.log("static copyInto:", dest2);
const dest3 = new Uint8Array(8);
v.copyInto(dest3.subarray(6), 0);
console.log("into a subarray:", dest3);
v.copyInto(new Uint8Array(0), 3);
console.log("empty copy ok");

// Null pointers: TypeError from every getter and static.
const nul = new Deno.UnsafePointerView(0n);
report(() => nul.getUint8());
report(() => nul.getBigInt64(8));
report(() => nul.getCString());
report(() => nul.getArrayBuffer(4));
report(() => nul.copyInto(new Uint8Array(1)));
report(() => new Deno.UnsafePointerView(null as unknown as bigint).getFloat64());
report(() => Deno.UnsafePointerView.getCString(0n));
report(() => Deno.UnsafePointerView.getArrayBuffer(0n, 1));
report(() => Deno.UnsafePointerView.copyInto(0n, new Uint8Array(1)));
// Bad arguments.
report(() => new Deno.UnsafePointerView("1" as unknown as bigint).getUint8());
report(() => v.copyInto(42 as unknown as Uint8Array));
report(() => Deno.UnsafePointer.of(42 as unknown as Uint8Array));
report(() => v.getArrayBuffer(-1));
// Lengths V8 cannot hold are refused before V8 sees them (2 ** 53 used to
// be a fatal error inside V8 that killed the process).
report(() => v.getArrayBuffer(2 ** 53));
report(() => v.getArrayBuffer(Infinity));
report(() => v.getArrayBuffer(NaN));
report(() => v.getArrayBuffer(1.5));
report(() => Deno.UnsafePointerView.getArrayBuffer(p, 2 ** 64));
report(() => new Deno.UnsafePointerView(2n ** 64n - 8n).getArrayBuffer(16));
console.log("largest length accepted:", new Deno.UnsafePointerView(8).getArrayBuffer(2 ** 53 - 16).byteLength);
lib.close();
console.log("done");
