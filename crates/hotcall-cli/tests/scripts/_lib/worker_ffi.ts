// Worker side of worker.ts: its own Deno FFI namespace in its own isolate.
self.onmessage = async (e: MessageEvent) => {
  const { task, lib: path, bytes } = e.data;
  if (task === "call") {
    const lib = Deno.dlopen(path, { ty_id_i32: { parameters: ["i32"], result: "i32" } });
    const r = lib.symbols.ty_id_i32(42);
    const opened = Object.values(Deno.resources()).filter((n) => n === "dynamicLibrary").length;
    lib.close();
    // Transfer the received buffer back, doubled in place.
    for (let i = 0; i < bytes.length; i++) bytes[i] *= 2;
    postMessage({ r, opened, bytes }, [bytes.buffer]);
  } else if (task === "threads") {
    const lib = Deno.dlopen(path, {
      soak_threads: { parameters: ["function", "i32", "i32"], result: "i32", nonblocking: true },
    });
    let calls = 0;
    const cb = Deno.UnsafeCallback.threadSafe({ parameters: ["i32"], result: "i32" }, (x: number) => {
      calls++;
      return x;
    });
    const sum = await lib.symbols.soak_threads(cb.pointer, 8, 100);
    cb.close();
    lib.close();
    postMessage({ sum, calls });
  } else if (task === "close") {
    postMessage("closing");
    self.close();
    postMessage("not delivered: posted after close()");
  } else if (task === "throw") {
    throw new Error("boom in worker");
  }
};
