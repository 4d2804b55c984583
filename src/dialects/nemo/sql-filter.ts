// A parsed NeMo filter as a registry PromptFilter, pure, keeping `evaluate`'s meaning exactly, so
// the database filters, sorts, counts and pages. Fields that are constant for a request
// (workspace, entity_type, data paths that do not exist on a prompt) are folded to true/false by
// `evaluate` itself. Fields only the rendered version shows (data.messages, data.inference_params,
// …), and text/ordering tests on the rendered id and times, have no SQL form: `null` then, and
// the caller evaluates the filter in memory over every SQL-narrowed candidate (see docs).
import { uuidFromBase58, uuidToBase58 } from '../../model/ids.ts';
import type { PromptFilter } from '../../registry/index.ts';
import { evaluate, parseFilterDate, type FilterNode, type Scalar } from './filter.ts';

const TRUE: PromptFilter = { and: [] };
const FALSE: PromptFilter = { or: [] };

type Leaf = Extract<FilterNode, { field: string }>;

/** Keys of a NeMo prompt object whose value comes from the prompt row. */
const ROW_KEYS = new Set([
  'id',
  'name',
  'workspace',
  'project',
  'description',
  'tags',
  'created_at',
  'updated_at',
]);
/** Keys whose value comes from the newest version. */
const VERSION_KEYS = new Set([
  'messages',
  'input_variables',
  'tools',
  'tool_choice',
  'response_format',
  'inference_params',
]);

/** A nullable or non-null string column (name, description, project) under `evaluate`'s rules. */
function textLeaf(field: 'name' | 'description' | 'project', l: Leaf): PromptFilter {
  const v = l.value;
  const strings = (xs: Scalar[]) => xs.filter((x) => typeof x === 'string' || x === null);
  switch (l.op) {
    case 'eq':
      // `same`: a string equals only the same string; null only null; numbers never match a string.
      return typeof v === 'string' || v === null ? { field, op: 'eq', value: v } : FALSE;
    case 'ne':
      return { not: textLeaf(field, { ...l, op: 'eq' }) };
    case 'in':
      return { field, op: 'in', value: strings(v as Scalar[]) as (string | null)[] };
    case 'nin':
      return { not: textLeaf(field, { ...l, op: 'in' }) };
    case 'like':
      return { field, op: 'icontains', value: String(v) };
    default:
      // `order`: a null on either side never matches; other values compare as strings.
      return v === null ? FALSE : { field, op: l.op, value: String(v) };
  }
}

function tagsLeaf(l: Leaf): PromptFilter {
  const v = l.value;
  switch (l.op) {
    case 'eq':
      return typeof v === 'string' ? { field: 'tags', op: 'eq', value: v } : FALSE;
    case 'ne':
      return { not: tagsLeaf({ ...l, op: 'eq' }) };
    case 'in':
      return { or: (v as Scalar[]).map((x) => tagsLeaf({ ...l, op: 'eq', value: x })) };
    case 'nin':
      return { not: tagsLeaf({ ...l, op: 'in' }) };
    case 'like':
      return { field: 'tags', op: 'icontains', value: String(v) };
    default:
      return v === null ? FALSE : { field: 'tags', op: l.op, value: String(v) };
  }
}

function dateLeaf(field: 'created_at' | 'updated_at', l: Leaf): PromptFilter {
  const v = l.value;
  const at = (x: Scalar) => new Date(parseFilterDate(x));
  switch (l.op) {
    case 'eq':
      return v === null ? FALSE : { field, op: 'eq', value: at(v as Scalar) };
    case 'ne':
      return { not: dateLeaf(field, { ...l, op: 'eq' }) };
    case 'in':
      return { or: (v as Scalar[]).map((x) => dateLeaf(field, { ...l, op: 'eq', value: x })) };
    case 'nin':
      return { not: dateLeaf(field, { ...l, op: 'in' }) };
    case 'like':
      return FALSE; // a Date is not a string
    default:
      return v === null ? FALSE : { field, op: l.op, value: at(v as Scalar) };
  }
}

/** `prompt-<base58>` equality as a UUID equality (other strings name no prompt). */
function idLeaf(l: Leaf): PromptFilter | null {
  const uuidOf = (x: Scalar) =>
    typeof x === 'string' && x.startsWith('prompt-') ? uuidFromBase58(x.slice('prompt-'.length)) : null;
  const eq = (x: Scalar): PromptFilter => {
    const u = uuidOf(x);
    // Only the canonical rendering is the prompt's id string.
    return u && x === `prompt-${uuidToBase58(u)}` ? { field: 'id', op: 'eq', value: u } : FALSE;
  };
  switch (l.op) {
    case 'eq':
      return eq(l.value as Scalar);
    case 'ne':
      return { not: eq(l.value as Scalar) };
    case 'in':
      return { or: (l.value as Scalar[]).map(eq) };
    case 'nin':
      return { not: { or: (l.value as Scalar[]).map(eq) } };
    default:
      return null; // substring and ordering of the rendered id: no SQL form
  }
}

function leaf(l: Leaf, workspace: string): PromptFilter | null {
  const constant = () => (evaluate(l, { workspace, entity_type: 'prompt', data: {} }) ? TRUE : FALSE);
  let field = l.field;
  if (field.startsWith('data.')) {
    const [key, ...rest] = field.slice(5).split('.');
    if (VERSION_KEYS.has(key!)) return null;
    if (!ROW_KEYS.has(key!)) return constant(); // absent from every prompt object
    if (key === 'tags') return rest.length ? null : tagsLeaf(l);
    if (key === 'created_at' || key === 'updated_at') return null; // strings there, not dates
    // Below a string (or null) there is nothing: constant.
    if (rest.length) return constant();
    if (key === 'workspace') return evaluate(l, { data: { workspace } }) ? TRUE : FALSE;
    field = key!;
  }
  switch (field) {
    case 'workspace':
    case 'entity_type':
      return constant();
    case 'name':
    case 'description':
    case 'project':
      return textLeaf(field, l);
    case 'created_at':
    case 'updated_at':
      return dateLeaf(field, l);
    case 'id':
      return idLeaf(l);
    default:
      return constant();
  }
}

/** The whole tree in SQL terms, or null when some part has no SQL form. */
export function toPromptFilter(node: FilterNode, workspace: string): PromptFilter | null {
  if ('and' in node || 'or' in node) {
    const kids = ('and' in node ? node.and : node.or).map((n) => toPromptFilter(n, workspace));
    if (kids.some((k) => k === null)) return null;
    return 'and' in node ? { and: kids as PromptFilter[] } : { or: kids as PromptFilter[] };
  }
  if ('not' in node) {
    const k = toPromptFilter(node.not, workspace);
    return k && { not: k };
  }
  return leaf(node, workspace);
}

/** The top-level conjuncts that have a SQL form: a superset of what the whole filter keeps. */
export function narrowing(node: FilterNode, workspace: string): PromptFilter {
  const parts = ('and' in node ? node.and : [node]).map((n) => toPromptFilter(n, workspace));
  return { and: parts.filter((p): p is PromptFilter => p !== null) };
}
