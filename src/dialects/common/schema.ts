// Building blocks for response schemas. Fastify serialises an answer with its route's response
// schema (fast-json-stringify): undeclared properties are DROPPED and declared ones are written in
// SCHEMA order. So every object a user authored (messages, params, metadata, tools, JSON schemas,
// variable defaults, …) is declared as an unconstrained value, written as-is in the order it was
// received; only the envelopes Lectern builds declare their fields, in the order they are sent.
import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';

/** A reference to a shared schema (added with `app.addSchema`), typed as the schema it names. */
export const ref = <T extends TSchema>(schema: T): TUnsafe<Static<T>> =>
  Type.Unsafe<Static<T>>(Type.Ref(schema.$id!));

/** Any JSON value, written as-is (user-authored data). */
export const Anything = (description?: string) => Type.Unknown(description ? { description } : {});

/** A JSON object of any keys, written as-is in its own key order. */
export const FreeObject = (description?: string) =>
  Type.Record(Type.String(), Type.Unknown(), description ? { description } : {});

const PRIMITIVES = new Set(['string', 'number', 'integer', 'boolean']);

/**
 * `T | null`. Primitives become `type: [t, 'null']` (cheap for the serialiser, which otherwise
 * tries each branch of an anyOf with a validator); anything else an anyOf.
 */
export function nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  const type = (schema as { type?: unknown }).type;
  if (typeof type === 'string' && PRIMITIVES.has(type)) {
    return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'] });
  }
  return Type.Unsafe<Static<T> | null>(Type.Union([schema, Type.Null()]));
}

/** An ISO-8601 timestamp as the wire carries it (a string; not `format`, which would re-encode). */
export const Timestamp = Type.String({ description: 'ISO-8601 timestamp' });
export const NullableTimestamp = nullable(Timestamp);

/**
 * A conditional GET's answer while the client's copy is current (its If-None-Match holds the
 * ETag): no body. Declared on every route that can answer it, so /openapi.json says so.
 */
export const NotModified = Type.Null({
  description: 'Not Modified: the ETag sent in If-None-Match is still current (no body)',
  headers: { etag: Type.String({ description: 'The current ETag' }) },
});
