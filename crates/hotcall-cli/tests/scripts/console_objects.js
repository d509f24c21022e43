console.log([1, 2, 3], [], [[]], [[1, [2, [3]]]]);
console.log({ a: 1, b: "x" }, {}, { "needs-quote": 1, $ok: 2, _x: 3, 7: "num" });
console.log({ nested: { deeper: { deepest: { bottom: { gone: { x: 1 } } } } } });
console.log([[[[[["too deep"]]]]]]);
console.log({ s: Symbol("s"), [Symbol("key")]: "symbol key", u: undefined, n: null });
console.log([1, , 3, , , 6]);
console.log(new Array(5));
console.log([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
console.log(["apple", "banana", "cherry", "date", "elderberry", "fig", "grape"]);
console.log(Array.from({ length: 120 }, (_, i) => i));
console.log({ key1: "a fairly long value string", key2: "another fairly long value", key3: 3 });
const arr = [1, 2];
arr.extra = "prop";
console.log(arr);
console.log(function named() {}, () => {}, async () => {}, function* gen() {}, async function* agen() {});
class Point {
  constructor(x, y) {
    this.x = x;
    this.y = y;
  }
}
class Point3 extends Point {}
console.log(Point, Point3, new Point(1, 2), new Point3(1, 2), class {});
class Empty {}
console.log(new Empty(), Object.create(null), Object.assign(Object.create(null), { a: 1 }));
const fnWithProps = function withProps() {};
fnWithProps.answer = 42;
console.log(fnWithProps);
const circular = { name: "loop" };
circular.self = circular;
circular.list = [circular];
console.log(circular);
console.log({
  get getter() {
    return 1;
  },
  set setter(v) {},
  get both() {
    return 1;
  },
  set both(v) {},
});
console.log(new Date(0), new Date(NaN), /ab+c/gi);
console.log(new Number(3), new String("str"), new Boolean(false), Object(1n), Object(Symbol("boxed")));
console.log(new Proxy({ target: true }, { get: () => "trapped" }));
console.log({ [Deno.customInspect]: () => "custom!" }, [{ [Symbol.for("Deno.customInspect")]() { return "also custom"; } }]);
console.log(globalThis.console === console, typeof Deno, typeof window, self === globalThis);
