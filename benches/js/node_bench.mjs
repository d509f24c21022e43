// JS-level FFI benchmarks for Node.js, which has no built-in FFI: through
// koffi (npm). The same cases, keys, harness and time budgets as
// ffi_bench.ts (Deno FFI API).
//
//   node benches/js/node_bench.mjs LIB [--koffi=PATH] [--runtime=NAME] [--scale=X] [--only=a,b]
//
// --koffi is the koffi package directory (default: resolve "koffi" from
// here). Prints one "name: X ns/call" line per case and, last, one JSON line.

import { createRequire } from "node:module";

// ---------------------------------------------------------------- harness

import { CLOCK, createBench, now, options, SIGS25 } from "./harness.mjs";

const { lib: LIB, scale: SCALE, runtime: RUNTIME, only, opt } = options(process.argv.slice(2), "node_bench.mjs", "node");
const { bench, summary } = createBench({ scale: SCALE, only });

// ---------------------------------------------------------------- library

const require = createRequire(import.meta.url);
const koffi = require(opt("koffi") ?? "koffi");

const lib = koffi.load(LIB);
const CbType = koffi.proto("int32_t bench_cb_t(int32_t)");
const nop = lib.func("nop", "void", []);
const add_u32 = lib.func("add_u32", "uint32_t", ["uint32_t", "uint32_t"]);
const add_f64 = lib.func("add_f64", "double", ["double", "double"]);
const add_u64 = lib.func("add_u64", "uint64_t", ["uint64_t", "uint64_t"]);
const mix10 = lib.func("mix10", "double",
  ["int32_t", "double", "uint32_t", "float", "int64_t", "double", "uint8_t", "uint64_t", "float", "int16_t"]);
// A TypedArray passed for a pointer argument passes its bytes.
const hash64 = lib.func("hash64", "uint32_t", ["const uint8_t *", "size_t"]);
const call_cb = lib.func("call_cb", "int32_t", [koffi.pointer(CbType), "int32_t"]);
const nb_add_fn = lib.func("nb_add", "uint32_t", ["uint32_t", "uint32_t"]);
// koffi's asynchronous calls take a Node-style callback; wrap them in a
// Promise like Deno's nonblocking symbols.
const nb_add = (a, b) => new Promise((resolve, reject) =>
  nb_add_fn.async(a, b, (err, res) => (err ? reject(err) : resolve(res))));

// The 25 mixed signatures (harness.mjs SIGS25) in C type names for koffi.
const C_TYPE = {
  void: "void", bool: "bool", u8: "uint8_t", i8: "int8_t", u16: "uint16_t", i16: "int16_t",
  u32: "uint32_t", i32: "int32_t", u64: "uint64_t", i64: "int64_t", f32: "float", f64: "double",
  pointer: "void *", buffer: "const uint8_t *", function: "void *",
};
// koffi's equivalent of dlopen with symbols: load + one lib.func per symbol.
function open25() {
  const l = koffi.load(LIB);
  const symbols = {};
  for (const [name, params, result] of SIGS25) {
    symbols[name] = l.func(name, C_TYPE[result], params.map((p) => C_TYPE[p]));
  }
  return { lib: l, symbols };
}
function open1() {
  const l = koffi.load(LIB);
  return { lib: l, symbols: { add_u32: l.func("add_u32", "uint32_t", ["uint32_t", "uint32_t"]) } };
}

// ---------------------------------------------------------------- cases

const U64_A = 1n << 60n; // results above 2^53: every runtime returns a bigint
const U64_B = 12345n;
const BUF = new Uint8Array(64);
for (let i = 0; i < 64; i++) BUF[i] = (i * 37 + 11) & 255;
const H = hash64(BUF, 64);

const CB = koffi.register((x) => x + 1, koffi.pointer(CbType));

function loopNop(n) {
  for (let i = 0; i < n; i++) nop();
  return n;
}
function loopAddU32(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s = add_u32(s, 1);
  return s;
}
function loopAddF64(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s = add_f64(s, 1);
  return s;
}
function loopAddU64(n) {
  let r = 0n;
  for (let i = 0; i < n; i++) r = add_u64(U64_A, U64_B);
  return BigInt(r) === U64_A + U64_B ? n : -1;
}
// 64-bit integer arguments as bigints (the type the Deno API documents
// for them, and the one Deno 2 takes on its fast path) ...
function loopMix10(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s = mix10(1, s, 3, 4, 5n, 6, 7, 8n, 9, 10);
  return s;
}
// ... and as plain numbers (also accepted by every runtime here).
function loopMix10Num(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s = mix10(1, s, 3, 4, 5, 6, 7, 8, 9, 10);
  return s;
}
function loopHash64(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + hash64(BUF, 64n)) >>> 0; // size_t length as bigint, like mix10
  return s;
}
function loopHash64Num(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + hash64(BUF, 64)) >>> 0;
  return s;
}
function loopCallback1(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + call_cb(CB, 1)) | 0;
  return s;
}
function loopCallback1000(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + call_cb(CB, 1000)) | 0;
  return s;
}
async function loopNbAwait(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s = await nb_add(s, 1);
  return s;
}
const INFLIGHT = 64;
async function loopNbConcurrent(n) {
  let s = 0;
  const ps = new Array(INFLIGHT);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < INFLIGHT; j++) ps[j] = nb_add(j, 1);
    const rs = await Promise.all(ps);
    for (let j = 0; j < INFLIGHT; j++) s += rs[j];
  }
  return s;
}
function dlopenLoop(open) {
  return (n) => {
    const libs = new Array(n);
    const t0 = now();
    for (let i = 0; i < n; i++) libs[i] = open();
    const ms = now() - t0;
    for (let i = 0; i < n; i++) libs[i].lib.unload();
    return { ms, check: n };
  };
}

const idem = (n) => n;
const u32 = (x) => Number(x & 0xffffffffn);
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
  { key: "callback_1", name: "call_cb(cb, 1) (FFI call + 1 callback)", fn: loopCallback1, expect: idem },
  {
    key: "callback_x1000", name: "callback round trip (call_cb(cb, 1000), per callback)",
    fn: loopCallback1000, expect: (n) => (n * 500500) | 0, unit: 1000,
  },
  { key: "nonblocking_await", name: "nonblocking, await each", fn: loopNbAwait, expect: idem, async: true },
  {
    key: "nonblocking_x64", name: `nonblocking, ${INFLIGHT} in flight (per call)`, fn: loopNbConcurrent,
    expect: (n) => n * (INFLIGHT * (INFLIGHT + 1) / 2), unit: INFLIGHT, async: true,
  },
  { key: "dlopen_1", name: "dlopen 1 symbol", fn: dlopenLoop(open1), expect: idem, selfTimed: true, maxN: 2000 },
  { key: "dlopen_25", name: "dlopen 25 symbols", fn: dlopenLoop(open25), expect: idem, selfTimed: true, maxN: 500 },
];

if (add_u32(2, 3) !== 5 || add_f64(0.5, 0.25) !== 0.75 || mix10(1, 2, 3, 4, 5, 6, 7, 8, 9, 10) !== 55 ||
    call_cb(CB, 3) !== 6 || (await nb_add(40, 2)) !== 42) {
  throw new Error("sanity check failed");
}

console.log(`# ${RUNTIME}: koffi ${koffi.version}, clock ${CLOCK}, scale ${SCALE}`);
for (const c of cases) await bench(c);
koffi.unregister(CB);
lib.unload();
console.log(summary(RUNTIME, `koffi ${koffi.version}`));
