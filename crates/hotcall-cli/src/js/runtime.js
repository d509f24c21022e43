// hotcall's globals: timers, `queueMicrotask`, `TextEncoder`/`TextDecoder`,
// `URL`, `performance`, `console` (from console.js) and the `Deno` namespace
// (without the FFI part, which Rust installs afterwards). Evaluated once at
// startup; its value is a function receiving `(ops, internals)`. It leaves
// the `Deno` object in `internals.deno`.

(function (ops, internals) {
  "use strict";

  const { inspect, console, customInspect } = internals;

  // ---- timers -------------------------------------------------------------

  function timerCallback(callback) {
    if (typeof callback === "function") return callback;
    // Browsers evaluate a string callback as global code.
    const code = String(callback);
    return () => (0, eval)(code);
  }

  function setTimeout(callback, delay = 0, ...args) {
    return ops.timerStart(timerCallback(callback), Number(delay), false, args);
  }

  function setInterval(callback, delay = 0, ...args) {
    return ops.timerStart(timerCallback(callback), Number(delay), true, args);
  }

  function clearTimeout(id = 0) {
    const n = Number(id);
    if (Number.isInteger(n) && n > 0) ops.timerClear(n);
  }

  // ---- encoding -----------------------------------------------------------

  class TextEncoder {
    get encoding() {
      return "utf-8";
    }

    encode(input = "") {
      return ops.encode(String(input));
    }

    encodeInto(source, destination) {
      if (!(destination instanceof Uint8Array)) {
        throw new TypeError("TextEncoder.encodeInto: argument 2 must be a Uint8Array");
      }
      const [read, written] = ops.encodeInto(String(source), destination);
      return { read, written };
    }

    [customInspect]() {
      return `TextEncoder { encoding: "utf-8" }`;
    }
  }

  const utf8Labels = ["unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"];

  // How many bytes at the end of `bytes` start a UTF-8 sequence that is not
  // complete yet (0 to 3).
  function incompleteTail(bytes) {
    const n = bytes.length;
    for (let back = 1; back <= Math.min(3, n); back++) {
      const b = bytes[n - back];
      if ((b & 0xc0) === 0x80) continue; // a continuation byte
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      return need > back ? back : 0;
    }
    return 0;
  }

  function toBytes(input) {
    if (input instanceof Uint8Array) return input;
    if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    if (input instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && input instanceof SharedArrayBuffer)) {
      return new Uint8Array(input);
    }
    throw new TypeError("TextDecoder.decode: the input is not an ArrayBuffer or ArrayBufferView");
  }

  class TextDecoder {
    #fatal;
    #ignoreBOM;
    #pending = null; // bytes of an incomplete sequence (streaming)
    #started = false; // a streaming decode produced output already

    constructor(label = "utf-8", options = {}) {
      const normalized = String(label).trim().toLowerCase();
      if (!utf8Labels.includes(normalized)) {
        throw new RangeError(`The encoding label provided ('${label}') is invalid.`);
      }
      this.#fatal = Boolean(options?.fatal);
      this.#ignoreBOM = Boolean(options?.ignoreBOM);
    }

    get encoding() {
      return "utf-8";
    }

    get fatal() {
      return this.#fatal;
    }

    get ignoreBOM() {
      return this.#ignoreBOM;
    }

    decode(input = new Uint8Array(0), options = {}) {
      const stream = Boolean(options?.stream);
      let bytes = toBytes(input);
      if (this.#pending !== null) {
        const joined = new Uint8Array(this.#pending.length + bytes.length);
        joined.set(this.#pending);
        joined.set(bytes, this.#pending.length);
        bytes = joined;
        this.#pending = null;
      }
      if (stream) {
        const tail = incompleteTail(bytes);
        if (tail > 0) {
          this.#pending = bytes.slice(bytes.length - tail);
          bytes = bytes.subarray(0, bytes.length - tail);
        }
      }
      let text = ops.decode(bytes, this.#fatal);
      if (!this.#started && !this.#ignoreBOM && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.#started = stream && (this.#started || text.length > 0 || bytes.length > 0);
      return text;
    }

    [customInspect]() {
      return `TextDecoder { encoding: "utf-8", fatal: ${this.#fatal}, ignoreBOM: ${this.#ignoreBOM} }`;
    }
  }

  // ---- URL (enough for file URLs and import.meta.url) ---------------------

  const schemeRe = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s;

  function encodePath(path) {
    return path.replace(/[\x00-\x20"<>`{}|^\\\x7f]|[^\x00-\x7f]+/g, (c) => (c === "\\" ? "/" : encodeURI(c)));
  }

  function removeDots(path) {
    const out = [];
    const parts = path.split("/");
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      const last = i === parts.length - 1;
      if (part === ".") {
        if (last) out.push("");
      } else if (part === "..") {
        if (out.length > 1) out.pop();
        if (last) out.push("");
      } else {
        out.push(part);
      }
    }
    return out.join("/");
  }

  // { scheme, authority (null if none), path, query, fragment } of a URL
  // reference (scheme null for relative references).
  function splitReference(text) {
    let rest = text;
    let scheme = null;
    const m = schemeRe.exec(rest);
    if (m) {
      scheme = m[1].toLowerCase();
      rest = m[2];
    }
    let fragment = null;
    const hashAt = rest.indexOf("#");
    if (hashAt >= 0) {
      fragment = rest.slice(hashAt + 1);
      rest = rest.slice(0, hashAt);
    }
    let query = null;
    const queryAt = rest.indexOf("?");
    if (queryAt >= 0) {
      query = rest.slice(queryAt + 1);
      rest = rest.slice(0, queryAt);
    }
    let authority = null;
    if (rest.startsWith("//")) {
      const end = rest.indexOf("/", 2);
      authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
      rest = end < 0 ? "" : rest.slice(end);
    }
    return { scheme, authority, path: rest, query, fragment };
  }

  class URL {
    #scheme;
    #authority;
    #path;
    #query;
    #fragment;

    constructor(url, base) {
      const ref = splitReference(String(url).trim());
      let parts;
      if (ref.scheme !== null) {
        parts = ref;
      } else {
        if (base === undefined) throw new TypeError(`Invalid URL: '${url}'`);
        const b = base instanceof URL ? base : new URL(base);
        parts = { scheme: b.#scheme, authority: b.#authority, path: b.#path, query: b.#query, fragment: ref.fragment };
        if (ref.authority !== null) {
          parts.authority = ref.authority;
          parts.path = ref.path;
          parts.query = ref.query;
        } else if (ref.path === "") {
          if (ref.query !== null) parts.query = ref.query;
        } else {
          parts.query = ref.query;
          parts.path = ref.path.startsWith("/") ? ref.path : b.#path.slice(0, b.#path.lastIndexOf("/") + 1) + ref.path;
        }
      }
      if (parts.scheme === "file" && parts.authority === null) parts.authority = "";
      const hierarchical = parts.authority !== null || parts.path.startsWith("/");
      if (hierarchical) {
        parts.path = removeDots(encodePath(parts.path));
        if (parts.path === "" && parts.authority !== null) parts.path = "/";
      }
      this.#scheme = parts.scheme;
      this.#authority = parts.authority === null ? null : parts.authority.toLowerCase();
      this.#path = parts.path;
      this.#query = parts.query;
      this.#fragment = parts.fragment;
    }

    get protocol() {
      return `${this.#scheme}:`;
    }

    get host() {
      return this.#authority ?? "";
    }

    get hostname() {
      return this.host.replace(/:\d*$/, "");
    }

    get port() {
      const m = /:(\d+)$/.exec(this.host);
      return m ? m[1] : "";
    }

    get origin() {
      return this.#scheme === "file" || this.#authority === null ? "null" : `${this.#scheme}://${this.#authority}`;
    }

    get pathname() {
      return this.#path;
    }

    get search() {
      return this.#query ? `?${this.#query}` : "";
    }

    get hash() {
      return this.#fragment ? `#${this.#fragment}` : "";
    }

    get href() {
      const authority = this.#authority === null ? "" : `//${this.#authority}`;
      const query = this.#query === null ? "" : `?${this.#query}`;
      const fragment = this.#fragment === null ? "" : `#${this.#fragment}`;
      return `${this.#scheme}:${authority}${this.#path}${query}${fragment}`;
    }

    toString() {
      return this.href;
    }

    toJSON() {
      return this.href;
    }

    [customInspect]() {
      return `URL ${inspect({
        href: this.href,
        origin: this.origin,
        protocol: this.protocol,
        host: this.host,
        hostname: this.hostname,
        port: this.port,
        pathname: this.pathname,
        hash: this.hash,
        search: this.search,
      })}`;
    }
  }

  // ---- Deno ---------------------------------------------------------------

  function errorClass(name, parent = Error) {
    const C = class extends parent {
      constructor(message, options) {
        super(message, options);
        this.name = name;
      }
    };
    Object.defineProperty(C, "name", { value: name });
    return C;
  }

  const errors = {};
  for (const name of [
    "PermissionDenied", "NotFound", "AlreadyExists", "InvalidData", "TimedOut", "Interrupted",
    "WriteZero", "UnexpectedEof", "BadResource", "Busy", "NotSupported",
  ]) {
    errors[name] = errorClass(name);
  }

  const Deno = {
    args: Object.freeze([...ops.args]),
    build: Object.freeze({
      os: ops.os,
      arch: ops.arch,
      target: ops.target,
      vendor: ops.target.split("-")[1],
      env: ops.target.split("-")[3],
    }),
    version: Object.freeze({ deno: "1.30.0", v8: ops.v8Version, typescript: "5.0.0", hotcall: ops.version }),
    pid: ops.pid,
    noColor: true,
    mainModule: ops.mainUrl,
    errors,
    customInspect,
    execPath() {
      return ops.execPath();
    },
    cwd() {
      return ops.cwd();
    },
    exit(code = 0) {
      ops.exit(code);
    },
    inspect(value, options) {
      return inspect(value, options);
    },
    memoryUsage() {
      const [rss, heapTotal, heapUsed, external] = ops.memoryUsage();
      return { rss, heapTotal, heapUsed, external };
    },
  };

  // The HTML structured clone algorithm (V8's serializer), with `transfer`.
  function structuredClone(value, options = undefined) {
    if (arguments.length === 0) {
      throw new TypeError("Failed to execute 'structuredClone': 1 argument required, but only 0 present.");
    }
    return ops.structuredClone(value, options?.transfer);
  }

  const performance = {
    timeOrigin: Date.now() - ops.now(),
    now: () => ops.now(),
  };

  // ---- workers ------------------------------------------------------------

  // A minimal EventTarget for message/error events (what worker code uses:
  // `onmessage`/`onerror` properties and add/removeEventListener).
  function makeEvent(type, init) {
    let defaultPrevented = false;
    return {
      type,
      ...init,
      get defaultPrevented() { return defaultPrevented; },
      preventDefault() { defaultPrevented = true; },
    };
  }

  function dispatch(target, listeners, event) {
    const handler = target[`on${event.type}`];
    if (typeof handler === "function") {
      if (handler.call(target, event) === false) event.preventDefault();
    }
    for (const listener of [...(listeners.get(event.type) ?? [])]) listener.call(target, event);
    return event;
  }

  function addListener(listeners, type, listener) {
    if (typeof listener !== "function") return;
    if (!listeners.has(type)) listeners.set(type, []);
    const list = listeners.get(type);
    if (!list.includes(listener)) list.push(listener);
  }

  function removeListener(listeners, type, listener) {
    const list = listeners.get(type);
    const at = list ? list.indexOf(listener) : -1;
    if (at >= 0) list.splice(at, 1);
  }

  class Worker {
    #id;
    #listeners = new Map();
    #terminated = false;
    onmessage = null;
    onerror = null;

    constructor(specifier, options = {}) {
      if (options?.type !== "module") {
        throw new TypeError('Classic workers are not supported: use new Worker(url, { type: "module" })');
      }
      const url = new URL(String(specifier), ops.mainUrl).href;
      this.name = options.name ?? "";
      this.#id = ops.workerStart(url, (kind, data) => this.#deliver(kind, data));
    }

    #deliver(kind, data) {
      if (kind === "exit") {
        this.#terminated = true;
        return;
      }
      if (this.#terminated) return;
      if (kind === "message") {
        dispatch(this, this.#listeners, makeEvent("message", { data, target: this }));
        return;
      }
      const event = dispatch(this, this.#listeners, makeEvent("error", { message: data, error: null, target: this }));
      if (!event.defaultPrevented) {
        // Unhandled, as in Deno: the whole program fails.
        console.error(`error: Uncaught (in worker "${this.name}") ${data}`);
        ops.exit(1);
      }
    }

    postMessage(message, transferOrOptions = undefined) {
      if (this.#terminated) return;
      const transfer = Array.isArray(transferOrOptions) ? transferOrOptions : transferOrOptions?.transfer;
      ops.workerPost(this.#id, message, transfer);
    }

    terminate() {
      if (this.#terminated) return;
      this.#terminated = true;
      ops.workerTerminate(this.#id);
    }

    addEventListener(type, listener) { addListener(this.#listeners, type, listener); }
    removeEventListener(type, listener) { removeListener(this.#listeners, type, listener); }
  }

  // Inside a worker: `self.postMessage`, `self.onmessage`, `self.close()`.
  const workerGlobals = {};
  if (ops.isWorker) {
    const listeners = new Map();
    internals.workerDeliver = (kind, data) => {
      dispatch(globalThis, listeners, makeEvent(kind, { data, target: globalThis }));
    };
    Object.assign(workerGlobals, {
      postMessage(message, transferOrOptions = undefined) {
        const transfer = Array.isArray(transferOrOptions) ? transferOrOptions : transferOrOptions?.transfer;
        ops.selfPost(message, transfer);
      },
      close() {
        ops.selfClose();
      },
      addEventListener(type, listener) { addListener(listeners, type, listener); },
      removeEventListener(type, listener) { removeListener(listeners, type, listener); },
      onmessage: null,
    });
  }

  // ---- globals ------------------------------------------------------------

  const globals = {
    console,
    setTimeout,
    setInterval,
    clearTimeout,
    clearInterval: clearTimeout,
    queueMicrotask: ops.queueMicrotask,
    structuredClone,
    Worker,
    ...workerGlobals,
    TextEncoder,
    TextDecoder,
    URL,
    performance,
    Deno,
  };
  for (const [name, value] of Object.entries(globals)) {
    Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
  }
  for (const name of ["window", "self"]) {
    Object.defineProperty(globalThis, name, { get: () => globalThis, enumerable: false, configurable: true });
  }
  Object.defineProperty(ops.queueMicrotask, "name", { value: "queueMicrotask" });

  // `error.stack` as V8 writes it, but with positions in TypeScript modules
  // mapped back to the source. A user `Error.prepareStackTrace` wins.
  function prepareStackTrace(error, sites) {
    const user = Error.prepareStackTrace;
    if (typeof user === "function") return user(error, sites);
    let text;
    try {
      text = Error.prototype.toString.call(error);
    } catch {
      text = "Error";
    }
    for (const site of sites) {
      let frame = String(site);
      const file = site.getFileName();
      const line = site.getLineNumber();
      const column = site.getColumnNumber();
      if (typeof file === "string" && line !== null && column !== null) {
        const mapped = ops.mapPosition(file, line, column);
        const from = `${file}:${line}:${column}`;
        const at = frame.lastIndexOf(from);
        if (mapped !== undefined && at >= 0) {
          frame = `${frame.slice(0, at)}${file}:${mapped[0]}:${mapped[1]}${frame.slice(at + from.length)}`;
        }
      }
      text += `\n    at ${frame}`;
    }
    return text;
  }

  internals.prepareStackTrace = prepareStackTrace;
  internals.deno = Deno;
});
