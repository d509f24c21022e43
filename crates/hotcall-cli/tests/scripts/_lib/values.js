export const answer = 42;
export function helper() {}
export default "the default";
