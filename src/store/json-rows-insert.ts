// A many-row INSERT sent as ONE json parameter that the database unpacks itself
// (`json_populate_recordset`), for the request log's batches. Drizzle's builder turns every value
// of a many-row insert into a SQL chunk and walks each through a chain of `instanceof`/prototype
// checks: a 50-column request-log row cost ~550 µs of the event loop to build (profiled under the
// gateway's load), where one JSON.stringify of the batch costs ~70 µs a row. Same rows either way:
// - keys are the columns' database names; a missing value takes the column's default, which
//   drizzle holds as a JS value (only such tables are accepted: no SQL-expression defaults);
// - `json` columns get the value's own JSON text (key order kept, as orderedJson writes it);
// - Dates become ISO strings, arrays of text become text[] (PostgreSQL ≥ 10 maps JSON arrays).
// - A `shape` may join other tables to the rows (aliased `r`) and compute some columns from them,
//   so a rule that needs another table's row is applied in the same statement (the request log's
//   "no bodies" setting): on PGlite every statement runs on the event loop, and one fewer is one
//   fewer block in front of the requests.
import { getTableColumns, getTableName, is, sql, SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from './db.ts';

interface Plan {
  /** `head`: the column's JSON key and colon, `"name":`. */
  columns: { key: string; name: string; fallback: unknown; head: string }[];
  head: SQL;
  tail: SQL;
}

/** Joins after the rows (aliased `r`) and SQL expressions for some columns (by database name). */
export interface InsertShape {
  join: string;
  columns: Readonly<Record<string, string>>;
}

const NO_SHAPE: InsertShape = { join: '', columns: {} };
const plans = new WeakMap<PgTable, Map<InsertShape, Plan>>();

function planOf(table: PgTable, shape: InsertShape = NO_SHAPE): Plan {
  let byShape = plans.get(table);
  if (!byShape) plans.set(table, (byShape = new Map()));
  let plan = byShape.get(shape);
  if (plan) return plan;
  const columns = Object.entries(getTableColumns(table)).map(([key, c]) => {
    if (c.generated || c.generatedIdentity)
      throw new Error(`${getTableName(table)}.${c.name}: generated columns are not supported here`);
    if (c.hasDefault && (c.default === undefined || is(c.default, SQL)))
      throw new Error(`${getTableName(table)}.${c.name}: a SQL default cannot be filled in here`);
    return { key, name: c.name, fallback: c.default, head: `${JSON.stringify(c.name)}:` };
  });
  const list = columns.map((c) => `"${c.name}"`).join(', ');
  const select = columns.map((c) => shape.columns[c.name] ?? `r."${c.name}"`).join(', ');
  const name = getTableName(table);
  const head = sql.raw(
    `insert into "${name}" (${list}) select ${select} from json_populate_recordset(null::"${name}", `,
  );
  byShape.set(shape, (plan = { columns, head, tail: sql.raw(`::json) r ${shape.join}`) }));
  return plan;
}

/** One value's JSON text, as JSON.stringify gives it (undefined: left out). */
function valueJson(v: unknown): string | undefined {
  // The common scalars without a JSON.stringify call each (~50 columns a row): the same text —
  // a finite number's JSON is its Number#toString, a Date's its toJSON (ISO, or null if invalid).
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      if (v === null) return 'null';
      if (v instanceof Date && Object.getPrototypeOf(v) === Date.prototype && !Object.hasOwn(v, 'toJSON')) {
        const t = v.getTime();
        return Number.isNaN(t) ? 'null' : `"${v.toISOString()}"`;
      }
      return JSON.stringify(v) as string | undefined;
    default:
      return JSON.stringify(v) as string | undefined;
  }
}

/**
 * One row's JSON object text: what JSON.stringify gives for the row renamed to its columns
 * (undefined → the column's default, still undefined → key left out), written column by column
 * rather than through a renamed copy of every ~50-field row first. A batching writer may make it
 * when the row is queued, so that a batch's statement only joins texts (request-log-writer.ts).
 */
export function rowJson(table: PgTable, r: Readonly<Record<string, unknown>>): string {
  const { columns } = planOf(table);
  let o = '{';
  let sep = '';
  for (const c of columns) {
    let v = r[c.key];
    if (v === undefined) v = c.fallback;
    const j = v === undefined ? undefined : valueJson(v);
    if (j === undefined) continue;
    o += sep + c.head + j;
    sep = ',';
  }
  return o + '}';
}

/**
 * The rows as the one JSON text the statement takes (exported for its tests); `texts[i]`, when
 * given, is `rowJson` of `rows[i]` made earlier. Joined, not concatenated piece by piece: a flat
 * string, which posting to PGlite's thread copies as it is (a rope of ~60 pieces a row was
 * flattened inside postMessage first).
 */
export function rowsAsJson(
  table: PgTable,
  rows: readonly Record<string, unknown>[],
  texts?: readonly (string | undefined)[],
): string {
  const parts = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) parts[i] = texts?.[i] ?? rowJson(table, rows[i]!);
  return `[${parts.join(',')}]`;
}

/** Inserts `rows` into `table` in one statement with one parameter (`texts`: see rowsAsJson). */
export async function insertJsonRows(
  db: Executor,
  table: PgTable,
  rows: readonly Record<string, unknown>[],
  shape?: InsertShape,
  texts?: readonly (string | undefined)[],
): Promise<void> {
  if (!rows.length) return;
  const { head, tail } = planOf(table, shape);
  await db.execute(sql`${head}${rowsAsJson(table, rows, texts)}${tail}`);
}
