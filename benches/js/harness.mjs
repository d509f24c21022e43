// The timing harness shared by ffi_bench.ts (Deno FFI API), bun_bench.ts
// (bun:ffi), node_bench.mjs (koffi) and the cold_dlopen scripts:
// command-line options, warm-up, timed batches, the median, the final JSON
// line, and the dlopen benchmark's signatures. Plain JavaScript so
// that Deno, hotcall, Bun and Node all import it unchanged.

const hasPerf = typeof performance === "object" && performance !== null &&
  typeof performance.now === "function";
// Date.now() ticks in whole milliseconds; every timed batch lasts about
// SAMPLE_MS (>= 100 ms), so the fallback's error stays around 1 %.
export const now = hasPerf ? () => performance.now() : () => Date.now();
export const CLOCK = hasPerf ? "performance.now" : "Date.now";

// The dlopen benchmark's 25 mixed signatures (bench_lib.c's s01..s25), in
// Deno type names; each script maps them to its runtime's types.
export const SIGS25 = [
  ["s01", [], "void"],
  ["s02", ["u8"], "u8"],
  ["s03", ["i8", "i16"], "i32"],
  ["s04", ["u16", "u32"], "u32"],
  ["s05", ["i32", "i32", "i32"], "i32"],
  ["s06", ["u64"], "u64"],
  ["s07", ["i64", "i64"], "i64"],
  ["s08", ["f32"], "f32"],
  ["s09", ["f64", "f64", "f64"], "f64"],
  ["s10", ["f32", "f64"], "f64"],
  ["s11", ["pointer"], "pointer"],
  ["s12", ["buffer", "u32"], "u32"],
  ["s13", ["bool"], "bool"],
  ["s14", ["pointer", "u64"], "void"],
  ["s15", ["function"], "i32"],
  ["s16", ["u8", "u16", "u32", "u64"], "u64"],
  ["s17", ["i8", "i16", "i32", "i64"], "i64"],
  ["s18", ["f64", "i32", "f64", "i32"], "f64"],
  ["s19", ["u32", "u32", "u32", "u32", "u32", "u32"], "u32"],
  ["s20", ["f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64"], "f64"],
  ["s21", ["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32"], "i32"],
  ["s22", ["pointer", "pointer", "u32"], "i32"],
  ["s23", ["buffer", "buffer"], "void"],
  ["s24", ["u32", "f32", "u8", "f64", "i64", "bool", "pointer", "i16", "u64", "f32"], "f64"],
  ["s25", [], "pointer"],
];

/**
 * Parses `LIB [--runtime=NAME] [--scale=X] [--only=a,b] [--other=...]`.
 * `opt(name)` reads any other `--name=value` option.
 */
export function options(argv, script, defaultRuntime) {
  const lib = argv.find((a) => !a.startsWith("--"));
  if (!lib) throw new Error(`usage: ${script} LIB_PATH [--runtime=NAME] [--scale=X] [--only=a,b]`);
  const opt = (k) => argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3);
  return {
    lib,
    opt,
    scale: Number(opt("scale") ?? 1),
    only: opt("only")?.split(","),
    runtime: opt("runtime") ?? defaultRuntime,
  };
}

/**
 * A case: `{ key, name, fn(n) -> checksum, expect(n) -> checksum,
 * unit? (calls per iteration), async?, selfTimed? (fn returns {ms, check}),
 * maxN? }`. `bench(case)` warms it up (V8/JSC optimize the loop), times
 * SAMPLES batches of about SAMPLE_MS and prints the median in ns per call.
 */
export function createBench({ scale, only }) {
  const WARM_MS = 300 * scale; // warm-up per case
  const SAMPLE_MS = 100 * scale; // length of one timed batch
  const SAMPLES = 5; // timed batches per case; the median is reported
  const results = {};
  let failures = 0;

  async function batch(c, n) {
    let ms, check;
    if (c.selfTimed) {
      ({ ms, check } = c.async ? await c.fn(n) : c.fn(n));
    } else if (c.async) {
      const t0 = now();
      check = await c.fn(n);
      ms = now() - t0;
    } else {
      const t0 = now();
      check = c.fn(n);
      ms = now() - t0;
    }
    const want = c.expect(n);
    if (check !== want) throw new Error(`${c.key}: checksum ${check} !== ${want} (n=${n})`);
    return ms;
  }

  async function bench(c) {
    if (only && !only.includes(c.key)) return;
    try {
      const maxN = c.maxN ?? 1e9;
      let n = 16;
      let ms = 0;
      const warmEnd = now() + WARM_MS;
      for (;;) {
        ms = await batch(c, n);
        if (ms < SAMPLE_MS / 8 && n < maxN) {
          n = Math.min(maxN, n * 2);
          continue;
        }
        if (now() >= warmEnd) break;
      }
      n = Math.max(1, Math.min(maxN, Math.ceil(n * SAMPLE_MS / Math.max(ms, 1))));
      const ns = [];
      for (let s = 0; s < SAMPLES; s++) {
        ns.push((await batch(c, n)) * 1e6 / (n * (c.unit ?? 1)));
      }
      ns.sort((a, b) => a - b);
      const med = ns[SAMPLES >> 1];
      results[c.key] = med;
      console.log(`${c.name}: ${med.toFixed(2)} ns/call`);
    } catch (e) {
      failures++;
      console.log(`${c.name}: ERROR ${e?.message ?? e}`);
    }
  }

  /** The last line every script prints: what report.mjs reads. */
  function summary(runtime, api) {
    return JSON.stringify({ runtime, api, clock: CLOCK, results, failures });
  }

  return { bench, summary };
}

/**
 * The cold_dlopen measurement: `open()` makes a library of the SIGS25
 * symbols, `argFor(type)` an argument of a Deno type name. Opens, calls
 * each symbol once, opens again and calls again; returns the line to print
 * (microseconds per step). Two loops, not one helper: a shared call site
 * would see both libraries.
 */
export function coldOpens(open, argFor) {
  const t0 = now();
  const lib = open();
  const t1 = now();
  for (const [name, params] of SIGS25) lib.symbols[name](...params.map(argFor));
  const t2 = now();
  const lib2 = open();
  const t3 = now();
  for (const [name, params] of SIGS25) lib2.symbols[name](...params.map(argFor));
  const t4 = now();
  const us = (ms) => (ms * 1000).toFixed(0);
  return `first dlopen ${us(t1 - t0)} us, first call of each ${us(t2 - t1)} us, ` +
    `second dlopen ${us(t3 - t2)} us, its first calls ${us(t4 - t3)} us`;
}
