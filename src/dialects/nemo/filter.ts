// NeMo's `filter` query parameter, pure: its three wire syntaxes (bracket `filter[f][$op]=v`, JSON
// `filter={...}`, text `f~"v" AND g>="x"`) parse into one expression tree, checked against the
// allowed fields, and evaluated against a prompt record. No I/O; every error is a FilterError (400).

export type Scalar = string | number | boolean | null;
export type FilterValue = Scalar | Scalar[];
export type Op = 'eq' | 'ne' | 'like' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'nin';
export type FilterNode =
  | { and: FilterNode[] }
  | { or: FilterNode[] }
  | { not: FilterNode }
  | { field: string; op: Op; value: FilterValue };

export class FilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterError';
  }
}

export const PROMPT_FILTER_FIELDS = [
  'workspace',
  'project',
  'name',
  'description',
  'created_at',
  'updated_at',
  'id',
  'entity_type',
] as const;
export const DATE_FIELDS = new Set(['created_at', 'updated_at']);

const OPS: Record<string, Op> = {
  eq: 'eq',
  ne: 'ne',
  like: 'like',
  lt: 'lt',
  lte: 'lte',
  gt: 'gt',
  gte: 'gte',
  in: 'in',
  nin: 'nin',
};
const LOGICAL = new Set(['$and', '$or', '$not', 'and', 'or', 'not']);
// Bounds against hostile input: a filter is a short human expression.
const MAX_FILTER_LENGTH = 10_000;
const MAX_DEPTH = 32;

const pyList = (xs: readonly string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

export function checkField(field: string, allowed: readonly string[] = PROMPT_FILTER_FIELDS): void {
  if (allowed.includes(field)) return;
  if (/^data(\.[A-Za-z0-9_-]+)+$/.test(field)) return;
  throw new FilterError(`Unknown filter field '${field}'. Valid fields: ${pyList(allowed)}`);
}

function opOf(key: string): Op {
  const name = key.startsWith('$') ? key.slice(1) : key;
  const op = Object.hasOwn(OPS, name) ? OPS[name] : undefined;
  if (!op) throw new FilterError(`Unknown filter operator '${key}'`);
  return op;
}

const isScalar = (v: unknown): v is Scalar =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function cond(field: string, op: Op, value: unknown): FilterNode {
  checkField(field);
  if (op === 'in' || op === 'nin') {
    const list = Array.isArray(value) ? value : [value];
    if (!list.every(isScalar)) throw new FilterError(`'$${op}' on '${field}' needs a list of values`);
    return { field, op, value: list };
  }
  if (Array.isArray(value)) {
    // A list where one value belongs: eq means membership, like/ne apply to each value.
    if (!value.every(isScalar)) throw new FilterError(`invalid value for '${field}'`);
    if (op === 'eq') return { field, op: 'in', value };
    if (op === 'ne') return { field, op: 'nin', value };
    if (op === 'like') return { or: value.map((v) => cond(field, 'like', v)) };
    throw new FilterError(`'$${op}' on '${field}' needs a single value`);
  }
  if (!isScalar(value)) throw new FilterError(`invalid value for '${field}'`);
  if (op === 'like' && typeof value !== 'string')
    throw new FilterError(`'$like' on '${field}' needs a string`);
  return { field, op, value };
}

const both = (nodes: FilterNode[]): FilterNode => (nodes.length === 1 ? nodes[0]! : { and: nodes });

/** A JSON filter object (also what bracket notation builds) into a tree. */
export function fromObject(obj: unknown, depth = 0): FilterNode {
  if (depth > MAX_DEPTH) throw new FilterError('filter nested too deeply');
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new FilterError('filter must be an object');
  }
  const entries = Object.entries(obj as Record<string, unknown>);
  const logical = entries.filter(([k]) => LOGICAL.has(k));
  if (logical.length && entries.length > 1) {
    throw new FilterError('a logical operator cannot be mixed with other keys at the same level');
  }
  if (logical.length) {
    const [k, v] = logical[0]!;
    const name = k.replace(/^\$/, '');
    if (name === 'not') return { not: fromObject(v, depth + 1) };
    if (!Array.isArray(v) || !v.length) throw new FilterError(`'$${name}' needs a non-empty list of filters`);
    const parts = v.map((x) => fromObject(x, depth + 1));
    return name === 'and' ? { and: parts } : { or: parts };
  }
  const nodes: FilterNode[] = [];
  for (const [field, v] of entries) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const ops = Object.entries(v as Record<string, unknown>);
      if (!ops.length) throw new FilterError(`empty operator object for '${field}'`);
      for (const [k, x] of ops) nodes.push(cond(field, opOf(k), x));
    } else nodes.push(cond(field, 'eq', v));
  }
  return both(nodes);
}

