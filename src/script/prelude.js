// The script API (see src/script/mod.rs for the contract). Runs once, before the user's
// script, in the same global scope. Natives come from bindings.rs as __native.*; everything
// the user sees is defined here. Names starting with __ are internal.
(() => {
  "use strict";
  const N = globalThis.__native;
  delete globalThis.__native;

  // ---- describing values in failure messages (as Jest prints them) ----
  function show(value, depth = 0) {
    if (value === undefined) return "undefined";
    if (value === null) return "null";
    if (typeof value === "string") return JSON.stringify(value);
    if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
      return String(value);
    if (typeof value === "function") return `[Function ${value.name || "anonymous"}]`;
    if (typeof value === "symbol") return value.toString();
    if (value instanceof RegExp) return String(value);
    if (value instanceof Uint8Array) return `Uint8Array [${Array.from(value.slice(0, 32)).join(", ")}${value.length > 32 ? ", …" : ""}]`;
    if (depth > 3) return Array.isArray(value) ? "[Array]" : "[Object]";
    if (Array.isArray(value)) return `[${value.map((v) => show(v, depth + 1)).join(", ")}]`;
    const keys = Object.keys(value);
    return `{${keys.map((k) => `${JSON.stringify(k)}: ${show(value[k], depth + 1)}`).join(", ")}}`;
  }
  const clip = (text) => (text.length > 300 ? text.slice(0, 300) + "…" : text);

  function deepEqual(a, b) {
    if (Object.is(a, b)) return true;
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (a instanceof Uint8Array || b instanceof Uint8Array) {
      if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false;
      return a.every((v, i) => v === b[i]);
    }
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }

  function pathParts(path) {
    if (Array.isArray(path)) return path.map(String);
    return String(path).replace(/\[(\w+)\]/g, ".$1").split(".").filter((p) => p !== "");
  }

  class ExpectationError extends Error {}
  ExpectationError.prototype.name = "ExpectationError";

  function expect(received) {
    const make = (negated) => {
      const check = (name, pass, expectedText, receivedText = show(received)) => {
        if (pass !== negated) return;
        const not = negated ? ".not" : "";
        const exp = expectedText === undefined ? "" : `\nExpected: ${negated ? "not " : ""}${clip(expectedText)}`;
        throw new ExpectationError(`expect(received)${not}.${name}(${expectedText === undefined ? "" : "expected"})${exp}\nReceived: ${clip(receivedText)}`);
      };
      const number = (name, expected) => {
        if (typeof received !== "number" && typeof received !== "bigint")
          throw new ExpectationError(`expect(received).${name}(expected): received must be a number\nReceived: ${clip(show(received))}`);
        return expected;
      };
      const m = {
        toBe: (expected) => check("toBe", Object.is(received, expected), show(expected)),
        toEqual: (expected) => check("toEqual", deepEqual(received, expected), show(expected)),
        toContain: (item) => {
          const ok = typeof received === "string" ? received.includes(String(item))
            : received != null && typeof received[Symbol.iterator] === "function" ? Array.from(received).includes(item)
            : false;
          check("toContain", ok, show(item));
        },
        toMatch: (pattern) => {
          const re = pattern instanceof RegExp ? pattern : new RegExp(String(pattern));
          check("toMatch", typeof received === "string" && re.test(received), String(re));
        },
        toBeDefined: () => check("toBeDefined", received !== undefined, undefined),
        toBeUndefined: () => check("toBeUndefined", received === undefined, undefined),
        toBeNull: () => check("toBeNull", received === null, undefined),
        toBeTruthy: () => check("toBeTruthy", !!received, undefined),
        toBeFalsy: () => check("toBeFalsy", !received, undefined),
        toHaveProperty: (path, ...value) => {
          let node = received;
          let found = node !== undefined && node !== null;
          for (const part of pathParts(path)) {
            if (node === undefined || node === null || !(Object(node) instanceof Object) || !(part in Object(node))) { found = false; break; }
            node = node[part];
          }
          const withValue = value.length > 0;
          const ok = found && (!withValue || deepEqual(node, value[0]));
          check("toHaveProperty", ok, withValue ? `${show(String(path))} = ${show(value[0])}` : show(String(path)),
            found && withValue ? `${show(String(path))} = ${show(node)}` : show(received));
        },
        toBeGreaterThan: (n) => check("toBeGreaterThan", received > number("toBeGreaterThan", n), `> ${show(n)}`),
        toBeGreaterThanOrEqual: (n) => check("toBeGreaterThanOrEqual", received >= number("toBeGreaterThanOrEqual", n), `>= ${show(n)}`),
        toBeLessThan: (n) => check("toBeLessThan", received < number("toBeLessThan", n), `< ${show(n)}`),
        toBeLessThanOrEqual: (n) => check("toBeLessThanOrEqual", received <= number("toBeLessThanOrEqual", n), `<= ${show(n)}`),
        toHaveLength: (n) => {
          const len = received != null ? received.length : undefined;
          check("toHaveLength", len === n, `length ${show(n)}`, `length ${show(len)}`);
        },
      };
      return m;
    };
    const matchers = make(false);
    matchers.not = make(true);
    return matchers;
  }

  // ---- tests ----
  let currentEvent = 0; // the event being handled (0: none), for linking results to events
  function errorText(e) {
    if (e instanceof ExpectationError) return e.message;
    if (e instanceof Error) return `${e.name}: ${e.message}`;
    return `thrown: ${show(e)}`;
  }
  function record(name, passed, message, event) {
    N.test(String(name), passed, message, event);
  }
  function test(name, fn) {
    const event = currentEvent;
    let result;
    try {
      result = fn();
    } catch (e) {
      record(name, false, errorText(e), event);
      return;
    }
    if (result && typeof result.then === "function") {
      result.then(() => record(name, true, "", event), (e) => record(name, false, errorText(e), event));
    } else {
      record(name, true, "", event);
    }
  }

  // ---- timers (driven by the host: __nextTimer / __runTimers) ----
  let timerSeq = 0;
  const timers = new Map();
  function addTimer(fn, ms, repeat, args) {
    if (typeof fn !== "function") throw new TypeError("setTimeout/setInterval: the callback must be a function");
    const delay = Math.max(0, Number(ms) || 0);
    const id = ++timerSeq;
    timers.set(id, { fn, args, delay: repeat ? Math.max(1, delay) : delay, due: N.now() + delay, repeat });
    return id;
  }
  const setTimeout = (fn, ms, ...args) => addTimer(fn, ms, false, args);
  const setInterval = (fn, ms, ...args) => addTimer(fn, ms, true, args);
  const clearTimeout = (id) => { timers.delete(id); };
  const clearInterval = clearTimeout;

  // ---- waiting for a message ----
  const waiters = [];
  function expectMessage(name, predicate, timeoutMs = 5000) {
    if (typeof predicate !== "function") throw new TypeError("expectMessage(name, predicate, timeoutMs): predicate must be a function");
    const ms = Math.max(0, Number(timeoutMs) || 0);
    const waiter = { name: String(name), predicate, ms, event: currentEvent };
    waiter.timer = setTimeout(() => {
      const i = waiters.indexOf(waiter);
      if (i >= 0) { waiters.splice(i, 1); record(waiter.name, false, `no message matched within ${ms} ms`, waiter.event); }
    }, ms);
    waiters.push(waiter);
  }

  // ---- the connection ----
  const handlers = { open: [], message: [], close: [], error: [] };
  const befores = [];
  const ws = {
    on(name, fn) {
      if (!(name in handlers)) throw new TypeError(`ws.on: unknown event "${name}" (open, message, close, error)`);
      if (typeof fn !== "function") throw new TypeError("ws.on: the handler must be a function");
      handlers[name].push(fn);
      return ws;
    },
    send(data) {
      if (typeof data === "string") N.sendText(data);
      else if (data instanceof Uint8Array) N.sendBinary(data);
      else if (data instanceof ArrayBuffer) N.sendBinary(new Uint8Array(data));
      else throw new TypeError(`ws.send: expected a string or a Uint8Array, got ${show(data)}`);
    },
    close(code = 1000, reason = "") {
      const c = Number(code);
      if (!Number.isInteger(c) || !(c === 1000 || (c >= 3000 && c <= 4999)))
        throw new RangeError(`ws.close: code ${show(code)} cannot be sent (use 1000 or 3000-4999)`);
      N.close(c, String(reason));
    },
  };
  Object.defineProperty(ws, "connected", { get: () => N.connected() });

  class Message {
    constructor(text, bytes, binary, size, time) {
      this._text = text; this._bytes = bytes;
      this.binary = binary; this.size = size; this.time = time;
    }
    get text() { if (this._text === undefined) this._text = N.decode(this._bytes); return this._text; }
    get bytes() { if (this._bytes === undefined) this._bytes = N.encode(this._text); return this._bytes; }
    json() {
      try { return JSON.parse(this.text); } catch (e) {
        const preview = this.text.length > 60 ? this.text.slice(0, 60) + "…" : this.text;
        throw new SyntaxError(`msg.json(): the message is not valid JSON (${e.message}): ${JSON.stringify(preview)}`);
      }
    }
  }

  // ---- Socket.IO (io.*), for Socket.IO requests ----
  const ioReserved = ["connect", "connect_error", "disconnect"];
  const ioHandlers = new Map();
  const ackWaiters = new Map();
  let nextAckId = 2 ** 32; // the engine's own ids count from 0: ours never meet them
  const ioArg = (a) => (a instanceof Uint8Array ? a : a instanceof ArrayBuffer ? new Uint8Array(a)
    : JSON.stringify(a === undefined ? null : a));
  // Binary attachments back in place of their placeholders.
  function withAttachments(value, parts) {
    if (parts.length === 0 || value === null || typeof value !== "object") return value;
    if (value._placeholder === true && typeof value.num === "number") return parts[value.num];
    if (Array.isArray(value)) return value.map((v) => withAttachments(v, parts));
    for (const k of Object.keys(value)) value[k] = withAttachments(value[k], parts);
    return value;
  }
  function ioEmit(event, args, waiter) {
    if (typeof event !== "string" || event === "") throw new TypeError(`io.emit: the event name must be a non-empty string, got ${show(event)}`);
    let id = -1;
    if (waiter) { id = nextAckId++; ackWaiters.set(id, waiter); }
    try { N.sioEmit(event, args.map(ioArg), id); } catch (e) { ackWaiters.delete(id); throw e; }
  }
  const io = {
    on(name, fn) {
      if (typeof fn !== "function") throw new TypeError("io.on: the handler must be a function");
      const key = String(name);
      if (!ioHandlers.has(key)) ioHandlers.set(key, []);
      ioHandlers.get(key).push(fn);
      return io;
    },
    off(name, fn) {
      const key = String(name);
      if (fn === undefined) ioHandlers.delete(key);
      else if (ioHandlers.has(key)) ioHandlers.set(key, ioHandlers.get(key).filter((f) => f !== fn));
      return io;
    },
    emit(event, ...args) {
      const last = args[args.length - 1];
      if (typeof last === "function") { args.pop(); ioEmit(event, args, { callback: last }); }
      else ioEmit(event, args, null);
      return io;
    },
    emitWithAck(event, ...args) {
      return new Promise((resolve, reject) => ioEmit(event, args, { resolve, reject }));
    },
  };
  Object.defineProperty(io, "connected", { get: () => N.connected() });

  const vars = {
    get: (name) => N.varGet(String(name)),
    set: (name, value) => { N.varSet(String(name), typeof value === "string" ? value : (typeof value === "object" && value !== null ? JSON.stringify(value) : String(value))); },
    has: (name) => N.varGet(String(name)) !== undefined,
  };
  const requestHeaders = {
    set: (name, value) => N.headerSet(String(name), String(value)),
    get: (name) => N.headerGet(String(name)),
  };
  const request = Object.freeze({ headers: Object.freeze(requestHeaders), get url() { return N.url(); }, get name() { return N.requestName(); } });
  const before = (fn) => { if (typeof fn !== "function") throw new TypeError("before: expected a function"); befores.push(fn); };

  const line = (level) => (...args) => N.log(level, args.map((a) => (typeof a === "string" ? a : show(a))).join(" "));
  const console = { log: line("log"), info: line("info"), warn: line("warn"), error: line("error"), debug: line("log") };

  // ---- entry points for the host ----
  function call(list, arg, event) {
    currentEvent = event;
    try { for (const fn of list) fn(arg); } finally { currentEvent = 0; }
  }
  const host = {
    before() { for (const fn of befores) fn(); },
    open(event, info) { call(handlers.open, info, event); },
    message(text, bytes, binary, size, time, event) {
      const msg = new Message(text, bytes, binary, size, time);
      if (waiters.length > 0) {
        currentEvent = event;
        try {
          for (let i = 0; i < waiters.length; ) {
            const w = waiters[i];
            let matched;
            try { matched = !!w.predicate(msg); } catch (e) {
              waiters.splice(i, 1); clearTimeout(w.timer); record(w.name, false, errorText(e), event); continue;
            }
            if (matched) { waiters.splice(i, 1); clearTimeout(w.timer); record(w.name, true, "", event); } else i++;
          }
        } finally { currentEvent = 0; }
      }
      if (handlers.message.length > 0) call(handlers.message, msg, event);
    },
    // A run of messages in one call (the host's fast path): each gets a fresh time limit,
    // and an exception in one is reported and the next one goes on.
    messages(payloads, sizes, times, events) {
      for (let i = 0; i < payloads.length; i++) {
        N.arm();
        const p = payloads[i];
        const text = typeof p === "string";
        try {
          host.message(text ? p : undefined, text ? undefined : p, !text, sizes[i], times[i], events[i]);
        } catch (e) {
          // Out of memory ends the script, as it does outside a batch.
          if (e instanceof Error && e.name === "InternalError" && /out of memory/.test(e.message)) throw e;
          N.fail(errorText(e), e instanceof Error ? e.stack : undefined);
        }
      }
    },
    close(code, reason, by, event) { call(handlers.close, { code, reason, by }, event); },
    sio(kind, name, argsText, parts, ackId, event) {
      let args = [];
      try { args = withAttachments(JSON.parse(argsText), parts); } catch (e) { args = []; }
      if (kind === "ack" || kind === "ack_timeout") {
        const waiter = ackWaiters.get(ackId);
        if (!waiter) return;
        ackWaiters.delete(ackId);
        currentEvent = event;
        try {
          if (kind === "ack_timeout") {
            if (waiter.reject) waiter.reject(new Error(`no ack for emit ${ackId} within the ack timeout`));
          } else if (waiter.callback) waiter.callback(...args);
          else waiter.resolve(args[0]);
        } finally { currentEvent = 0; }
        return;
      }
      const key = kind === "event" ? name : kind;
      if (kind === "event" && ioReserved.includes(name)) return;
      const list = ioHandlers.get(key) || [];
      if (kind === "connect_error") { call(list, { message: name }, event); return; }
      if (kind === "disconnect") { call(list, "io server disconnect", event); return; }
      if (kind === "connect") { call(list, undefined, event); return; }
      let ack;
      if (ackId >= 0) {
        let acked = false;
        ack = (...answer) => { if (acked) return; acked = true; N.sioAck(ackId, answer.map(ioArg)); };
        // Nobody takes the event: acknowledge it at once, with no arguments.
        if (list.length === 0) { ack(); return; }
      }
      currentEvent = event;
      try { for (const fn of list) (ack ? fn(...args, ack) : fn(...args)); } finally { currentEvent = 0; }
    },
    error(message, event) { call(handlers.error, { message }, event); },
    // The earliest timer's due time (ms on N.now()'s clock), or -1.
    nextTimer() {
      let next = -1;
      for (const t of timers.values()) if (next < 0 || t.due < next) next = t.due;
      return next;
    },
    // Runs every timer due by `now`; the first error stops the round and is rethrown.
    runTimers(now) {
      const due = [];
      for (const [id, t] of timers) if (t.due <= now) due.push([id, t]);
      due.sort((a, b) => a[1].due - b[1].due || a[0] - b[0]);
      for (const [id, t] of due) {
        if (!timers.has(id)) continue;
        if (t.repeat) t.due = Math.max(t.due + t.delay, now); else timers.delete(id);
        t.fn(...t.args);
      }
    },
    // The connection is over: waiting tests fail now.
    finish(ms) {
      for (const w of waiters.splice(0)) { clearTimeout(w.timer); record(w.name, false, `no message matched within ${w.ms} ms (the connection ended after ${ms} ms)`, w.event); }
    },
    pendingWaiters: () => waiters.length,
  };

  Object.defineProperty(globalThis, "__host", { value: host, enumerable: false });
  Object.assign(globalThis, { ws, io, vars, request, before, test, expect, expectMessage, console,
    setTimeout, setInterval, clearTimeout, clearInterval });
})();
