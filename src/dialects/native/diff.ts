// A field-by-field diff of two versions' content, as JSON-pointer paths (RFC 6901). Pure.
// Objects are compared key by key and arrays index by index, so a changed message shows up as
// `/messages/1/content` rather than as the whole message list.
import { cloneJson } from '../../model/json-order.ts';

type JsonLike = unknown;

export interface Change {
  path: string;
  op: 'added' | 'removed' | 'changed';
  from?: JsonLike;
  to?: JsonLike;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const escape = (seg: string | number) => String(seg).replace(/~/g, '~0').replace(/\//g, '~1');

export function jsonEqual(a: JsonLike, b: JsonLike): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** Every difference between `from` and `to`, in a stable order (keys of `from`, then new keys). */
export function diffJson(from: JsonLike, to: JsonLike, path = ''): Change[] {
  if (jsonEqual(from, to)) return [];
  if (isPlainObject(from) && isPlainObject(to)) {
    const out: Change[] = [];
    const keys = [...Object.keys(from), ...Object.keys(to).filter((k) => !Object.hasOwn(from, k))];
    for (const k of keys) {
      const p = `${path}/${escape(k)}`;
      const inFrom = Object.hasOwn(from, k) && from[k] !== undefined;
      const inTo = Object.hasOwn(to, k) && to[k] !== undefined;
      if (inFrom && !inTo) out.push({ path: p, op: 'removed', from: from[k] });
      else if (!inFrom && inTo) out.push({ path: p, op: 'added', to: to[k] });
      else if (inFrom && inTo) out.push(...diffJson(from[k], to[k], p));
    }
    return out;
  }
  if (Array.isArray(from) && Array.isArray(to)) {
    const out: Change[] = [];
    const n = Math.max(from.length, to.length);
    for (let i = 0; i < n; i++) {
      const p = `${path}/${i}`;
      if (i >= to.length) out.push({ path: p, op: 'removed', from: from[i] });
      else if (i >= from.length) out.push({ path: p, op: 'added', to: to[i] });
      else out.push(...diffJson(from[i], to[i], p));
    }
    return out;
  }
  return [{ path, op: 'changed', from, to }];
}

/** The content fields of a native version that a diff compares (identity and lifecycle excluded). */
export const DIFFED_FIELDS = [
  'template_type',
  'messages',
  'content',
  'template_format',
  'input_variables',
  'variable_defaults',
  'model',
  'provider',
  'params',
  'response_format',
  'json_schema',
  'tools',
  'tool_choice',
  'functions',
  'function_call',
  'fallback_models',
  'load_balance_models',
  'metadata',
  'commit_message',
] as const;

/** Diffs two wire versions over their content fields only. */
export function diffVersions(a: Record<string, unknown>, b: Record<string, unknown>): Change[] {
  const pick = (v: Record<string, unknown>) =>
    Object.fromEntries(DIFFED_FIELDS.map((f) => [f, v[f] === undefined ? null : v[f]]));
  return diffJson(pick(a), pick(b));
}

/** Applies a diff made by diffJson (used to check that a diff says everything). */
export function applyDiff(base: JsonLike, changes: Change[]): JsonLike {
  let doc: JsonLike = cloneJson(base);
  // Removals of array items go from the highest index down, so earlier indices stay valid.
  const ordered = [
    ...changes.filter((c) => c.op !== 'removed'),
    ...changes.filter((c) => c.op === 'removed').reverse(),
  ];
  for (const c of ordered) {
    if (c.path === '') {
      doc = cloneJson(c.to);
      continue;
    }
    const segs = c.path
      .slice(1)
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = segs.pop()!;
    let parent = doc as Record<string, unknown> | unknown[];
    for (const s of segs) parent = (parent as Record<string, unknown>)[s] as Record<string, unknown>;
    if (Array.isArray(parent)) {
      const i = Number(last);
      if (c.op === 'removed') parent.splice(i, 1);
      else parent[i] = cloneJson(c.to);
    } else if (c.op === 'removed') delete parent[last];
    // defineProperty, not assignment: a key named __proto__ must stay data, never a prototype.
    else
      Object.defineProperty(parent, last, {
        value: cloneJson(c.to),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return doc;
}
