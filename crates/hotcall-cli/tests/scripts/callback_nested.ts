// @flags: --allow-ffi
// Callbacks that call C that calls callbacks, callbacks stored by C and
// called later, and closing a callback from inside its own call.

const lib = Deno.dlopen(Deno.args[0], {
  cb_apply_n: { parameters: ["function", "i32"], result: "i32", callback: true },
  cb_call_chain: { parameters: ["function", "function", "i32"], result: "i32", callback: true },
  cb_store: { parameters: ["function"], result: "void" },
  cb_call_stored: { parameters: ["i32"], result: "i32", callback: true },
  cb_clear_stored: { parameters: [], result: "void" },
});
const s = lib.symbols;

// Recursion through C and JS: f(0) = 1, f(n) = sum of f(i) for i < n.
let depth = 0;
let maxDepth = 0;
const rec: Deno.UnsafeCallback = new Deno.UnsafeCallback(
  { parameters: ["i32"], result: "i32" },
  (n: number) => {
    depth++;
    maxDepth = Math.max(maxDepth, depth);
    const r = n === 0 ? 1 : s.cb_apply_n(rec.pointer, n);
    depth--;
    return r;
  },
);
console.log("recursive:", s.cb_apply_n(rec.pointer, 6), "max depth", maxDepth);

// An exception thrown three levels down reaches the outermost caller.
let level = 0;
const deep: Deno.UnsafeCallback = new Deno.UnsafeCallback(
  { parameters: ["i32"], result: "i32" },
  () => {
    level++;
    if (level === 3) throw new Error("from level 3");
    return s.cb_apply_n(deep.pointer, 1) + 1;
  },
);
try {
  s.cb_apply_n(deep.pointer, 1);
} catch (e) {
  console.log("deep:", e.message, "levels:", level);
}

// C passes one callback's pointer to another, which calls it via C.
const inner = new Deno.UnsafeCallback({ parameters: ["i32"], result: "i32" }, (x: number) => x * x);
const outer = new Deno.UnsafeCallback(
  { parameters: ["i32", "function"], result: "i32" },
  (x: number, f: bigint) => {
    console.log("outer got inner:", BigInt(f) === BigInt(inner.pointer));
    const call = new Deno.UnsafeFnPointer(f, { parameters: ["i32"], result: "i32" });
    return call.call(x) + 1;
  },
);
console.log("chain:", s.cb_call_chain(outer.pointer, inner.pointer, 9));

// Stored by C, called by a later FFI call.
const stored = new Deno.UnsafeCallback({ parameters: ["i32"], result: "i32" }, (x: number) => x + 1000);
s.cb_store(stored.pointer);
console.log("stored:", s.cb_call_stored(1), s.cb_call_stored(2));
s.cb_clear_stored();
console.log("cleared:", s.cb_call_stored(3));

// Closing inside the callback's own call: the stub stays valid until the
// call returns. (C must not call it again afterwards.)
const once: Deno.UnsafeCallback = new Deno.UnsafeCallback(
  { parameters: ["i32"], result: "i32" },
  (x: number) => {
    once.close();
    once.close(); // a second close does nothing
    return x + 7;
  },
);
s.cb_store(once.pointer);
console.log("closed in own call:", s.cb_call_stored(35));
s.cb_clear_stored();

// Creating a callback from inside a callback.
const factory = new Deno.UnsafeCallback({ parameters: ["i32"], result: "i32" }, (x: number) => {
  const made = new Deno.UnsafeCallback({ parameters: ["i32"], result: "i32" }, (y: number) => y * 3);
  const r = s.cb_apply_n(made.pointer, x);
  made.close();
  return r;
});
console.log("created inside:", s.cb_apply_n(factory.pointer, 4));

for (const cb of [rec, deep, inner, outer, stored, factory]) cb.close();
lib.close();
