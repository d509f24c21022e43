// Types are stripped; enums and parameter properties are compiled.
import Stack, { type Shape, area, Direction, VERSION } from "./_lib/shapes.ts";
import type { Unused } from "./_lib/shapes.ts";

interface Named {
  name: string;
  readonly id?: number;
}
type Pair<A, B> = [A, B];

const modes = ["fast", "slow"] as const;
const pair: Pair<string, number> = ["a", 1];
function first<T>(items: readonly T[]): T | undefined {
  return items[0];
}
const named: Named = { name: "n" };
const shape: Shape = { kind: "square", size: 3 };
let maybe: string | null = null;
const len = (maybe ?? "abc")!.length satisfies number;
abstract class Base {
  protected abstract describe(): string;
  toString(): string {
    return this.describe();
  }
}
class Impl extends Base implements Named {
  constructor(public name: string, private secret: number = 7) {
    super();
  }
  protected describe(): string {
    return `${this.name}:${this.secret}`;
  }
}
const stack = new Stack<number>();
stack.push(1);
stack.push(2);
console.log(modes, pair, first(modes), named, len);
console.log(area(shape), Direction.Up, Direction[Direction.Left], Direction.Right, VERSION);
console.log(String(new Impl("impl")), new Impl("x", 1));
console.log(stack.pop(), stack.size);
const value = <number>(<unknown>"5");
console.log(typeof value, value);
