// cold_dlopen.ts for Bun (bun:ffi): `bun benches/js/cold_dlopen_bun.ts LIB`.

import { dlopen, FFIType as T } from "bun:ffi";
import { now, SIGS25 } from "./harness.mjs";

const LIB = process.argv[2];
const BUN_TYPE: Record<string, any> = {
  void: T.void, bool: T.bool, u8: T.u8, i8: T.i8, u16: T.u16, i16: T.i16, u32: T.u32, i32: T.i32,
  u64: T.u64, i64: T.i64, f32: T.f32, f64: T.f64, pointer: T.ptr, buffer: T.ptr, function: T.function,
};
const defs: Record<string, any> = {};
for (const [name, params, result] of SIGS25) {
  defs[name] = { args: params.map((p) => BUN_TYPE[p]), returns: BUN_TYPE[result] };
}

const buf = new Uint8Array(8);
const argFor = (t: string) =>
  t === "bool" ? true : t === "buffer" ? buf : t === "u64" || t === "i64" ? 1n :
  t === "pointer" ? null : 1; // a function pointer: any non-null number

const t0 = now();
const lib = dlopen(LIB, defs);
const t1 = now();
// Two loops, not one helper: a shared call site would see both libraries.
for (const [name, params] of SIGS25) lib.symbols[name](...params.map(argFor));
const t2 = now();
const lib2 = dlopen(LIB, defs);
const t3 = now();
for (const [name, params] of SIGS25) lib2.symbols[name](...params.map(argFor));
const t4 = now();
const us = (ms: number) => (ms * 1000).toFixed(0);
console.log(
  `first dlopen ${us(t1 - t0)} us, first call of each ${us(t2 - t1)} us, ` +
    `second dlopen ${us(t3 - t2)} us, its first calls ${us(t4 - t3)} us`,
);
