// cold_dlopen.ts for Bun (bun:ffi): `bun benches/js/cold_dlopen_bun.ts LIB`.

import { dlopen, FFIType as T } from "bun:ffi";
import { coldOpens, SIGS25 } from "./harness.mjs";

const LIB = process.argv[2];
const defs: Record<string, any> = {};
for (const [name, params, result] of SIGS25) {
  const type = (t: string) => (t === "pointer" || t === "buffer" ? T.ptr : (T as any)[t]);
  defs[name] = { args: params.map(type), returns: type(result) };
}

const buf = new Uint8Array(8);
// A function pointer: any non-null number (s15 only compares it with NULL).
const argFor = (t: string) =>
  t === "bool" ? true : t === "buffer" ? buf : t === "u64" || t === "i64" ? 1n :
  t === "pointer" ? null : 1;
console.log(coldOpens(() => dlopen(LIB, defs), argFor));
