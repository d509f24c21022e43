// @exit: 1
import "./_lib/does_not_exist.js";
console.log("never runs");
