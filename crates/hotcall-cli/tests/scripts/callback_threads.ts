// @flags: --allow-ffi
// Callbacks called from other threads: each call is queued to the JS
// thread's event loop and the calling thread blocks until the JS function
// returned. A ref'd (threadSafe) callback keeps the event loop alive.

const lib = Deno.dlopen(Deno.args[0], {
  cb_spawn: { parameters: ["function", "i32", "i32"], result: "i32" },
  cb_join: { parameters: [], result: "i32", nonblocking: true },
  cb_call_on_thread_and_wait: { parameters: ["function", "i32"], result: "i32", nonblocking: true },
  cb_call_i32: { parameters: ["function", "i32", "i32"], result: "i32", nonblocking: true },
});
const s = lib.symbols;

// ref() / unref() counts.
const counted = new Deno.UnsafeCallback({ parameters: [], result: "void" }, () => {});
console.log("ref counts:", counted.ref(), counted.ref(), counted.unref(), counted.unref(), counted.unref());
counted.close();
console.log("ref after close:", counted.ref());

// Four threads call one threadSafe callback; their results come back to C.
const seen: number[] = [];
let allSeen: () => void;
const done = new Promise<void>((resolve) => (allSeen = resolve));
const mainThread = Deno.UnsafeCallback.threadSafe(
  { parameters: ["i32"], result: "i32" },
  (x: number) => {
    seen.push(x);
    if (seen.length === 4) allSeen();
    return x * 10;
  },
);
console.log("spawned:", s.cb_spawn(mainThread.pointer, 1, 4));
await done;
console.log("seen:", seen.sort((a, b) => a - b));
console.log("sum of results seen by C:", await s.cb_join());
mainThread.close();

// A nonblocking call whose C code calls the callback on the worker thread,
// and one that calls it from yet another thread and waits for it.
const square = new Deno.UnsafeCallback({ parameters: ["i32", "i32"], result: "i32" }, (a: number, b: number) => a * a + b);
console.log("from a nonblocking call:", await s.cb_call_i32(square.pointer, 12, 1));
const triple = new Deno.UnsafeCallback({ parameters: ["i32"], result: "i32" }, (x: number) => x * 3);
console.log("from a thread of a nonblocking call:", await s.cb_call_on_thread_and_wait(triple.pointer, 14));
square.close();
triple.close();

// The loop stays alive for a ref'd callback, even when the thread only
// starts later. (The thread is joined before the program ends: C code of
// the library must not run while it is being unloaded.)
let lateCalled: (x: number) => void;
const lateCall = new Promise<number>((resolve) => (lateCalled = resolve));
const late = Deno.UnsafeCallback.threadSafe({ parameters: ["i32"], result: "i32" }, (x: number) => {
  lateCalled(x);
  return x + 1;
});
late.unref();
late.ref();
setTimeout(() => s.cb_spawn(late.pointer, 99, 1), 20);
console.log("late call:", await lateCall);
console.log("late result seen by C:", await s.cb_join());
late.close();
