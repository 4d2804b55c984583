// JSON objects with their keys in the order they were written. A JavaScript object enumerates
// integer-like keys ("2", "10") first, in ascending order, whatever order they were added in, so
// `JSON.parse` then `JSON.stringify` moves them: `{"b":1,"2":2}` comes back `{"2":2,"b":1}`. The
// few objects this affects are built here as a Proxy whose `ownKeys` answers the written order;
// everything that enumerates keys (JSON.stringify, Object.keys/entries, for…in, spread into a
// call) then sees that order, and every other object stays a plain object, at no cost. Keys are
// defined as own data properties, so `__proto__` is kept as data and never touches a prototype.
//
// A Proxy cannot be structured-cloned (worker messages, structuredClone): `cloneJson` copies
// with the order kept, and `toTransferable` / `fromTransferable` carry it across a thread.

/** An integer-like key that JavaScript enumerates before the others (an array index). */
export function isIndexKey(k: string): boolean {
  const n = k.length;
  if (n === 0 || n > 10) return false;
  const c0 = k.charCodeAt(0);
  if (c0 < 48 || c0 > 57 || (c0 === 48 && n > 1)) return false;
  for (let i = 1; i < n; i++) {
    const c = k.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return Number(k) < 4_294_967_295;
}

const ordered = new WeakSet<object>();

/** Is this an object built with its own key order (a Proxy made here)? */
export const isOrderedObject = (v: unknown): boolean => typeof v === 'object' && v !== null && ordered.has(v);

function define(target: Record<string, unknown>, k: string, v: unknown): void {
  // A plain assignment makes the same own data property and is several times cheaper (a
  // defineProperty is a runtime call): only `__proto__` would reach Object.prototype's setter.
  if (k === '__proto__') {
    Object.defineProperty(target, k, { value: v, writable: true, enumerable: true, configurable: true });
  } else target[k] = v;
}

/**
 * An object holding `entries` in their order. A plain object unless JavaScript would enumerate
 * the keys in another order; a repeated key keeps its first position and its last value (as
 * JSON.parse does).
 */
export function objectOf(entries: Iterable<readonly [string, unknown]>): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  const keys: string[] = [];
  let index = false;
  for (const [k, v] of entries) {
    if (!Object.hasOwn(target, k)) {
      keys.push(k);
      if (!index && isIndexKey(k)) index = true;
    }
    define(target, k, v);
  }
  if (!index) return target;
  const natural = Object.keys(target);
  if (natural.every((k, i) => k === keys[i])) return target;
  return withOrder(target, keys);
}

function withOrder(target: Record<string, unknown>, order: string[]): Record<string, unknown> {
  const inOrder = new Set(order);
  const proxy = new Proxy(target, {
    // Keys deleted since are skipped; keys added since come after, in JavaScript's order.
    ownKeys(t) {
      const own = Reflect.ownKeys(t);
      const present = new Set(own);
      const out: (string | symbol)[] = order.filter((k) => present.has(k));
      if (out.length !== own.length) for (const k of own) if (!inOrder.has(k as string)) out.push(k);
      return out;
    },
    // Assignments define own data properties: `x['__proto__'] = v` stays data, as parsed.
    set(t, k, v) {
      if (typeof k === 'string') define(t, k, v);
      else Reflect.set(t, k, v);
      return true;
    },
  });
  ordered.add(proxy);
  return proxy;
}

/** `o[k] = v` that keeps a key named `__proto__` as data (as parsing did). */
export function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  define(o, k, v);
}

/** A deep copy of a JSON value with every object's key order (and `__proto__` keys) kept. */
export function cloneJson<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  // Without an integer-like key the copy enumerates as written: a plain object, no entry list.
  if (!keys.some(isIndexKey)) {
    const out: Record<string, unknown> = {};
    for (const k of keys) define(out, k, cloneJson(o[k]));
    return out as T;
  }
  return objectOf(keys.map((k) => [k, cloneJson(o[k])])) as T;
}

/**
 * Properties of `sources` merged left to right into one object, in the order they are met (a
 * later source's value wins, at the first position): `{...a, ...b}` with the key order kept.
 */
export function mergeObjects(
  ...sources: (Record<string, unknown> | null | undefined)[]
): Record<string, unknown> {
  // Without integer-like keys, assigning in turn gives exactly that order (a key keeps the place it
  // was first given): no entry list, no second pass. With one, the ordered path below.
  const out: Record<string, unknown> = {};
  for (const s of sources) {
    if (!s) continue;
    for (const k of Object.keys(s)) {
      if (isIndexKey(k)) return mergeOrdered(sources);
      define(out, k, s[k]);
    }
  }
  return out;
}

