// A version's content hash: the identity `lectern push` compares to decide whether a file is new
// content. Server (native version answers, `content_hash`) and CLI (prompt files) compute it with
// this one function, so "unchanged" means the same thing on both sides. It covers what the version
// does when run — labels, tags, commit message and the derived input_variables are excluded (the
// first three are not content; the last is recomputed from the templates on every write).
import { createHash } from 'node:crypto';
import type { VersionContent } from './types.ts';
import { snakeOfContent } from './version-snake.ts';

/** Bumped if the hashed fields or the canonical form ever change: old hashes then never match. */
export const CONTENT_HASH_VERSION = 'lectern-content-v1';

type Hashed = Omit<VersionContent, 'inputVariables' | 'commitMessage'>;

/** JSON with object keys sorted at every depth, so key order never changes the hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** `sha256:<hex>` of the canonical JSON of a version's runnable content. */
export function contentHash(c: Hashed): string {
  // The snake_case form minus what is not content; a completion's stray chat messages never count.
  const {
    input_variables: _derived,
    commit_message: _message,
    ...runnable
  } = snakeOfContent({
    ...c,
    inputVariables: [],
    commitMessage: null,
  });
  const doc = {
    v: CONTENT_HASH_VERSION,
    ...runnable,
    messages: c.templateType === 'chat' ? runnable.messages : [],
  };
  return `sha256:${createHash('sha256').update(canonicalJson(doc)).digest('hex')}`;
}
