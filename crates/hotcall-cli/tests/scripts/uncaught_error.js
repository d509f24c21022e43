// @exit: 1
console.log("printed before the error");
function fail() {
  throw new Error("boom");
}
setTimeout(() => console.log("timers do not run after an uncaught error"), 0);
fail();
