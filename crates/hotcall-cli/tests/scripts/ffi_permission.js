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
