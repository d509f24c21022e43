// @flags: --allow-ffi --v8-flags=--expose-gc
// Soak test: each scenario runs a fixed number of times after a warm-up,
// and the growth of the resident set size after GC, measured from inside
// the process, must stay within the documented bound (docs/runtime.md,
// "Memory under load"). Counts are fixed, so the check does not depend on
// machine speed; bounds are several times above what this build measures
// and below what the leaks fixed in issue 7 cost.

const LIB = Deno.args[0];
const lib = Deno.dlopen(LIB, {
  soak_threads: { parameters: ["function", "i32", "i32"], result: "i32", nonblocking: true },
  soak_nop_nb: { name: "soak_nop", parameters: ["i32"], result: "i32", nonblocking: true },
});

function rss(): number {
  // @ts-ignore: gc() exists with --expose-gc
  gc();
  // @ts-ignore
  gc();
  return Deno.memoryUsage().rss;
}

let failed = false;
async function scenario(name: string, unit: string, warm: number, n: number, boundBytes: number, body: (n: number) => unknown) {
  await body(warm);
  const before = rss();
  await body(n);
  const perUnit = (rss() - before) / n;
  if (perUnit <= boundBytes) {
    console.log(`${name}: ok (at most ${boundBytes} bytes per ${unit})`);
  } else {
    failed = true;
    console.log(`${name}: ${perUnit.toFixed(1)} bytes per ${unit}, bound ${boundBytes}`);
  }
}

const decl = {
  a: { name: "soak_nop", parameters: ["i32"], result: "i32" },
  b: { name: "soak_nop", parameters: ["i32"], result: "i32" },
  c: { name: "soak_nop", parameters: ["i32"], result: "i32" },
  d: { name: "soak_nop", parameters: ["i32"], result: "i32" },
} as const;

await scenario("dlopen + close (4 symbols)", "library", 30_000, 10_000, 256, (n) => {
  for (let i = 0; i < n; i++) Deno.dlopen(LIB, decl).close();
});
await scenario("UnsafeCallback create + close", "callback", 300, 3000, 1024, (n) => {
  for (let i = 0; i < n; i++) {
    new Deno.UnsafeCallback({ parameters: ["i32"], result: "i32" }, (x: number) => x).close();
  }
});
await scenario("nonblocking calls, 1000 in flight", "call", 2000, 100_000, 40, async (n) => {
  for (let done = 0; done < n; done += 1000) {
    const calls = [];
    for (let j = 0; j < 1000; j++) calls.push(lib.symbols.soak_nop_nb(j));
    await Promise.all(calls);
  }
});
const threadSafe = Deno.UnsafeCallback.threadSafe({ parameters: ["i32"], result: "i32" }, (x: number) => x & 1);
await scenario("thread-safe callback from 8 threads", "call", 8000, 80_000, 20, async (n) => {
  for (let done = 0; done < n; done += 8000) {
    if ((await lib.symbols.soak_threads(threadSafe.pointer, 8, 1000)) !== 4000) throw new Error("wrong sum");
  }
});
threadSafe.close();
await scenario("timers", "timer", 1000, 50_000, 20, async (n) => {
  let left = n;
  await new Promise<void>((resolve) => {
    for (let k = 0; k < 100; k++) {
      const tick = () => (--left <= 0 ? resolve() : setTimeout(tick, 0));
      setTimeout(tick, 0);
    }
  });
});
// Last: its 40,000 collected functions leave V8's heap sized differently,
// which the first scenario after it would otherwise measure as growth.
const fnPointer = Deno.dlopen(LIB, { soak_nop: { type: "pointer" } } as any).symbols.soak_nop as any;
await scenario("UnsafeFnPointer create + call", "pointer", 30_000, 10_000, 256, (n) => {
  for (let i = 0; i < n; i++) {
    const f = new Deno.UnsafeFnPointer(fnPointer, { parameters: ["i32"], result: "i32" });
    if (f.call(i) !== i) throw new Error("wrong result");
  }
});
lib.close();
if (failed) Deno.exit(1);
