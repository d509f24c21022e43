function thrower() {
  return new Error("made here");
}
console.log(thrower());
console.log({ error: new TypeError("nested") });
const withCause = new Error("outer", { cause: "inner reason" });
console.log(withCause.message, withCause.cause);
const custom = new RangeError("custom");
custom.code = "E_CODE";
console.log(custom);
class MyError extends Error {
  constructor(msg) {
    super(msg);
    this.name = "MyError";
  }
}
console.log(new MyError("subclass"));
const noStack = new Error("no stack");
noStack.stack = undefined;
console.log(noStack);
console.log(String(new Deno.errors.PermissionDenied("denied")));
