// The prompt list's parsed filters and sort as one registry query, pure: the database filters,
// sorts, counts and pages (no scan limit). Each condition keeps the meaning `matches` in filters.ts
// gives it; values are converted here exactly as `matches` converts them (String(v), new Date(...),
// truthy), and fields with a default (description null → '', slug not a string → '') or a small
// domain (starred) are folded by evaluating `matches` itself on the default.
import { badRequest } from '../../model/errors.ts';
import type { PromptFilter, PromptFilterOp, PromptListQuery } from '../../registry/index.ts';
import { matches, type Condition, type ParsedFilters, type PromptRow, type parseSort } from './filters.ts';
import { DISPLAY_NAME_KEY, STORED_NAME_KEY } from './wire.ts';

const TRUE: PromptFilter = { and: [] };
const FALSE: PromptFilter = { or: [] };
const and = (...xs: PromptFilter[]): PromptFilter => ({ and: xs });
const or = (...xs: PromptFilter[]): PromptFilter => ({ or: xs });
const not = (x: PromptFilter): PromptFilter => ({ not: x });

export const DISPLAY_NAME = { metadataKey: DISPLAY_NAME_KEY, guardKey: STORED_NAME_KEY };

type Op = Condition['operator'];
const TEXT: Partial<Record<Op, PromptFilterOp>> = {
  '': 'eq',
  in: 'eq',
  iexact: 'iexact',
  contains: 'contains',
  icontains: 'icontains',
  startswith: 'startswith',
  endswith: 'endswith',
  lt: 'lt',
  lte: 'lte',
  gt: 'gt',
  gte: 'gte',
};
const DATE_TEXT_OPS = new Set<Op>(['iexact', 'contains', 'icontains', 'startswith', 'endswith']);

/** A row whose every field is at its default, to evaluate `matches` on the defaults. */
const blank: PromptRow = {
  seq: 0,
  prompt_id: '',
  prompt_slug: '',
  name: '',
  description: '',
  starred: false,
  tags: [],
  created_at: new Date(0),
  updated_at: new Date(0),
  current_version__updated_at: null,
};

type TextField = 'prompt_id' | 'prompt_slug' | 'name' | 'description';
const COLUMN = {
  prompt_id: 'id_hex',
  prompt_slug: 'metadata.prompt_slug',
  name: 'name',
  description: 'description',
} as const;

/** The stored value is a string (prompt_slug may hold anything in metadata; description may be null). */
const isString = (f: TextField): PromptFilter =>
  f === 'description'
    ? { field: 'description', op: 'isnull', value: false }
    : f === 'prompt_slug'
      ? { field: 'metadata.prompt_slug', op: 'gte', value: '' }
      : TRUE;

/** One value of a condition on a string field (never null on the wire: defaults fill in ''). */
function textTest(field: TextField, op: Op, v: unknown): PromptFilter {
  const pop = TEXT[op]!;
  const leaf: PromptFilter = { field: COLUMN[field], op: pop, value: String(v) };
  // Where the stored value is absent the row reads '', so the answer there is the answer on ''.
  const onDefault = matches(blank, { field, operator: op, values: [v] });
  return onDefault ? or(not(isString(field)), leaf) : leaf;
}

type DateField = 'created_at' | 'updated_at';
function dateTest(field: DateField, op: Op, v: unknown): PromptFilter {
  const d = new Date(String(v));
  if (Number.isNaN(d.getTime())) return FALSE; // `compare` gives null: no match
  const pop = op === '' || op === 'in' ? 'eq' : (op as PromptFilterOp);
  return { field, op: pop, value: d };
}

function condition(c: Condition): PromptFilter {
  const { field, operator: op, values } = c;
  if (field === 'starred') {
    // Two possible values: evaluate the condition on each.
    const starred: PromptFilter = { field: 'metadata.starred', op: 'eq', value: true };
    const onTrue = matches({ ...blank, starred: true }, c);
    const onFalse = matches({ ...blank, starred: false }, c);
    return or(onTrue ? starred : FALSE, onFalse ? not(starred) : FALSE);
  }
  if (field === 'tags') {
    if (op === 'isnull') return { field: 'tags', op: 'isnull', value: matches(blank, c) };
    if (op === 'not')
      return and(...values.map((v) => ({ field: 'tags', op: 'ne', value: String(v) }) as PromptFilter));
    return or(...values.map((v) => ({ field: 'tags', op: TEXT[op]!, value: String(v) }) as PromptFilter));
  }
  if (field === 'created_at' || field === 'updated_at' || field === 'current_version__updated_at') {
    const column: DateField = field === 'created_at' ? 'created_at' : 'updated_at';
    // current_version__updated_at is the prompt's updated_at once it has a version, else null.
    const hasVersion: PromptFilter =
      field === 'current_version__updated_at' ? { field: 'last_version', op: 'gt', value: 0 } : TRUE;
    if (op === 'isnull') {
      // The answer on a row without the value (only current_version__updated_at can lack it) and
      // on a row with one.
      const whenNull = matches({ ...blank, [field]: null }, c);
      const whenSet = matches({ ...blank, [field]: new Date(0) }, c);
      return or(whenNull ? not(hasVersion) : FALSE, whenSet ? hasVersion : FALSE);
    }
    if (DATE_TEXT_OPS.has(op)) {
      throw badRequest(
        `filters.${field}.operator: ${op} does not apply to a date; use lt, lte, gt, gte or equality.`,
      );
    }
    if (op === 'not') return and(hasVersion, ...values.map((v) => not(dateTest(column, '', v))));
    return and(hasVersion, or(...values.map((v) => dateTest(column, op, v))));
  }
  if (op === 'isnull') {
    const empty = textTest(field, '', '');
    return matches(blank, c) ? empty : not(empty);
  }
  if (op === 'not') return and(...values.map((v) => not(textTest(field, '', v))));
  return or(...values.map((v) => textTest(field, op, v)));
}

export function filterOf(f: ParsedFilters): PromptFilter {
  const parts = f.conditions.map(condition);
  return f.combine === 'AND' ? and(...parts) : parts.length ? or(...parts) : TRUE;
}

/** The registry query for the filters and sort (paging is the caller's). */
export function listQuery(
  f: ParsedFilters,
  sort: ReturnType<typeof parseSort>,
): Omit<PromptListQuery, 'limit' | 'offset'> {
  const field =
    sort.field === 'id'
      ? 'seq'
      : sort.field === 'current_version__updated_at'
        ? 'updated_at' // the row's (cv ?? updated_at) is always its updated_at
        : sort.field;
  return {
    status: f.deleted ? 'deleted' : 'active',
    where: filterOf(f),
    displayName: DISPLAY_NAME,
    sort: { field, dir: sort.desc ? 'desc' : 'asc' },
  };
}
