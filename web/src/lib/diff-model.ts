// The comparison of two versions (or a version and unsaved editor content), as data the view shows:
// messages as line diffs (jsdiff), every other setting as a structured diff by JSON path, and the
// variables added or removed. Pure: unit-tested without a browser.
import { diffLines } from 'diff';

export interface Comparable {
  template_type: 'chat' | 'completion';
  messages: { role: string; content?: unknown }[];
  content: unknown[] | null;
  template_format: string;
  input_variables: string[];
  variable_defaults?: Record<string, unknown>;
  model?: string | null;
  provider?: string | null;
  params?: Record<string, unknown>;
  response_format?: Record<string, unknown> | null;
  json_schema?: Record<string, unknown> | null;
  tools?: unknown[] | null;
  tool_choice?: unknown;
  functions?: unknown[] | null;
  function_call?: unknown;
  fallback_models?: string[] | null;
  load_balance_models?: unknown[] | null;
}

export interface LinePart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export interface MessageDiff {
  /** "1 · system" — position and role (both sides' roles when they differ). */
  title: string;
  parts: LinePart[];
  changed: boolean;
}

export interface FieldChange {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

export interface VersionDiff {
  messages: MessageDiff[];
  fields: FieldChange[];
  variablesAdded: string[];
  variablesRemoved: string[];
  identical: boolean;
}

/** The text a user reads in a message's content (string, or the text parts of a parts list). */
export function messageText(content: unknown): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) =>
        p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string'
          ? (p as { text: string }).text
          : JSON.stringify(p),
      )
      .join('\n');
  }
  return JSON.stringify(content, null, 2);
}

/** A run of unchanged lines folded away in a long diff (only its first and last lines shown). */
export interface FoldedPart {
  kind: 'folded';
  lines: number;
}

/**
 * Folds unchanged runs longer than 2 × context + 1 lines, keeping `context` lines next to each
 * change, so a one-line edit in a long template reads as one line, not a page.
 */
export function foldUnchanged(parts: LinePart[], context = 2): (LinePart | FoldedPart)[] {
  const out: (LinePart | FoldedPart)[] = [];
  parts.forEach((p, i) => {
    if (p.kind !== 'same') return out.push(p);
    const lines = p.text.split(/(?<=\n)/);
    const keepHead = i === 0 ? 0 : context;
    const keepTail = i === parts.length - 1 ? 0 : context;
    if (lines.length <= keepHead + keepTail + 1) return out.push(p);
    if (keepHead) out.push({ kind: 'same', text: lines.slice(0, keepHead).join('') });
    out.push({ kind: 'folded', lines: lines.length - keepHead - keepTail });
    if (keepTail) out.push({ kind: 'same', text: lines.slice(lines.length - keepTail).join('') });
  });
  return out;
}

export function lineDiff(a: string, b: string): LinePart[] {
  return diffLines(a, b).map((c) => ({
    kind: c.added ? 'added' : c.removed ? 'removed' : 'same',
    text: c.value,
  }));
}

function blocks(v: Comparable): { role: string; text: string }[] {
  if (v.template_type === 'completion') {
    return [{ role: 'completion', text: (v.content ?? []).map(messageText).join('\n') }];
  }
  return v.messages.map((m) => ({ role: m.role, text: messageText(m.content) }));
}

const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);

/** Leaf-level differences between two JSON values, keyed by path ("params.temperature", "tools[0].name"). */
export function structuredDiff(a: unknown, b: unknown, path = ''): FieldChange[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => structuredDiff(a[k], b[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    const out: FieldChange[] = [];
    for (let i = 0; i < n; i++) out.push(...structuredDiff(a[i], b[i], `${path}[${i}]`));
    return out;
  }
  const absent = (x: unknown) => x === undefined || x === null;
  if (absent(a)) return [{ path, kind: 'added', after: b }];
  if (absent(b)) return [{ path, kind: 'removed', before: a }];
  return [{ path, kind: 'changed', before: a, after: b }];
}

const SETTINGS = [
  'template_format',
  'model',
  'provider',
  'params',
  'tools',
  'tool_choice',
  'functions',
  'function_call',
  'response_format',
  'json_schema',
  'fallback_models',
  'load_balance_models',
  'variable_defaults',
] as const;

export function compareVersions(a: Comparable, b: Comparable): VersionDiff {
  const ba = blocks(a);
  const bb = blocks(b);
  const messages: MessageDiff[] = [];
  for (let i = 0; i < Math.max(ba.length, bb.length); i++) {
    const x = ba[i];
    const y = bb[i];
    const role = x && y && x.role !== y.role ? `${x.role} → ${y.role}` : (x ?? y)!.role;
    const parts = lineDiff(x?.text ?? '', y?.text ?? '');
    messages.push({
      title: `${i + 1} · ${role}${!x ? ' (added)' : !y ? ' (removed)' : ''}`,
      parts,
      changed: !x || !y || x.role !== y.role || parts.some((p) => p.kind !== 'same'),
    });
  }
  const fields = SETTINGS.flatMap((k) => {
    const va = (a as unknown as Record<string, unknown>)[k];
    const vb = (b as unknown as Record<string, unknown>)[k];
    // An empty object and an absent one read the same to a user.
    const norm = (v: unknown) => (isObj(v) && Object.keys(v).length === 0 ? undefined : v);
    return structuredDiff(norm(va), norm(vb), k);
  });
  const va = new Set(a.input_variables);
  const vb = new Set(b.input_variables);
  const variablesAdded = [...vb].filter((v) => !va.has(v)).sort();
  const variablesRemoved = [...va].filter((v) => !vb.has(v)).sort();
  return {
    messages,
    fields,
    variablesAdded,
    variablesRemoved,
    identical:
      messages.every((m) => !m.changed) &&
      fields.length === 0 &&
      !variablesAdded.length &&
      !variablesRemoved.length,
  };
}
