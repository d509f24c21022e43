const log = [];
setTimeout(() => console.log("30ms"), 30);
setTimeout(() => console.log("10ms"), 10);
setTimeout(() => console.log("0ms first"), 0);
setTimeout(() => console.log("0ms second"));
setTimeout((a, b) => console.log("args:", a, b), 1, "x", 2);
const cancelled = setTimeout(() => console.log("never"), 5);
clearTimeout(cancelled);
clearTimeout(undefined);
clearTimeout(123456);
let ticks = 0;
const interval = setInterval(() => {
  ticks++;
  console.log("tick", ticks);
  if (ticks === 3) clearInterval(interval);
}, 2);
setTimeout(() => {
  console.log("outer");
  setTimeout(() => console.log("inner (scheduled from a timer)"), 0);
}, 40);
console.log(typeof cancelled, cancelled > 0, "sync end");
