/**
 * Template variables as plain JSON-like data, and Python's str()/repr() of that data.
 *
 * Every engine renders from sanitized copies: null-prototype objects, arrays, strings, finite or
 * non-finite numbers, booleans and null. Functions, symbols, class instances' prototypes and
 * accessors never reach an engine, so no template can climb from a value to JS internals.
 */
import { TemplateError } from './errors.ts';
import { pyFloatRepr } from './python-number.ts';

export type PlainValue = string | number | boolean | null | PlainValue[] | PlainObject;
export interface PlainObject {
  [key: string]: PlainValue;
}

const MAX_DEPTH = 64;

/** Deep-copies caller data into plain values; drops functions/symbols/undefined like JSON does. */
export function sanitizeValue(
  value: unknown,
  depth = 0,
  seen: Set<object> = new Set(),
): PlainValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return value;
    case 'bigint':
      return Number(value);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      break;
  }
  if (value === null) return null;
  const obj = value as object;
  if (depth >= MAX_DEPTH)
    throw new TemplateError('render_error', `Template variables are nested deeper than ${MAX_DEPTH} levels`);
  if (seen.has(obj)) throw new TemplateError('render_error', 'Template variables contain a cycle');
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      return obj.map((item) => sanitizeValue(item, depth + 1, seen) ?? null);
    }
    const out: PlainObject = Object.create(null) as PlainObject;
    for (const key of Object.keys(obj)) {
      const item = sanitizeValue((obj as Record<string, unknown>)[key], depth + 1, seen);
      if (item !== undefined) out[key] = item;
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}

export function sanitizeVariables(variables: Record<string, unknown> | null | undefined): PlainObject {
  const out = sanitizeValue(variables ?? {});
  if (out === null || typeof out !== 'object' || Array.isArray(out)) {
    throw new TemplateError('render_error', 'Template variables must be an object');
  }
  return out;
}

export function hasOwn(obj: PlainObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Python's type name for the JSON-decoded value, used in error messages. */
export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}

// Characters Python's str.isprintable() rejects (other than ASCII space): control, format,
// surrogate, private-use, unassigned, and separators.
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function escapeCodePoint(cp: number): string {
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** Python's repr(str); with `asciiOnly` it is ascii(str). */
export function pyStringRepr(s: string, asciiOnly = false): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += escapeCodePoint(cp);
    else if (cp < 0x7f) out += ch;
    else if (asciiOnly || (ch !== ' ' && NON_PRINTABLE.test(ch))) out += escapeCodePoint(cp);
    else out += ch;
  }
  return out + quote;
}

export function pyIntText(n: number): string {
  return Number.isSafeInteger(n) || !Number.isFinite(n) ? String(n) : BigInt(n).toString();
}

export function pyNumberRepr(n: number): string {
  return Number.isInteger(n) && !Object.is(n, -0) ? pyIntText(n) : pyFloatRepr(n);
}

/** Python's repr() of JSON-decoded data. */
export function pyRepr(value: unknown, asciiOnly = false): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return pyStringRepr(value, asciiOnly);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pyNumberRepr(value);
  if (Array.isArray(value)) return `[${value.map((v) => pyRepr(v, asciiOnly)).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value).map(
      (k) => `${pyStringRepr(k, asciiOnly)}: ${pyRepr((value as Record<string, unknown>)[k], asciiOnly)}`,
    );
    return `{${entries.join(', ')}}`;
  }
  return '';
}

/** Python's str() of JSON-decoded data. */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}
