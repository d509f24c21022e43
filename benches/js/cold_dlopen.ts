// The first dlopen of a process, which the dlopen rows (repeated opens) do
// not show: opens the 25 SIGS25 symbols in a fresh process, calls each
// once, then opens and calls them again, timing each step. Deno FFI API:
//   hotcall run --allow-ffi benches/js/cold_dlopen.ts LIB
//   deno run --allow-ffi benches/js/cold_dlopen.ts LIB
// (Bun: cold_dlopen_bun.ts.) Prints one line of microseconds; run it a few
// times, each in a new process (docs/benchmarks.md, "Cold dlopen").

import { coldOpens, SIGS25 } from "./harness.mjs";

const LIB = Deno.args[0];
const defs: Record<string, any> = {};
for (const [name, parameters, result] of SIGS25) defs[name] = { parameters, result };

const buf = new Uint8Array(8);
// A non-null function pointer (s15 only compares it with NULL); Deno 2
// wants pointer objects, Deno 1.x and hotcall numbers.
const FN = (Deno.UnsafePointer as any).create?.(1n) ?? 1;
const argFor = (t: string) =>
  t === "bool" ? true : t === "buffer" ? buf : t === "u64" || t === "i64" ? 1n :
  t === "pointer" ? null : t === "function" ? FN : 1;
console.log(coldOpens(() => Deno.dlopen(LIB, defs), argFor));
