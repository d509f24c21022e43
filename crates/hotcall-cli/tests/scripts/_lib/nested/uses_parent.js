import { greet, metaMain } from "../greet.js";
export const fromNested = `${greet("nested")} (main: ${metaMain}, ${import.meta.url.split("/").slice(-2).join("/")})`;
