// @flags: --allow-ffi --v8-flags=--expose-gc
// FinalizationRegistry callbacks run (V8 posts them as platform tasks,
// which the event loop runs every turn), as in Deno: Deno-era FFI
// libraries close callbacks and libraries of collected wrappers this way.

const registry = new FinalizationRegistry((close: () => void) => close());
function makeWrapper() {
  const cb = new Deno.UnsafeCallback({ parameters: ["i32"], result: "i32" }, (x: number) => x);
  const lib = Deno.dlopen(Deno.args[0], { ty_id_i32: { parameters: ["i32"], result: "i32" } });
  // The wrapper owns both; when it is collected, both are closed.
  const wrapper = { call: (x: number) => lib.symbols.ty_id_i32(x) };
  registry.register(wrapper, () => {
    cb.close();
    lib.close();
    console.log("closed by the registry");
  });
  return wrapper;
}
const count = () => Object.values(Deno.resources()).filter((n) => n !== "stdin" && n !== "stdout" && n !== "stderr").length;
(() => console.log("call:", makeWrapper().call(7), "resources open:", count()))();
// @ts-ignore: gc() exists with --expose-gc
gc();
waitOnlyForARefdCallback();

// A cleanup that V8 posts while the loop is about to wait only for FFI
// work (a ref'd callback, no timer: the gc() runs in a microtask of the
// loop's first turn) still runs: here it is what lets the program end
// (the test harness times out a hang).
function waitOnlyForARefdCallback() {
  const held = new Deno.UnsafeCallback({ parameters: [], result: "void" }, () => {});
  held.ref();
  const unref = new FinalizationRegistry((cb: Deno.UnsafeCallback) => {
    cb.close();
    console.log("closed the ref'd callback; resources open:", count());
  });
  (() => unref.register({}, held))();
  // @ts-ignore: gc() exists with --expose-gc
  Promise.resolve().then(() => gc());
}
