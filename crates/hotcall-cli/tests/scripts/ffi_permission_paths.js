// @flags: --allow-ffi=/nonexistent/dir --unstable
try {
  Deno.dlopen("/somewhere/else/libx.so", {});
} catch (e) {
  console.log(e.name, e.message);
}
