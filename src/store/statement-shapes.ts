// Statements built by drizzle once per shape and then only run. Building a statement — the query
// builder's SQL tree, then its text and parameter list — cost more of a version write's CPU than
// anything else in Lectern's own process (a PromptLayer PATCH spent about a fifth of its non-I/O CPU
// there, on PostgreSQL). A shape is a query whose varying values are `sql.placeholder(name)`s: the
// first run on a backend builds it as drizzle always does and keeps what the builder hands to the
// driver (text, parameters with their column encoders, result fields); later runs give the driver
// that same prepared query on their own transaction, with the placeholders filled. Results are
// decoded and mapped by drizzle as before, and the text is the builder's own, so pg-named.ts names it
// as it would have.
import { is, Param, Placeholder, sql } from 'drizzle-orm';
import type { Executor } from './db.ts';

/** The driver-facing call every drizzle query builder makes (`session.prepareQuery(...)`). */
type PrepareArgs = unknown[];
interface Session {
  prepareQuery(...args: PrepareArgs): { execute(values?: Record<string, unknown>): Promise<unknown> };
}
interface Preparable {
  _prepare(name?: string): { joinsNotNullableMap?: unknown };
}

/** What a shape's builder gets: the executor to build on, and a placeholder maker. */
export type ShapeBuilder = (db: Executor, p: (name: string) => Placeholder) => unknown;

const sessionOf = (db: Executor) => (db as unknown as { session: Session }).session;

type Encoder = { mapToDriverValue(v: unknown): unknown };

/**
 * A column value's placeholder, encoded as a value built into the statement is: null stays SQL
 * NULL. (drizzle encodes a placeholder's null too: `JSON.stringify(null)` in a jsonb column is the
 * JSON value null, and a null timestamp throws.)
 */
function nullSafe(p: unknown): unknown {
  if (!is(p, Param) || !is(p.value, Placeholder)) return p;
  const enc = p.encoder as Encoder;
  return new Param(p.value, {
    mapToDriverValue: (v: unknown) => (v === null ? null : enc.mapToDriverValue(v)),
  } as never);
}

/**
 * A statement shape. `run(db, values)` runs it on `db` (a transaction or the database) with its
 * placeholders set to `values` and returns what awaiting the builder would have returned.
 */
export function statementShape<R>(build: ShapeBuilder) {
  // Kept per session class: PostgreSQL and PGlite build different texts (and a process may hold both).
  const built = new Map<unknown, { args: PrepareArgs; joins: unknown }>();
  return {
    run(db: Executor, values: Record<string, unknown>): Promise<R> {
      const session = sessionOf(db);
      const kind = Object.getPrototypeOf(session);
      let shape = built.get(kind);
      if (!shape) {
        // Build once, catching the arguments the builder gives its session, unchanged.
        let args: PrepareArgs | undefined;
        const prepare = session.prepareQuery;
        const spy: Session['prepareQuery'] = (...a) => {
          args = a;
          return prepare.apply(session, a);
        };
        Object.defineProperty(session, 'prepareQuery', { value: spy, configurable: true, writable: true });
        let joins: unknown;
        try {
          joins = (build(db, sql.placeholder) as Preparable)._prepare().joinsNotNullableMap;
        } finally {
          delete (session as { prepareQuery?: unknown }).prepareQuery;
        }
        if (!args) throw new Error('statementShape: the builder prepared nothing');
        const query = args[0] as { params: unknown[] };
        args[0] = { ...query, params: query.params.map(nullSafe) };
        shape = { args, joins };
        built.set(kind, shape);
      }
      const q = session.prepareQuery(...shape.args) as ReturnType<Session['prepareQuery']> & {
        joinsNotNullableMap?: unknown;
      };
      if (shape.joins !== undefined) q.joinsNotNullableMap = shape.joins;
      return q.execute(values) as Promise<R>;
    },
  };
}

/** Shapes that come in variants (a look-up by id or by name, locked or not), one per key. */
export function statementShapes<R>(build: (key: string) => ShapeBuilder) {
  const shapes = new Map<string, ReturnType<typeof statementShape<R>>>();
  return (key: string) => {
    let s = shapes.get(key);
    if (!s) shapes.set(key, (s = statementShape<R>(build(key))));
    return s;
  };
}
