// @flags: --allow-ffi
// Web Workers (module workers), each its own isolate with its own Deno FFI
// namespace: structured-clone messages with transfer, a library opened in
// a worker, a thread-safe callback created in a worker and called from C
// threads, self.close(), an error handled by onerror, and a worker
// terminated while its ref'd callback is being called from C threads.

const LIB = Deno.args[0];
function start(file: string): Worker {
  return new Worker(new URL(`./_lib/${file}`, import.meta.url).href, { type: "module" });
}
function next(w: Worker, kind = "message"): Promise<any> {
  return new Promise((resolve) => {
    const on = (e: any) => {
      w.removeEventListener(kind, on);
      if (kind === "error") e.preventDefault();
      resolve(kind === "error" ? e.message : e.data);
    };
    w.addEventListener(kind, on);
  });
}

const w = start("worker_ffi.ts");
const bytes = new Uint8Array([1, 2, 3]);
w.postMessage({ task: "call", lib: LIB, bytes }, [bytes.buffer]);
console.log("sent, transferred away:", bytes.length);
const reply = await next(w);
console.log("worker call:", reply.r, "libraries open in the worker:", reply.opened, "bytes back:", reply.bytes);
console.log("main resources:", Object.values(Deno.resources()));

w.postMessage({ task: "threads", lib: LIB });
console.log("threads:", await next(w));

const closing = start("worker_ffi.ts");
closing.postMessage({ task: "close" });
console.log("close:", await next(closing));

const failing = start("worker_ffi.ts");
failing.postMessage({ task: "throw" });
console.log("onerror:", await next(failing, "error"));

const ref = start("worker_ref.ts");
ref.postMessage(LIB);
console.log("ref:", await next(ref));
ref.terminate();
console.log("terminated while C threads call its callback");
await new Promise((r) => setTimeout(r, 200));
w.terminate();
console.log("done");
