// JSON columns that give back what was stored, keys in the order written. They are PostgreSQL
// `json` (which keeps the text as sent), not `jsonb` (which sorts keys by length, then bytes).
// Both drivers hand `json` values to parseStoredJson (db.ts sets it as the type parser for
// OID 114), which keeps the order even of integer-like keys (src/model/json-order.ts); the
// column itself then passes the value through. Written with JSON.stringify, which follows the
// same order. Filters that need jsonb operators read a generated jsonb copy (schema.ts).
import { customType } from 'drizzle-orm/pg-core';
import { parseJsonOrdered } from '../model/json-order.ts';

/** PostgreSQL's type OID for `json`. */
export const JSON_OID = 114;

// Text we wrote (JSON.stringify) or PostgreSQL converted from jsonb: integer-like keys appear as
// `"123":` (neither ever escapes a digit), so without one, JSON.parse keeps the order already.
const INDEX_KEY = /"\d+"\s*:/;

/** The driver-level parser for `json` values. */
export function parseStoredJson(text: string): unknown {
  return INDEX_KEY.test(text) ? parseJsonOrdered(text) : JSON.parse(text);
}

/** A `json` column whose values keep their key order. */
export const orderedJson = <T>(name: string) =>
  customType<{ data: T; driverData: string }>({
    dataType: () => 'json',
    toDriver: (value) => JSON.stringify(value),
    // Already parsed by parseStoredJson: a string here is a JSON string value, not text to parse.
    fromDriver: (value) => value as unknown as T,
  })(name);
