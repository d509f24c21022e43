// JS-level FFI benchmarks for Bun, through bun:ffi (dlopen, FFIType,
// JSCallback). The same cases, keys, harness and time budgets as
// ffi_bench.ts (Deno FFI API); cases bun:ffi cannot express are left out
// (bun:ffi has no nonblocking/async calls).
//
//   bun run benches/js/bun_bench.ts LIB [--runtime=NAME] [--scale=X] [--only=a,b]
//
// Prints one "name: X ns/call" line per case and, last, one JSON line.

import { dlopen, FFIType, JSCallback, ptr } from "bun:ffi";

// ---------------------------------------------------------------- harness

import { CLOCK, createBench, now, options, SIGS25 } from "./harness.mjs";

const { lib: LIB, scale: SCALE, runtime: RUNTIME, only } = options(process.argv.slice(2), "bun_bench.ts", "bun");
const { bench, summary } = createBench({ scale: SCALE, only });

// ---------------------------------------------------------------- library

const T = FFIType;
const lib = dlopen(LIB, {
  nop: { args: [], returns: T.void },
  add_u32: { args: [T.u32, T.u32], returns: T.u32 },
  add_f64: { args: [T.f64, T.f64], returns: T.f64 },
  add_u64: { args: [T.u64, T.u64], returns: T.u64 },
  mix10: {
    args: [T.i32, T.f64, T.u32, T.f32, T.i64, T.f64, T.u8, T.u64, T.f32, T.i16],
    returns: T.f64,
  },
  // A TypedArray passed for a ptr argument is converted to its address.
  hash64: { args: [T.ptr, T.u64], returns: T.u32 },
  call_cb: { args: [T.function, T.i32], returns: T.i32 },
});

// The dlopen benchmark's signatures (harness.mjs SIGS25) mapped to bun:ffi
// types: buffer -> ptr (TypedArray accepted).
const BUN_TYPE: Record<string, any> = {
  void: T.void, bool: T.bool, u8: T.u8, i8: T.i8, u16: T.u16, i16: T.i16, u32: T.u32, i32: T.i32,
  u64: T.u64, i64: T.i64, f32: T.f32, f64: T.f64, pointer: T.ptr, buffer: T.ptr, function: T.function,
};
const DEFS25: Record<string, any> = {};
for (const [name, params, result] of SIGS25) {
  DEFS25[name] = { args: params.map((p) => BUN_TYPE[p]), returns: BUN_TYPE[result] };
}
const DEFS1 = { add_u32: { args: [T.u32, T.u32], returns: T.u32 } };

// ---------------------------------------------------------------- cases

const { nop, add_u32, add_f64, add_u64, mix10, hash64, call_cb } = lib.symbols;

const U64_A = 1n << 60n; // results above 2^53: every runtime returns a bigint
const U64_B = 12345n;
const BUF = new Uint8Array(64);
for (let i = 0; i < 64; i++) BUF[i] = (i * 37 + 11) & 255;
const H = hash64(BUF, 64);
// The pointer row: the same symbol (its argument is a T.ptr) given the
// address as a number instead of the TypedArray.
const BUF_PTR = ptr(BUF);

const cb = new JSCallback((x: number) => x + 1, { args: [T.i32], returns: T.i32 });
const CB = cb.ptr;

