import { square } from "./nested/math.ts";

export type Shape = { kind: "square"; size: number } | { kind: "circle"; radius: number };
export interface Unused {
  never: true;
}
export enum Direction {
  Up = 1,
  Down,
  Left = 10,
  Right,
}
export const VERSION: string = "1.0";

export function area(shape: Shape): number {
  switch (shape.kind) {
    case "square":
      return square(shape.size);
    case "circle":
      return Math.PI * square(shape.radius);
  }
}

export default class Stack<T> {
  #items: T[] = [];
  push(item: T): void {
    this.#items.push(item);
  }
  pop(): T | undefined {
    return this.#items.pop();
  }
  get size(): number {
    return this.#items.length;
  }
}
