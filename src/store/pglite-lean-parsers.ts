// drizzle's PGlite driver passes its own type parsers with every query (dates, timestamps,
// intervals and their arrays as text, for its own mapping), and PGlite answers any query that
// carries parsers by copying its whole parser table (~320 types, array types included) into a new
// object: ~16 KB of garbage per statement, the largest single allocation of a gateway run
// (sampled heap profile, /work/notes/gateway.md). Installed once on the instance instead, the
// per-query parsers can be left out: the table PGlite then uses is the same, entry for entry.
// Types only: PGlite itself is loaded lazily, by the PGlite backend alone (db.ts).
import type { PGlite, QueryOptions, Transaction } from '@electric-sql/pglite';

/** The types drizzle (0.45, pglite/session.js) reads as text; all identity parsers there. */
const AS_TEXT = [
  1114, // timestamp
  1184, // timestamptz
  1186, // interval
  1082, // date
  1231, // numeric[]
  1115, // timestamp[]
  1185, // timestamptz[]
  1187, // interval[]
  1182, // date[]
];
const asText = (value: string) => value;
const ARRAY: QueryOptions = { rowMode: 'array' };
const OBJECT: QueryOptions = { rowMode: 'object' };

/** drizzle's per-query options exactly (rowMode + parsers for the AS_TEXT types): droppable. */
export function leanOptions(o: QueryOptions | undefined): QueryOptions | undefined {
  const p = o?.parsers;
  if (!p) return o;
  let n = 0;
  for (const k in p) {
    if (!AS_TEXT.includes(Number(k))) return o;
    n++;
  }
  if (n !== AS_TEXT.length) return o;
  for (const k in o) if (k !== 'rowMode' && k !== 'parsers') return o;
  return o.rowMode === 'array' ? ARRAY : o.rowMode === 'object' ? OBJECT : o;
}

type Queries = Pick<PGlite | Transaction, 'query'>;

const leanQuery =
  (c: Queries): Queries['query'] =>
  (q, params, o) =>
    c.query(q, params, leanOptions(o));

/**
 * The client drizzle is given: the instance's parser table takes drizzle's text parsers (only
 * drizzle reads dates through this instance; Lectern's own raw queries read none), and queries
 * and transactions drop them per call. drizzle uses no other method of its client.
 */
export function leanDrizzleClient(client: PGlite): Pick<PGlite, 'query' | 'transaction'> {
  for (const oid of AS_TEXT) client.parsers[oid] = asText;
  return {
    query: leanQuery(client),
    // The transaction's other members (its `closed` getter) stay on it, reached through the prototype.
    transaction: (fn) =>
      client.transaction((tx) =>
        fn(Object.assign(Object.create(tx) as Transaction, { query: leanQuery(tx) })),
      ),
  };
}
