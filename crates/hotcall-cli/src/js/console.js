// hotcall's value formatter and `console`. Evaluated once at startup as a
// classic script; its value is a function that receives the natives (`ops`)
// and the object shared by the bootstrap scripts (`internals`), to which it
// adds `inspect`, `formatArgs`, `formatUncaught` and `console`.
//
// Output follows Deno's console: strings are quoted only when nested (with
// double quotes), objects `{ a: 1 }`, arrays `[ 1, 2 ]`, typed arrays
// `Uint8Array(2) [ 1, 2 ]`, bigints `1n`, nesting deeper than 4 levels is
// shown as `[Object]`, lines break past 80 columns, and long arrays of short
// items are laid out in aligned columns.

(function (ops, internals) {
  "use strict";

  const MAX_DEPTH = 4;
  const LINE_WIDTH = 80;
  const MAX_ITEMS = 100;
  const MAX_BUFFER_BYTES = 50;
  // How many innermost nesting levels may share one line.
  const INLINE_LEVELS = 3;

  const customInspect = Symbol.for("Deno.customInspect");
  const nodeCustomInspect = Symbol.for("nodejs.util.inspect.custom");

  const { getPrototypeOf, getOwnPropertyDescriptor, keys: objectKeys } = Object;
  const fnToString = Function.prototype.toString;
  const typedArrayProto = getPrototypeOf(Uint8Array.prototype);
  const typedArrayTag = getOwnPropertyDescriptor(typedArrayProto, Symbol.toStringTag).get;
  const identifierRe = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

  // ---- primitives --------------------------------------------------------

  function quote(s) {
    let q = '"';
    if (s.includes('"')) {
      if (!s.includes("'")) q = "'";
      else if (!s.includes("`") && !s.includes("${")) q = "`";
    }
    let out = q;
    for (const ch of s) {
      const c = ch.codePointAt(0);
      if (ch === q || ch === "\\") out += "\\" + ch;
      else if (ch === "\n") out += "\\n";
      else if (ch === "\t") out += "\\t";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\b") out += "\\b";
      else if (ch === "\f") out += "\\f";
      else if (ch === "\v") out += "\\v";
      else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).toUpperCase().padStart(2, "0");
      else out += ch;
    }
    return out + q;
  }

  function formatNumber(n) {
    return Object.is(n, -0) ? "-0" : String(n);
  }

  function formatPrimitive(v) {
    switch (typeof v) {
      case "string": return quote(v);
      case "number": return formatNumber(v);
      case "bigint": return `${v}n`;
      case "boolean": return String(v);
      case "undefined": return "undefined";
      case "symbol": return Symbol.prototype.toString.call(v);
      default: return "null";
    }
  }

  function formatKey(key) {
    if (typeof key === "symbol") return `[${Symbol.prototype.toString.call(key)}]`;
    return identifierRe.test(key) ? key : quote(key);
  }

  // ---- helpers ------------------------------------------------------------

  // The name of the nearest constructor on the prototype chain, or null for
  // objects without a prototype.
  function constructorName(obj) {
    let proto = obj;
    while (proto !== null) {
      const desc = getOwnPropertyDescriptor(proto, "constructor");
      if (desc !== undefined && typeof desc.value === "function" && desc.value.name !== "") {
        return desc.value.name;
      }
      proto = getPrototypeOf(proto);
    }
    return null;
  }

  // "Foo [tag] " style prefix; `fallback` names what has no constructor.
  function prefixOf(obj, fallback, size) {
    const name = constructorName(obj);
    let tag = "";
    try {
      const t = obj[Symbol.toStringTag];
      if (typeof t === "string" && t !== "" && t !== (name ?? fallback)) tag = ` [${t}]`;
    } catch { /* a throwing getter: no tag */ }
    const sized = size === undefined ? "" : `(${size})`;
    if (name === null) return `[${fallback}${sized}: null prototype]${tag} `;
    return `${name}${sized}${tag} `;
  }

  function isClass(fn) {
    try {
      return fnToString.call(fn).startsWith("class");
    } catch {
      return false;
    }
  }

  function formatFunction(fn) {
    const name = typeof fn.name === "string" ? fn.name : "";
    if (isClass(fn)) {
      let text = `[class ${name || "(anonymous)"}`;
      const parent = getPrototypeOf(fn);
      if (parent !== Function.prototype && parent !== null && typeof parent.name === "string" && parent.name) {
        text += ` extends ${parent.name}`;
      }
      return text + "]";
    }
    let kind = "Function";
    const tag = fn[Symbol.toStringTag];
    if (tag === "AsyncFunction" || tag === "GeneratorFunction" || tag === "AsyncGeneratorFunction") kind = tag;
    return name ? `[${kind}: ${name}]` : `[${kind} (anonymous)]`;
  }

  // Own enumerable keys (and symbols) to show; for arrays, not the indices.
  function shownKeys(obj, skipIndices) {
    let names = objectKeys(obj);
    if (skipIndices) names = names.filter((k) => !(String(k >>> 0) === k && (k >>> 0) !== 4294967295));
    const symbols = Object.getOwnPropertySymbols(obj).filter((s) => getOwnPropertyDescriptor(obj, s)?.enumerable);
    return names.concat(symbols);
  }

  function indentLines(text, spaces) {
    return spaces === 0 ? text : text.split("\n").join("\n" + " ".repeat(spaces));
  }

  // ---- objects ------------------------------------------------------------

  function formatValue(ctx, v, level, topLevelString) {
    if (v === null || (typeof v !== "object" && typeof v !== "function")) {
      return topLevelString && typeof v === "string" ? v : formatPrimitive(v);
    }
    return formatObject(ctx, v, level);
  }

  function formatObject(ctx, v, level) {
    const tag = ops.typeTag(v);
    if (tag === "Proxy") return formatValue(ctx, ops.proxyTarget(v), level, false);

    const custom = customFormatter(v);
    if (custom !== undefined) {
      const result = custom.call(v, (x, opts) => inspect(x, opts), { depth: MAX_DEPTH - level, indentLevel: ctx.indent });
      return typeof result === "string" ? result : formatValue(ctx, result, level, false);
    }

    if (ctx.seen.includes(v)) {
      let index = ctx.circular.get(v);
      if (index === undefined) {
        index = ctx.circular.size + 1;
        ctx.circular.set(v, index);
      }
      return `[Circular *${index}]`;
    }
    const text = formatRaw(ctx, v, level, tag);
    const ref = ctx.circular.get(v);
    return ref === undefined ? text : `<ref *${ref}> ${text}`;
  }

  function customFormatter(v) {
    try {
      const f = v[customInspect] ?? v[nodeCustomInspect];
      return typeof f === "function" ? f : undefined;
    } catch {
      return undefined;
    }
  }

  // Builds `{ prefix, braces, entries, arrayLike }` for `v`, then joins it.
  function formatRaw(ctx, v, level, tag) {
    let prefix = "";
    let open = "{";
    let close = "}";
    let base = "";
    let arrayLike = false;
    let entries = [];
    let keys;
    let isEmpty;
    let fill; // fills `entries` from the value's own contents

    if (Array.isArray(v)) {
      arrayLike = true;
      keys = shownKeys(v, true);
      const name = constructorName(v);
      prefix = name === "Array" ? "" : prefixOf(v, "Array", v.length);
      open = "[";
      close = "]";
      isEmpty = v.length === 0 && keys.length === 0;
      fill = () => formatArrayItems(ctx, v, level, entries);
    } else if (typeof v === "function") {
      base = formatFunction(v);
      keys = shownKeys(v, false).filter((k) => k !== "prototype");
      if (keys.length === 0) return base;
      isEmpty = false;
    } else if (tag === "TypedArray") {
      arrayLike = true;
      keys = [];
      const name = typedArrayTag.call(v);
      const own = constructorName(v);
      prefix = `${own ?? name}(${v.length}) `;
      open = "[";
      close = "]";
      isEmpty = v.length === 0;
      fill = () => {
        const shown = Math.min(v.length, MAX_ITEMS);
        for (let i = 0; i < shown; i++) entries.push(formatPrimitive(v[i]));
        if (v.length > shown) entries.push(moreItems(v.length - shown));
      };
    } else if (tag === "Map") {
      keys = shownKeys(v, false);
      prefix = prefixOf(v, "Map", v.size);
      isEmpty = v.size === 0 && keys.length === 0;
      fill = () => {
        ctx.indent += 2;
        let n = 0;
        for (const [k, val] of Map.prototype.entries.call(v)) {
          if (n++ === MAX_ITEMS) {
            entries.push(moreItems(v.size - MAX_ITEMS));
            break;
          }
          entries.push(`${formatValue(ctx, k, level + 1, false)} => ${formatValue(ctx, val, level + 1, false)}`);
        }
        ctx.indent -= 2;
      };
    } else if (tag === "Set") {
      keys = shownKeys(v, false);
      prefix = prefixOf(v, "Set", v.size);
      isEmpty = v.size === 0 && keys.length === 0;
      fill = () => {
        ctx.indent += 2;
        let n = 0;
        for (const val of Set.prototype.values.call(v)) {
          if (n++ === MAX_ITEMS) {
            entries.push(moreItems(v.size - MAX_ITEMS));
            break;
          }
          entries.push(formatValue(ctx, val, level + 1, false));
        }
        ctx.indent -= 2;
      };
    } else {
      keys = shownKeys(v, false);
      switch (tag) {
        case "Error":
          return formatError(ctx, v, level, keys);
        case "Date":
          base = Number.isNaN(Date.prototype.getTime.call(v)) ? "Invalid Date" : Date.prototype.toISOString.call(v);
          break;
        case "RegExp":
          base = RegExp.prototype.toString.call(v);
          break;
        case "Number":
          base = `[Number: ${formatNumber(Number.prototype.valueOf.call(v))}]`;
          break;
        case "String":
          base = `[String: ${quote(String.prototype.valueOf.call(v))}]`;
          keys = keys.filter((k) => !(String(k >>> 0) === k));
          break;
        case "Boolean":
          base = `[Boolean: ${Boolean.prototype.valueOf.call(v)}]`;
          break;
        case "BigInt":
          base = `[BigInt: ${BigInt.prototype.valueOf.call(v)}n]`;
          break;
        case "Symbol":
          base = `[Symbol: ${Symbol.prototype.toString.call(Symbol.prototype.valueOf.call(v))}]`;
          break;
        case "WeakMap":
        case "WeakSet":
          prefix = prefixOf(v, tag);
          entries.push("<items unknown>");
          break;
        case "Promise": {
          prefix = prefixOf(v, "Promise");
          const [state, result] = ops.promiseState(v);
          fill = () => {
            if (state === 0) {
              entries.push("<pending>");
            } else {
              ctx.indent += 2;
              const shown = formatValue(ctx, result, level + 1, false);
              ctx.indent -= 2;
              entries.push(state === 2 ? `<rejected> ${shown}` : shown);
            }
          };
          break;
        }
        case "ArrayBuffer":
        case "SharedArrayBuffer": {
          prefix = prefixOf(v, tag);
          fill = () => {
            let bytes;
            try {
              bytes = new Uint8Array(v);
            } catch {
              entries.push("(detached)");
              return;
            }
            const shown = Math.min(bytes.length, MAX_BUFFER_BYTES);
            let hex = [];
            for (let i = 0; i < shown; i++) hex.push(bytes[i].toString(16).padStart(2, "0"));
            let text = hex.join(" ");
            if (bytes.length > shown) text += ` ... ${bytes.length - shown} more byte${bytes.length - shown > 1 ? "s" : ""}`;
            entries.push(`[Uint8Contents]: <${text}>`, `byteLength: ${bytes.length}`);
          };
          break;
        }
        case "DataView":
          prefix = prefixOf(v, "DataView");
          fill = () => {
            ctx.indent += 2;
            entries.push(
              `byteLength: ${v.byteLength}`,
              `byteOffset: ${v.byteOffset}`,
              `buffer: ${formatValue(ctx, v.buffer, level + 1, false)}`,
            );
            ctx.indent -= 2;
          };
          break;
        case "Module":
          prefix = "[Module: null prototype] ";
          fill = () => {
            ctx.indent += 2;
            for (const k of Object.getOwnPropertyNames(v)) {
              let shown;
              try {
                shown = formatValue(ctx, v[k], level + 1, false);
              } catch {
                shown = "<uninitialized>";
              }
              entries.push(`${formatKey(k)}: ${shown}`);
            }
            ctx.indent -= 2;
          };
          keys = [];
          break;
        case "Arguments":
          arrayLike = true;
          prefix = "[Arguments] ";
          open = "[";
          close = "]";
          keys = shownKeys(v, true);
          fill = () => formatArrayItems(ctx, v, level, entries);
          isEmpty = v.length === 0 && keys.length === 0;
          break;
        default:
          if (tag === "Generator" || tag === "Map Iterator" || tag === "Set Iterator") {
            prefix = `Object [${tag}] `;
          } else {
            prefix = prefixOf(v, "Object");
            if (prefix === "Object ") prefix = "";
          }
      }
      if (isEmpty === undefined) isEmpty = fill === undefined && entries.length === 0 && keys.length === 0;
      if (base !== "" && keys.length === 0) return base;
    }

    if (isEmpty) {
      if (base !== "") return base;
      return `${prefix}${open}${close}`;
    }
    if (level > MAX_DEPTH) {
      const name = constructorName(v) ?? "Object";
      return `[${Array.isArray(v) ? "Array" : name}]`;
    }

    ctx.seen.push(v);
    ctx.currentLevel = level;
    if (fill !== undefined) fill();
    ctx.indent += 2;
    for (const k of keys) entries.push(formatProperty(ctx, v, k, level));
    ctx.indent -= 2;
    ctx.seen.pop();
    return join(ctx, entries, base, prefix + open, close, arrayLike && keys.length === 0, level, v);
  }

  function moreItems(n) {
    return `... ${n} more item${n > 1 ? "s" : ""}`;
  }

  function formatArrayItems(ctx, v, level, entries) {
    const length = v.length;
    let shown = 0;
    let i = 0;
    ctx.indent += 2;
    while (i < length && shown < MAX_ITEMS) {
      if (!Object.prototype.hasOwnProperty.call(v, i)) {
        let holes = 0;
        while (i < length && !Object.prototype.hasOwnProperty.call(v, i)) {
          holes++;
          i++;
        }
        entries.push(`<${holes} empty item${holes > 1 ? "s" : ""}>`);
      } else {
        entries.push(formatValue(ctx, v[i], level + 1, false));
        i++;
      }
      shown++;
    }
    ctx.indent -= 2;
    if (i < length) entries.push(moreItems(length - i));
  }

  function formatProperty(ctx, obj, key, level) {
    const desc = getOwnPropertyDescriptor(obj, key) ?? { value: obj[key] };
    let shown;
    if ("value" in desc) {
      shown = formatValue(ctx, desc.value, level + 1, false);
    } else if (desc.get !== undefined) {
      shown = desc.set !== undefined ? "[Getter/Setter]" : "[Getter]";
    } else {
      shown = desc.set !== undefined ? "[Setter]" : "undefined";
    }
    return `${formatKey(key)}: ${shown}`;
  }

  function errorText(err) {
    let stack;
    try {
      stack = err.stack;
    } catch { /* ignore */ }
    if (typeof stack !== "string" || stack === "") {
      try {
        return `[${Error.prototype.toString.call(err)}]`;
      } catch {
        return "[Error]";
      }
    }
    return stack.includes("\n    at ") ? stack : `[${stack}]`;
  }

  function formatError(ctx, err, level, keys) {
    const text = errorText(err);
    const base = indentLines(text, ctx.indent);
    // Own `name`/`message`/`stack` properties already visible in the stack
    // text are not repeated.
    keys = keys.filter((k) => {
      if (k !== "name" && k !== "message" && k !== "stack") return true;
      const value = getOwnPropertyDescriptor(err, k)?.value;
      return !(typeof value === "string" && text.includes(value));
    });
    let hasCause = false;
    try {
      hasCause = Object.prototype.hasOwnProperty.call(err, "cause") && !keys.includes("cause");
    } catch { /* ignore */ }
    if (keys.length === 0 && !hasCause) return base;
    if (level > MAX_DEPTH) return `[${constructorName(err) ?? "Error"}]`;
    ctx.seen.push(err);
    ctx.currentLevel = level;
    ctx.indent += 2;
    const entries = [];
    if (hasCause) entries.push(`[cause]: ${formatValue(ctx, err.cause, level + 1, false)}`);
    for (const k of keys) entries.push(formatProperty(ctx, err, k, level));
    ctx.indent -= 2;
    ctx.seen.pop();
    return join(ctx, entries, base, "{", "}", false, level, err);
  }

  // One line if short enough and few levels deep, otherwise one entry per
  // line (long arrays of short items: aligned columns).
  function join(ctx, entries, base, open, close, arrayLike, level, value) {
    const head = base === "" ? open : `${base} ${open}`;
    let lines = entries;
    if (arrayLike && entries.length > 6) lines = columns(ctx, entries, value);
    if (lines === entries && ctx.currentLevel - level < INLINE_LEVELS) {
      // Room for ", " between entries and a margin, as Node and Deno count it.
      let width = ctx.indent + open.length + base.length + 10 + entries.length * 2;
      const fits = width + entries.length <= LINE_WIDTH;
      for (const e of entries) width += e.length;
      if (fits && width <= LINE_WIDTH && !base.includes("\n")) {
        const text = entries.join(", ");
        if (!text.includes("\n")) return `${head} ${text} ${close}`;
      }
    }
    const pad = "\n" + " ".repeat(ctx.indent);
    return `${head}${pad}  ${lines.join(`,${pad}  `)}${pad}${close}`;
  }

  // Lays short entries out in rows of aligned columns, aiming at a roughly
  // square block (characters are taken as 2.5 times as high as wide). Numbers
  // are right-aligned, anything else left-aligned. Returns `entries` itself
  // when the entries are too long or too uneven for columns.
  function columns(ctx, entries, value) {
    const hasMore = entries[entries.length - 1].startsWith("... ");
    const count = hasMore ? entries.length - 1 : entries.length;
    let longest = 0;
    let total = 0;
    for (let i = 0; i < count; i++) {
      longest = Math.max(longest, entries[i].length);
      total += entries[i].length + 2;
    }
    const cell = longest + 2;
    if (cell * 3 + ctx.indent >= LINE_WIDTH || !(total / cell > 5 || longest <= 6)) return entries;
    const bias = Math.sqrt(cell - total / entries.length);
    const width = Math.max(cell - 3 - bias, 1);
    const cols = Math.min(
      Math.round(Math.sqrt(2.5 * width * count) / width),
      Math.floor((LINE_WIDTH - ctx.indent) / cell),
      INLINE_LEVELS * 4,
      15,
    );
    if (cols <= 1) return entries;
    const colWidth = [];
    for (let c = 0; c < cols; c++) {
      let w = 0;
      for (let i = c; i < count; i += cols) w = Math.max(w, entries[i].length);
      colWidth.push(w + 2);
    }
    let numeric = value !== undefined;
    for (let i = 0; numeric && i < count; i++) {
      const t = typeof value[i];
      if (t !== "number" && t !== "bigint") numeric = false;
    }
    const rows = [];
    for (let start = 0; start < count; start += cols) {
      const end = Math.min(start + cols, count);
      let row = "";
      for (let i = start; i < end - 1; i++) {
        const cellText = `${entries[i]}, `;
        row += numeric ? cellText.padStart(colWidth[i - start]) : cellText.padEnd(colWidth[i - start]);
      }
      const last = entries[end - 1];
      row += numeric ? last.padStart(colWidth[end - 1 - start] - 2) : last;
      rows.push(row);
    }
    if (hasMore) rows.push(entries[entries.length - 1]);
    return rows;
  }

  function newContext(indent = 0) {
    return { seen: [], circular: new Map(), indent, currentLevel: 0 };
  }

  // `Deno.inspect`: strings are quoted.
  function inspect(value, options = {}) {
    const indent = typeof options?.indentLevel === "number" ? options.indentLevel : 0;
    return formatValue(newContext(indent), value, 0, false);
  }

  // ---- console ------------------------------------------------------------

  // `console.log` arguments to one string: printf-style specifiers in a
  // leading string, then every other argument separated by spaces.
  function formatArgs(args) {
    let out = "";
    let next = 0;
    if (typeof args[0] === "string" && args.length > 1) {
      const fmt = args[0];
      next = 1;
      let last = 0;
      for (let i = 0; i < fmt.length - 1; i++) {
        if (fmt[i] !== "%") continue;
        const spec = fmt[i + 1];
        let piece;
        if (spec === "%") {
          piece = "%";
        } else if (next < args.length && "sdifoOc".includes(spec)) {
          piece = formatSpecifier(spec, args[next++]);
        } else {
          continue;
        }
        out += fmt.slice(last, i) + piece;
        last = i + 2;
        i++;
      }
      out += fmt.slice(last);
    }
    for (let i = next; i < args.length; i++) {
      if (i > 0) out += " ";
      out += formatValue(newContext(), args[i], 0, true);
    }
    return out;
  }

  function formatSpecifier(spec, arg) {
    switch (spec) {
      case "s":
        if (typeof arg === "string") return arg;
        if (typeof arg === "bigint") return `${arg}n`;
        if (typeof arg === "symbol") return Symbol.prototype.toString.call(arg);
        if (arg !== null && (typeof arg === "object" || typeof arg === "function")) return inspect(arg);
        return formatNumberLike(arg, String);
      case "d":
        if (typeof arg === "bigint") return `${arg}n`;
        if (typeof arg === "symbol" || (arg !== null && typeof arg === "object")) return "NaN";
        return formatNumber(Number(arg));
      case "i":
        if (typeof arg === "bigint") return `${arg}n`;
        if (typeof arg === "symbol") return "NaN";
        return formatNumber(parseInt(arg));
      case "f":
        if (typeof arg === "symbol") return "NaN";
        return formatNumber(parseFloat(arg));
      case "o":
      case "O":
        return inspect(arg);
      default: // "c": CSS, not shown in a terminal
        return "";
    }
  }

  function formatNumberLike(arg, convert) {
    return typeof arg === "number" ? formatNumber(arg) : convert(arg);
  }

  let groupIndent = 0;
  const counts = new Map();
  const timers = new Map();

  function write(toStderr, text) {
    if (groupIndent > 0) text = " ".repeat(groupIndent) + indentLines(text, groupIndent);
    ops.print(text + "\n", toStderr);
  }

  const console = {
    log: (...args) => write(false, formatArgs(args)),
    info: (...args) => write(false, formatArgs(args)),
    debug: (...args) => write(false, formatArgs(args)),
    error: (...args) => write(true, formatArgs(args)),
    warn: (...args) => write(true, formatArgs(args)),
    dir: (value) => write(false, inspect(value)),
    assert: (condition, ...args) => {
      if (condition) return;
      write(true, args.length === 0 ? "Assertion failed" : `Assertion failed: ${formatArgs(args)}`);
    },
    trace: (...args) => {
      const stack = new Error().stack.split("\n").slice(2).join("\n");
      write(true, `Trace${args.length ? ": " + formatArgs(args) : ""}\n${stack}`);
    },
    count: (label = "default") => {
      label = String(label);
      const n = (counts.get(label) ?? 0) + 1;
      counts.set(label, n);
      write(false, `${label}: ${n}`);
    },
    countReset: (label = "default") => counts.delete(String(label)),
    time: (label = "default") => {
      timers.set(String(label), ops.now());
    },
    timeLog: (label = "default", ...args) => {
      const start = timers.get(String(label));
      if (start === undefined) return write(true, `Timer "${label}" does not exist`);
      const rest = args.length ? " " + formatArgs(args) : "";
      write(false, `${label}: ${Math.round(ops.now() - start)}ms${rest}`);
    },
    timeEnd: (label = "default") => {
      const start = timers.get(String(label));
      if (start === undefined) return write(true, `Timer "${label}" does not exist`);
      timers.delete(String(label));
      write(false, `${label}: ${Math.round(ops.now() - start)}ms`);
    },
    group: (...args) => {
      if (args.length > 0) write(false, formatArgs(args));
      groupIndent += 2;
    },
    groupEnd: () => {
      groupIndent = Math.max(0, groupIndent - 2);
    },
  };
  console.groupCollapsed = console.group;

  // The text after "error: Uncaught " for a value nobody caught.
  function formatUncaught(value) {
    if (ops.typeTag(value) === "Error" || (value instanceof Error)) {
      let text = errorText(value);
      if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
      let cause = value;
      for (let depth = 0; depth < 8; depth++) {
        try {
          if (!Object.prototype.hasOwnProperty.call(cause, "cause")) break;
          cause = cause.cause;
        } catch {
          break;
        }
        text += "\nCaused by: " + (cause !== null && typeof cause === "object" ? errorText(cause) : formatPrimitive(cause));
        if (cause === null || typeof cause !== "object") break;
      }
      return text;
    }
    return formatValue(newContext(), value, 0, true);
  }

  internals.inspect = inspect;
  internals.formatArgs = formatArgs;
  internals.formatUncaught = formatUncaught;
  internals.console = console;
  internals.customInspect = customInspect;
});
