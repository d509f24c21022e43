const base = new URL("file:///home/user/project/main.ts");
console.log(new URL("./lib/a.so", base).href, new URL("../b.js", base).pathname);
console.log(new URL("/abs/c.js", base).href, new URL("d e.js", base).href);
const web = new URL("https://Example.com:8080/a/b/../c?q=1#frag");
console.log(web.protocol, web.host, web.hostname, web.port, web.pathname, web.search, web.hash, web.origin);
console.log(String(new URL("?x=2", web)), `${new URL("#h", "https://e.org/p")}`, JSON.stringify({ u: base }));
console.log(new URL("./x.ts", import.meta.url).href === import.meta.resolve("./x.ts"));
try {
  new URL("relative/only");
} catch (e) {
  console.log(e.name, e.message);
}
console.log(new URL("file:///tmp/x"));
