// @exit: 1
console.log("never runs: the module does not compile");
const = 1;
