import { greet, counter, bump } from "./_lib/greet.js";
import * as again from "./_lib/greet.js";
import { fromNested } from "./_lib/nested/uses_parent.js";

console.log(greet("world"));
bump();
console.log(counter, again.counter, again.greet === greet);
console.log(fromNested);
console.log(import.meta.url, import.meta.main);
console.log(import.meta.filename === import.meta.dirname + "/imports.js");
console.log(import.meta.resolve("./_lib/greet.js"));
const dynamic = await import("./_lib/greet.js");
console.log(dynamic.greet === greet, dynamic.counter);
const ts = await import("./_lib/nested/math.ts");
console.log(ts.square(9));
try {
  await import("./_lib/missing.js");
} catch (e) {
  console.log(e.name, e.message);
}
try {
  await import("bare-specifier");
} catch (e) {
  console.log(e.name, e.message);
}
