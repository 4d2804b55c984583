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

/**
 * A value written as-is like `Anything` (its schema stays unconstrained, so the serialiser keeps the
 * client's keys in their order) that the route still promises a shape for: typed `T` for the code
 * and the tests that read it.
 */
export const Shaped = <T>(description: string) => Type.Unsafe<T>(Type.Unknown({ description }));

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

/** What each documented error status means, whatever the envelope (each response's description). */
const ERROR_MEANING = {
  400: 'Bad request: input the route does not take',
  401: 'No key, or a key that is unknown or revoked',
  403: "The key's role or workspace does not allow this",
  404: 'Not found (or not visible to the key)',
  409: 'Conflict: a name or label already taken, or a concurrent write',
  412: 'If-Match names a version that is no longer current',
  413: 'The body is larger than the limit',
  422: 'Unprocessable: the body fails the schema, or its content cannot be used',
  429: 'Too many requests (Retry-After says when to try again)',
  '4xx': 'Any other client error',
  '5xx': 'A server, database or upstream provider failure',
} as const;
export type ErrorStatus = keyof typeof ERROR_MEANING;

/**
 * The error answers of a dialect's routes, one per status its error handler sends (each with its
 * meaning; `only` overrides the envelope of a status), then 4xx/5xx for the rest. One envelope
 * per API, kept as a shared component: `errorResponses(ref(Error), [400, 401, …])`.
 */
export function errorResponses<
  T extends TSchema,
  C extends ErrorStatus,
  O extends { [K in C]?: TSchema } = Record<never, TSchema>,
>(
  envelope: T,
  statuses: readonly C[],
  only?: O,
): { [K in C | '4xx' | '5xx']: TUnsafe<Static<K extends keyof O ? NonNullable<O[K]> : T>> } {
  const out: Record<string, TSchema> = {};
  for (const s of [...statuses, '4xx', '5xx'] as ErrorStatus[]) {
    const schema = (only as Record<string, TSchema> | undefined)?.[s] ?? envelope;
    out[s] = Type.Unsafe({ ...schema, description: ERROR_MEANING[s] });
  }
  return out as never;
}
