console.log(new Map([["a", 1], [{ k: 1 }, [1, 2]]]), new Map());
console.log(new Set([1, "two", [3]]), new Set());
console.log(new WeakMap(), new WeakSet());
console.log(new Map([[1, new Map([[2, new Set([3])]])]]));
console.log(Promise.resolve(42), new Promise(() => {}), Promise.resolve({ a: [1] }));
const rejected = Promise.reject(7);
rejected.catch(() => {});
console.log(rejected);
console.log(new Uint8Array([1, 2, 3]), new Uint8Array(0), new Float64Array([1.5, -0]));
console.log(new Int32Array([-1, 2, -3]), new BigInt64Array([1n, -2n]), new Uint8ClampedArray(2));
console.log(new Uint8Array(8));
console.log(new Uint16Array(30).map((_, i) => i * 100));
console.log(new Uint8Array(150).length, new Uint8Array(101));
console.log(new ArrayBuffer(4), new Uint8Array([255, 16, 0]).buffer);
console.log(new ArrayBuffer(60));
console.log(new DataView(new ArrayBuffer(2), 1));
const ns = await import("./_lib/values.js");
console.log(ns);
function args() {
  return arguments;
}
console.log(args(1, "a"));
console.log([new Map([["k", "v"]]).entries()].length);
