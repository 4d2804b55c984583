// The in-memory meaning of a prompt filter: the oracle the SQL compilation (src/registry/
// prompt-filter.ts) is tested against. Test code only: production filters in the database.
import type { Json, JsonObject, Prompt } from '../../src/model/types.ts';
import {
  kindOf,
  metadataPath,
  one,
  ORDER_OPS,
  scalars,
  type DisplayNameAlias,
  type Kind,
  type PromptFilter,
  type PromptFilterOp,
  type PromptFilterScalar,
  type Value,
} from '../../src/registry/prompt-filter.ts';

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
