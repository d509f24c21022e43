// Top-level strings are printed as they are; nested ones are quoted.
console.log("plain string", 42, -0, 0, 1.5, NaN, -Infinity);
console.log(9007199254740992n, -1n, true, false, undefined, null);
console.log(Symbol("tag"), Symbol(), Symbol.iterator);
console.log(["double", 'has "quotes"', `both "and" 'x'`, "tab\there", "nl\nx", "back\\slash"]);
console.log([undefined, null, -0, 12345678901234567890n]);
console.log();
console.log("");
