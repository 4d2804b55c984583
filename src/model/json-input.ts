// What a JSON value sent by a client must satisfy before anything stores it, checked in one walk
// of the parsed body: every string and key can be stored as sent (PostgreSQL text holds no NUL,
// and UTF-8 no lone surrogate — the driver would silently write U+FFFD), every number is finite
// (`1e309` parses to Infinity, which JSON cannot give back), and nesting stays within the limit.
import { isIndexKey } from './json-order.ts';

export type JsonInputFault = 'too_deep' | 'nul_character' | 'lone_surrogate' | 'non_finite_number';

export interface JsonInputProblem {
  fault: JsonInputFault;
  /** JSON Pointer (RFC 6901) to the offending value or key; '' is the whole body. */
  path: string;
  /** The offending text is an object key rather than a value. */
  inKey: boolean;
}

const pointer = (segs: (string | number)[]) =>
  segs.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

// ES2024's String.prototype.isWellFormed (Node 20 has it; the project's `lib` predates it).
const wellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

function stringFault(s: string): JsonInputFault | null {
  if (s.includes('\u0000')) return 'nul_character';
  if (!wellFormed(s)) return 'lone_surrogate';
  return null;
}

/**
 * The first problem found (depth first, in key order), or null. `seen.indexKey` is set when some
 * object has an integer-like key (its order needs json-order.ts), saving the caller a second walk.
 */
export function checkJsonInput(
  value: unknown,
  maxDepth: number,
  seen: { indexKey: boolean } = { indexKey: false },
): JsonInputProblem | null {
  const path: (string | number)[] = [];
  const visit = (v: unknown, depth: number): JsonInputProblem | null => {
    if (typeof v === 'string') {
      const fault = stringFault(v);
      return fault ? { fault, path: pointer(path), inKey: false } : null;
    }
    if (typeof v === 'number') {
      return Number.isFinite(v) ? null : { fault: 'non_finite_number', path: pointer(path), inKey: false };
    }
    if (v === null || typeof v !== 'object') return null;
    if (depth >= maxDepth) return { fault: 'too_deep', path: pointer(path), inKey: false };
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        const p = visit(v[i], depth + 1);
        path.pop();
        if (p) return p;
      }
      return null;
    }
    for (const k of Object.keys(v)) {
      if (!seen.indexKey && isIndexKey(k)) seen.indexKey = true;
      path.push(k);
      const kf = stringFault(k);
      const p = kf
        ? { fault: kf, path: pointer(path), inKey: true }
        : visit((v as Record<string, unknown>)[k], depth + 1);
      path.pop();
      if (p) return p;
    }
    return null;
  };
  return visit(value, 0);
}

const WHAT: Record<JsonInputFault, string> = {
  too_deep: 'is nested deeper than the limit',
  nul_character: 'contains a NUL character (\\u0000), which cannot be stored',
  lone_surrogate: 'contains a lone UTF-16 surrogate (an unpaired \\uD800-\\uDFFF escape), which is not text',
  non_finite_number: 'is a number too large to represent (JSON numbers must be finite)',
};

/** A sentence naming the field: `body field /version/params/t is a number too large …`. */
export function describeJsonInputProblem(p: JsonInputProblem, maxDepth: number): string {
  if (p.fault === 'too_deep') return `JSON nesting deeper than ${maxDepth} levels (at ${p.path || '/'})`;
  const where = p.path ? `body field ${p.path}` : 'the body';
  return `${p.inKey ? `the key of ${where}` : where} ${WHAT[p.fault]}`;
}
