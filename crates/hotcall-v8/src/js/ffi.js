// The JS half of hotcall's FFI namespace: the shapes of `Deno.dlopen`,
// `Deno.UnsafePointer`, `Deno.UnsafePointerView` and `Deno.UnsafeFnPointer`
// around the natives of `src/install.rs`. Evaluated once per install; the
// script's value is a function `(Deno, native) => void`.
((Deno, native) => {
  "use strict";

  if (Deno.errors === undefined) Deno.errors = {};
  if (Deno.errors.PermissionDenied === undefined) {
    class PermissionDenied extends Error {
      constructor(message, options) {
        super(message, options);
        this.name = "PermissionDenied";
      }
    }
    Deno.errors.PermissionDenied = PermissionDenied;
  }

  // Shared with the other built-in scripts (callback.js) and tests.
  const INTERNALS = Symbol.for("hotcall.internals");
  if (Deno[INTERNALS] === undefined) {
    Object.defineProperty(Deno, INTERNALS, { value: {}, enumerable: false });
  }
  const internals = Deno[INTERNALS];

  // The resource table behind `Deno.resources()` (as in Deno 1.30: an
  // object mapping ids to names; 0-2 are the standard streams). Every open
  // library is a "dynamicLibrary", every open UnsafeCallback an
  // "unsafecallback"; close() removes them, so a script can check that it
  // leaked nothing. An embedder that has its own table provides
  // `internals.resources = { add(name) -> rid, remove(rid) }` beforehand.
  if (internals.resources === undefined) {
    const table = new Map([[0, "stdin"], [1, "stdout"], [2, "stderr"]]);
    let nextRid = 3;
    internals.resources = {
      add(name) {
        const rid = nextRid++;
        table.set(rid, name);
        return rid;
      },
      remove(rid) {
        table.delete(rid);
      },
    };
    if (Deno.resources === undefined) {
      Deno.resources = function resources() {
        const out = {};
        for (const [rid, name] of table) out[rid] = name;
        return out;
      };
    }
  }
  const resources = internals.resources;
  // This install's realm number: native functions are never shared with
  // another realm's dlopen (src/symbol_pool.rs).
  const REALM = native.realm;

  const MAX_SAFE = 9007199254740991n;
  const MIN_SAFE = -9007199254740991n;

  function toPath(path) {
    if (typeof path === "string") return path;
    if (path !== null && typeof path === "object" && path.protocol === "file:" &&
        typeof path.pathname === "string") {
      return decodeURIComponent(path.pathname);
    }
    throw new TypeError(`Deno.dlopen: path must be a string or a file URL, got ${path === null ? "null" : typeof path}`);
  }

  function closedError(lib, name) {
    return new Error(`symbol "${name}" called after its library "${lib.path}" was closed`);
  }

  function arityError(name, want, got) {
    return new TypeError(`symbol "${name}" takes ${want} argument${want === 1 ? "" : "s"}, got ${got}`);
  }

  // Result kinds (src/fast.rs ResultKind): 0 direct, 1 i64, 2 u64 (also
  // every pointer kind). Out-slot results are read from the library's out
  // buffer after the call: a number when safe, else a bigint.
  const RESULT_CODE = [
    "return CALL;",
    "CALL; const hi = i32[at + 1];" +
      " if (hi >= -0x1fffff && hi <= 0x1fffff) return hi * 4294967296 + u32[at];" +
      " const b = i64[slot]; return b >= MIN_SAFE && b <= MAX_SAFE ? Number(b) : b;",
    "CALL; const hi = u32[at + 1];" +
      " if (hi <= 0x1fffff) return hi * 4294967296 + u32[at]; return u64[slot];",
  ];

  // The slow path's TypeError for a non-boolean `bool` argument (same text
  // as src/convert.rs; `describe` there is `typeof` with "null").
  function boolError(name, index, value) {
    const got = value === null ? "null" : typeof value;
    return new TypeError(`symbol "${name}", argument ${index}: expected a boolean for type bool, got ${got}`);
  }

  // One wrapper factory per shape (arity, result kind, bool parameters,
  // 64-bit parameters), compiled on first use.
  // - `bool` parameters are checked here: V8's fast path passes
  //   ToBoolean(value) for any value, while the slow path throws a
  //   TypeError for a non-boolean; the check makes both paths agree.
  // - A symbol with 64-bit parameters has two natives (src/fast.rs): the
  //   bigint one is called when any of them is a bigint, so that numbers
  //   and bigints both reach V8's fast path.
  // - Missing arguments are a TypeError; extra ones are ignored (as Deno).
  //
  // Shapes are numbered by src/library.rs, per isolate; a dlopen's result
  // describes the shapes this script has not seen yet, and they are
  // compiled in one script (one `new Function` per factory costs about
  // three times as much, measured on a first dlopen of 25 symbols).
  // Factories and wrappers are parenthesized: V8 compiles a parenthesized
  // function eagerly, with the script, instead of pre-parsing it and
  // parsing it again on its first call (first dlopen of 25 new shapes plus
  // one call of each: about 0.5 ms less, docs/benchmarks.md).
  const factories = [];
  function factorySource(arity, kind, bools, wide) {
    const params = [];
    for (let i = 0; i < arity; i++) params.push("a" + i);
    const args = params.join(", ");
    const boolChecks = bools.map((i) =>
      `if (typeof a${i} !== "boolean") throw boolError(name, ${i}, a${i});`).join("\n");
    const body = (fn) => RESULT_CODE[kind].replaceAll("CALL", `${fn}(${args})`);
    const bigintCall = wide.length === 0 ? "" :
      `if (${wide.map((i) => `typeof a${i} === "bigint"`).join(" || ")}) { ${body("bigint")} }`;
    // The factory copies its arguments into immutable bindings: once the
    // wrapper is inlined into an optimized caller, V8 folds them to
    // constants, sees `native` as a known API function and emits the fast
    // call. (No comments inside the template: V8 scans every copy.)
    return `((native_, bigint_, lib_, name_, slot_, i32_, u32_, i64_, u64_) => {
        const native = native_, bigint = bigint_, lib = lib_, name = name_, slot = slot_;
        const i32 = i32_, u32 = u32_, i64 = i64_, u64 = u64_;
        const at = slot * 2;
        return (function (${args}) {
          if (lib.closed) throw closedError(lib, name);
          if (arguments.length < ${arity}) throw arityError(name, ${arity}, arguments.length);
          ${boolChecks}
          ${bigintCall}
          ${body("native")}
        });
      })`;
  }
  // `shapes`: flat [id, arity, kind, bools, wide] of the shapes not seen
  // yet (index arrays null when empty).
  function compileFactories(shapes) {
    const sources = [], ids = [];
    for (let i = 0; i < shapes.length; i += 5) {
      ids.push(shapes[i]);
      sources.push(factorySource(shapes[i + 1], shapes[i + 2], shapes[i + 3] ?? NONE, shapes[i + 4] ?? NONE));
    }
    const src = `"use strict"; return [${sources.join(",\n")}];`;
    const made = new Function("closedError", "arityError", "boolError", "MIN_SAFE", "MAX_SAFE", src)(
      closedError, arityError, boolError, MIN_SAFE, MAX_SAFE);
    for (let i = 0; i < ids.length; i++) factories[ids[i]] = made[i];
  }

  // Out-slot results live in the isolate's out arena (src/symbol_pool.rs):
  // chunks of 8-byte cells that outlive libraries, because a closed
  // library's symbol functions, trampolines and cells are reused by a later
  // dlopen of the same symbols. One set of views per chunk.
  const chunkViews = [];
  const NO_OUT = { i32: null, u32: null, i64: null, u64: null };
  const NONE = [];
  function outViews(buffers, chunk) {
    let v = chunkViews[chunk];
    if (v === undefined) {
      const b = buffers[chunk];
      v = { i32: new Int32Array(b), u32: new Uint32Array(b), i64: new BigInt64Array(b), u64: new BigUint64Array(b) };
      chunkViews[chunk] = v;
    }
    return v;
  }

  // The plain declaration shape, read here and encoded in one string for
  // native.open (src/decl_js.rs, read_encoded_symbols): property loads in
  // JS have inline caches, reading through the V8 API does not, and this is
  // most of the cost of a dlopen. Anything else (statics, struct types,
  // flags that are not booleans, values that are not strings, more
  // parameters than the limit, NUL in a name) gives null, and native.open
  // reads the whole declaration itself, with its checks and messages.
  // Properties are read in the same order as there.
  const MAX_PARAMETERS = 255; // hotcall_abi::limits::MAX_PARAMETERS
  const isFlag = (v) => v === undefined || v === null || typeof v === "boolean";
  const plainString = (v) => typeof v === "string" && v.indexOf("\0") === -1;
  // `keys` receives the keys in order (native.open then sends none).
  function encodeSymbols(symbols, keys) {
    if (symbols === null || typeof symbols !== "object") return null;
    const out = [];
    for (const key of Object.keys(symbols)) {
      const d = symbols[key];
      if (d === null || typeof d !== "object" || !plainString(key)) return null;
      let name = d.name;
      if (name === undefined) name = key;
      else if (!plainString(name)) return null;
      const optional = d.optional;
      if (!isFlag(optional) || d.type !== undefined) return null;
      const params = d.parameters;
      if (!Array.isArray(params) || params.length > MAX_PARAMETERS) return null;
      const n = params.length;
      const at = out.length;
      keys.push(key);
      out.push(key, name, 0, "", n);
      for (let i = 0; i < n; i++) {
        const p = params[i];
        if (!plainString(p)) return null;
        out.push(p);
      }
      const result = d.result;
      const nonblocking = d.nonblocking, callback = d.callback;
      if (!plainString(result) || !isFlag(nonblocking) || !isFlag(callback)) return null;
      out[at + 2] = (optional === true ? 1 : 0) | (nonblocking === true ? 2 : 0) | (callback === true ? 4 : 0);
      out[at + 3] = result;
    }
    return out.join("\0");
  }

  function dlopen(path, symbols) {
    const file = toPath(path);
    // `open` checks the permission and loads exactly the file it checked.
    const keys = [];
    const encoded = encodeSymbols(symbols, keys);
    const raw = native.open(file, symbols, encoded, REALM);
    const id = raw[2];
    try {
      return wrapLibrary(file, raw, encoded === null ? null : keys);
    } catch (e) {
      // Nothing of it reached the script: unload it again.
      native.close(id);
      throw e;
    }
  }

  // The script's view of what native.open returned: `keys` are the
  // declaration's keys in order when JS encoded it (else each entry has
  // its key).
  function wrapLibrary(file, raw, keys) {
    const lib = { closed: false, path: file };
    const result = {};
    const entries = raw[0], buffers = raw[1], id = raw[2], newShapes = raw[3];
    if (newShapes !== null) compileFactories(newShapes);
    // Shapes this install has no factory for although the isolate has
    // numbered them (another install's, or a batch that failed to compile).
    let unknown = null;
    for (let e = 0; e < entries.length; e += 7) {
      if (entries[e + 2] >= 0 && factories[entries[e + 4]] === undefined) (unknown ??= []).push(entries[e + 4]);
    }
    if (unknown !== null) compileFactories(native.shapes(unknown));
    for (let e = 0, i = 0; e < entries.length; e += 7, i++) {
      const key = keys === null ? entries[e] : keys[i];
      const value = entries[e + 1], kind = entries[e + 2], slot = entries[e + 3];
      const shape = entries[e + 4], bigint = entries[e + 5], chunk = entries[e + 6];
      if (kind < 0) {
        Object.defineProperty(result, key, { value, enumerable: true, writable: false, configurable: false });
        continue;
      }
      const v = chunk < 0 ? NO_OUT : outViews(buffers, chunk);
      const fn = factories[shape](value, bigint, lib, key, slot, v.i32, v.u32, v.i64, v.u64);
      // A plain store (writable, enumerable, configurable, like Deno's
      // symbols), except for the one key a store would not define.
      if (key === "__proto__") {
        Object.defineProperty(result, key, { value: fn, enumerable: true, writable: true, configurable: true });
      } else {
        result[key] = fn;
      }
    }
    const rid = resources.add("dynamicLibrary");
    return {
      symbols: result,
      close() {
        if (lib.closed) return;
        lib.closed = true;
        resources.remove(rid);
        native.close(id);
      },
    };
  }

  class UnsafePointer {
    static of(value) {
      if (value !== null && typeof value === "object" && !ArrayBuffer.isView(value) &&
          !(value instanceof ArrayBuffer) && "pointer" in value) {
        return value.pointer;
      }
      return native.pointerOf(value);
    }
  }

  class UnsafePointerView {
    pointer;
    constructor(pointer) { this.pointer = pointer; }
    getBool(offset = 0) { return native.read("bool", this.pointer, offset); }
    getUint8(offset = 0) { return native.read("u8", this.pointer, offset); }
    getInt8(offset = 0) { return native.read("i8", this.pointer, offset); }
    getUint16(offset = 0) { return native.read("u16", this.pointer, offset); }
    getInt16(offset = 0) { return native.read("i16", this.pointer, offset); }
    getUint32(offset = 0) { return native.read("u32", this.pointer, offset); }
    getInt32(offset = 0) { return native.read("i32", this.pointer, offset); }
    getBigUint64(offset = 0) { return native.read("u64", this.pointer, offset); }
    getBigInt64(offset = 0) { return native.read("i64", this.pointer, offset); }
    getFloat32(offset = 0) { return native.read("f32", this.pointer, offset); }
    getFloat64(offset = 0) { return native.read("f64", this.pointer, offset); }
    getPointer(offset = 0) { return native.read("pointer", this.pointer, offset); }
    getCString(offset = 0) { return native.cstring(this.pointer, offset); }
    getArrayBuffer(byteLength, offset = 0) { return native.arrayBuffer(this.pointer, byteLength, offset); }
    copyInto(destination, offset = 0) { native.copyInto(this.pointer, destination, offset); }
    static getCString(pointer, offset = 0) { return native.cstring(pointer, offset); }
    static getArrayBuffer(pointer, byteLength, offset = 0) { return native.arrayBuffer(pointer, byteLength, offset); }
    static copyInto(pointer, destination, offset = 0) { native.copyInto(pointer, destination, offset); }
  }

  class UnsafeFnPointer {
    pointer;
    definition;
    #call;
    constructor(pointer, definition) {
      this.#call = native.fnPointer(pointer, definition);
      this.pointer = pointer;
      this.definition = definition;
    }
    call(...args) { return this.#call(...args); }
  }

  Deno.dlopen = dlopen;
  Deno.UnsafePointer = UnsafePointer;
  Deno.UnsafePointerView = UnsafePointerView;
  Deno.UnsafeFnPointer = UnsafeFnPointer;

  internals.slowCalls = native.slowCalls;
})
