// A typed filter over prompts that dialects build from their own filter syntaxes, compiled to
// parameterised SQL (so filtering, sorting, counting and paging all happen in the database), and
// the same meaning evaluated in memory lives with the tests (test/support/prompt-filter-oracle.ts).
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
import type { Json } from '../model/types.ts';

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

/** Shared with the in-memory test oracle (test/support/prompt-filter-oracle.ts). */
export type Kind = 'text' | 'number' | 'bool' | 'time' | 'tags' | 'json';
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
export const ORDER_OPS = new Set<PromptFilterOp>(['gt', 'gte', 'lt', 'lte']);

export function metadataPath(field: string): string[] | null {
  if (!field.startsWith('metadata.')) return null;
  const segs = field.slice('metadata.'.length).split('.');
  if (!segs.every((s) => /^[A-Za-z0-9_-]{1,100}$/.test(s))) {
    throw new PromptFilterError(`invalid metadata path ${JSON.stringify(field)}`);
  }
  return segs;
}

export function kindOf(field: string): Kind {
  if (metadataPath(field)) return 'json';
  if (!Object.hasOwn(KINDS, field)) throw new PromptFilterError(`unknown prompt filter field ${field}`);
  return KINDS[field as keyof typeof KINDS];
}

export const scalars = (v: Value): PromptFilterScalar[] => (Array.isArray(v) ? v : [v ?? null]);
export const one = (v: Value): PromptFilterScalar => {
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
export type Value = PromptFilterScalar | PromptFilterScalar[] | undefined;

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
