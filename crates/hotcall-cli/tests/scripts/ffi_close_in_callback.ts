// @flags: --allow-ffi
// A callback that closes the library whose function is calling it: the
// library stays loaded until that call has returned (the only handle of
// the library is this one, so an early dlclose would unmap the code C is
// still running), and later calls throw.

const lib = Deno.dlopen(Deno.args[0], {
  cb_call_i32: { parameters: ["function", "i32", "i32"], result: "i32", callback: true },
});
const cb = new Deno.UnsafeCallback({ parameters: ["i32", "i32"], result: "i32" }, (a: number, b: number) => {
  lib.close();
  return a + b;
});
console.log("returned from the closing call:", lib.symbols.cb_call_i32(cb.pointer, 40, 2));
try {
  lib.symbols.cb_call_i32(cb.pointer, 1, 1);
} catch (e) {
  console.log((e as Error).constructor.name + ":", (e as Error).message.replace(Deno.args[0], "$FIXTURES"));
}
cb.close();
console.log("resources:", Object.values(Deno.resources()));
