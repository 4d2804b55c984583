// The version editor's JSON fields (tools, tool_choice, response_format): parsed and checked before
// save, with the first error at its line and column. Positions come from the Lezer JSON grammar
// (the one CodeMirror highlights with), not from JSON.parse's message, whose wording differs
// between browsers; JSON.parse still has the last word on validity.
import { parser } from '@lezer/json';

export interface JsonIssue {
  message: string;
  line: number;
  column: number;
}

export type JsonFieldKind = 'array' | 'object' | 'any';

export type JsonField = { ok: true; value: unknown } | { ok: false; issue: JsonIssue };

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

function firstSyntaxError(text: string): number | null {
  let at: number | null = null;
  parser.parse(text).iterate({
    enter: (n) => {
      if (at !== null) return false;
      if (n.type.isError) at = n.from;
      return undefined;
    },
  });
  return at;
}

const KIND_NAMES = { array: 'a JSON array', object: 'a JSON object', any: 'JSON' } as const;

/**
 * An empty field is null (the version has none). Otherwise the text must be JSON of the kind the
 * field holds; the issue says where it goes wrong.
 */
export function parseJsonField(text: string, kind: JsonFieldKind, what: string): JsonField {
  if (!text.trim()) return { ok: true, value: null };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const found = firstSyntaxError(text);
    if (found === null) {
      // The grammar took it but JSON.parse did not (e.g. a raw control character in a string).
      return {
        ok: false,
        issue: { message: `${what} is not valid JSON: ${(e as Error).message}`, line: 1, column: 1 },
      };
    }
    const near = text.slice(found, found + 12).split('\n')[0];
    const message = near
      ? `${what} is not valid JSON near “${near}”`
      : `${what} is not valid JSON (it ends too soon)`;
    return { ok: false, issue: { message, ...lineColumn(text, found) } };
  }
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if ((kind === 'array' && !Array.isArray(value)) || (kind === 'object' && !isObject)) {
    const start = text.length - text.trimStart().length;
    return {
      ok: false,
      issue: { message: `${what} must be ${KIND_NAMES[kind]}`, ...lineColumn(text, start) },
    };
  }
  return { ok: true, value };
}

/** The editor text for a stored value (empty for none). */
export const jsonText = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v, null, 2));
