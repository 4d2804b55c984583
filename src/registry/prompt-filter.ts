// A typed filter over prompts that dialects build from their own filter syntaxes, compiled to
// parameterised SQL (so filtering, sorting, counting and paging all happen in the database), and
// an in-memory evaluator with the same meaning (the reference the property tests compare against).
//
// Meaning of a leaf `{field, op, value}` (every leaf is two-valued: SQL NULLs never leak out):
// - text fields (id, id_hex (the UUID as 32 hex digits), name, description, project), numbers (seq, last_version), is_snippet and
//   timestamps (created_at, updated_at, compared at millisecond precision, truncated, as the
//   drivers hand them out): eq/ne/in/not_in compare values (a null value means "is null");
//   gt/gte/lt/lte never match a null on either side; text ops (contains, startswith, endswith,
//   their i-variants, iexact) apply to text fields only; ordering of text is by code point.
// - tags (a list): isnull means "no tags"; ne/not_in mean "no tag equals"; every other op matches
//   when some tag satisfies it.
// - metadata.<a>.<b>: the JSON value at that path. eq/ne/in/not_in compare JSON scalars; text ops
//   and string ordering apply to string values, number ordering to number values; isnull means
//   missing or JSON null.
// - `name` means the stored name, or — when the query names a display-name alias — the alias held
//   in metadata as long as its guard key still equals the stored name.
import { sql, type SQL } from 'drizzle-orm';
import { projects, prompts } from '../store/schema.ts';
import type { Json, JsonObject, Prompt } from '../model/types.ts';

export type PromptFilterScalar = string | number | boolean | Date | null;

export const PROMPT_FILTER_FIELDS = [
  'id',
  'id_hex',
  'seq',
  'name',
  'description',
  'tags',
  'project',
  'is_snippet',
  'created_at',
  'updated_at',
  'last_version',
] as const;
export type PromptFilterField = (typeof PROMPT_FILTER_FIELDS)[number] | `metadata.${string}`;

export const PROMPT_FILTER_OPS = [
  'eq',
  'ne',
  'in',
  'not_in',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
  'icontains',
  'startswith',
  'istartswith',
  'endswith',
  'iendswith',
  'iexact',
  'isnull',
] as const;
export type PromptFilterOp = (typeof PROMPT_FILTER_OPS)[number];

export type PromptFilter =
  | { and: PromptFilter[] }
  | { or: PromptFilter[] }
  | { not: PromptFilter }
  | { field: PromptFilterField; op: PromptFilterOp; value?: PromptFilterScalar | PromptFilterScalar[] };

/** A dialect's display name kept in metadata, valid while metadata[guardKey] equals the stored name. */
export interface DisplayNameAlias {
  metadataKey: string;
  guardKey: string;
}

export const TRUE: PromptFilter = { and: [] };
export const FALSE: PromptFilter = { or: [] };

export class PromptFilterError extends Error {}

type Kind = 'text' | 'number' | 'bool' | 'time' | 'tags' | 'json';
const KINDS: Record<(typeof PROMPT_FILTER_FIELDS)[number], Kind> = {
  id: 'text',
  id_hex: 'text',
  seq: 'number',
  name: 'text',
  description: 'text',
  tags: 'tags',
  project: 'text',
  is_snippet: 'bool',
  created_at: 'time',
  updated_at: 'time',
  last_version: 'number',
};
const ORDER_OPS = new Set<PromptFilterOp>(['gt', 'gte', 'lt', 'lte']);

function metadataPath(field: string): string[] | null {
  if (!field.startsWith('metadata.')) return null;
  const segs = field.slice('metadata.'.length).split('.');
  if (!segs.every((s) => /^[A-Za-z0-9_-]{1,100}$/.test(s))) {
    throw new PromptFilterError(`invalid metadata path ${JSON.stringify(field)}`);
  }
  return segs;
}

function kindOf(field: string): Kind {
  if (metadataPath(field)) return 'json';
  if (!Object.hasOwn(KINDS, field)) throw new PromptFilterError(`unknown prompt filter field ${field}`);
  return KINDS[field as keyof typeof KINDS];
}

const scalars = (v: Value): PromptFilterScalar[] => (Array.isArray(v) ? v : [v ?? null]);
const one = (v: Value): PromptFilterScalar => {
  if (Array.isArray(v)) throw new PromptFilterError('a list where one value belongs');
  return v ?? null;
};

// ---- SQL --------------------------------------------------------------------------------------

const escapeLike = (s: string) => s.replace(/[\\%_]/g, '\\$&');

