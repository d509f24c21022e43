// @flags: --allow-ffi
// @exit: 1
// An exception thrown by a callback called from another thread has no FFI
// call to propagate out of: it is an uncaught error (C gets 0).

const lib = Deno.dlopen(Deno.args[0], {
  cb_spawn: { parameters: ["function", "i32", "i32"], result: "i32" },
});

const cb = Deno.UnsafeCallback.threadSafe({ parameters: ["i32"], result: "i32" }, (x: number) => {
  throw new Error(`thrown on the JS thread for a call from thread ${x}`);
});
lib.symbols.cb_spawn(cb.pointer, 7, 1);
console.log("spawned");
