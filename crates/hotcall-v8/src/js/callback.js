// Deno.UnsafeCallback: a JS function behind a C function pointer.
//
// hotcall-v8 (src/callback/mod.rs) evaluates this file once per context and
// calls the function below with its native operations:
//   ops.create(definition, fn) -> [id, pointer]  compiles the thunk
//   ops.close(id)                                frees it (deferred while
//                                                a call of it is running)
//   ops.ref() / ops.unref()                      keep the event loop alive
// and the Deno object (whose internals hold the resource table that
// ffi.js made). The function returns the class, which becomes
// Deno.UnsafeCallback.
(function (ops, Deno) {
  "use strict";

  const resources = Deno[Symbol.for("hotcall.internals")].resources;

  class UnsafeCallback {
    #id;
    #refs = 0;
    #closed = false;
    #rid;

    constructor(definition, callback) {
      if (typeof callback !== "function") {
        throw new TypeError("UnsafeCallback: the callback must be a function");
      }
      const [id, pointer] = ops.create(definition, callback);
      this.#id = id;
      this.#rid = resources.add("unsafecallback");
      Object.defineProperties(this, {
        pointer: { value: pointer, enumerable: true },
        definition: { value: definition, enumerable: true },
        callback: { value: callback, enumerable: true },
      });
    }

    // A callback that may be called from other threads: constructed with
    // one reference, so the event loop waits for those calls.
    static threadSafe(definition, callback) {
      const cb = new UnsafeCallback(definition, callback);
      cb.ref();
      return cb;
    }

    // Returns the new reference count. The event loop stays alive while
    // any callback's count is positive.
    ref() {
      if (this.#closed) return 0;
      if (this.#refs++ === 0) ops.ref();
      return this.#refs;
    }

    unref() {
      if (this.#refs === 0) return 0;
      if (--this.#refs === 0) ops.unref();
      return this.#refs;
    }

    // Frees the native stub; `pointer` must not be called afterwards.
    // Closing from inside the callback's own call is allowed (the stub is
    // freed once that call has returned). A second close does nothing.
    close() {
      if (this.#closed) return;
      this.#closed = true;
      if (this.#refs > 0) {
        this.#refs = 0;
        ops.unref();
      }
      resources.remove(this.#rid);
      ops.close(this.#id);
    }
  }

  Object.defineProperty(UnsafeCallback.prototype, Symbol.toStringTag, {
    value: "UnsafeCallback",
    configurable: true,
  });

  return UnsafeCallback;
})