function textOp(e: SQL, op: PromptFilterOp, v: PromptFilterScalar): SQL {
  if (typeof v !== 'string') throw new PromptFilterError(`${op} needs a string`);
  const lowerE = sql`lower(${e})`;
  switch (op) {
    case 'contains':
      return sql`${e} like ${`%${escapeLike(v)}%`}`;
    case 'icontains':
      return sql`${lowerE} like lower(${`%${escapeLike(v)}%`})`;
    case 'startswith':
      return sql`${e} like ${`${escapeLike(v)}%`}`;
    case 'istartswith':
      return sql`${lowerE} like lower(${`${escapeLike(v)}%`})`;
    case 'endswith':
      return sql`${e} like ${`%${escapeLike(v)}`}`;
    case 'iendswith':
      return sql`${lowerE} like lower(${`%${escapeLike(v)}`})`;
    default:
      return sql`${lowerE} = lower(${v})`;
  }
}

const SQL_ORDER = { gt: sql.raw('>'), gte: sql.raw('>='), lt: sql.raw('<'), lte: sql.raw('<=') } as const;

function param(kind: Kind, v: Exclude<PromptFilterScalar, null>): SQL {
  if (kind === 'time') {
    if (!(v instanceof Date) || Number.isNaN(v.getTime())) throw new PromptFilterError('a time needs a Date');
    return sql`${v.toISOString()}::timestamptz`;
  }
  if (kind === 'number') {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new PromptFilterError('a number needs a number');
    return sql`${v}::numeric`;
  }
  if (kind === 'bool') {
    if (typeof v !== 'boolean') throw new PromptFilterError('is_snippet needs a boolean');
    return sql`${v}::boolean`;
  }
  if (typeof v !== 'string') throw new PromptFilterError('a text field needs a string');
  return sql`${v}::text`;
}

/** eq/ne/in/not_in/order/text ops on a column-like expression of one kind (not tags or json). */
type Value = PromptFilterScalar | PromptFilterScalar[] | undefined;

function scalarLeaf(kind: Kind, e: SQL, op: PromptFilterOp, v: Value): SQL {
  switch (op) {
    case 'isnull':
      return one(v) === false ? sql`${e} is not null` : sql`${e} is null`;
    case 'eq': {
      const x = one(v);
      return x === null ? sql`${e} is null` : sql`${e} = ${param(kind, x)}`;
    }
    case 'ne':
      return sql`not ${guard(scalarLeaf(kind, e, 'eq', v))}`;
    case 'in': {
      const list = scalars(v);
      const parts = list.filter((x) => x !== null).map((x) => param(kind, x));
      const conds: SQL[] = [];
      if (parts.length) conds.push(sql`${e} in (${sql.join(parts, sql`, `)})`);
      if (list.includes(null)) conds.push(sql`${e} is null`);
      return conds.length ? sql`(${sql.join(conds, sql` or `)})` : sql`false`;
    }
    case 'not_in':
      return sql`not ${guard(scalarLeaf(kind, e, 'in', v))}`;
    default: {
      const x = one(v);
      if (ORDER_OPS.has(op)) {
        if (x === null) return sql`false`;
        const lhs = kind === 'text' ? sql`${e} collate "C"` : e;
        return sql`${lhs} ${SQL_ORDER[op as keyof typeof SQL_ORDER]} ${param(kind, x)}`;
      }
      if (kind !== 'text') throw new PromptFilterError(`${op} applies to text fields only`);
      return textOp(e, op, x);
    }
  }
}

const guard = (s: SQL) => sql`coalesce((${s}), false)`;

function columnOf(field: string, alias: DisplayNameAlias | undefined): SQL {
  switch (field) {
    case 'id':
      return sql`${prompts.id}::text`;
    case 'id_hex':
      return sql`replace(${prompts.id}::text, '-', '')`;
    case 'seq':
      return sql`${prompts.seq}`;
    case 'name':
      return nameExpr(alias);
    case 'description':
      return sql`${prompts.description}`;
    case 'project':
      return sql`(select ${projects.name} from ${projects} where ${projects.id} = ${prompts.projectId} and ${projects.deletedAt} is null)`;
    case 'is_snippet':
      return sql`${prompts.isSnippet}`;
    case 'created_at':
      return sql`date_trunc('milliseconds', ${prompts.createdAt})`;
    case 'updated_at':
      return sql`date_trunc('milliseconds', ${prompts.updatedAt})`;
    default:
      return sql`${prompts.lastVersion}`;
  }
}

// Metadata is stored as `json` (its keys as written); the operators below are jsonb's.
const metadataJsonb = () => sql`(${prompts.metadata})::jsonb`;

