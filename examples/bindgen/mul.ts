// mul.ts
import { mul } from "./bindings/bindings.ts";
console.log(mul({ a: 10, b: 2 })); // 20
