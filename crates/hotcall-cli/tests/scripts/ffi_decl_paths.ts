// @flags: --allow-ffi
// dlopen reads plain declarations in JS and hands them to native code as
// one encoded string (ffi.js encodeSymbols); anything else is read by
// native code through the V8 API (src/decl_js.rs). Both readers must agree:
// each declaration below is opened once alone (plain: the encoded path
// when it qualifies) and once next to a struct-typed symbol (which sends
// the whole declaration to the native reader); results and error messages
// must be identical.

const LIB = Deno.args[0];
const structSym = { name: "ty_point_sum", parameters: [{ struct: ["i32", "i32"] }], result: "i32" };
const many = (n: number) => Array.from({ length: n }, () => "i32");
const cases: [string, unknown][] = [
  ["plain", { name: "ty_id_i32", parameters: ["i32"], result: "i32" }],
  ["every flag", { name: "ty_id_i32", parameters: ["i32"], result: "i32", optional: false, nonblocking: false, callback: true }],
  ["null flags", { name: "ty_id_i32", parameters: ["i32"], result: "i32", optional: null, nonblocking: null, callback: null }],
  ["nonblocking", { name: "ty_id_i32", parameters: ["i32"], result: "i32", nonblocking: true }],
  ["no params", { name: "ty_calls", parameters: [], result: "u64" }],
  ["void result", { name: "ty_nop", parameters: [], result: "void" }],
  ["key as name", { parameters: ["u32"], result: "u32" }],
  ["unknown param type", { name: "ty_id_i32", parameters: ["i33"], result: "i32" }],
  ["unknown result type", { name: "ty_id_i32", parameters: ["i32"], result: "int" }],
  ["void param", { name: "ty_id_i32", parameters: ["void"], result: "i32" }],
  ["NUL in type", { name: "ty_id_i32", parameters: ["i32\0"], result: "i32" }],
  ["NUL in name", { name: "ty_id_i32\0x", parameters: ["i32"], result: "i32" }],
  ["255 params", { name: "ty_id_i32", parameters: many(255), result: "i32" }],
  ["256 params", { name: "ty_id_i32", parameters: many(256), result: "i32" }],
  ["sparse params", { name: "ty_id_i32", parameters: new Array(3), result: "i32" }],
  ["params not array", { name: "ty_id_i32", parameters: "i32", result: "i32" }],
  ["params a proxy of an array", { name: "ty_id_i32", parameters: new Proxy(["i32"], {}), result: "i32" }],
  ["params a proxy of an object", { name: "ty_id_i32", parameters: new Proxy({ length: 1, 0: "i32" }, {}), result: "i32" }],
  ["missing result", { name: "ty_id_i32", parameters: ["i32"] }],
  ["result not string", { name: "ty_id_i32", parameters: ["i32"], result: 5 }],
  ["name not string", { name: 7, parameters: ["i32"], result: "i32" }],
  ["flag not boolean", { name: "ty_id_i32", parameters: ["i32"], result: "i32", nonblocking: "yes" }],
  ["missing symbol", { name: "no_such_symbol", parameters: [], result: "void" }],
  ["missing optional symbol", { name: "no_such_symbol", parameters: [], result: "void", optional: true }],
  ["static", { name: "ty_static_u64", type: "u64" }],
  ["not an object", "i32"],
  ["null", null],
];

function open(key: string, decl: unknown, withStruct: boolean): string {
  const symbols: Record<string, unknown> = { [key]: decl };
  if (withStruct) symbols.structSym = structSym;
  try {
    const lib = Deno.dlopen(LIB, symbols as any);
    const value = (lib.symbols as any)[key];
    // Functions of at most one parameter are called: a nonblocking one
    // returns a Promise.
    let shape = String(value);
    if (typeof value === "function") {
      shape = `function/${value.length}`;
      if (value.length <= 1) {
        const r = value(7);
        shape += r instanceof Promise ? " -> Promise" : ` -> ${typeof r}`;
      }
    }
    lib.close();
    return "ok " + shape;
  } catch (e) {
    return (e as Error).constructor.name + ": " + (e as Error).message.replace(LIB, "LIB").replaceAll("\0", "\\0").replace(/: .*cannot open shared object file.*|: .*undefined symbol.*/, ": <dlerror>");
  }
}

let differ = 0;
for (const [label, decl] of cases) {
  const encoded = open("s", decl, false);
  const native = open("s", decl, true);
  if (encoded !== native) {
    differ++;
    console.log(`${label}: DIFFER\n  encoded: ${encoded}\n  native:  ${native}`);
  } else {
    console.log(`${label}: ${encoded}`);
  }
}
// A key with NUL goes to the native reader; the symbol keeps its key.
console.log("NUL key:", open("a\0b", { name: "ty_id_i32", parameters: ["i32"], result: "i32" }, false));
console.log(differ === 0 ? "readers agree" : `${differ} differ`);
