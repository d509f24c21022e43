// @flags: --allow-ffi --quiet
// Deno.resources() (libraries and callbacks appear and disappear with
// close(), as in Deno 1.30), structuredClone with transfer, --quiet.
const lib = Deno.dlopen(Deno.args[0], { ty_id_i32: { parameters: ["i32"], result: "i32" } });
console.log(Deno.resources());
const cb = new Deno.UnsafeCallback({ parameters: [], result: "void" }, () => {});
console.log(Deno.resources());
cb.close(); lib.close();
console.log(Deno.resources());
const ab = new ArrayBuffer(8); new Uint8Array(ab)[0] = 7;
const c = structuredClone({ a: [1, 2n, "x"], m: new Map([[1, 2]]), d: new Date(0), u: new Uint8Array(ab) }, { transfer: [ab] });
console.log(c, ab.byteLength, c.u.buffer.byteLength);
try { structuredClone(() => 1); } catch (e) { console.log(e.name, e.message); }
try { structuredClone(1, { transfer: [ab] }); } catch (e) { console.log(e.name, e.message); }
// A leak check the way Deno-era tests write it.
const before = Object.keys(Deno.resources()).length;
for (let i = 0; i < 3; i++) {
  const l = Deno.dlopen(Deno.args[0], { ty_id_i32: { parameters: ["i32"], result: "i32" } });
  const k = Deno.UnsafeCallback.threadSafe({ parameters: [], result: "void" }, () => {});
  k.close();
  l.close();
}
console.log("leaked:", Object.keys(Deno.resources()).length - before);
