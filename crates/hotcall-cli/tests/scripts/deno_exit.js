// @exit: 7
console.log("before exit");
setTimeout(() => console.log("timer never fires"), 0);
Promise.resolve().then(() => console.log("microtask never runs"));
Deno.exit(7);
console.log("after exit");
