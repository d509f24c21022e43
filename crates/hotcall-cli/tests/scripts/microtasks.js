// Microtasks run before any timer, and after each timer callback.
setTimeout(() => {
  console.log("timer 1");
  Promise.resolve().then(() => console.log("microtask from timer 1"));
  queueMicrotask(() => console.log("queueMicrotask from timer 1"));
}, 0);
setTimeout(() => console.log("timer 2"), 0);
queueMicrotask(() => console.log("microtask 1"));
Promise.resolve()
  .then(() => console.log("then 1"))
  .then(() => console.log("then 2"));
queueMicrotask(() => {
  console.log("microtask 2");
  queueMicrotask(() => console.log("microtask queued by microtask"));
});
(async () => {
  console.log("async fn body (sync)");
  await null;
  console.log("after await");
})();
console.log("sync");
