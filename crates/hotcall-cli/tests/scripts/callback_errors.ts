// @flags: --allow-ffi
// Exceptions thrown by a callback propagate out of the FFI call that led to
// it (C gets 0 / null); invalid results and invalid definitions are
// TypeErrors.

const lib = Deno.dlopen(Deno.args[0], {
  cb_call_i32: { parameters: ["function", "i32", "i32"], result: "i32", callback: true },
  cb_call_ptr: { parameters: ["function", "pointer"], result: "pointer", callback: true },
  cb_call_bool: { parameters: ["function", "bool"], result: "i32", callback: true },
  cb_call_returning_point: { parameters: ["function", "i32", "i32"], result: "i32", callback: true },
  cb_apply_n: { parameters: ["function", "i32"], result: "i32", callback: true },
  cb_set_status_callback: { parameters: ["function"], result: "void" },
  cb_check_status: { parameters: [], result: "void", callback: true },
});
const s = lib.symbols;

// The seed's example: the error surfaces from check_status().
const status = new Deno.UnsafeCallback(
  { parameters: ["u8"], result: "void" },
  (success: number) => {
    throw new Error(`status callback failed (success=${success})`);
  },
);
s.cb_set_status_callback(status.pointer);
try {
  s.cb_check_status();
  console.log("not reached");
} catch (e) {
  console.log("caught:", e instanceof Error, e.message);
}

// Non-Error values are thrown as they are.
const throwsValue = new Deno.UnsafeCallback(
  { parameters: ["i32", "i32"], result: "i32" },
  (a: number) => {
    throw { code: a };
  },
);
try {
  s.cb_call_i32(throwsValue.pointer, 42, 0);
} catch (e) {
  console.log("caught value:", e.code);
}

// A pointer-returning callback that throws gives C null.
const throwsPtr = new Deno.UnsafeCallback({ parameters: ["pointer"], result: "pointer" }, () => {
  throw new RangeError("no pointer");
});
try {
  s.cb_call_ptr(throwsPtr.pointer, 8n);
} catch (e) {
  console.log("caught:", e.name, e.message);
}

// Only the first exception of one FFI call propagates; C sees 0 for each.
let calls = 0;
const throwsOdd = new Deno.UnsafeCallback({ parameters: ["i32"], result: "i32" }, (i: number) => {
  calls++;
  if (i % 2) throw new Error(`odd ${i}`);
  return 1;
});
try {
  s.cb_apply_n(throwsOdd.pointer, 5);
} catch (e) {
  console.log("caught:", e.message, "after", calls, "calls");
}

// An exception caught inside the callback does not escape.
const catches = new Deno.UnsafeCallback({ parameters: ["i32", "i32"], result: "i32" }, (a: number, b: number) => {
  try {
    throw new Error("inner");
  } catch {
    return a + b;
  }
});
console.log("caught inside:", s.cb_call_i32(catches.pointer, 2, 3));

// A result that has no meaning for the type is a TypeError thrown by the
// FFI call (other values are coerced as in Deno 1.30: see callback_sync.ts).
const invalid = [
  ["i32", "12", (p: number) => s.cb_call_i32(p, 1, 2)],
  ["i32", 1n, (p: number) => s.cb_call_i32(p, 1, 2)],
  ["pointer", {}, (p: number) => s.cb_call_ptr(p, 0)],
  ["pointer", "0x10", (p: number) => s.cb_call_ptr(p, 0)],
] as const;
for (const [result, value, call] of invalid) {
  const parameters = result === "i32" ? ["i32", "i32"] : [result];
  const cb = new Deno.UnsafeCallback({ parameters, result } as Deno.UnsafeCallbackDefinition, () => value);
  try {
    call(cb.pointer);
    console.log("not reached");
  } catch (e) {
    console.log(`${result} <- ${typeof value}:`, e.name, e.message);
  }
  cb.close();
}
const shortStruct = new Deno.UnsafeCallback(
  { parameters: ["i32", "i32"], result: { struct: ["i32", "i32"] } },
  () => new Uint8Array(4),
);
try {
  s.cb_call_returning_point(shortStruct.pointer, 1, 2);
} catch (e) {
  console.log("short struct:", e.name, e.message);
}

// The calls work normally afterwards.
const add = new Deno.UnsafeCallback({ parameters: ["i32", "i32"], result: "i32" }, (a: number, b: number) => a + b);
console.log("afterwards:", s.cb_call_i32(add.pointer, 20, 22));

// Invalid definitions.
const cyclic: { struct: unknown[] } = { struct: ["u8"] };
cyclic.struct.push(cyclic);
for (
  const definition of [
    { parameters: ["i32"], result: "i32", nonblocking: true },
    { parameters: ["i33"], result: "void" },
    { parameters: ["void"], result: "void" },
    { parameters: "i32", result: "void" },
    { parameters: [] },
    { parameters: [], result: { struct: [] } },
    { parameters: [cyclic], result: "void" },
    null,
  ]
) {
  try {
    new Deno.UnsafeCallback(definition as Deno.UnsafeCallbackDefinition, () => {});
    console.log("not reached");
  } catch (e) {
    console.log(e.name + ":", e.message);
  }
}
try {
  new Deno.UnsafeCallback({ parameters: [], result: "void" }, 42 as unknown as () => void);
} catch (e) {
  console.log(e.name + ":", e.message);
}

for (const cb of [status, throwsValue, throwsPtr, throwsOdd, catches, shortStruct, add]) cb.close();
lib.close();
