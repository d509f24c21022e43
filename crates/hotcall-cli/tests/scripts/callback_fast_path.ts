// @flags: --allow-ffi --v8-flags=--allow-natives-syntax
// @exit: 1
// Callbacks called by C functions that V8 reached through its fast path
// (symbols not declared `callback: true`, as Deno-era benchmark scripts
// do): they work; one that throws fails loudly, naming the callback and the
// symbol, and its exception never surfaces from a later, unrelated call.

const prepare = new Function("f", "%PrepareFunctionForOptimization(f)");
const optimize = new Function("f", "%OptimizeFunctionOnNextCall(f)");
const slowCalls: () => number = (Deno as any)[Symbol.for("hotcall.internals")].slowCalls;

const lib = Deno.dlopen(Deno.args[0], {
  cb_apply_n: { parameters: ["function", "i32"], result: "i32" },
  cb_call_i32: { parameters: ["function", "i32", "i32"], result: "i32", callback: true },
});
const s = lib.symbols;

let calls = 0;
let fail = false;
const cb = new Deno.UnsafeCallback({ parameters: ["i32"], result: "i32" }, (i: number) => {
  calls++;
  if (fail) throw new Error(`callback failed at ${i}`);
  return i * 2;
});
// The fast path takes pointers as bigints.
const P = BigInt(cb.pointer);
function apply(n: number) {
  return s.cb_apply_n(P, n);
}
prepare(apply);
for (let i = 0; i < 30; i++) apply(1);
optimize(apply);
apply(1);

// Works on the fast path: C ran the callback, no slow call was made.
const before = slowCalls();
calls = 0;
const r = apply(4);
console.log("fast result:", r, "callback calls:", calls, "slow calls:", slowCalls() - before);

// A throwing callback on the fast path: reported, execution stops.
const add = new Deno.UnsafeCallback({ parameters: ["i32", "i32"], result: "i32" }, (a: number, b: number) => a + b);
fail = true;
calls = 0;
try {
  apply(3);
  console.log("after the fast call, callback calls:", calls);
} catch (e) {
  console.log("caught from the fast call:", e.message);
}
// Never reached; before the fix this unrelated call threw the callback's error.
try {
  console.log("unrelated call:", s.cb_call_i32(add.pointer, 1, 2));
} catch (e) {
  console.log("unrelated call threw:", e.message);
}
