// The prompt list's `filters` body (the product's shared Filters API) and `sort_by`, as pure
// functions over rows. `is_deleted` is a scope, not a row test: it picks active prompts or the trash.
import { badRequest } from '../../model/errors.ts';

export interface PromptRow {
  seq: number;
  prompt_id: string;
  prompt_slug: string;
  name: string;
  description: string;
  starred: boolean;
  tags: string[];
  created_at: Date;
  updated_at: Date;
  current_version__updated_at: Date | null;
}

export const FILTER_FIELDS = [
  'prompt_id',
  'prompt_slug',
  'name',
  'description',
  'starred',
  'tags',
  'created_at',
  'updated_at',
  'current_version__updated_at',
  'is_deleted',
] as const;
type Field = (typeof FILTER_FIELDS)[number];

export const OPERATORS = [
  '',
  'iexact',
  'lt',
  'lte',
  'gt',
  'gte',
  'contains',
  'icontains',
  'startswith',
  'endswith',
  'in',
  'isnull',
  'not',
] as const;
type Operator = (typeof OPERATORS)[number];

export interface Condition {
  field: Exclude<Field, 'is_deleted'>;
  operator: Operator;
  values: unknown[];
}

export interface ParsedFilters {
  conditions: Condition[];
  combine: 'AND' | 'OR';
  deleted: boolean;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isScalar = (v: unknown) =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null;

const truthy = (v: unknown) => v === true || v === 'true' || v === 'True' || v === 1 || v === '1';

/** Parses `{filters, operator}`; every mistake is a 400 naming the filter. */
export function parseFilters(filters: unknown, operator: unknown): ParsedFilters {
  const out: ParsedFilters = { conditions: [], combine: 'AND', deleted: false };
  if (operator !== undefined && operator !== null) {
    // Only a string can name a combinator; String() of a hostile object may even throw.
    const op = typeof operator === 'string' ? operator.toUpperCase() : '';
    if (op !== 'AND' && op !== 'OR') throw badRequest('operator: must be "AND" or "OR".');
    out.combine = op;
  }
  if (filters === undefined || filters === null) return out;
  if (!isObj(filters)) throw badRequest('filters: must be an object of {field: {operator, value}}.');
  for (const [field, spec] of Object.entries(filters)) {
    if (!(FILTER_FIELDS as readonly string[]).includes(field)) {
      throw badRequest(
        `filters.${field}: not a filterable field; expected one of ${FILTER_FIELDS.join(', ')}.`,
      );
    }
    const s = isObj(spec) ? spec : { value: spec };
    const op = s.operator === undefined || s.operator === null ? '' : s.operator;
    if (typeof op !== 'string' || !(OPERATORS as readonly string[]).includes(op)) {
      throw badRequest(`filters.${field}.operator: unknown operator ${JSON.stringify(op)}.`);
    }
    const values = Array.isArray(s.value) ? s.value : s.value === undefined ? [] : [s.value];
    if (values.length > 1000) throw badRequest(`filters.${field}.value: too many values.`);
    // Filter values are scalars; an object or a list inside the list matches nothing meaningful.
    if (!values.every(isScalar)) {
      throw badRequest(`filters.${field}.value: each value must be a string, number or boolean.`);
    }
    if (field === 'is_deleted') {
      if (op !== '' && op !== 'iexact')
        throw badRequest(`filters.is_deleted.operator: only equality is supported.`);
      out.deleted = values.some(truthy);
      continue;
    }
    if (op !== 'isnull' && values.length === 0)
      throw badRequest(`filters.${field}.value: must not be empty.`);
    out.conditions.push({ field: field as Condition['field'], operator: op as Operator, values });
  }
  return out;
}

function compare(a: unknown, b: unknown): number | null {
  if (a instanceof Date) {
    const d = new Date(String(b));
    return Number.isNaN(d.getTime()) ? null : a.getTime() - d.getTime();
  }
  if (typeof a === 'boolean') return truthy(b) === a ? 0 : 1;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function test1(actual: unknown, op: Operator, v: unknown): boolean {
  if (actual === null || actual === undefined) return false;
  const s = String(actual);
  const vs = String(v);
  switch (op) {
    case '':
    case 'in':
      return compare(actual, v) === 0;
    case 'not':
      return compare(actual, v) !== 0;
    case 'iexact':
      return s.toLowerCase() === vs.toLowerCase();
    case 'contains':
      return s.includes(vs);
    case 'icontains':
      return s.toLowerCase().includes(vs.toLowerCase());
    case 'startswith':
      return s.startsWith(vs);
    case 'endswith':
      return s.endsWith(vs);
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      const c = compare(actual, v);
      if (c === null) return false;
      return op === 'lt' ? c < 0 : op === 'lte' ? c <= 0 : op === 'gt' ? c > 0 : c >= 0;
    }
    default:
      return false;
  }
}

export function matches(row: PromptRow, c: Condition): boolean {
  const actual = row[c.field];
  if (c.operator === 'isnull') {
    const empty = actual === null || actual === '' || (Array.isArray(actual) && actual.length === 0);
    return c.values.length === 0 || truthy(c.values[0]) ? empty : !empty;
  }
  if (c.operator === 'not') {
    const items = Array.isArray(actual) ? actual : [actual];
    return c.values.every((v) => items.every((a) => test1(a, 'not', v)));
  }
  // Tags match when any tag satisfies the test; several values match when any one does.
  const items = Array.isArray(actual) ? actual : [actual];
  return c.values.some((v) => items.some((a) => test1(a, c.operator, v)));
}

export function applyFilters(rows: PromptRow[], f: ParsedFilters): PromptRow[] {
  if (!f.conditions.length) return rows;
  return rows.filter((r) =>
    f.combine === 'AND' ? f.conditions.every((c) => matches(r, c)) : f.conditions.some((c) => matches(r, c)),
  );
}

export const SORT_FIELDS = ['id', 'name', 'created_at', 'updated_at', 'current_version__updated_at'] as const;

/** `sort_by` (default `-id`, newest first); a leading '-' means descending. */
export function parseSort(sortBy: unknown): { field: (typeof SORT_FIELDS)[number]; desc: boolean } {
  if (sortBy !== undefined && sortBy !== null && typeof sortBy !== 'string' && typeof sortBy !== 'number') {
    throw badRequest('sort_by: must be a string.');
  }
  const s = sortBy === undefined || sortBy === null || sortBy === '' ? '-id' : String(sortBy);
  const desc = s.startsWith('-');
  const field = desc ? s.slice(1) : s;
  if (!(SORT_FIELDS as readonly string[]).includes(field)) {
    throw badRequest(
      `sort_by: unknown field ${JSON.stringify(s)}; expected one of ${SORT_FIELDS.join(', ')} (optionally prefixed with -).`,
    );
  }
  return { field: field as (typeof SORT_FIELDS)[number], desc };
}

export function sortRows(rows: PromptRow[], s: ReturnType<typeof parseSort>): PromptRow[] {
  const key = (r: PromptRow): number | string =>
    s.field === 'id'
      ? r.seq
      : s.field === 'name'
        ? r.name
        : (s.field === 'current_version__updated_at'
            ? (r.current_version__updated_at ?? r.updated_at)
            : r[s.field]
          ).getTime();
  return [...rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    const c = x < y ? -1 : x > y ? 1 : a.seq - b.seq;
    return s.desc ? -c : c;
  });
}
