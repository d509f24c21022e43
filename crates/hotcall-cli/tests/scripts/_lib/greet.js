export let counter = 0;
export function bump() {
  counter++;
}
export const greet = (who) => `hello, ${who}`;
export const metaMain = import.meta.main;
