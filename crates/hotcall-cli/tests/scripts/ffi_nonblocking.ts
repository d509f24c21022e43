// @flags: --allow-ffi
// nonblocking: true symbols: a Promise per call, many calls in flight at
// once on the worker pool while the JS thread keeps running, buffers kept
// alive and mutated by C on a worker thread (visible after await), 64-bit,
// pointer and struct results, and argument errors. Argument errors (wrong
// arity, wrong types, detached buffers, a closed library) are checked on
// the JS thread before anything is queued, so they throw synchronously,
// like the synchronous symbols; the Promise never rejects for them.

const point = { struct: ["i32", "i32"] } as const;
const lib = Deno.dlopen(Deno.args[0], {
  ty_slow_add: { parameters: ["u32", "i32", "i32"], result: "i32", nonblocking: true },
  ty_max_concurrency: { parameters: [], result: "i32" },
  rv_reset: { parameters: [], result: "void" },
  rv_meet: { parameters: ["i32", "u32"], result: "i32", nonblocking: true },
  ty_slow_fill: { parameters: ["buffer", "usize", "u8", "u32"], result: "u32", nonblocking: true },
  ty_slow_u64: { parameters: ["u64", "u32"], result: "u64", nonblocking: true },
  ty_slow_ptr: { parameters: ["pointer", "u32"], result: "pointer", nonblocking: true },
  ty_slow_point: { parameters: [point, "u32"], result: point, nonblocking: true },
  ty_nop: { parameters: [], result: "void", nonblocking: true },
  ty_not: { parameters: ["bool"], result: "bool", nonblocking: true },
});
const s = lib.symbols;

function report(e: unknown) {
  const err = e as Error;
  console.log(err.constructor.name + ": " + err.message);
}

// A Promise, not the value.
const p = s.ty_slow_add(1, 2, 3);
console.log(p instanceof Promise, await p);
console.log("void:", await s.ty_nop(), "bool:", await s.ty_not(false));

// 24 calls in flight; the JS thread keeps running (timers fire) meanwhile.
let ticks = 0;
const timer = setInterval(() => ticks++, 5);
const results = await Promise.all(Array.from({ length: 24 }, (_, i) => s.ty_slow_add(40, i, 1000)));
clearInterval(timer);
console.log("results:", results.join(","));
console.log("all correct:", results.every((r, i) => r === i + 1000));
console.log("JS ran while C slept:", ticks > 0);
// Real overlap: two calls that each wait (up to 3 s) for the other. Run
// one after the other, the first times out alone and returns 0. (The pool
// has one thread per CPU: this needs a machine with two or more.) Also at
// least two of the 24 calls above were inside C at the same moment.
s.rv_reset();
const met = await Promise.all([s.rv_meet(2, 3000), s.rv_meet(2, 3000)]);
console.log("calls overlapped:", met.join(","), "max in C at once >= 2:", s.ty_max_concurrency() >= 2);

// A buffer is passed without copying and kept alive until the call ends:
// C fills it on a worker thread; the bytes are visible after await. The
// array is dropped by JS right away (only the call keeps it alive).
let view: Uint8Array | null = new Uint8Array(8);
const kept = new WeakRef(view);
const fill = s.ty_slow_fill(view.subarray(2, 6), 4, 10, 30);
const check = view;
view = null;
console.log("before:", check);
console.log("sum:", await fill, "after:", check, kept.deref() === check);
// A buffer nobody else references: the call must still have valid bytes.
const sums = await Promise.all([1, 2, 3].map((k) => s.ty_slow_fill(new Uint8Array(1000), 1000, k, 10)));
console.log("sums of unreferenced buffers:", sums);

// 64-bit, pointer and struct results.
console.log("u64:", await s.ty_slow_u64(2n ** 64n - 1n, 1), await s.ty_slow_u64(42, 1));
console.log("pointer:", await s.ty_slow_ptr(0xdeadn, 1), await s.ty_slow_ptr(null, 1));
const pt = await s.ty_slow_point(new Int32Array([3, -4]), 5);
console.log("struct:", pt.constructor.name, new Int32Array(pt.buffer));

// Argument errors throw synchronously (no Promise is created).
for (const bad of [
  () => s.ty_slow_add(1, 2),
  () => s.ty_slow_add(1, 2, "3"),
  () => s.ty_slow_fill(42, 1, 1, 1),
  () => s.ty_slow_point(new Uint8Array(4), 1),
  () => s.ty_not(1),
  () => {
    const d = new Uint8Array(4);
    d.buffer.transfer();
    return s.ty_slow_fill(d, 4, 1, 1);
  },
]) {
  try {
    const r = bad();
    console.log("no throw:", r instanceof Promise ? "a Promise" : r);
  } catch (e) {
    report(e);
  }
}

// close() with calls in flight: they finish (the library stays loaded
// until the last one returns); later calls throw.
const inFlight = [s.ty_slow_add(50, 1, 1), s.ty_slow_add(50, 2, 2), s.ty_slow_fill(new Uint8Array(4), 4, 1, 50)];
lib.close();
console.log("after close, in flight:", await Promise.all(inFlight));
try {
  s.ty_slow_add(1, 1, 1);
} catch (e) {
  report(e);
}
console.log("done");
