export const waited = await new Promise((r) => setTimeout(() => r(true), 2));
