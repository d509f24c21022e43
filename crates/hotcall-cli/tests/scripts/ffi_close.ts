// @flags: --allow-ffi --v8-flags=--allow-natives-syntax
// close(): later calls throw an Error naming the symbol (also from a caller
// that was optimized with the fast call inlined), closing twice is a no-op,
// other handles of the same library keep working, and a C thread still
// running library code at exit does not crash (libraries are only
// unloaded by close()).

const prepare = new Function("f", "%PrepareFunctionForOptimization(f)");
const optimize = new Function("f", "%OptimizeFunctionOnNextCall(f)");
const decl = {
  ty_id_i32: { parameters: ["i32"], result: "i32" },
  ty_id_u64: { parameters: ["u64"], result: "u64" },
  ty_id_ptr: { parameters: ["pointer"], result: "pointer" },
  alias: { name: "ty_id_i32", parameters: ["i32"], result: "i32" },
  ty_slow_add: { parameters: ["u32", "i32", "i32"], result: "i32", nonblocking: true },
} as const;
const lib = Deno.dlopen(Deno.args[0], decl);
const other = Deno.dlopen(Deno.args[0], decl);
const s = lib.symbols;

function report(f: () => unknown) {
  try {
    console.log("no throw:", f());
  } catch (e) {
    console.log((e as Error).constructor.name + ": " + (e as Error).message.replace(Deno.args[0], "LIB"));
  }
}

// An optimized caller of each kind of result.
const callI32 = (x: number) => s.ty_id_i32(x);
const callU64 = (x: number) => s.ty_id_u64(x);
const callPtr = (x: bigint) => s.ty_id_ptr(x);
for (const [f, arg] of [[callI32, 5], [callU64, 6], [callPtr, 7n]] as const) {
  prepare(f);
  for (let i = 0; i < 30; i++) (f as (x: unknown) => unknown)(arg);
  optimize(f);
  console.log("optimized:", (f as (x: unknown) => unknown)(arg));
}
const pending = s.ty_slow_add(100, 20, 22);
lib.close();
report(() => callI32(5));
report(() => callU64(6));
report(() => callPtr(7n));
report(() => s.ty_id_i32(1));
report(() => s.alias(1));
report(() => s.ty_slow_add(1, 1, 1));
// Wrong arity after close: the closed error wins.
report(() => (s.ty_id_i32 as (...a: unknown[]) => unknown)());
lib.close();
console.log("closed twice: ok");
console.log("in flight during close:", await pending);
console.log("other handle:", other.symbols.ty_id_i32(9), other.symbols.ty_id_u64(2n ** 60n));
// Left running at exit: a nonblocking call sleeping in library code, and
// C threads looping in library code. The isolate is torn down while they
// run; the library must stay mapped (no crash, exit code 0).
other.symbols.ty_slow_add(300, 0, 0);
const spin = Deno.dlopen(Deno.args[0], { ty_spawn_spinner: { parameters: [], result: "i32" } });
console.log("spinners:", [1, 2, 3].map(() => spin.symbols.ty_spawn_spinner()));
console.log("done");