/** The name as a dialect shows it (its metadata alias while the guard still holds). */
export function nameExpr(alias: DisplayNameAlias | undefined): SQL {
  if (!alias) return sql`${prompts.name}`;
  const m = metadataJsonb();
  return sql`(case when jsonb_typeof(${m}->${alias.metadataKey}::text) = 'string' and jsonb_typeof(${m}->${alias.guardKey}::text) = 'string' and ${m}->>${alias.guardKey}::text = ${prompts.name} then ${m}->>${alias.metadataKey}::text else ${prompts.name} end)`;
}

function tagsLeaf(op: PromptFilterOp, v: Value): SQL {
  const tags = prompts.tags;
  switch (op) {
    case 'isnull':
      return one(v) === false ? sql`jsonb_array_length(${tags}) > 0` : sql`jsonb_array_length(${tags}) = 0`;
    case 'eq': {
      const x = one(v);
      if (x === null) return sql`false`;
      if (typeof x !== 'string') throw new PromptFilterError('tags hold strings');
      return sql`${tags} @> ${JSON.stringify([x])}::jsonb`;
    }
    case 'ne':
      return sql`not ${guard(tagsLeaf('eq', v))}`;
    case 'in': {
      const parts = scalars(v).map((x) => guard(tagsLeaf('eq', x)));
      return parts.length ? sql`(${sql.join(parts, sql` or `)})` : sql`false`;
    }
    case 'not_in':
      return sql`not ${guard(tagsLeaf('in', v))}`;
    default:
      return sql`exists (select 1 from jsonb_array_elements_text(${tags}) as t(v) where ${scalarLeaf('text', sql`t.v`, op, v)})`;
  }
}

function jsonLeaf(path: string[], op: PromptFilterOp, v: Value): SQL {
  const j = sql`(${metadataJsonb()} #> array[${sql.join(
    path.map((s) => sql`${s}::text`),
    sql`, `,
  )}])`;
  const typed = (t: string, cast: SQL) => sql`(case when jsonb_typeof(${j}) = ${t} then ${cast} end)`;
  switch (op) {
    case 'isnull': {
      const missing = sql`(${j} is null or jsonb_typeof(${j}) = 'null')`;
      return one(v) === false ? sql`not ${missing}` : missing;
    }
    case 'eq': {
      const x = one(v);
      if (x === null) return jsonLeaf(path, 'isnull', true);
      const jv: Json = x instanceof Date ? x.toISOString() : x;
      return sql`${j} = ${JSON.stringify(jv)}::jsonb`;
    }
    case 'ne':
      return sql`not ${guard(jsonLeaf(path, 'eq', v))}`;
    case 'in': {
      const parts = scalars(v).map((x) => guard(jsonLeaf(path, 'eq', x)));
      return parts.length ? sql`(${sql.join(parts, sql` or `)})` : sql`false`;
    }
    case 'not_in':
      return sql`not ${guard(jsonLeaf(path, 'in', v))}`;
    default: {
      const x = one(v);
      if (typeof x === 'number' && ORDER_OPS.has(op)) {
        return scalarLeaf('number', typed('number', sql`(${j} #>> '{}')::numeric`), op, x);
      }
      return scalarLeaf('text', typed('string', sql`(${j} #>> '{}')`), op, x);
    }
  }
}

/** The filter as a SQL condition over `prompts` (values are always bound parameters). */
export function compilePromptFilter(f: PromptFilter, opts: { displayName?: DisplayNameAlias } = {}): SQL {
  if ('and' in f) {
    return f.and.length
      ? sql`(${sql.join(
          f.and.map((x) => compilePromptFilter(x, opts)),
          sql` and `,
        )})`
      : sql`true`;
  }
  if ('or' in f) {
    return f.or.length
      ? sql`(${sql.join(
          f.or.map((x) => compilePromptFilter(x, opts)),
          sql` or `,
        )})`
      : sql`false`;
  }
  if ('not' in f) return sql`(not ${compilePromptFilter(f.not, opts)})`;
  if (!(PROMPT_FILTER_OPS as readonly string[]).includes(f.op)) {
    throw new PromptFilterError(`unknown prompt filter op ${String(f.op)}`);
  }
  const kind = kindOf(f.field);
  if (kind === 'tags') return guard(tagsLeaf(f.op, f.value));
  if (kind === 'json') return guard(jsonLeaf(metadataPath(f.field)!, f.op, f.value));
  return guard(scalarLeaf(kind, columnOf(f.field, opts.displayName), f.op, f.value));
}

// ---- in memory (same meaning) -----------------------------------------------------------------

export interface EvalContext {
  /** Live project names by id (a prompt whose project is gone has none). */
  projectName: (id: string) => string | null;
  displayName?: DisplayNameAlias;
}

/** Code-point order (what the database's "C" collation gives), not UTF-16 order. */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