function mergeOrdered(sources: (Record<string, unknown> | null | undefined)[]): Record<string, unknown> {
  const entries: [string, unknown][] = [];
  for (const s of sources) if (s) for (const k of Object.keys(s)) entries.push([k, s[k]]);
  return objectOf(entries);
}

// A key no stored object can have: NUL is refused in every JSON field (see json-input.ts).
const ORDER_TAG = '\u0000ordered';

/** Does the value hold an ordered object anywhere? (No allocation: the common answer is no.) */
function holdsOrdered(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (ordered.has(v)) return true;
  if (Array.isArray(v)) return v.some(holdsOrdered);
  for (const k in v) if (holdsOrdered((v as Record<string, unknown>)[k])) return true;
  return false;
}

function mark(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(mark);
  const o = v as Record<string, unknown>;
  const entries = Object.keys(o).map((k): [string, unknown] => [k, mark(o[k])]);
  return ordered.has(o) ? { [ORDER_TAG]: entries } : objectOf(entries);
}

/** The value with ordered objects marked so that a structured clone (a worker message) keeps them. */
export const toTransferable = (v: unknown): unknown => (holdsOrdered(v) ? mark(v) : v);

function holdsTag(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some(holdsTag);
  for (const k in v) if (k === ORDER_TAG || holdsTag((v as Record<string, unknown>)[k])) return true;
  return false;
}

function unmark(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(unmark);
  const o = v as Record<string, unknown>;
  const tagged = o[ORDER_TAG];
  if (Array.isArray(tagged)) return objectOf((tagged as [string, unknown][]).map(([k, x]) => [k, unmark(x)]));
  return objectOf(Object.keys(o).map((k): [string, unknown] => [k, unmark(o[k])]));
}

/** The inverse of toTransferable, on the receiving side. */
export const fromTransferable = (v: unknown): unknown => (holdsTag(v) ? unmark(v) : v);

// ---- parsing ------------------------------------------------------------------------------------

/**
 * Parses JSON text keeping every object's key order. `JSON.parse` does the work (and the
 * validation); only when some object has an integer-like key is the text read again here.
 */
export function parseJsonOrdered(text: string): unknown {
  const v: unknown = JSON.parse(text);
  return hasIndexKey(v) ? new OrderedReader(text).read() : v;
}

/** Does any object in the value have an integer-like key? */
export function hasIndexKey(v: unknown): boolean {
  const stack: unknown[] = [v];
  while (stack.length) {
    const x = stack.pop();
    if (x === null || typeof x !== 'object') continue;
    if (Array.isArray(x)) {
      for (const y of x) if (y !== null && typeof y === 'object') stack.push(y);
      continue;
    }
    for (const k of Object.keys(x)) {
      if (isIndexKey(k)) return true;
      const y = (x as Record<string, unknown>)[k];
      if (y !== null && typeof y === 'object') stack.push(y);
    }
  }
  return false;
}

const WS = /[ \t\n\r]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING_BODY = /(?:[^"\\]|\\.)*"/y;

/** A reader for text JSON.parse has already accepted: it need not report errors. */
class OrderedReader {
  private i = 0;
  constructor(private readonly s: string) {}

  read(): unknown {
    const v = this.value();
    return v;
  }

  private ws(): void {
    WS.lastIndex = this.i;
    WS.exec(this.s);
    this.i = WS.lastIndex;
  }

  private value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === 't') return ((this.i += 4), true);
    if (c === 'f') return ((this.i += 5), false);
    if (c === 'n') return ((this.i += 4), null);
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s)!;
    this.i = NUMBER.lastIndex;
    return Number(m[0]);
  }

  private string(): string {
    STRING_BODY.lastIndex = this.i + 1;
    STRING_BODY.exec(this.s);
    const end = STRING_BODY.lastIndex;
    const raw = this.s.slice(this.i, end);
    this.i = end;
    return raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  }

  private array(): unknown[] {
    this.i++;
    const out: unknown[] = [];
    this.ws();
    if (this.s[this.i] === ']') return (this.i++, out);
    for (;;) {
      out.push(this.value());
      this.ws();
      if (this.s[this.i++] === ']') return out;
    }
  }

  private object(): Record<string, unknown> {
    this.i++;
    const entries: [string, unknown][] = [];
    this.ws();
    if (this.s[this.i] === '}') return (this.i++, {});
    for (;;) {
      this.ws();
      const k = this.string();
      this.ws();
      this.i++; // ':'
      entries.push([k, this.value()]);
      this.ws();
      if (this.s[this.i++] === '}') return objectOf(entries);
    }
  }
}
