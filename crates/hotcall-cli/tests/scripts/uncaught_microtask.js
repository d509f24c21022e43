// @exit: 1
queueMicrotask(() => {
  throw "a string from a microtask";
});
