// JS-level FFI benchmarks written against the Deno FFI API.
//
// Runs unchanged under
//   deno run --allow-ffi --unstable-ffi benches/js/ffi_bench.ts LIB [options]
//   hotcall run --allow-ffi benches/js/ffi_bench.ts LIB [options]
// where LIB is the path of the shared library built from bench_lib.c.
// Options: --runtime=NAME (label in the JSON line; default: "hotcall" when
// Deno.execPath() is a hotcall binary, else "deno"), --scale=X (multiplies every
// time budget), --only=case1,case2.
//
// Prints one "name: X ns/call" line per case and, last, one JSON line
// {"runtime": ..., "results": {case: ns, ...}}. bun_bench.ts and
// node_bench.mjs use the same case keys, harness and time budgets.

// ---------------------------------------------------------------- harness

import { CLOCK, createBench, now, options, SIGS25 } from "./harness.mjs";

// hotcall also provides Deno.version, so tell the two apart by the binary.
const defaultRuntime = /hotcall[^/\\]*$/.test(String(Deno.execPath?.() ?? "")) ? "hotcall" : "deno";
const { lib: LIB, scale: SCALE, runtime: RUNTIME, only } = options(Deno.args, "ffi_bench.ts", defaultRuntime);
const { bench, summary } = createBench({ scale: SCALE, only });

// ---------------------------------------------------------------- library

const lib = Deno.dlopen(LIB, {
  nop: { parameters: [], result: "void" },
  add_u32: { parameters: ["u32", "u32"], result: "u32" },
  add_f64: { parameters: ["f64", "f64"], result: "f64" },
  add_u64: { parameters: ["u64", "u64"], result: "u64" },
  mix10: {
    parameters: ["i32", "f64", "u32", "f32", "i64", "f64", "u8", "u64", "f32", "i16"],
    result: "f64",
  },
  hash64: { parameters: ["buffer", "usize"], result: "u32" },
  // The same C function taking the data as a pointer (no TypedArray).
  hash64_ptr: { name: "hash64", parameters: ["pointer", "usize"], result: "u32" },
  // callback: true: C calls back into JS during this call, so the call must
  // not take V8's fast path.
  call_cb: { parameters: ["function", "i32"], result: "i32", callback: true },
  // The same C function declared as Deno-era benchmark scripts declare it,
  // without `callback: true`: the call may take V8's fast path and the
  // callback then runs inside a fast call.
  call_cb_fast: { name: "call_cb", parameters: ["function", "i32"], result: "i32" },
  nb_add: { parameters: ["u32", "u32"], result: "u32", nonblocking: true },
} as const);

// The dlopen benchmark's declaration (harness.mjs SIGS25).
const DEFS25: Record<string, any> = {};
for (const [name, parameters, result] of SIGS25) DEFS25[name] = { parameters, result };
const DEFS1 = { add_u32: { parameters: ["u32", "u32"], result: "u32" } };

// ---------------------------------------------------------------- cases
// One loop function per case so every call site stays monomorphic; each
// loop returns a checksum that depends on every result.

const { nop, add_u32, add_f64, add_u64, mix10, hash64, hash64_ptr, call_cb, call_cb_fast, nb_add } = lib.symbols;

const U64_A = 1n << 60n; // results above 2^53: every runtime returns a bigint
const U64_B = 12345n;
const BUF = new Uint8Array(64);
for (let i = 0; i < 64; i++) BUF[i] = (i * 37 + 11) & 255;
const H = hash64(BUF, 64);
const BUF_PTR = Deno.UnsafePointer.of(BUF);

const cb = new Deno.UnsafeCallback({ parameters: ["i32"], result: "i32" }, (x: number) => x + 1);
const CB = cb.pointer;

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
  for (let i = 0; i < n; i++) s = (s + hash64_ptr(BUF_PTR, 64)) >>> 0;
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
function loopCallback1Fast(n: number) {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + call_cb_fast(CB, 1)) | 0;
  return s;
}
function loopCallback1000Fast(n: number) {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + call_cb_fast(CB, 1000)) | 0;
  return s;
}
async function loopNbAwait(n: number) {
  let s = 0;
  for (let i = 0; i < n; i++) s = await nb_add(s, 1);
  return s;
}
const INFLIGHT = 64;
async function loopNbConcurrent(n: number) {
  let s = 0;
  const ps = new Array(INFLIGHT);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < INFLIGHT; j++) ps[j] = nb_add(j, 1);
    const rs = await Promise.all(ps);
    for (let j = 0; j < INFLIGHT; j++) s += rs[j];
  }
  return s;
}
function dlopenLoop(defs: Record<string, any>) {
  return (n: number) => {
    const libs = new Array(n);
    const t0 = now();
    for (let i = 0; i < n; i++) libs[i] = Deno.dlopen(LIB!, defs);
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
  {
    key: "callback_1_fast", name: "call_cb(cb, 1), not declared callback: true", fn: loopCallback1Fast,
    expect: idem,
  },
  {
    key: "callback_x1000_fast", name: "callback round trip, not declared callback: true (per callback)",
    fn: loopCallback1000Fast, expect: (n) => (n * 500500) | 0, unit: 1000,
  },
  { key: "nonblocking_await", name: "nonblocking, await each", fn: loopNbAwait, expect: idem, async: true },
  {
    key: "nonblocking_x64", name: `nonblocking, ${INFLIGHT} in flight (per call)`, fn: loopNbConcurrent,
    expect: (n) => n * (INFLIGHT * (INFLIGHT + 1) / 2), unit: INFLIGHT, async: true,
  },
  { key: "dlopen_1", name: "dlopen 1 symbol", fn: dlopenLoop(DEFS1), expect: idem, selfTimed: true, maxN: 2000 },
  { key: "dlopen_25", name: "dlopen 25 symbols", fn: dlopenLoop(DEFS25), expect: idem, selfTimed: true, maxN: 500 },
];

// Sanity checks on the slow path before anything is optimized.
if (add_u32(2, 3) !== 5 || add_f64(0.5, 0.25) !== 0.75 || mix10(1, 2, 3, 4, 5, 6, 7, 8, 9, 10) !== 55 ||
    call_cb(CB, 3) !== 6 || call_cb_fast(CB, 3) !== 6 || (await nb_add(40, 2)) !== 42) {
  throw new Error("sanity check failed");
}

console.log(`# ${RUNTIME}: Deno FFI API, clock ${CLOCK}, scale ${SCALE}`);
for (const c of cases) await bench(c);
cb.close();
lib.close();
console.log(summary(RUNTIME, "deno"));