// ---- bracket notation -------------------------------------------------------------------------

const splitValue = (v: string): Scalar | Scalar[] => {
  if (v === '') return null;
  return v.includes(',') ? v.split(',') : v;
};

/** `filter[f]=v`, `filter[f][$op]=v`, `filter[f][]=v` (all pairs whose key starts `filter[`). */
export function fromBrackets(pairs: [string, string][]): FilterNode {
  // Maps, not objects: a key such as `filter[__proto__]` must never reach a prototype.
  const tree = new Map<string, Map<string, Scalar[]>>();
  for (const [key, raw] of pairs) {
    const m = /^filter((?:\[[^[\]]*\])+)$/.exec(key);
    if (!m) throw new FilterError(`malformed filter key '${key}'`);
    const segs = [...m[1]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!);
    const [field, opKey, ...rest] = segs;
    if (!field || rest.length) throw new FilterError(`malformed filter key '${key}'`);
    if (LOGICAL.has(field)) throw new FilterError('logical operators need the JSON or text syntax');
    checkField(field);
    // `filter[f][]=v` is a membership test (the spec's reading of the trailing `[]`).
    const op: Op = opKey === undefined ? 'eq' : opKey === '' ? 'in' : opOf(opKey);
    const v = splitValue(raw);
    const ops = tree.get(field) ?? new Map<string, Scalar[]>();
    tree.set(field, ops);
    const slot = ops.get(op) ?? [];
    ops.set(op, slot);
    if (Array.isArray(v)) slot.push(...v);
    else slot.push(v);
  }
  const nodes: FilterNode[] = [];
  for (const [field, ops] of tree) {
    for (const [op, values] of ops) {
      const o = op as Op;
      nodes.push(cond(field, o, o === 'in' || o === 'nin' || values.length > 1 ? values : values[0]));
    }
  }
  return both(nodes);
}

// ---- text syntax ------------------------------------------------------------------------------