function loopNop(n: number) {
  for (let i = 0; i < n; i++) nop();
  return n;
}
function loopAddU32(n: number) {
  let s = 0;
  for (let i = 0; i < n; i++) s = add_u32(s, 1);
  return s;
}
function loopAddF64(n: number) {
  let s = 0;
  for (let i = 0; i < n; i++) s = add_f64(s, 1);
  return s;
}
function loopAddU64(n: number) {
  let r: any = 0n;
  for (let i = 0; i < n; i++) r = add_u64(U64_A, U64_B);
  return BigInt(r) === U64_A + U64_B ? n : -1;
}
// 64-bit integer arguments as bigints (the type the Deno API documents
// for them, and the one Deno 2 takes on its fast path) ...
function loopMix10(n: number) {
  let s = 0;
  for (let i = 0; i < n; i++) s = mix10(1, s, 3, 4, 5n, 6, 7, 8n, 9, 10);
  return s;
}
// ... and as plain numbers (also accepted by every runtime here).
function loopMix10Num(n: number) {
  let s = 0;
  for (let i = 0; i < n; i++) s = mix10(1, s, 3, 4, 5, 6, 7, 8, 9, 10);
  return s;
}
function loopHash64(n: number) {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + hash64(BUF, 64n)) >>> 0; // size_t length as bigint, like mix10
  return s;
}
function loopHash64Num(n: number) {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + hash64(BUF, 64)) >>> 0;
  return s;
}
function loopHash64Ptr(n: number) {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + hash64(BUF_PTR, 64)) >>> 0;
  return s;
}
function loopCallback1(n: number) {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + call_cb(CB, 1)) | 0;
  return s;
}
function loopCallback1000(n: number) {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + call_cb(CB, 1000)) | 0;
  return s;
}
function dlopenLoop(defs: Record<string, any>) {
  return (n: number) => {
    const libs = new Array(n);
    const t0 = now();
    for (let i = 0; i < n; i++) libs[i] = dlopen(LIB!, defs);
    const ms = now() - t0;
    for (let i = 0; i < n; i++) libs[i].close();
    return { ms, check: n };
  };
}

const idem = (n: number) => n;
const u32 = (x: bigint) => Number(x & 0xffffffffn);
const cases = [
  { key: "nop", name: "nop()", fn: loopNop, expect: idem },
  { key: "add_u32", name: "add_u32(u32, u32)", fn: loopAddU32, expect: (n) => n >>> 0 },
  { key: "add_f64", name: "add_f64(f64, f64)", fn: loopAddF64, expect: idem },
  { key: "add_u64", name: "add_u64(u64, u64) bigint", fn: loopAddU64, expect: idem },
  { key: "mix10", name: "mix10 (10 mixed args)", fn: loopMix10, expect: (n) => 53 * n },
  { key: "mix10_num", name: "mix10, 64-bit args as numbers", fn: loopMix10Num, expect: (n) => 53 * n },
  { key: "hash64", name: "hash64 (64-byte buffer)", fn: loopHash64, expect: (n) => u32(BigInt(H) * BigInt(n)) },
  {
    key: "hash64_num", name: "hash64, size_t as number", fn: loopHash64Num,
    expect: (n) => u32(BigInt(H) * BigInt(n)),
  },
  {
    key: "hash64_ptr", name: "hash64, pointer instead of buffer", fn: loopHash64Ptr,
    expect: (n) => u32(BigInt(H) * BigInt(n)),
  },
  { key: "callback_1", name: "call_cb(cb, 1) (FFI call + 1 callback)", fn: loopCallback1, expect: idem },
  {
    key: "callback_x1000", name: "callback round trip (call_cb(cb, 1000), per callback)",
    fn: loopCallback1000, expect: (n) => (n * 500500) | 0, unit: 1000,
  },
  { key: "dlopen_1", name: "dlopen 1 symbol", fn: dlopenLoop(DEFS1), expect: idem, selfTimed: true, maxN: 2000 },
  { key: "dlopen_25", name: "dlopen 25 symbols", fn: dlopenLoop(DEFS25), expect: idem, selfTimed: true, maxN: 500 },
];

if (add_u32(2, 3) !== 5 || add_f64(0.5, 0.25) !== 0.75 || mix10(1, 2, 3, 4, 5, 6, 7, 8, 9, 10) !== 55 ||
    call_cb(CB, 3) !== 6) {
  throw new Error("sanity check failed");
}

console.log(`# ${RUNTIME}: bun:ffi, clock ${CLOCK}, scale ${SCALE}`);
for (const c of cases) await bench(c);
cb.close();
lib.close();
console.log(summary(RUNTIME, "bun:ffi"));
