// @flags: --allow-ffi
// A callback called from another thread runs on the JS thread; the promise
// reactions it scheduled run before the calling C thread is released (as in
// Deno), so "js: microtask" always comes before the C thread's own line.
// Repeated, because the wrong order is a race.

const lib = Deno.dlopen(Deno.args[0], {
  ord_spawn: { parameters: ["function"], result: "i32" },
});

for (let round = 0; round < 20; round++) {
  let finished: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const cb = Deno.UnsafeCallback.threadSafe({ parameters: ["i32"], result: "void" }, (step: number) => {
    if (step === 1) {
      console.log(`js: callback ${round}`);
      Promise.resolve().then(() => {
        console.log(`js: microtask ${round}`);
      });
    } else {
      cb.close();
      finished();
    }
  });
  if (lib.symbols.ord_spawn(cb.pointer) !== 0) throw new Error("no thread");
  await done;
}
// The library stays open: the last C thread may still be returning into
// ord_main, and unloading its code under it would crash (as in C).
console.log("done");
