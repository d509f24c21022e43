// Without --allow-ffi, dlopen throws Deno.errors.PermissionDenied.
const lib = Deno.build.os === "darwin" ? "libSystem.dylib" : "libc.so.6";
try {
  Deno.dlopen(lib, { abs: { parameters: ["i32"], result: "i32" } });
  console.log("opened?!");
} catch (e) {
  console.log(e instanceof Deno.errors.PermissionDenied, e instanceof Error, e.name);
  console.log(e.message);
}
console.log(typeof Deno.dlopen, typeof Deno.UnsafePointer, typeof Deno.UnsafePointerView);
console.log(typeof Deno.UnsafeFnPointer, typeof Deno.UnsafeCallback);

// Every native capability is refused without --allow-ffi, not only dlopen.
const bytes = new Uint8Array(8);
const attempts = {
  "UnsafePointer.of": () => Deno.UnsafePointer.of(bytes),
  "getUint8": () => new Deno.UnsafePointerView(0x41414141).getUint8(),
  "getBigUint64": () => new Deno.UnsafePointerView(0x41414141n).getBigUint64(8),
  "getFloat64": () => new Deno.UnsafePointerView(0x41414141).getFloat64(),
  "getPointer": () => new Deno.UnsafePointerView(0x41414141).getPointer(),
  "getCString": () => new Deno.UnsafePointerView(0x41414141).getCString(),
  "getArrayBuffer": () => new Deno.UnsafePointerView(0x41414141).getArrayBuffer(8),
  "copyInto": () => new Deno.UnsafePointerView(0x41414141).copyInto(bytes),
  "static getCString": () => Deno.UnsafePointerView.getCString(0x41414141),
  "static getArrayBuffer": () => Deno.UnsafePointerView.getArrayBuffer(0x41414141, 8),
  "static copyInto": () => Deno.UnsafePointerView.copyInto(0x41414141, bytes),
  "borrowed getter": () => Deno.UnsafePointerView.prototype.getUint32.call({ pointer: 0x41414141 }),
  "UnsafeFnPointer": () => new Deno.UnsafeFnPointer(0x41414141n, { parameters: [], result: "void" }).call(),
  "UnsafeCallback": () => new Deno.UnsafeCallback({ parameters: [], result: "void" }, () => {}),
  "threadSafe": () => Deno.UnsafeCallback.threadSafe({ parameters: [], result: "void" }, () => {}),
};
for (const [name, attempt] of Object.entries(attempts)) {
  try {
    attempt();
    console.log(name, "was allowed?!");
  } catch (e) {
    console.log(name, e instanceof Deno.errors.PermissionDenied, e.message);
  }
}
