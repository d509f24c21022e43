// @flags: --allow-ffi --v8-flags=--allow-natives-syntax
// Views of resizable ArrayBuffers are refused on every path (JS could
// shrink them under a nonblocking call or a callback, and C would fault);
// growable SharedArrayBuffers never shrink and are accepted.
const lib = Deno.dlopen(Deno.args[0], {
  ty_buf_sum: { parameters: ["buffer", "usize"], result: "i32" },
  ty_buf_sum_nb: { name: "ty_buf_sum", parameters: ["buffer", "usize"], result: "i32", nonblocking: true },
});
const slowCalls = Deno[Symbol.for("hotcall.internals")].slowCalls;
const rab = new ArrayBuffer(4, { maxByteLength: 64 });
new Uint8Array(rab).set([1, 2, 3, 4]);
const view = new Uint8Array(rab);
function caller(v: Uint8Array) { return lib.symbols.ty_buf_sum(v, 4); }
new Function("f", "%PrepareFunctionForOptimization(f)")(caller);
for (const v of [new Uint8Array(4), view]) { try { caller(v); } catch {} }
new Function("f", "%OptimizeFunctionOnNextCall(f)")(caller);
try { caller(new Uint8Array([1,1,1,1])); } catch {}
const s0 = slowCalls();
try { console.log(caller(view)); } catch (e) { console.log("optimized:", e.message, slowCalls() - s0); }
try { console.log(lib.symbols.ty_buf_sum(view, 4)); } catch (e) { console.log("slow:", e.message); }
try { await lib.symbols.ty_buf_sum_nb(view, 4); } catch (e) { console.log("nonblocking:", e.message); }
const sab = new SharedArrayBuffer(4, { maxByteLength: 64 });
new Uint8Array(sab).set([1, 2, 3, 4]);
console.log("growable shared:", lib.symbols.ty_buf_sum(new Uint8Array(sab), 4));
