// Worker side of worker.ts: a ref'd callback that C threads keep calling
// when the parent terminates this worker.
self.onmessage = (e: MessageEvent) => {
  const lib = Deno.dlopen(e.data, {
    soak_threads: { parameters: ["function", "i32", "i32"], result: "i32", nonblocking: true },
  });
  let told = false;
  const cb = Deno.UnsafeCallback.threadSafe({ parameters: ["i32"], result: "i32" }, (x: number) => {
    if (!told) {
      told = true;
      postMessage("callbacks running");
    }
    return x;
  });
  lib.symbols.soak_threads(cb.pointer, 4, 20000);
};
