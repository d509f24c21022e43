// @exit: 1
console.log("waiting forever");
await new Promise(() => {});
