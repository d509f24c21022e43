console.log("start");
const value = await new Promise((resolve) => setTimeout(() => resolve("resolved by a timer"), 5));
console.log(value);
for (const n of [1, 2, 3]) {
  await null;
  console.log("loop", n);
}
const { waited } = await import("./_lib/awaits.js");
console.log("imported module awaited:", waited);
setTimeout(() => console.log("timer after the module finished"), 1);
console.log("module end");
