// @flags: --allow-ffi --v8-flags=--allow-natives-syntax
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

// The same through V8's fast path (the symbol is not declared
// `callback: true`, and its caller is optimized): the unload waits for the
// event loop, after the C function returned.
const prepare = new Function("f", "%PrepareFunctionForOptimization(f)");
const optimize = new Function("f", "%OptimizeFunctionOnNextCall(f)");
const slowCalls = (Deno as any)[Symbol.for("hotcall.internals")].slowCalls;
const fastLib = Deno.dlopen(Deno.args[0], {
  cb_call_i32: { parameters: ["function", "i32", "i32"], result: "i32" },
});
let closeNow = false;
const closing = new Deno.UnsafeCallback({ parameters: ["i32", "i32"], result: "i32" }, (a: number, b: number) => {
  if (closeNow) fastLib.close();
  return a + b;
});
const viaFastPath = (x: number) => fastLib.symbols.cb_call_i32(closing.pointer, x, 2);
prepare(viaFastPath);
for (let i = 0; i < 30; i++) viaFastPath(1);
optimize(viaFastPath);
viaFastPath(1);
const slowBefore = slowCalls();
closeNow = true;
console.log("returned from the closing fast call:", viaFastPath(40), "fast path:", slowCalls() === slowBefore);
try {
  viaFastPath(1);
} catch (e) {
  console.log((e as Error).constructor.name + ":", (e as Error).message.replace(Deno.args[0], "$FIXTURES"));
}
closing.close();
