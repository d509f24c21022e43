// @flags: --allow-ffi
// Declaration limits (docs/limits.md): at most 255 parameters, 1023 fields
// per struct, structs nested 63 deep, 4096 types per declaration. Beyond
// them, dlopen, UnsafeCallback and UnsafeFnPointer throw a TypeError naming
// the symbol and the limit, fast (array lengths are checked before anything
// is read or allocated; nothing is compiled). At the limits, calls work.

const LIB = Deno.args[0];

function report(label: string, f: () => unknown) {
  const started = Date.now();
  let outcome;
  try {
    const r = f();
    outcome = "no throw: " + r;
  } catch (e) {
    const err = e as Error;
    outcome = err.constructor.name + ": " + err.message;
  }
  // Every case here is well under a second; the bound is for slow machines.
  const fast = Date.now() - started < 2000;
  console.log(label, fast ? "(fast)" : "(SLOW)", "->", outcome);
}

function sparse(length: number): unknown[] {
  const a: unknown[] = [];
  a.length = length;
  return a;
}

function nested(depth: number): unknown {
  let t: unknown = { struct: ["u8"] };
  for (let i = 1; i < depth; i++) t = { struct: [t] };
  return t;
}

const open = (parameters: unknown[], result: unknown = "void") => () =>
  Deno.dlopen(LIB, { f: { name: "ty_calls", parameters, result } } as any);
const callback = (parameters: unknown[], result: unknown = "void") => () =>
  new Deno.UnsafeCallback({ parameters, result } as any, () => {});
const fnPointer = (parameters: unknown[]) => () =>
  new Deno.UnsafeFnPointer(8 as any, { parameters, result: "void" } as any);

console.log("-- over the limits");
report("parameters: sparse 2**32-1", open(sparse(2 ** 32 - 1)));
report("parameters: sparse 1e8", open(sparse(1e8)));
report("parameters: 256", open(Array(256).fill("i32")));
report("struct fields: sparse 2**32-1", open([{ struct: sparse(2 ** 32 - 1) }]));
report("struct fields: sparse 1e8", open(["u8", { struct: sparse(1e8) }]));
report("struct fields: 1024", open([], { struct: Array(1024).fill("u8") }));
report("struct depth: 4000", open([nested(4000)]));
report("struct depth: 64", open(["i32", nested(64)]));
report("struct depth: 64 (result)", open([], nested(64)));
const wide = { struct: Array(100).fill("u8") };
report("types: 100 x 100 fields", open(Array(100).fill(wide)));
// A struct used twice at every level: 2^40 leaves if nothing stopped it.
let dag: unknown = { struct: ["u8"] };
for (let i = 0; i < 40; i++) dag = { struct: [dag, dag] };
report("types: shared struct 40 deep", open([dag]));
report("UnsafeCallback: 70000 parameters", callback(Array(70000).fill("i32")));
report("UnsafeCallback: sparse 2**32-1", callback(sparse(2 ** 32 - 1)));
report("UnsafeCallback: struct depth 4000", callback([], nested(4000)));
report("UnsafeFnPointer: 70000 parameters", fnPointer(Array(70000).fill("i32")));
report("UnsafeFnPointer: sparse 1e8", fnPointer(sparse(1e8)));

console.log("-- cycles are still recursive structs, at any depth");
const cyc: { struct: unknown[] } = { struct: ["u8"] };
cyc.struct.push(cyc);
report("cycle", open([cyc]));
const deepCyc: { struct: unknown[] } = { struct: [] };
let inner: { struct: unknown[] } = deepCyc;
for (let i = 0; i < 60; i++) {
  const next = { struct: ["u8"] as unknown[] };
  inner.struct.push(next);
  inner = next;
}
inner.struct.push(deepCyc);
report("cycle 61 deep", open([deepCyc]));

console.log("-- at the limits");
const weights = Array.from({ length: 255 }, (_, i) => (i % 7) - 3);
const lib = Deno.dlopen(LIB, {
  lim_weighted_255: { parameters: Array(255).fill("i32"), result: "i64" },
  lim_byte_plus_one: { parameters: [nested(63)], result: "u8" },
  lim_wide_weighted: { parameters: [{ struct: Array(1023).fill("u8") }], result: "u32" },
} as any);
const s = lib.symbols as any;
console.log("255 parameters:", s.lim_weighted_255(...weights));
console.log("struct 63 deep:", s.lim_byte_plus_one(new Uint8Array([41])));
const bytes = Uint8Array.from({ length: 1023 }, (_, i) => i % 256);
console.log("struct of 1023 fields:", s.lim_wide_weighted(bytes));
// A callback of 255 parameters, called from C through an invoker of 255.
const def = { parameters: Array(255).fill("i32"), result: "i64" } as const;
let seen: number[] = [];
const cb = new Deno.UnsafeCallback(def as any, (...args: number[]) => {
  seen = args;
  return args.reduce((acc, a, i) => acc + a * (i + 1), 0);
});
const viaPointer = new Deno.UnsafeFnPointer(cb.pointer, def as any);
console.log("callback of 255 parameters:", (viaPointer as any).call(...weights));
console.log("it saw every argument:", seen.length, seen.every((a, i) => a === weights[i]));
cb.close();
lib.close();
console.log("done");
