// @args: first --second third 4
// Deno.args[0] is the fixture library the test harness passes to every script.
console.log(Deno.args.slice(1), Deno.args.length, Object.isFrozen(Deno.args));
console.log(Deno.build.os, Deno.build.arch);
console.log(["linux", "darwin", "windows"].includes(Deno.build.os), ["x86_64", "aarch64"].includes(Deno.build.arch));
console.log(typeof Deno.execPath(), Deno.execPath().split("/").pop());
console.log(Deno.cwd() === import.meta.dirname, Deno.mainModule === import.meta.url);
console.log(typeof Deno.pid, typeof Deno.version.v8, typeof Deno.inspect);
console.log(Deno.inspect({ a: "q" }), Deno.inspect("quoted"));
const e = new Deno.errors.PermissionDenied("nope");
console.log(e instanceof Error, e.name, e.message, Deno.errors.PermissionDenied.name);
console.log(new Deno.errors.NotFound("x") instanceof Error, Deno.errors.NotFound);
console.log(typeof performance.now(), performance.now() >= 0);
