// @flags: --allow-ffi --v8-flags=--allow-natives-syntax
// Reopening a closed library reuses its symbol functions, trampolines and
// out cells (src/symbol_pool.rs in hotcall-v8). The reopened symbols must
// call the right code in every mode (fast with direct and out-slot
// results, slow only, struct by value, nonblocking), carry their new names
// in messages, keep the results of libraries open at the same time apart,
// still take V8's fast path, and the closed library's symbols must keep
// throwing after their functions went to another library.

const internals = (Deno as any)[Symbol.for("hotcall.internals")];
const prepare = new Function("f", "%PrepareFunctionForOptimization(f)");
const optimize = new Function("f", "%OptimizeFunctionOnNextCall(f)");
const point = { struct: ["i32", "i32"] } as const;
const declFor = (key: string) => ({
  [key]: { name: "ty_id_i32", parameters: ["i32"], result: "i32" },
  ty_id_u64: { parameters: ["u64"], result: "u64" },
  ty_id_ptr: { parameters: ["pointer"], result: "pointer" },
  ty_add_u64: { parameters: ["u64", "u64"], result: "u64" },
  slow_i32: { name: "ty_id_i32", parameters: ["i32"], result: "i32", callback: true },
  ty_point_sum: { parameters: [point], result: "i32" },
  ty_slow_add: { parameters: ["u32", "i32", "i32"], result: "i32", nonblocking: true },
}) as any;

function report(f: () => unknown) {
  try {
    console.log("no throw:", f());
  } catch (e) {
    console.log((e as Error).constructor.name + ": " + (e as Error).message.replace(Deno.args[0], "LIB"));
  }
}

const closed: any[] = [];
for (const key of ["first", "second", "third"]) {
  const lib = Deno.dlopen(Deno.args[0], declFor(key));
  const s = lib.symbols;
  console.log(
    key,
    s[key](key.length),
    s.ty_id_u64(2n ** 60n + BigInt(key.length)),
    s.ty_id_ptr(4096 + key.length),
    s.ty_add_u64(2n ** 62n, 2n ** 62n),
    s.ty_add_u64(key.length, 1),
    s.slow_i32(-key.length),
    s.ty_point_sum(new Int32Array([key.length, 100])),
    await s.ty_slow_add(0, key.length, 1000),
  );
  // The new key names the symbol in messages.
  report(() => s[key]("x"));
  lib.close();
  closed.push(s);
}
// Every closed generation throws, also now that its functions serve others.
const reopened = Deno.dlopen(Deno.args[0], declFor("fourth"));
for (const s of closed) report(() => s.ty_id_u64(1n));
report(() => closed[0].first(1));
report(() => closed[2].ty_slow_add(0, 1, 1));

// Two libraries open at once (one on reused functions, one on new ones):
// their out-slot results do not overwrite each other.
const fresh = Deno.dlopen(Deno.args[0], declFor("fifth"));
const a = reopened.symbols, b = fresh.symbols;
console.log(
  "apart:",
  [a.ty_id_u64(2n ** 60n + 1n), b.ty_id_u64(2n ** 60n + 2n), a.ty_id_u64(3), b.ty_id_ptr(4), a.ty_id_ptr(5)],
);

// A reused fast symbol is still called through V8's fast path.
const callU64 = (x: bigint) => a.ty_id_u64(x);
const callI32 = (x: number) => a.fourth(x);
for (const [f, arg] of [[callU64, 2n ** 61n], [callI32, 8]] as const) {
  prepare(f);
  for (let i = 0; i < 30; i++) (f as (x: unknown) => unknown)(arg);
  optimize(f);
  (f as (x: unknown) => unknown)(arg);
  const before = internals.slowCalls();
  let last;
  for (let i = 0; i < 1000; i++) last = (f as (x: unknown) => unknown)(arg);
  console.log("fast after reuse:", last, internals.slowCalls() - before);
}
reopened.close();
fresh.close();
report(() => callU64(1n));
console.log("resources:", Object.values(Deno.resources()).filter((n) => n === "dynamicLibrary").length);
