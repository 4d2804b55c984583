// Reads the VCR cassettes in test/fixtures/promptlayer (PromptLayer's Python SDK against its real
// server). Only the subset those files use: single-quoted (folded) scalars for bodies.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Interaction {
  method: string;
  uri: string;
  body: unknown;
  status: number;
  response: unknown;
}

const dir = fileURLToPath(new URL('../../../../test/fixtures/promptlayer/', import.meta.url));

/** YAML single-quoted flow scalar: line breaks fold to spaces, an empty line is a newline. */
function unquote(raw: string): string {
  const lines = raw.replace(/''/g, "'").split('\n');
  let out = lines[0]!;
  let pendingBreaks = 0;
  for (const line of lines.slice(1)) {
    const t = line.trim();
    if (t === '') {
      pendingBreaks++;
      continue;
    }
    out += pendingBreaks ? '\n'.repeat(pendingBreaks) : ' ';
    pendingBreaks = 0;
    out += t;
  }
  return out.trimEnd();
}

function quotedAfter(text: string, key: string, from: number): { value: string; end: number } | null {
  const at = text.indexOf(`${key} '`, from);
  if (at < 0) return null;
  let i = at + key.length + 2;
  let raw = '';
  for (;;) {
    const q = text.indexOf("'", i);
    if (text[q + 1] === "'") {
      raw += text.slice(i, q + 2);
      i = q + 2;
      continue;
    }
    raw += text.slice(i, q);
    return { value: unquote(raw), end: q + 1 };
  }
}

export function readCassette(file: string): Interaction[] {
  const text = readFileSync(dir + file, 'utf8');
  const out: Interaction[] = [];
  for (const chunk of text.split(/^- request:$/m).slice(1)) {
    const req = chunk.split(/^ {2}response:$/m)[0]!;
    const res = chunk.slice(req.length);
    const body = /^ {4}body: null$/m.test(req) ? null : JSON.parse(quotedAfter(req, 'body:', 0)!.value);
    out.push({
      method: /^ {4}method: (\w+)$/m.exec(req)![1]!,
      uri: /^ {4}uri: (\S+)$/m.exec(req)![1]!,
      body,
      status: Number(/^ {6}code: (\d+)$/m.exec(res)![1]),
      response: JSON.parse(quotedAfter(res, 'string:', 0)!.value),
    });
  }
  return out;
}

/** The shape of a JSON value: keys and value kinds, recursively (arrays by their first element). */
export function shapeOf(v: unknown): unknown {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length ? [shapeOf(v[0])] : [];
  if (typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, shapeOf(x)]),
    );
  }
  return typeof v;
}

/**
 * Every key of the recorded value is present in ours with the same kind of value (null matches
 * anything nullable; our extra keys are allowed). Returns the paths that differ.
 */
export function shapeGaps(ours: unknown, recorded: unknown, path = '$'): string[] {
  if (recorded === null || ours === null) return [];
  if (Array.isArray(recorded)) {
    if (!Array.isArray(ours)) return [`${path}: expected array`];
    return recorded.length && ours.length ? shapeGaps(ours[0], recorded[0], `${path}[0]`) : [];
  }
  if (typeof recorded === 'object') {
    if (typeof ours !== 'object' || Array.isArray(ours)) return [`${path}: expected object`];
    return Object.entries(recorded as Record<string, unknown>).flatMap(([k, v]) =>
      k in (ours as object)
        ? shapeGaps((ours as Record<string, unknown>)[k], v, `${path}.${k}`)
        : [`${path}.${k}: missing`],
    );
  }
  return typeof ours === typeof recorded ? [] : [`${path}: ${typeof ours} instead of ${typeof recorded}`];
}
