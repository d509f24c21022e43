// Calls every function of the fixture library through the bindings that
// `hotcall bindgen` wrote to ./bindings/bindings.ts, comparing each result
// with a value written by hand. Prints "ok NAME" or "FAIL NAME: ..." per
// check; the test compares the whole output with all_types.out.
import * as b from "./bindings/bindings.ts";

function show(v: unknown): string {
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof Uint8Array) return `bytes[${Array.from(v).join(",")}]`;
  if (v === null || v === undefined) return String(v);
  if (typeof v === "object") {
    const fields = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}:${show(x)}`);
    return `{${fields.join(",")}}`;
  }
  return `${typeof v}:${String(v)}`;
}

function check(name: string, actual: unknown, expected: unknown) {
  const a = show(actual);
  const e = show(expected);
  console.log(a === e ? `ok ${name}` : `FAIL ${name}: got ${a}, want ${e}`);
}

// Scalars, both ways, at their edges.
check("i32", b.add_i32(2147483647, 1), -2147483648);
check("bool", [b.not_bool(true), b.not_bool(false)], [false, true]);
check("u8", [b.inc_u8(41), b.inc_u8(255)], [42, 0]);
check("i8", [b.inc_i8(-1), b.inc_i8(127)], [0, -128]);
check("u16", b.inc_u16(65535), 0);
check("i16", b.inc_i16(-32768), -32767);
check("u32", b.inc_u32(4294967294), 4294967295);
check("u64 safe", b.inc_u64(41), 42);
check("u64 big", b.inc_u64(18446744073709551614n), 18446744073709551615n);
check("i64 big", b.inc_i64(-9223372036854775808n), -9223372036854775807n);
check("i64 safe", b.inc_i64(-2), -1);
check("usize", b.inc_usize(9007199254740991n), 9007199254740992n);
check("isize", b.inc_isize(-10), -9);
check("f32", b.half_f32(5), 2.5);
check("f64", b.half_f64(-0.5), -0.25);
check("reserved name", b.negate(7), -7);
const p = b.ptr_add(4096, 5);
check("pointer", BigInt(p), 4101n);
b.set_counter(77);
check("void result", b.counter(), 77);

// Structs, nested, both ways.
check("struct param", b.area({ id: 1, origin: { x: 5, y: 6 }, size: { x: 3, y: 4.5 } }), 13.5);
check("struct result", b.make_rect(9, 1, 2, 3, 4), { id: 9, origin: { x: 1, y: 2 }, size: { x: 3, y: 4 } });
check("struct both", b.shift({ id: 200, origin: { x: -1, y: 0.5 }, size: { x: 7, y: 8 } }), {
  id: 201,
  origin: { x: 0, y: 2.5 },
  size: { x: 7, y: 8 },
});
check(
  "every field",
  b.bump({
    b: true, u64_: 18446744073709551615n, u8_: 255, i16_: -2, i8_: 127, u16_: 65534, u32_: 7, i32_: -1,
    i64_: 9007199254740992n, usize_: 3, isize_: -4, f32_: 0.75, f64_: -1.5, ptr: 4096,
  }),
  {
    b: false, u64_: 0, u8_: 0, i16_: -1, i8_: -128, u16_: 65535, u32_: 8, i32_: 0,
    i64_: 9007199254740993n, usize_: 4, isize_: -3, f32_: 1.5, f64_: -3, ptr: 4097,
  },
);

// Strings and byte slices, non-ASCII and empty.
check("&str -> String", b.greet("Zoë 🦀"), "Hello, Zoë 🦀!");
check("empty &str", b.greet(""), "Hello, !");
check("String -> String", b.shout("straße ñ"), "STRASSE Ñ");
check("empty String result", b.shout(""), "");
check("non-ASCII length", b.char_count("日本語🦀"), 4);
check("&[u8]", b.sum_bytes(new Uint8Array([1, 2, 250])), 253);
check("empty &[u8]", b.sum_bytes(new Uint8Array(0)), 0);
check("Vec<u8> both", b.reversed(new Uint8Array([1, 2, 3, 0, 255])), new Uint8Array([255, 0, 3, 2, 1]));
check("empty Vec<u8>", b.reversed(new Uint8Array(0)), new Uint8Array(0));
const buf = new Uint8Array(4);
b.fill_from(buf, 10);
check("&mut [u8]", buf, new Uint8Array([10, 11, 12, 13]));
check("subarray &mut [u8]", (() => {
  const whole = new Uint8Array(5);
  b.fill_from(whole.subarray(2, 4), 1);
  return whole;
})(), new Uint8Array([0, 0, 1, 2, 0]));
check("Vec<u8> result", b.repeat_byte(7, 3), new Uint8Array([7, 7, 7]));
check("empty Vec<u8> result", b.repeat_byte(7, 0), new Uint8Array(0));
const big = b.repeat_byte(1, 100000);
check("large Vec<u8> result", [big.length, big[0], big[99999]], [100000, 1, 1]);

// Option, both ways.
check("Option<i32> result", [b.checked_div(7, 2), b.checked_div(1, 0)], [3, null]);
check("Option<u64> param", [b.or_default(5, 9), b.or_default(null, 9)], [5, 9]);
check("Option<bool>", [b.flip(true), b.flip(false), b.flip(null)], [false, true, null]);
check("Option<&str> -> Option<String>", [b.bracket("ü"), b.bracket(""), b.bracket(null)], ["<ü>", "<>", null]);
check("Option<String>", [b.opt_len("ab"), b.opt_len(""), b.opt_len(null)], [2, 0, -1]);
check("Option<struct>", [b.mirror({ x: 1, y: -2 }), b.mirror(null)], [{ x: -1, y: 2 }, null]);
check("Option<&[u8]> -> Option<Vec<u8>>", [
  b.tail(new Uint8Array([9, 8, 7])),
  b.tail(new Uint8Array(0)),
  b.tail(null),
], [new Uint8Array([8, 7]), new Uint8Array(0), null]);
check("Option<Vec<u8>>, Option<pointer>", [
  b.count_some(new Uint8Array(3), 8),
  b.count_some(null, null),
  b.count_some(new Uint8Array(0), 0),
], [103, 0, 100]);

// Nonblocking calls: promises, running concurrently.
const pending = b.slow_add(1, 2, 50);
check("nonblocking is a promise", pending instanceof Promise, true);
const [sum, later, shifted] = await Promise.all([
  pending,
  b.slow_greet("ünïcode"),
  b.slow_shift({ id: 1, origin: { x: 0, y: 0 }, size: { x: 1, y: 1 } }),
]);
check("nonblocking scalar", sum, 3);
check("nonblocking string", later, "Later, ünïcode!");
check("nonblocking Option<struct>", shifted, { id: 2, origin: { x: 1, y: 2 }, size: { x: 1, y: 1 } });

// Callbacks.
const triple = new Deno.UnsafeCallback(b.apply_f_definition, (x: number) => x * 3);
check("callback", b.apply(triple, 7), 210);
check("callback as pointer", b.apply(triple.pointer, 1), 30);
triple.close();
const hyp = new Deno.UnsafeCallback(b.combine_f_definition, (x: number, y: number) => Math.hypot(x, y));
check("nullable callback", [b.combine(hyp, 3, 4), b.combine(null, 3, 4)], [5, -1]);
hyp.close();
const seen: number[] = [];
const collect = new Deno.UnsafeCallback(b.count_up_f_definition, (i: number) => {
  seen.push(i);
});
b.count_up(4, collect);
check("callback called repeatedly", seen, [0, 1, 2, 3]);
collect.close();

// Hot loops: once V8 optimizes the wrappers, the symbols are entered
// through V8's fast-call path (buffers as FastApiTypedArrays).
const hot = new Uint8Array([1, 2, 3]);
let acc = 0;
for (let i = 0; i < 20000; i++) {
  acc += b.sum_bytes(hot) + b.add_i32(i, 1) - i + b.inc_u8(i & 0xff) - ((i + 1) & 0xff) + b.char_count("ab");
}
check("hot loop", acc, 20000 * 9);

// A missing library is a clear error.
try {
  b.load("/nonexistent/libhotcall_bindgen_fixture.so");
  check("missing library", "loaded", "an error");
} catch (e) {
  const msg = (e as Error).message;
  check("missing library", msg.includes("cannot open the library /nonexistent/libhotcall_bindgen_fixture.so") && msg.includes("hotcall bindgen"), true);
}
check("still usable after a failed load", b.add_i32(1, 2), 3);

// A library whose signatures changed (built with --features changed; its
// path is the script's first argument) is refused before any call.
if (Deno.args[0] !== undefined) {
  try {
    b.load(Deno.args[0]);
    check("stale bindings", "loaded", "an error");
  } catch (e) {
    const msg = (e as Error).message;
    check("stale names the changed function only", msg.includes("add_i32:") && !msg.includes("inc_u8:"), true);
    check("stale shows the library's result", msg.includes('"result":"i64"'), true);
  }
  check("old library still in use after a stale load", b.add_i32(2, 3), 5);
}