type Tok =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'word'; v: string }
  | { t: 'op'; v: string }
  | { t: 'punct'; v: '(' | ')' | '[' | ']' | ',' | '-' };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new FilterError('unterminated string in filter');
        const d = src[i]!;
        if (d === '\\' && i + 1 < src.length) {
          s += src[i + 1];
          i += 2;
        } else if (d === '"') {
          i++;
          break;
        } else {
          s += d;
          i++;
        }
      }
      out.push({ t: 'str', v: s });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '>=' || two === '<=' || two === '!=') {
      out.push({ t: 'op', v: two });
      i += 2;
      continue;
    }
    if (c === ':' || c === '~' || c === '>' || c === '<') {
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    if ('()[],'.includes(c)) {
      out.push({ t: 'punct', v: c as '(' });
      i++;
      continue;
    }
    const num = /^-?\d+(\.\d+)?(?![\w.])/.exec(src.slice(i));
    if (num && (c !== '-' || out.at(-1)?.t === 'op' || out.at(-1)?.v === '[' || out.at(-1)?.v === ',')) {
      out.push({ t: 'num', v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    if (c === '-') {
      out.push({ t: 'punct', v: '-' });
      i++;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(i));
    if (!word) throw new FilterError(`unexpected character '${c}' in filter at position ${i}`);
    out.push({ t: 'word', v: word[0] });
    i += word[0].length;
  }
  return out;
}

const TEXT_OPS: Record<string, Op> = {
  ':': 'eq',
  '!=': 'ne',
  '~': 'like',
  '>': 'gt',
  '>=': 'gte',
  '<': 'lt',
  '<=': 'lte',
};
const kw = (tok: Tok | undefined, word: string) => tok?.t === 'word' && tok.v.toUpperCase() === word;

export function fromText(src: string): FilterNode {
  const toks = tokenize(src);
  let pos = 0;
  let depth = 0;
  const peek = () => toks[pos];
  const fail = (what: string): never => {
    const tok = peek();
    throw new FilterError(`filter syntax error: ${what}${tok ? ` near '${String(tok.v)}'` : ' at end'}`);
  };
  const value = (): Scalar => {
    const tok = toks[pos++];
    if (tok?.t === 'str' || tok?.t === 'num') return tok.v;
    if (tok?.t === 'word' && ['true', 'false', 'null'].includes(tok.v)) return JSON.parse(tok.v) as Scalar;
    pos--;
    return fail('expected a double-quoted string or a number');
  };
  const list = (): Scalar[] => {
    if (peek()?.v !== '[') fail("expected '['");
    pos++;
    const out: Scalar[] = [];
    if (peek()?.v === ']') {
      pos++;
      return out;
    }
    for (;;) {
      out.push(value());
      const tok = toks[pos++];
      if (tok?.v === ']') return out;
      if (tok?.v !== ',') {
        pos--;
        fail("expected ',' or ']'");
      }
    }
  };
  const comparison = (): FilterNode => {
    const f = toks[pos++];
    if (f?.t !== 'word') {
      pos--;
      return fail('expected a field name');
    }
    if (kw(peek(), 'IN')) {
      pos++;
      return cond(f.v, 'in', list());
    }
    if (kw(peek(), 'NOT') && kw(toks[pos + 1], 'IN')) {
      pos += 2;
      return cond(f.v, 'nin', list());
    }
    const op = toks[pos++];
    if (op?.t !== 'op') {
      pos--;
      return fail(`expected an operator after '${f.v}'`);
    }
    const v = value();
    const o = TEXT_OPS[op.v]!;
    if (o === 'like' && (typeof v !== 'string' || v.length < 3)) {
      throw new FilterError(`'~' needs a string of at least 3 characters`);
    }
    return cond(f.v, o, v);
  };
  const unary = (): FilterNode => {
    if (++depth > MAX_DEPTH) throw new FilterError('filter nested too deeply');
    try {
      const tok = peek();
      if (tok?.v === '-' || kw(tok, 'NOT')) {
        pos++;
        return { not: unary() };
      }
      if (tok?.v === '(') {
        pos++;
        const e = orExpr();
        if (peek()?.v !== ')') fail("expected ')'");
        pos++;
        return e;
      }
      return comparison();
    } finally {
      depth--;
    }
  };
  const startsUnary = (tok: Tok | undefined) =>
    tok !== undefined &&
    (tok.v === '-' || tok.v === '(' || (tok.t === 'word' && !kw(tok, 'OR') && !kw(tok, 'AND')));
  const andExpr = (): FilterNode => {
    const parts = [unary()];
    for (;;) {
      if (kw(peek(), 'AND')) {
        pos++;
        parts.push(unary());
      } else if (startsUnary(peek())) parts.push(unary());
      else break;
    }
    return parts.length === 1 ? parts[0]! : { and: parts };
  };
  function orExpr(): FilterNode {
    const parts = [andExpr()];
    while (kw(peek(), 'OR')) {
      pos++;
      parts.push(andExpr());
    }
    return parts.length === 1 ? parts[0]! : { or: parts };
  }
  if (!toks.length) throw new FilterError('empty filter');
  const tree = orExpr();
  if (pos < toks.length) fail('unexpected input');
  return tree;
}

// ---- entry point ------------------------------------------------------------------------------

/**
 * Every `filter` / `filter[...]` pair of a query string into one tree (null: no filter). A bare
 * `filter` value starting with `{` is JSON, otherwise text. A top-level `workspace` equality is
 * dropped: the path's workspace always wins.
 */
export function parseFilter(pairs: [string, string][]): FilterNode | null {
  const bare = pairs.filter(([k]) => k === 'filter').map(([, v]) => v);
  const brackets = pairs.filter(([k]) => k.startsWith('filter['));
  const parts: FilterNode[] = [];
  const total = pairs.reduce((n, [k, v]) => n + k.length + v.length, 0);
  if (total > MAX_FILTER_LENGTH) throw new FilterError('filter too long');
  for (const raw of bare) {
    const s = raw.trim();
    if (!s) continue;
    if (s.startsWith('{')) {
      let obj: unknown;
      try {
        obj = JSON.parse(s);
      } catch {
        throw new FilterError('Invalid JSON in filter parameter');
      }
      parts.push(fromObject(obj));
    } else parts.push(fromText(s));
  }
  if (brackets.length) parts.push(fromBrackets(brackets));
  if (!parts.length) return null;
  return dropWorkspaceEq(both(parts));
}

function dropWorkspaceEq(node: FilterNode): FilterNode | null {
  const isWsEq = (n: FilterNode) => 'field' in n && n.field === 'workspace' && n.op === 'eq';
  if (isWsEq(node)) return null;
  if ('and' in node) {
    const kept = node.and.flatMap((n) => ('and' in n ? n.and : [n])).filter((n) => !isWsEq(n));
    return kept.length ? both(kept) : null;
  }
  return node;
}

/** The top-level conjuncts of a tree (what can be pushed into SQL as a pre-filter). */
export function conjuncts(node: FilterNode | null): FilterNode[] {
  if (!node) return [];
  if ('and' in node) return node.and.flatMap(conjuncts);
  return [node];
}

// ---- evaluation -------------------------------------------------------------------------------

/** A prompt as filters see it: top-level fields, and `data` for `data.<path>`. */
export type FilterRecord = Record<string, unknown> & { data?: Record<string, unknown> };

/** Naive timestamps are UTC (NeMo stores naive UTC). */
export function parseFilterDate(v: Scalar): number {
  if (typeof v !== 'string') throw new FilterError(`invalid datetime '${String(v)}'`);
  const s = /(Z|[+-]\d{2}:?\d{2})$/i.test(v) || !/T|\d{2}:\d{2}/.test(v) ? v : `${v}Z`;
  const withTime = /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s;
  const t = Date.parse(withTime);
  if (Number.isNaN(t)) throw new FilterError(`invalid datetime '${v}'`);
  return t;
}

function lookup(rec: FilterRecord, field: string): unknown {
  if (!field.startsWith('data.')) return rec[field];
  let cur: unknown = rec.data;
  for (const seg of field.slice(5).split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function same(a: unknown, b: Scalar): boolean {
  if (a === undefined) return b === null;
  if (a === null || b === null) return a === b;
  if (typeof a === typeof b) return a === b;
  if (typeof a === 'number' || typeof a === 'boolean') return String(a) === String(b);
  return false;
}

function order(a: unknown, b: Scalar, date: boolean): number | null {
  if (a === null || a === undefined || b === null) return null;
  if (date) {
    const x = a instanceof Date ? a.getTime() : parseFilterDate(a as Scalar);
    const y = parseFilterDate(b);
    return x - y;
  }
  if (typeof a === 'number') {
    const y = typeof b === 'number' ? b : Number(b);
    return Number.isNaN(y) ? null : a - y;
  }
  if (typeof a === 'string') {
    const y = String(b);
    return a < y ? -1 : a > y ? 1 : 0;
  }
  return null;
}

function test(op: Op, a: unknown, v: FilterValue, date: boolean): boolean {
  // An array-valued field matches when any element does (tags and other lists under data.*).
  if (Array.isArray(a) && op !== 'ne' && op !== 'nin') return a.some((x) => test(op, x, v, date));
  if (Array.isArray(a)) return !a.some((x) => test(op === 'ne' ? 'eq' : 'in', x, v, date));
  if (date && a instanceof Date && (op === 'eq' || op === 'ne')) {
    const eq = v !== null && !Array.isArray(v) && a.getTime() === parseFilterDate(v);
    return op === 'eq' ? eq : !eq;
  }
  switch (op) {
    case 'eq':
      return same(a, v as Scalar);
    case 'ne':
      return !same(a, v as Scalar);
    case 'like':
      return typeof a === 'string' && a.toLowerCase().includes(String(v).toLowerCase());
    case 'in':
      return (v as Scalar[]).some((x) => (date && a instanceof Date ? test('eq', a, x, date) : same(a, x)));
    case 'nin':
      return !(v as Scalar[]).some((x) => (date && a instanceof Date ? test('eq', a, x, date) : same(a, x)));
    default: {
      const c = order(a, v as Scalar, date);
      if (c === null) return false;
      return op === 'lt' ? c < 0 : op === 'lte' ? c <= 0 : op === 'gt' ? c > 0 : c >= 0;
    }
  }
}

export function evaluate(node: FilterNode, rec: FilterRecord): boolean {
  if ('and' in node) return node.and.every((n) => evaluate(n, rec));
  if ('or' in node) return node.or.some((n) => evaluate(n, rec));
  if ('not' in node) return !evaluate(node.not, rec);
  return test(node.op, lookup(rec, node.field), node.value, DATE_FIELDS.has(node.field));
}

/** Checks every datetime literal once, up front, so a bad date is a 400 even on an empty page. */
export function validateDates(node: FilterNode | null): void {
  if (!node) return;
  if ('and' in node) return node.and.forEach(validateDates);
  if ('or' in node) return node.or.forEach(validateDates);
  if ('not' in node) return validateDates(node.not);
  if (!DATE_FIELDS.has(node.field)) return;
  for (const v of Array.isArray(node.value) ? node.value : [node.value]) {
    if (v !== null) parseFilterDate(v);
  }
}