export function displayNameOf(p: Prompt, alias: DisplayNameAlias | undefined): string {
  if (!alias) return p.name;
  const shown = p.metadata[alias.metadataKey];
  return typeof shown === 'string' && p.metadata[alias.guardKey] === p.name ? shown : p.name;
}

function valueOf(p: Prompt, field: string, ctx: EvalContext): unknown {
  switch (field) {
    case 'id':
      return p.id;
    case 'id_hex':
      return p.id.replace(/-/g, '');
    case 'seq':
      return p.seq;
    case 'name':
      return displayNameOf(p, ctx.displayName);
    case 'description':
      return p.description;
    case 'project':
      return p.projectId ? ctx.projectName(p.projectId) : null;
    case 'is_snippet':
      return p.isSnippet;
    case 'created_at':
      return p.createdAt.getTime();
    case 'updated_at':
      return p.updatedAt.getTime();
    default:
      return p.lastVersion;
  }
}

const norm = (x: PromptFilterScalar) => (x instanceof Date ? x.getTime() : x);

function scalarTest(kind: Kind, a: unknown, op: PromptFilterOp, v: Value): boolean {
  switch (op) {
    case 'isnull':
      return one(v) === false ? a !== null && a !== undefined : a === null || a === undefined;
    case 'eq': {
      const x = one(v);
      return x === null ? a === null || a === undefined : a === norm(x);
    }
    case 'ne':
      return !scalarTest(kind, a, 'eq', v);
    case 'in':
      return scalars(v).some((x) => scalarTest(kind, a, 'eq', x));
    case 'not_in':
      return !scalarTest(kind, a, 'in', v);
    default: {
      const x = norm(one(v));
      if (a === null || a === undefined || x === null) return false;
      if (ORDER_OPS.has(op)) {
        const c = typeof a === 'string' ? compareCodePoints(a, String(x)) : (a as number) - (x as number);
        return op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0;
      }
      const s = String(a);
      const t = String(x);
      switch (op) {
        case 'contains':
          return s.includes(t);
        case 'icontains':
          return s.toLowerCase().includes(t.toLowerCase());
        case 'startswith':
          return s.startsWith(t);
        case 'istartswith':
          return s.toLowerCase().startsWith(t.toLowerCase());
        case 'endswith':
          return s.endsWith(t);
        case 'iendswith':
          return s.toLowerCase().endsWith(t.toLowerCase());
        default:
          return s.toLowerCase() === t.toLowerCase();
      }
    }
  }
}

function jsonAt(m: JsonObject, path: string[]): Json | undefined {
  let cur: Json | undefined = m;
  for (const s of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, s))
      return undefined;
    cur = cur[s];
  }
  return cur;
}

function jsonTest(j: Json | undefined, op: PromptFilterOp, v: Value): boolean {
  switch (op) {
    case 'isnull':
      return one(v) === false ? !(j === undefined || j === null) : j === undefined || j === null;
    case 'eq': {
      const x = one(v);
      if (x === null) return j === undefined || j === null;
      const jv = x instanceof Date ? x.toISOString() : x;
      return j === jv;
    }
    case 'ne':
      return !jsonTest(j, 'eq', v);
    case 'in':
      return scalars(v).some((x) => jsonTest(j, 'eq', x));
    case 'not_in':
      return !jsonTest(j, 'in', v);
    default: {
      const x = one(v);
      if (typeof x === 'number' && ORDER_OPS.has(op))
        return typeof j === 'number' && scalarTest('number', j, op, x);
      return typeof j === 'string' && scalarTest('text', j, op, x);
    }
  }
}

export function evaluatePromptFilter(f: PromptFilter, p: Prompt, ctx: EvalContext): boolean {
  if ('and' in f) return f.and.every((x) => evaluatePromptFilter(x, p, ctx));
  if ('or' in f) return f.or.some((x) => evaluatePromptFilter(x, p, ctx));
  if ('not' in f) return !evaluatePromptFilter(f.not, p, ctx);
  const kind = kindOf(f.field);
  if (kind === 'json') return jsonTest(jsonAt(p.metadata, metadataPath(f.field)!), f.op, f.value);
  if (kind === 'tags') {
    switch (f.op) {
      case 'isnull':
        return one(f.value) === false ? p.tags.length > 0 : p.tags.length === 0;
      case 'ne':
      case 'not_in':
        return !p.tags.some((t) => scalarTest('text', t, f.op === 'ne' ? 'eq' : 'in', f.value));
      default:
        return p.tags.some((t) => scalarTest('text', t, f.op, f.value));
    }
  }
  return scalarTest(kind, valueOf(p, f.field, ctx), f.op, f.value);
}
